"""Many processes, one Basecamp limit: worker processes against a rate-limited fake.

``run()`` serves a fake Basecamp limited to ``rate`` (10 requests per 2 s by default)
in this process, starts ``workers`` processes of ``gets`` concurrent GETs each,
configured only through environment variables (``BASECAMP_RATE_LIMIT``, and
``BASECAMP_SHARED_LIMITS`` for the shared limiter), and reports what the fake saw:
calls that failed, requests answered 429, and the time from the first request to the
last compared with the time the limit allows. Used by ``make bench`` (scenario
``many_processes``) and by ``tests/shared/test_many_processes.py``.

``python -m bench.many [--redis URL]`` prints both limiters side by side;
``python -m bench.many worker PROJECT_ID GETS`` is one worker (reads the environment).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "basecamp-client many-processes bench (bench@example.com)"


async def _worker(project_id: int, gets: int) -> dict[str, Any]:
    from basecamp_client import AsyncBasecamp, BasecampError

    failed: list[str] = []
    async with AsyncBasecamp.from_env() as client:
        account = client.for_account()

        async def one() -> None:
            try:
                await account.projects.get(project_id=project_id)
            except BasecampError as exc:
                failed.append(f"{type(exc).__name__}: {exc}")

        await asyncio.gather(*(one() for _ in range(gets)))
    return {"ok": gets - len(failed), "failed": failed}


def worker_main(argv: Sequence[str]) -> int:
    project_id, gets = int(argv[0]), int(argv[1])
    print(json.dumps(asyncio.run(_worker(project_id, gets))), flush=True)
    return 0


def run(
    *,
    workers: int = 4,
    gets: int = 15,
    rate: tuple[int, float] = (10, 2.0),
    redis_url: str | None = None,
    inject_429: float | None = None,
    on_first_request: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Run the workers; what the fake saw. ``inject_429=seconds`` answers one request
    with 429 and that ``Retry-After`` once the run is under way (a third of the calls
    made): the worker that sent it must pause the others."""
    from basecamp_client.testing import FakeBasecamp

    fake = FakeBasecamp()
    projects = [fake.add_project(f"Worker {i}") for i in range(workers)]
    with fake.serve(server="stdlib") as served:
        fake.faults.rate_limit(rate[0], per=rate[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
        env.update(
            {
                "BASECAMP_TOKEN": "many-processes",
                "BASECAMP_USER_AGENT": USER_AGENT,
                "BASECAMP_BASE_URL": served.base_url,
                "BASECAMP_ACCOUNT_ID": str(fake.account_id),
                "BASECAMP_RATE_LIMIT": f"{rate[0]}/{rate[1]:g}",
                "PYTHONPATH": os.pathsep.join(
                    [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]
                ).rstrip(os.pathsep),
            }
        )
        if redis_url is not None:
            env["BASECAMP_SHARED_LIMITS"] = redis_url
            # A key of this run's own: runs never share a window with each other.
            env["BASECAMP_SHARED_LIMITS_KEY"] = f"bench-many:{os.getpid()}:{time.time_ns()}"
        injector = None
        if inject_429 is not None:
            injector = threading.Thread(
                target=_inject, args=(fake, gets * workers // 3, inject_429)
            )
            injector.start()
        started = time.monotonic()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.many", "worker", str(pid), str(gets)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for pid in projects
        ]
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"a worker failed: {err.strip().splitlines()[-1:]}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.monotonic() - started
        if injector is not None:
            injector.join(timeout=60)
        log = [r for r in fake.requests if r.target == "api"]
    times = [r.at for r in log]
    calls = workers * gets
    # With the window full from the start: one window per `count` calls after the first.
    allowed = (calls // rate[0] - (1 if calls % rate[0] == 0 else 0)) * rate[1]
    span = max(times) - min(times) if times else 0.0
    by_path = {f"/{fake.account_id}/projects/{pid}": i for i, pid in enumerate(projects)}
    return {
        "calls": calls,
        "calls_failed": sum(len(r["failed"]) for r in reports),
        "failures": [f for r in reports for f in r["failed"]][:5],
        "requests": len(log),
        "answered_429": sum(1 for r in log if r.status == 429),
        "span_s": span,
        "allowed_s": allowed,
        "x_allowed": span / allowed if allowed else 0.0,
        "wall_s": wall,
        "log": [(r.at, by_path.get(r.path, -1), r.status) for r in log],
    }


def _inject(fake: Any, after: int, retry_after: float) -> None:
    """Once ``after`` requests arrived, answer the next one (whichever worker sends it)
    429 with ``retry_after``."""
    deadline = time.monotonic() + 120
    while len(fake.requests) < after and time.monotonic() < deadline:
        time.sleep(0.005)
    fake.faults.fail(1, status=429, retry_after=retry_after)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worker"]:
        return worker_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.many", description=__doc__)
    parser.add_argument("--redis", help="redis:// URL for the shared limiter")
    args = parser.parse_args(argv)
    runs = [("per-process limiter", None)]
    if args.redis:
        runs.append(("shared limiter (Redis)", args.redis))
    for title, url in runs:
        report = run(redis_url=url)
        report.pop("log")
        print(title, json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
