"""The harness's pure parts: summaries, ratios, targets and tables."""

from __future__ import annotations

import pytest

from bench.names import OFFICIAL, OURS, OURS_NO_CACHE, RAW
from bench.stats import (
    RESULT_HEADER,
    Run,
    Summary,
    Target,
    evaluate,
    markdown_table,
    paired_ratios,
    ratio,
    results_rows,
    targets_rows,
)

MB = 2**20


def runs(*seconds: float, growth: int = 0, pages: int = 0) -> tuple[Run, ...]:
    return tuple(
        Run(seconds=s, cpu=s / 2, peak_rss=50 * MB, rss_growth=growth, extra={"pages": pages})
        for s in seconds
    )


def test_summary_uses_the_median_and_the_worst_growth() -> None:
    s = Summary(OURS, runs(3.0, 1.0, 2.0, 10.0, 2.5))
    assert s.median == 2.5
    assert (s.low, s.high) == (1.0, 10.0)
    assert s.cpu == 1.25
    grown = Summary(OURS, (*runs(1.0, growth=MB), *runs(1.0, growth=3 * MB)))
    assert grown.rss_growth == 3 * MB


def test_ratio_is_of_medians_and_needs_both_sides() -> None:
    raw = Summary(RAW, runs(1.0, 2.0, 3.0))
    ours = Summary(OURS, runs(2.2, 2.4, 9.0))
    assert ratio(ours, raw) == pytest.approx(1.2)
    assert ratio(ours, None) is None
    assert ratio(ours, Summary(RAW, (), "FAILED: boom")) is None
    assert ratio(Summary(OURS, (), "n/a"), raw) is None


def test_paired_ratios_follow_the_rounds() -> None:
    raw = Summary(RAW, runs(1.0, 2.0))
    ours = Summary(OURS, runs(1.5, 2.0, 7.0))  # a third round without a partner is left out
    assert paired_ratios(ours, raw) == [1.5, 1.0]


def results_for(**by_scenario: dict[str, Summary]) -> dict[str, dict[str, Summary]]:
    return dict(by_scenario)


def test_ratio_targets_pass_and_fail() -> None:
    target = Target("sync GET <= 1.15x", "get_sync", "ratio", 1.15)
    ok = results_for(
        get_sync={RAW: Summary(RAW, runs(1.0)), OURS: Summary(OURS, runs(1.1))},
    )
    bad = results_for(
        get_sync={RAW: Summary(RAW, runs(1.0)), OURS: Summary(OURS, runs(1.3))},
    )
    assert evaluate(target, ok).passed is True
    verdict = evaluate(target, bad)
    assert verdict.passed is False
    assert verdict.measured == "1.30x"
    assert evaluate(target, {}).passed is None


def test_unavailable_client_is_not_a_failure() -> None:
    target = Target("upload", "upload", "growth", 20 * MB)
    results = results_for(upload={OURS: Summary(OURS, (), "n/a (not available)")})
    verdict = evaluate(target, results)
    assert verdict.passed is None
    assert verdict.measured == "n/a (not available)"


def test_speedup_growth_and_page_targets() -> None:
    speed = Target("304", "reget", "speedup", 2, other=OURS_NO_CACHE)
    results = results_for(
        reget={OURS: Summary(OURS, runs(1.0)), OURS_NO_CACHE: Summary(OURS, runs(2.5))},
        upload={OURS: Summary(OURS, runs(1.0, growth=25 * MB))},
        list_collect={OURS: Summary(OURS, runs(1.0, growth=100 * MB, pages=100))},
        list_iterate={OURS: Summary(OURS, runs(1.0, growth=2 * MB))},
    )
    assert evaluate(speed, results).passed is True
    assert evaluate(speed, results).measured == "2.5x faster"
    assert evaluate(Target("up", "upload", "growth", 20 * MB), results).passed is False
    pages = Target("iter", "list_iterate", "pages", 3, other="list_collect")
    verdict = evaluate(pages, results)
    assert verdict.passed is True
    assert "2.0 pages of 1.0 MB" in verdict.measured
    too_much = dict(results, list_iterate={OURS: Summary(OURS, runs(1.0, growth=40 * MB))})
    assert evaluate(pages, too_much).passed is False
    no_collect = {"list_iterate": results["list_iterate"]}
    assert evaluate(pages, no_collect).passed is None
    with pytest.raises(ValueError, match="unknown target kind"):
        evaluate(Target("?", "reget", "median", 1), results)


def test_figure_targets_read_what_the_runs_report() -> None:
    target = Target("checks", "args", "figure", 300, other="ns_per_argument", unit="ns")

    def reported(*figures: float) -> dict[str, dict[str, Summary]]:
        found = tuple(
            Run(seconds=1.0, cpu=1.0, peak_rss=MB, rss_growth=0, extra={"ns_per_argument": f})
            for f in figures
        )
        return {"args": {OURS: Summary(OURS, found)}}

    verdict = evaluate(target, reported(120.0, 150.5, 900.0))
    assert verdict.passed is True
    assert verdict.measured == "150.5 ns"
    assert evaluate(target, reported(310.0, 400.0)).passed is False
    assert evaluate(target, results_for(args={OURS: Summary(OURS, runs(1.0))})).passed is None


def test_markdown_table_aligns_columns() -> None:
    text = markdown_table(("a", "long header"), [["wide cell", "x"], ["", "y"]])
    lines = text.splitlines()
    assert lines[0] == "| a         | long header |"
    assert lines[1] == "| --------- | ----------- |"
    assert lines[2] == "| wide cell | x           |"
    assert len({len(line) for line in lines}) == 1


def test_results_and_targets_rows() -> None:
    results = results_for(
        get_sync={
            RAW: Summary(RAW, runs(0.5, 0.6)),
            OURS: Summary(OURS, runs(0.6, 0.66)),
            OFFICIAL: Summary(OFFICIAL, (), "FAILED: boom"),
        }
    )
    rows = results_rows({"get_sync": "GETs"}, results)
    assert [r[1] for r in rows] == [RAW, OURS, OFFICIAL]
    assert all(len(r) == len(RESULT_HEADER) for r in rows)
    assert rows[0][4] == "1.00x"
    assert rows[1][4] == "1.15x (1.10-1.20)"
    assert rows[1][2] == "630.0 ms"
    assert rows[2][2] == "FAILED: boom"
    targets = [
        Target("GET", "get_sync", "ratio", 1.15),
        Target("304", "reget", "speedup", 2, applies_to_official=False),
    ]
    table = targets_rows(targets, results)
    assert table[0] == ["GET", "1.15x", "PASS", "1.15x", "n/a"]
    assert table[1][2:] == ["n/a", "", "n/a"]
    assert rows[1][5] == "315.0 ms (1.15x)"


def test_py_spy_stacks_fold_into_self_and_inclusive_time() -> None:
    from bench.profile import fold, report_folded

    own, inclusive, total = fold(
        [
            "main (a.py:1);work (a.py:5);parse (b.py:2) 30\n",
            "main (a.py:1);work (a.py:5) 10\n",
            "main (a.py:1);recurse (c.py:1);recurse (c.py:1) 60\n",
            "garbage line\n",
        ]
    )
    assert total == 100
    assert own["parse (b.py:2)"] == 30
    assert own["work (a.py:5)"] == 10
    assert inclusive["main (a.py:1)"] == 100
    assert inclusive["recurse (c.py:1)"] == 60  # counted once per stack
    text = report_folded(own, inclusive, total, top=2)
    assert "60.0%   recurse (c.py:1)" in text
    assert text.startswith("100 samples")
