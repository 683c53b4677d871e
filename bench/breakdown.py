"""Where a sync GET's time goes: ``python -m bench.breakdown [--n 1000] [--rounds 5]``.

Times one GET of the benchmark project, one after another, in layers that each add one
thing to the previous:

1. raw ``httpx.Client`` (sync httpcore, no event loop);
2. raw ``httpx.AsyncClient`` awaited in a loop (async httpcore on asyncio);
3. raw ``httpx.AsyncHTTPTransport`` called directly, as our client does (2 without the
   client layer);
4. our async client (3 + our core and typed decoding);
5. our sync facade (4, driven through the runner's loop thread);

and the runner's hop alone (an empty coroutine through ``Runner.run``). Rounds are
interleaved; the table shows the median per-request wall and CPU time of each layer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from . import fake as fakeproc
from .runner import TOKEN, USER_AGENT, wire_user_agent
from .stats import markdown_table


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(n: int, body: Callable[[int], None]) -> tuple[float, float]:
    """Per-call wall and CPU seconds of ``body(n)``, which makes ``n`` calls."""
    cpu0, t0 = _cpu(), time.perf_counter()
    body(n)
    return (time.perf_counter() - t0) / n, (_cpu() - cpu0) / n


async def _noop() -> None:
    return None


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__)
    p.add_argument("--n", type=int, default=1000, help="requests per layer and round")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    from basecamp_client import AsyncBasecamp, Basecamp

    work = Path(tempfile.mkdtemp(prefix="basecamp-breakdown-"))
    fake = fakeproc.start(todos=0, file_mb=0, log_path=work / "log")
    try:
        wire = wire_user_agent(USER_AGENT)
        headers = {
            "User-Agent": wire,
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json",
        }
        raw = httpx.Client(headers=headers)
        found = fakeproc.discover(raw, fake.base_url, fake.account_id)
        pid = found["project_id"]
        url = f"{fake.base_url}/{fake.account_id}/projects/{pid}"
        settings: dict[str, Any] = {
            "access_token": TOKEN,
            "user_agent": USER_AGENT,
            "base_url": fake.base_url,
        }
        sync_client = Basecamp(**settings)
        sync_projects = sync_client.for_account(fake.account_id).projects
        runner = sync_client._runner
        loop = asyncio.new_event_loop()
        raw_async = httpx.AsyncClient(headers=headers)
        ours_async = AsyncBasecamp(**settings)
        async_projects = ours_async.for_account(fake.account_id).projects

        def raw_sync(n: int) -> None:
            for _ in range(n):
                raw.get(url).json()

        def raw_async_loop(n: int) -> None:
            async def go() -> None:
                for _ in range(n):
                    (await raw_async.get(url)).json()

            loop.run_until_complete(go())

        transport = httpx.AsyncHTTPTransport()

        def raw_transport_loop(n: int) -> None:
            async def go() -> None:
                for _ in range(n):
                    request = httpx.Request("GET", url, headers=headers)
                    response = await transport.handle_async_request(request)
                    try:
                        body = await response.aread()
                    finally:
                        await response.aclose()
                    json.loads(body)

            loop.run_until_complete(go())

        def ours_async_loop(n: int) -> None:
            async def go() -> None:
                for _ in range(n):
                    await async_projects.get(project_id=pid)

            loop.run_until_complete(go())

        def ours_sync(n: int) -> None:
            for _ in range(n):
                sync_projects.get(project_id=pid)

        def hop(n: int) -> None:
            for _ in range(n):
                runner.run(_noop)

        layers = {
            "1. raw httpx.Client": raw_sync,
            "2. raw httpx.AsyncClient": raw_async_loop,
            "3. raw httpx.AsyncHTTPTransport, direct": raw_transport_loop,
            "4. basecamp-client, async": ours_async_loop,
            "5. basecamp-client, sync facade": ours_sync,
            "runner hop alone (empty coroutine)": hop,
        }
        for layer in layers.values():
            layer(20)  # connect, fill caches
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in layers}
        for _ in range(args.rounds):
            for name, layer in layers.items():
                samples[name].append(timed(args.n, layer))
        rows = []
        for name, values in samples.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            rows.append([name, f"{wall * 1e6:.0f} µs", f"{cpu * 1e6:.0f} µs"])
        print(markdown_table(("layer", "wall / request", "CPU / request"), rows))
        loop.run_until_complete(raw_async.aclose())
        loop.run_until_complete(transport.aclose())
        loop.run_until_complete(ours_async.aclose())
        loop.close()
        sync_client.close()
        raw.close()
    finally:
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
