"""Pure functions: summaries of repetitions, ratios, targets and the results table.

Nothing here measures or starts anything, so all of it is unit-tested
(``tests/bench/``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .names import OFFICIAL, OURS, RAW


@dataclass(frozen=True)
class Run:
    """One repetition of one scenario for one client, as the worker reported it."""

    seconds: float
    cpu: float  # client process CPU (user + system) during the measured section
    peak_rss: int  # bytes: highest resident set size during the measured section
    rss_growth: int  # bytes: that peak minus the resident size when the section began
    server_cpu: float = 0.0  # the fake's CPU during the whole child run
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """Repetitions of one (scenario, client) pair."""

    client: str
    runs: tuple[Run, ...] = ()
    unavailable: str | None = None  # why this client cannot run the scenario

    @property
    def available(self) -> bool:
        return self.unavailable is None and bool(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def low(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def high(self) -> float:
        return max(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def server_cpu(self) -> float:
        return statistics.median(r.server_cpu for r in self.runs)

    @property
    def peak_rss(self) -> int:
        return max(r.peak_rss for r in self.runs)

    @property
    def rss_growth(self) -> int:
        """The worst repetition: memory bounds must hold every time, not on average."""
        return max(r.rss_growth for r in self.runs)


def ratio(value: Summary, baseline: Summary | None) -> float | None:
    """``value``'s median over ``baseline``'s: the figure that is comparable between runs."""
    if baseline is None or not value.available or not baseline.available:
        return None
    if baseline.median <= 0:
        return None
    return value.median / baseline.median


def cpu_ratio(value: Summary, baseline: Summary | None) -> float | None:
    """The same for client CPU time: steadier than wall time on a busy machine, but blind
    to waiting (and to the fake's share, which dilutes wall-time ratios toward 1)."""
    if baseline is None or not value.available or not baseline.available:
        return None
    if baseline.cpu <= 0:
        return None
    return value.cpu / baseline.cpu


def paired_ratios(value: Summary, baseline: Summary) -> list[float]:
    """Ratios of the repetitions that ran side by side (same round), for the spread."""
    pairs = zip(value.runs, baseline.runs, strict=False)
    return [v.seconds / b.seconds for v, b in pairs if b.seconds > 0]


@dataclass(frozen=True)
class Target:
    """One line of the targets table: a check over one scenario's summaries.

    ``kind``:
      ``ratio``   OURS's median over raw httpx's must be at most ``limit``.
      ``speedup`` ``other``'s median over OURS's must be at least ``limit``.
      ``growth``  OURS's worst RSS growth must be below ``limit`` bytes.
      ``pages``   OURS's worst RSS growth must be at most ``limit`` pages, where a page's
                  memory is measured by scenario ``other`` (RSS growth over the number
                  of pages it reports: fetching one page shows what a page costs in
                  flight, with its response and parsed JSON, not only its models).
      ``figure``  the median of the figure ``other`` that OURS's runs report (their
                  ``extra``) must be at most ``limit``; ``unit`` labels it.
    """

    name: str
    scenario: str
    kind: str
    limit: float
    other: str | None = None
    #: ``False`` where the check means nothing for the official SDK (it has no cache).
    applies_to_official: bool = True
    unit: str = ""


@dataclass(frozen=True)
class Verdict:
    target: Target
    measured: str
    passed: bool | None  # None: could not be measured


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def evaluate(
    target: Target, results: Mapping[str, Mapping[str, Summary]], client: str = OURS
) -> Verdict:
    """Check ``target`` for ``client`` against ``results`` (scenario → client → summary)."""
    scenario = results.get(target.scenario, {})
    ours = scenario.get(client)
    if ours is None or not ours.available:
        why = ours.unavailable if ours is not None and ours.unavailable else "not run"
        return Verdict(target, why, None)
    if target.kind == "ratio":
        value = ratio(ours, scenario.get(RAW))
        if value is None:
            return Verdict(target, "no raw httpx baseline", None)
        return Verdict(target, f"{value:.2f}x", value <= target.limit)
    if target.kind == "speedup":
        other = scenario.get(target.other or "")
        if other is None or not other.available or ours.median <= 0:
            return Verdict(target, "no comparison run", None)
        value = other.median / ours.median
        return Verdict(target, f"{value:.1f}x faster", value >= target.limit)
    if target.kind == "growth":
        growth = ours.rss_growth
        return Verdict(target, _mb(growth), growth < target.limit)
    if target.kind == "pages":
        collected = results.get(target.other or "", {}).get(client)
        if collected is None or not collected.available:
            return Verdict(target, f"{_mb(ours.rss_growth)} (no run to size a page)", None)
        pages = max(int(r.extra.get("pages", 0)) for r in collected.runs)
        if pages <= 0:
            return Verdict(target, "page count unknown", None)
        page = max(collected.rss_growth / pages, 1)
        in_pages = ours.rss_growth / page
        return Verdict(
            target,
            f"{_mb(ours.rss_growth)} = {in_pages:.1f} pages of {_mb(page)}",
            in_pages <= target.limit,
        )
    if target.kind == "figure":
        figures = [r.extra[target.other] for r in ours.runs if target.other in r.extra]
        if not figures:
            return Verdict(target, f"no {target.other} reported", None)
        value = statistics.median(figures)
        return Verdict(target, f"{value:g} {target.unit}".strip(), value <= target.limit)
    raise ValueError(f"unknown target kind {target.kind!r}")


# ----------------------------------------------------------------------------- tables


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(r) for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), "| " + " | ".join("-" * w for w in widths) + " |"]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def results_rows(
    titles: Mapping[str, str], results: Mapping[str, Mapping[str, Summary]]
) -> list[list[str]]:
    """One row per (scenario, client), in the order given."""
    rows = []
    for name, title in titles.items():
        by_client = results.get(name)
        if not by_client:
            continue
        raw = by_client.get(RAW)
        for client, summary in by_client.items():
            if not summary.available:
                why = summary.unavailable or "no runs"
                rows.append([title, client, why, "", "", "", "", "", ""])
                continue
            r = ratio(summary, raw)
            spread = paired_ratios(summary, raw) if raw is not None and raw.available else []
            ratio_text = "1.00x" if client == RAW else (f"{r:.2f}x" if r is not None else "")
            if spread and client != RAW:
                ratio_text += f" ({min(spread):.2f}-{max(spread):.2f})"
            c = cpu_ratio(summary, raw)
            cpu_text = _seconds(summary.cpu)
            if c is not None and client != RAW:
                cpu_text += f" ({c:.2f}x)"
            server_share = summary.server_cpu / summary.median if summary.median > 0 else 0.0
            rows.append(
                [
                    title,
                    client,
                    _seconds(summary.median),
                    f"{_seconds(summary.low)} - {_seconds(summary.high)}",
                    ratio_text,
                    cpu_text,
                    f"{server_share:.0%}",
                    _mb(summary.peak_rss),
                    _mb(summary.rss_growth),
                ]
            )
    return rows


RESULT_HEADER = (
    "scenario",
    "client",
    "median",
    "min - max",
    "x raw httpx (per-round range)",
    "client CPU (x raw)",
    "fake busy",
    "peak RSS",
    "RSS growth",
)


def _state(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def targets_rows(
    targets: Iterable[Target], results: Mapping[str, Mapping[str, Summary]]
) -> list[list[str]]:
    """Our verdict on each target, and the official SDK's figure for the same check."""
    rows = []
    for target in targets:
        ours = evaluate(target, results)
        theirs = "n/a"
        if target.applies_to_official:
            official = evaluate(target, results, OFFICIAL)
            theirs = official.measured if official.passed is not None else "n/a"
        cpu = ""
        if target.kind == "ratio":
            scenario = results.get(target.scenario, {})
            c = cpu_ratio(scenario.get(OURS, Summary(OURS)), scenario.get(RAW))
            cpu = f"{c:.2f}x" if c is not None else ""
        rows.append([target.name, ours.measured, _state(ours.passed), cpu, theirs])
    return rows


TARGET_HEADER = ("target", "measured", "result", "client CPU ratio", "official SDK (same run)")
