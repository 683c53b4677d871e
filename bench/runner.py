"""``python -m bench``: run the scenarios, print the tables, write ``bench/results/``.

Every repetition of every (scenario, client) pair is a fresh worker process; within a
scenario the clients take turns (raw, ours, official, raw, ours, official, …) so that
a noisy neighbour hurts them alike. Ratios to raw httpx in the same run are the figures
to compare between runs; absolute times are not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from . import fake as fakeproc
from .names import OURS_LOCAL, OURS_NO_CACHE, OURS_SHARED, RAW
from .scenarios import SCENARIOS
from .stats import (
    RESULT_HEADER,
    TARGET_HEADER,
    Run,
    Summary,
    Target,
    markdown_table,
    results_rows,
    targets_rows,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
USER_AGENT = "basecamp-client benchmarks (bench@example.com)"
TOKEN = "bench-token"
MB = 2**20

TARGETS = (
    Target("import + construct ≤ 1.3x", "import", "ratio", 1.3),
    Target("sync GET ≤ 1.15x", "get_sync", "ratio", 1.15),
    Target("async GET, 50 in flight ≤ 1.05x", "get_async", "ratio", 1.05),
    Target("list 10k, sync, collected ≤ 1.25x", "list_sync_collect", "ratio", 1.25),
    Target("list 10k, sync, iterated ≤ 1.25x", "list_sync_iterate", "ratio", 1.25),
    Target("list 10k, async, collected ≤ 1.15x", "list_async_collect", "ratio", 1.15),
    Target("list 10k, async, iterated ≤ 1.15x", "list_async_iterate", "ratio", 1.15),
    Target(
        "list 10k, sync, iterated: RSS growth ≤ 3 pages",
        "list_sync_iterate",
        "pages",
        3,
        other="list_page_sync",
    ),
    Target(
        "list 10k, async, iterated: RSS growth ≤ 3 pages",
        "list_async_iterate",
        "pages",
        3,
        other="list_page_async",
    ),
    Target("POST create ≤ 1.10x", "post", "ratio", 1.10),
    Target(
        "argument checks ≤ 300 ns per argument",
        "args",
        "figure",
        300,
        other="ns_per_argument",
        applies_to_official=False,
        unit="ns",
    ),
    Target(
        "cached re-GET (304) ≥ 2x faster than uncached 200",
        "reget",
        "speedup",
        2,
        other=OURS_NO_CACHE,
        applies_to_official=False,
    ),
    Target("200 MB download: RSS growth < 20 MB", "download", "growth", 20 * MB),
    Target("200 MB upload: RSS growth < 20 MB", "upload", "growth", 20 * MB),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--scenarios",
        default="",
        help=f"comma-separated subset of: {', '.join(SCENARIOS)} (default: all)",
    )
    p.add_argument("--reps", type=int, default=5, help="repetitions per client (default 5)")
    p.add_argument("--todos", type=int, default=10_000, help="items in the long list")
    p.add_argument("--file-mb", type=int, default=200, help="size of the transferred file")
    p.add_argument("--requests", type=float, default=1.0, help="scale request counts by this")
    p.add_argument(
        "--no-capacity", action="store_true", help="skip the check that the fake keeps up"
    )
    p.add_argument("--out", type=Path, default=RESULTS, help="where latest.md/latest.json go")
    args = p.parse_args(argv)
    names = [s.strip() for s in args.scenarios.replace(" ", ",").split(",") if s.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        p.error(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    if args.reps < 1:
        p.error("--reps must be at least 1")
    args.names = names or list(SCENARIOS)
    return args


def wire_user_agent(user_agent: str) -> str:
    """The User-Agent our client sends, so that raw httpx and the official SDK send it too."""
    from basecamp_client import Config

    return Config(user_agent=user_agent).full_user_agent


def run_worker(
    fake: fakeproc.FakeProcess, scenario: str, client: str, ctx: dict[str, Any]
) -> Run | str:
    """One fresh process; a :class:`Run`, or the reason it could not run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    fakeproc.wait_idle(fake)
    server_before = fake.cpu()
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", scenario, client, json.dumps(ctx)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    server_cpu = fake.cpu() - server_before
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        print(f"    {scenario} / {client} FAILED: {tail}", file=sys.stderr)
        return f"FAILED: {tail}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if "unavailable" in report:
        return str(report["unavailable"])
    return Run(
        seconds=report["seconds"],
        cpu=report["cpu"],
        peak_rss=report["peak_rss"],
        rss_growth=report["rss_growth"],
        server_cpu=server_cpu,
        extra=report.get("extra", {}),
    )


