"""examples/sync_script.py: the due-date report with the sync client."""

from __future__ import annotations

import pytest

from basecamp_client.testing import FakeServer

from .conftest import clean_env, load_example, real_account_env, run_example

sync_script = load_example("sync_script")

# The sample data's to-dos with a due date (seed 0), earliest first.
DUE = [
    "2026-02-02  Design the empty-cart state",
    "2026-02-15  Test the till with three fake sales",
    "2026-02-22  Draft the opening-day playlist",
]


@pytest.mark.slow  # a subprocess
def test_runs_against_a_fake_server_from_the_environment(served: FakeServer) -> None:
    result = run_example("sync_script", "--today", "2026-02-10", env=real_account_env(served))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "3 open to-dos with a due date"
    assert [line[: len(d)] for line, d in zip(lines[1:], DUE, strict=True)] == DUE
    assert lines[1].endswith("Tobias Wren  OVERDUE")
    assert "OVERDUE" not in lines[2]
    assert all(r.method == "GET" for r in served.fake.requests)


def test_within_limits_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert sync_script.main(["--fake", "--today", "2026-02-10", "--within", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 open to-dos due by 2026-02-15"
    assert len(lines) == 3


@pytest.mark.slow  # a subprocess
def test_missing_settings_are_one_line() -> None:
    result = run_example("sync_script", env=clean_env(BASECAMP_TOKEN="a-token-of-some-length"))
    assert result.returncode == 2
    assert result.stderr.startswith("sync_script: BASECAMP_USER_AGENT is not set")
    assert "Traceback" not in result.stderr
