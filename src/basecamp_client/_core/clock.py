"""Time, behind a seam: every wait the client makes goes through a :class:`Clock`.

Retries, rate-limit pauses and token expiry all read and spend time here, so tests
swap in :class:`FakeClock` and run instantly, without a single real sleep.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import anyio
import anyio.lowlevel


@runtime_checkable
class Clock(Protocol):
    """Monotonic time for intervals, wall time for HTTP dates and token expiry.

    Time limits (a call's ``deadline``, each attempt's limit) are measured on this clock
    when it is the :class:`SystemClock` or a :class:`FakeClock`; with any other clock
    they run on the event loop's own time, for the same number of seconds.
    """

    def now(self) -> float:
        """Seconds on a monotonic clock (only differences are meaningful)."""
        ...

    def time(self) -> float:
        """Seconds since the Unix epoch."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (cancellable, under asyncio and trio alike)."""
        ...


class SystemClock:
    """The real clock; sleeping is ``anyio.sleep``, so it works under asyncio and trio."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SystemClock()"

    now = staticmethod(_time.monotonic)
    time = staticmethod(_time.time)

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds if seconds > 0 else 0)


SYSTEM_CLOCK = SystemClock()


class FakeClock:
    """Virtual time for tests: ``sleep`` returns at once, moving the clock forward.

    A sleep that starts at ``t`` ends at virtual time ``max(now, t + seconds)``, so many
    tasks waiting for the same moment all wake at that moment rather than adding up
    their waits. Every requested sleep is recorded in :attr:`sleeps`.

    The client's time limits (per attempt, per call) follow this clock too: each is a
    timer (:meth:`call_at`) that fires when a sleep or :meth:`advance` moves virtual
    time past it, so a test can trickle a response in and still see the limit strike,
    without waiting for it.
    """

    def __init__(self, *, start: float = 1_000.0, wall: float = 1_767_225_600.0) -> None:
        self._now = float(start)
        self._offset = float(wall) - float(start)  # wall time = monotonic + offset
        self.sleeps: list[float] = []
        self._timers: dict[object, tuple[float, Callable[[], None]]] = {}

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now:.3f})"

    def now(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward without sleeping (token expiry, cache ageing...)."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._now += seconds
        self._fire()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        deadline = self._now + max(seconds, 0.0)
        # Let every other ready task run first, as a real sleep would.
        await anyio.lowlevel.checkpoint()
        if deadline > self._now:
            self._now = deadline
            self._fire()

    def call_at(self, when: float, callback: Callable[[], None]) -> object:
        """Call ``callback()`` once virtual time reaches ``when`` (at once if it has);
        returns a handle for :meth:`cancel_call`. Must be used from the event loop's
        thread (the callback typically cancels a cancel scope)."""
        handle = object()
        if when <= self._now:
            callback()
        else:
            self._timers[handle] = (when, callback)
        return handle

    def cancel_call(self, handle: object) -> None:
        self._timers.pop(handle, None)

    def _fire(self) -> None:
        if not self._timers:
            return
        now = self._now
        due = [handle for handle, (when, _) in self._timers.items() if when <= now]
        for handle in due:
            _when, callback = self._timers.pop(handle)
            callback()
