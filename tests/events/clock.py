"""A clock that moves only when a test says so: sleeps wait for :meth:`advance`.

The live stream races socket reads against its timers; with a clock that jumped ahead
on every sleep the timers would always win, so the stream's tests hold time still and
move it on purpose (``await clock.when_waiting(...)`` then ``clock.advance(10)``).
A sleep of zero (a back-off drawn with ``random=0``) returns at once.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
import anyio.lowlevel


class ManualClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, anyio.Event]] = []
        self._registered: anyio.Event | None = None  # made inside the event loop
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self._now

    def time(self) -> float:
        return 1_767_225_600.0 + self._now

    @property
    def waiting(self) -> int:
        return len(self._sleepers)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        entry = (self._now + seconds, anyio.Event())
        self._sleepers.append(entry)
        if self._registered is not None:
            self._registered.set()
            self._registered = None
        try:
            await entry[1].wait()
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    def advance(self, seconds: float) -> None:
        self._now += seconds
        for entry in list(self._sleepers):
            if entry[0] <= self._now:
                self._sleepers.remove(entry)  # no longer waiting, even before it wakes
                entry[1].set()

    async def when_waiting(self, condition: Callable[[], bool] = lambda: True) -> None:
        """Return once something sleeps on this clock while ``condition()`` holds."""
        with anyio.fail_after(10):  # a guard against a hung test, not a timing assertion
            while not (self._sleepers and condition()):
                if self._registered is None:
                    self._registered = anyio.Event()
                await self._registered.wait()
