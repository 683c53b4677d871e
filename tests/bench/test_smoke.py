"""The harness end to end, small: every scenario once against a fake served in-process.

Keeps the benchmark code from rotting; it measures nothing (no timing is asserted).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._bench import add_bench_data
from bench import fake as fakeproc
from bench.meter import Meter
from bench.names import OURS, OURS_NO_CACHE, RAW
from bench.runner import scenario_context, wire_user_agent
from bench.scenarios import SCENARIOS, NotAvailable
from bench.worker import run

UA = "Bench tests (tests@example.com)"
TODOS = 60
FILE_BYTES = 300_000


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fake = FakeBasecamp()
    add_bench_data(fake, todos=TODOS, file_bytes=FILE_BYTES)
    work = tmp_path_factory.mktemp("bench")
    upload = work / "upload.bin"
    upload.write_bytes(b"u" * FILE_BYTES)
    wire = wire_user_agent(UA)
    headers = {"User-Agent": wire, "Authorization": "Bearer t", "Accept": "application/json"}
    with fake.serve(server="stdlib") as server, httpx.Client(headers=headers) as client:
        found = fakeproc.discover(client, server.base_url, fake.account_id)
        yield {
            "base_url": server.base_url,
            "account_id": fake.account_id,
            "token": "t",
            "user_agent": UA,
            "wire_user_agent": wire,
            "todos": TODOS,
            "upload_path": str(upload),
            "download_path": str(work / "download.bin"),
            **found,
        }


def test_discovery_finds_the_fixtures(ctx: dict[str, Any]) -> None:
    assert ctx["file_bytes"] == FILE_BYTES
    assert ctx["download_url"].startswith(ctx["base_url"])
    assert 1200 < ctx["project_bytes"] < 1800  # "a ~1.5 KB project"


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "import"])
def test_every_scenario_runs_for_raw_httpx_and_ours(name: str, ctx: dict[str, Any]) -> None:
    scenario = SCENARIOS[name]
    small = scenario_context(name, ctx, scale=0.005)
    small["concurrency"] = 5
    for client in (RAW, OURS, OURS_NO_CACHE):
        fn = scenario.clients.get(client)
        if fn is None:
            continue
        meter = Meter()
        try:
            fn(small, meter)
        except NotAvailable:
            # Only the file API may be missing (it is being built); never the rest.
            assert client == OURS
            assert name in ("upload", "download")
            continue
        assert meter.stopped
        assert meter.seconds > 0
        assert meter.peak_rss > 0
    assert not Path(small["download_path"]).exists()  # downloads clean up after themselves


def test_the_worker_reports_one_json_line(ctx: dict[str, Any]) -> None:
    report = run("get_sync", RAW, {**ctx, "n": 3})
    assert set(report) == {"seconds", "cpu", "peak_rss", "rss_growth", "extra"}
    cold = run("import", OURS, ctx)
    assert cold["seconds"] > 0


def test_cpu_seconds_of_this_process() -> None:
    import os

    assert fakeproc.cpu_seconds(os.getpid()) > 0
    assert fakeproc.cpu_seconds(2**22 + 12345) == 0.0  # no such process


def test_parse_args_rejects_unknown_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.runner import parse_args

    assert parse_args(["--scenarios", "get_sync, reget"]).names == ["get_sync", "reget"]
    assert parse_args([]).names == list(SCENARIOS)
    with pytest.raises(SystemExit):
        parse_args(["--scenarios", "get_sync,nope"])
    assert "unknown scenario(s) nope" in capsys.readouterr().err
