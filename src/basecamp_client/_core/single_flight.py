"""One attempt at a time, its outcome shared: the token refresh's stampede guard.

When twenty requests learn at once that the token must be refreshed, one of them calls
the refresher; the others queue behind it and take its outcome — the refreshed token,
or a copy of its error — instead of each calling the refresher in turn. A failure is
remembered for a cool-down: calls that arrive within it get the same error at once
rather than sending Launchpad another request it will refuse.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import anyio

from .clock import Clock
from .errors import BasecampError

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Runs ``attempt()`` for one caller at a time; callers that waited while an attempt
    ran share its outcome. A failed attempt (a :class:`BasecampError`) is replayed to
    every caller that arrives within ``cooldown`` seconds of it, without a new attempt.
    A cancelled attempt has no outcome: the next caller in line makes its own."""

    __slots__ = ("_clock", "_cooldown", "_done", "_error", "_failed_at", "_lock", "_pid", "_value")

    def __init__(self, clock: Clock, *, cooldown: float = 0.0) -> None:
        self._clock = clock
        self._cooldown = cooldown
        self._lock: anyio.Lock | None = None
        self._pid = 0
        self._done = 0  # attempts that ended with an outcome
        self._value: T | None = None
        self._error: BasecampError | None = None
        self._failed_at = 0.0

    def _get_lock(self) -> anyio.Lock:
        # Created on first use, inside the event loop that uses it; and again in a forked
        # child, where a lock held by a vanished task would never be released.
        if self._lock is None or self._pid != os.getpid():
            self._lock = anyio.Lock()
            self._pid = os.getpid()
        return self._lock

    @property
    def cooling_down(self) -> bool:
        """True while the last attempt failed less than ``cooldown`` seconds ago."""
        return self._error is not None and self._clock.now() - self._failed_at < self._cooldown

    def _outcome(self) -> T:
        if self._error is not None:
            # A copy per caller: one exception object raised in many tasks would gather
            # all their tracebacks.
            raise copy.copy(self._error)
        return self._value  # type: ignore[return-value]

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        seen = self._done
        async with self._get_lock():
            if self._done != seen or self.cooling_down:
                return self._outcome()
            try:
                value = await attempt()
            except BasecampError as exc:
                self._error, self._value = exc, None
                self._failed_at = self._clock.now()
                self._done += 1
                raise
            self._error, self._value = None, value
            self._done += 1
            return value