def capacity(fake: fakeproc.FakeProcess, ctx: dict[str, Any], procs: int) -> dict[str, Any]:
    """``procs`` raw httpx workers at once, each 2,000 GETs with 50 in flight."""
    fakeproc.wait_idle(fake)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    ctx = {**ctx, "n": 2000, "concurrency": 50}
    command = [sys.executable, "-m", "bench.worker", "get_async", RAW, json.dumps(ctx)]
    server_before = fake.cpu()
    started = time.perf_counter()
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(procs)
    ]
    reports = [json.loads(w.communicate(timeout=600)[0].strip().splitlines()[-1]) for w in workers]
    wall = time.perf_counter() - started
    server_cpu = fake.cpu() - server_before
    seconds = [r["seconds"] for r in reports]
    return {
        "processes": procs,
        "requests_per_second": sum(ctx["n"] / s for s in seconds),
        # Of the fake's CPU, the share that the measured sections asked for: a fake that
        # cannot keep up sits near 100% of one core (its threads share one GIL).
        "fake_cpu_per_request_us": server_cpu / (ctx["n"] * procs) * 1e6,
        "client_cpu_per_request_us": sum(r["cpu"] for r in reports) / (ctx["n"] * procs) * 1e6,
        "fake_busy": server_cpu / wall,
    }


def scenario_context(name: str, base: dict[str, Any], scale: float) -> dict[str, Any]:
    scenario = SCENARIOS[name]
    ctx = dict(base)
    if name.startswith("list_"):
        ctx["n"] = base["todos"]
    elif scenario.n:
        ctx["n"] = max(1, round(scenario.n * scale))
    ctx["concurrency"] = 50
    ctx["page"] = 5  # the first 100-item page of the geared sequence 15, 30, 50, 100
    return ctx


REDIS_SCENARIOS = frozenset({"get_async_shared", "many_processes"})


def shared_limits_section(results: dict[str, dict[str, Summary]]) -> list[str]:
    """What the shared limiter costs per request, and what it buys with many processes."""
    lines: list[str] = []
    per_request = results.get("get_async_shared", {})
    local, shared = per_request.get(OURS_LOCAL), per_request.get(OURS_SHARED)
    if local is not None and shared is not None and local.available and shared.available:
        n = int(shared.runs[0].extra.get("n", 2000))
        cost = (shared.median - local.median) / n
        lines += [
            "",
            "## Shared limits (Redis)",
            "",
            f"One Redis round trip per request (the window script): "
            f"{cost * 1e6:+.0f} µs per request over the per-process window "
            f"({n:,} GETs, 50 in flight, medians {local.median * 1e3:.0f} ms vs "
            f"{shared.median * 1e3:.0f} ms).",
        ]
    many = results.get("many_processes", {})
    rows = []
    for client, summary in many.items():
        if not summary.available:
            rows.append([client, summary.unavailable or "no runs", "", "", ""])
            continue
        extras = [r.extra for r in summary.runs]
        rows.append(
            [
                client,
                ", ".join(str(e["calls_failed"]) for e in extras),
                ", ".join(str(e["answered_429"]) for e in extras),
                ", ".join(f"{e['span_s']:.1f} s" for e in extras),
                ", ".join(f"{e['x_allowed']:.2f}x" for e in extras),
            ]
        )
    if rows:
        if not lines:
            lines += ["", "## Shared limits (Redis)"]
        lines += [
            "",
            "Four worker processes of 15 concurrent GETs each, configured by environment "
            "variables (`BASECAMP_RATE_LIMIT=10/2`, plus `BASECAMP_SHARED_LIMITS` for the "
            "shared limiter), against a fake that accepts 10 requests per 2 s; the limit "
            "allows the 60 calls in 10 s. Each repetition's figures:",
            "",
            markdown_table(
                (
                    "limiter",
                    "calls failed",
                    "answered 429",
                    "first to last request",
                    "x what the limit allows",
                ),
                rows,
            ),
        ]
    return lines


