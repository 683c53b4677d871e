"""Virtual time in which concurrent tasks wake in the order of their deadlines.

:class:`~basecamp_client._core.clock.FakeClock` lets every sleep return at once, which is
right for one task but reorders many: a task sleeping 4 s may move the clock before one
sleeping 2 s has woken, and the second then "starts" at 4 s. Pacing tests count requests
per window, so they need time to move only when every task is asleep, to the earliest
deadline, waking exactly the tasks due then.

The tests say how many tasks take part (:meth:`VirtualClock.run`); time moves when all
of them are asleep on this clock or done. Nothing real ever sleeps.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio
import anyio.lowlevel


class VirtualClock:
    def __init__(self, *, start: float = 1_000.0, wall: float = 1_767_225_600.0) -> None:
        self._now = float(start)
        self._offset = float(wall) - float(start)
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
        self._seq = itertools.count()
        self._active = 0
        self.sleeps: list[float] = []

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.3f})"

    # The client's Clock protocol.
    def now(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._offset

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        event = anyio.Event()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), event))
        self._maybe_advance()
        await event.wait()

    # What the fake Basecamp reads (its FakeClock's interface).
    def monotonic(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def asleep(self, seconds: float) -> None:
        await self.sleep(seconds)

    # Driving the tasks.
    def _maybe_advance(self) -> None:
        sleepers = self._sleepers
        if not sleepers or len(sleepers) < self._active:
            return
        deadline = sleepers[0][0]
        self._now = max(self._now, deadline)
        while sleepers and sleepers[0][0] <= self._now:
            heapq.heappop(sleepers)[2].set()

    async def run(self, calls: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
        """Run ``calls`` concurrently; each result, or the exception it raised."""
        results: list[Any] = [None] * len(calls)
        self._active += len(calls)

        async def one(index: int, call: Callable[[], Awaitable[Any]]) -> None:
            try:
                results[index] = await call()
            except Exception as exc:
                results[index] = exc
            finally:
                self._active -= 1
                self._maybe_advance()

        async with anyio.create_task_group() as tg:
            for index, call in enumerate(calls):
                tg.start_soon(one, index, call)
        return results
