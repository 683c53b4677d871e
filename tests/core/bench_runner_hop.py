"""How much does one sync → loop thread → sync hop cost? (A measurement, not a test.)

    .venv/bin/python tests/core/bench_runner_hop.py [calls]

Compares ways of running a coroutine on a long-lived loop thread and waiting for it
from another thread: ``asyncio.run_coroutine_threadsafe``, anyio's ``BlockingPortal``,
and the client's :class:`Runner` (``call_soon_threadsafe`` + a bare lock). The work is
a coroutine that suspends once, like a real request does; the figures are the hand-over
overhead per call, in microseconds (median of 5 rounds).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from anyio.from_thread import start_blocking_portal

from basecamp_client._core.runner import Runner


async def work() -> int:
    await asyncio.sleep(0)
    return 1


def timed_once(call: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n * 1e6


def threaded_once(call: Callable[[], object], n: int, threads: int = 8) -> float:
    def worker() -> None:
        for _ in range(n // threads):
            call()

    with ThreadPoolExecutor(threads) as pool:
        start = time.perf_counter()
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
        return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15

    baseline_loop = asyncio.new_event_loop()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = Runner()
    runner.run(work)

    with start_blocking_portal() as portal:
        methods: dict[str, Callable[[], object]] = {
            "no hop: loop.run_until_complete in the caller": (
                lambda: baseline_loop.run_until_complete(work())
            ),
            "asyncio.run_coroutine_threadsafe": (
                lambda: asyncio.run_coroutine_threadsafe(work(), loop).result()
            ),
            "anyio BlockingPortal.call": lambda: portal.call(work),
            "Runner (call_soon_threadsafe + bare lock)": lambda: runner.run(work),
        }
        single: dict[str, list[float]] = {name: [] for name in methods}
        multi: dict[str, list[float]] = {name: [] for name in methods}
        # Interleaved rounds, so that machine noise hits every method alike.
        for _ in range(rounds):
            for name, call in methods.items():
                single[name].append(timed_once(call, n))
                if not name.startswith("no hop"):
                    multi[name].append(threaded_once(call, n))

    runner.close()
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()
    baseline_loop.close()

    print(f"Python {sys.version.split()[0]}; {rounds} rounds of {n} calls; µs per call")
    print(f"{'method':48} {'1 thread min/median':>20} {'8 threads min/median':>22}")
    for name in methods:
        s_ = single[name]
        m_ = multi[name]
        one = f"{min(s_):.1f} / {statistics.median(s_):.1f}"
        eight = f"{min(m_):.1f} / {statistics.median(m_):.1f}" if m_ else "-"
        print(f"{name:48} {one:>20} {eight:>22}")


if __name__ == "__main__":
    main()