def render(
    results: dict[str, dict[str, Summary]],
    titles: dict[str, str],
    meta: dict[str, Any],
    capacity_rows: list[dict[str, Any]],
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"{meta['when']} · Python {meta['python']} · {meta['machine']} · "
        f"{meta['reps']} repetitions per client, each a fresh process, clients interleaved · "
        f"basecamp-sdk {meta['official_version']} · httpx {meta['httpx_version']}",
        "",
        f"Fake Basecamp: stdlib server in its own process; project {meta['project_bytes']} "
        f"bytes; {meta['todos']:,} to-dos in pages of 15, 30, 50, then 100; "
        f"file {meta['file_bytes'] / MB:.0f} MB.",
        "",
        "## Targets",
        "",
        markdown_table(TARGET_HEADER, targets_rows(TARGETS, results)),
        "",
        "## Results",
        "",
        "Median wall time of the measured section; x raw httpx is the ratio of medians "
        "(in brackets, the range of the per-round ratios). *fake busy*: the fake's CPU "
        "time over the client's median wall time.",
        "",
        markdown_table(RESULT_HEADER, results_rows(titles, results)),
    ]
    lines += shared_limits_section(results)
    if capacity_rows:
        lines += [
            "",
            "## Is the fake the bottleneck?",
            "",
            "Raw httpx, 2,000 GETs with 50 in flight per process; one process, then three "
            "at once. *Fake's ceiling*: the requests per second its CPU time per request "
            "allows on one core (its threads share one GIL). When it is far above what the "
            "clients get, and the fake is mostly idle, the clients are the limit; more "
            "client processes only help when the machine has a core to spare for them.",
            "",
            markdown_table(
                (
                    "client processes",
                    "requests/s, all together",
                    "fake CPU / request",
                    "fake's ceiling",
                    "client CPU / request",
                    "fake busy",
                ),
                [
                    [
                        str(c["processes"]),
                        f"{c['requests_per_second']:,.0f}",
                        f"{c['fake_cpu_per_request_us']:.0f} µs",
                        f"{1e6 / max(c['fake_cpu_per_request_us'], 1):,.0f} req/s",
                        f"{c['client_cpu_per_request_us']:.0f} µs",
                        f"{c['fake_busy']:.0%} of a core",
                    ]
                    for c in capacity_rows
                ],
            ),
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from importlib.metadata import version

    args.out.mkdir(parents=True, exist_ok=True)
    names: list[str] = args.names
    wants_files = any(n in ("upload", "download") for n in names)
    file_mb = args.file_mb if wants_files else 0
    work = Path(tempfile.mkdtemp(prefix="basecamp-bench-"))
    print(f"Starting the fake ({args.todos:,} to-dos, {file_mb} MB file)…", flush=True)
    fake = fakeproc.start(todos=args.todos, file_mb=file_mb, log_path=work / "fake.log")
    failed = False
    redis = None
    try:
        if REDIS_SCENARIOS & set(names):
            from .redis_server import BINARY, SKIP_REASON, RedisServer

            if BINARY is not None:
                redis = RedisServer().start()
            else:
                print(f"{SKIP_REASON}: the shared-limits scenarios report n/a", flush=True)
        wire_ua = wire_user_agent(USER_AGENT)
        headers = {
            "User-Agent": wire_ua,
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json",
        }
        with httpx.Client(headers=headers, timeout=60) as client:
            fixtures = fakeproc.discover(client, fake.base_url, fake.account_id)
            base: dict[str, Any] = {
                "base_url": fake.base_url,
                "account_id": fake.account_id,
                "token": TOKEN,
                "user_agent": USER_AGENT,
                "wire_user_agent": wire_ua,
                "todos": args.todos,
                "upload_path": str(work / "upload.bin"),
                "download_path": str(work / "download.bin"),
                **fixtures,
            }
            if redis is not None:
                base["redis_url"] = redis.url
            list_url = (
                f"{fake.base_url}/{fake.account_id}/todolists/{fixtures['long_list_id']}/todos.json"
            )
            if wants_files:
                _write_file(Path(base["upload_path"]), args.file_mb * MB)
            capacity_rows: list[dict[str, Any]] = []
            if not args.no_capacity:
                print("Checking that the fake keeps up…", flush=True)
                for procs in (1, 3):
                    row = capacity(fake, base, procs)
                    capacity_rows.append(row)
                    print(
                        f"  {procs} client process(es): {row['requests_per_second']:,.0f} req/s, "
                        f"fake busy {row['fake_busy']:.0%}",
                        flush=True,
                    )
            results: dict[str, dict[str, Summary]] = {}
            titles: dict[str, str] = {}
            for name in names:
                scenario = SCENARIOS[name]
                ctx = scenario_context(name, base, args.requests)
                titles[name] = scenario.describe(ctx)
                if name.startswith("list_") or name == "reget":
                    fakeproc.prime(client, list_url)
                reps = max(1, round(args.reps * scenario.reps_factor))
                print(f"{titles[name]} ({reps} x {len(scenario.clients)} clients)", flush=True)
                runs: dict[str, list[Run]] = {c: [] for c in scenario.clients}
                missing: dict[str, str] = {}
                for _ in range(reps):
                    for client_name in scenario.clients:
                        if client_name in missing:
                            continue
                        outcome = run_worker(fake, name, client_name, ctx)
                        if isinstance(outcome, str):
                            missing[client_name] = outcome
                            failed = failed or outcome.startswith("FAILED")
                        else:
                            runs[client_name].append(outcome)
                results[name] = {
                    c: Summary(c, tuple(runs[c]), missing.get(c)) for c in scenario.clients
                }
                _progress(results[name])
    finally:
        if redis is not None:
            redis.close()
        fake.stop()
        for leftover in work.iterdir():
            if leftover.name != "fake.log":
                leftover.unlink()
    if failed:
        print(f"Some runs failed; the fake's log is {work / 'fake.log'}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}",
        "reps": args.reps,
        "official_version": version("basecamp-sdk"),
        "httpx_version": version("httpx"),
        "project_bytes": fixtures["project_bytes"],
        "todos": args.todos,
        "file_bytes": args.file_mb * MB if wants_files else 0,
    }
    text = render(results, titles, meta, capacity_rows)
    print()
    print(text)
    (args.out / "latest.md").write_text(text)
    raw = {
        "meta": meta,
        "titles": titles,
        "capacity": capacity_rows,
        "results": {
            s: {
                c: {"unavailable": v.unavailable, "runs": [asdict(r) for r in v.runs]}
                for c, v in by.items()
            }
            for s, by in results.items()
        },
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for target in (args.out / "latest.json", args.out / f"run-{stamp}.json"):
        target.write_text(json.dumps(raw, indent=1))
    print(f"Wrote {args.out / 'latest.md'}")
    return 1 if failed else 0


def _progress(by_client: dict[str, Summary]) -> None:
    raw = by_client.get(RAW)
    for client, summary in by_client.items():
        if not summary.available:
            print(f"  {client:30} {summary.unavailable}", flush=True)
            continue
        text = f"  {client:30} median {summary.median * 1e3:9.1f} ms"
        if raw is not None and raw.available and client != RAW:
            text += f"  x{summary.median / raw.median:.2f}"
        print(text, flush=True)


def _write_file(path: Path, size: int) -> None:
    from basecamp_client.testing._bench import pattern_bytes

    block = pattern_bytes(MB)
    with open(path, "wb") as out:
        whole, rest = divmod(size, MB)
        for _ in range(whole):
            out.write(block)
        out.write(block[:rest])
