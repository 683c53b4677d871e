"""Client-wide back-pressure: the shared 429 pause, request pacing, an in-flight cap.

One :class:`Throttle` belongs to one client and is shared by every task using it:

* **The pause.** When the API answers 429, the whole client holds its requests until
  the time it named (never longer than ``max_retry_after``), so concurrent tasks wait
  together instead of each hammering the API into more 429s.
* **Pacing after a pause.** When a pause ends, the waiting tasks are not let go all at
  once (they would meet the same limit again and use up their attempts): the client
  paces them at the rate the server accepted before the 429 — as many requests per
  pause length as were answered without a 429 in the pause length before it — until
  the backlog has drained (one period with nothing waiting).
* **``rate_limit=(n, seconds)``**: never more than ``n`` requests started in any window
  of ``seconds`` (see :mod:`.window`), so a limit equal to the server's draws no 429.
* **Shared limits** (``shared_limits=``): the window and the pause live in Redis and
  hold every process using the same key (:mod:`.shared_limits`); while Redis cannot be
  reached the per-process window and pause take over.

With nothing configured and no 429 seen, the request path pays one attribute test, and
one append to :attr:`Throttle.accepted` per response.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import anyio

from .clock import Clock
from .window import SlidingWindow, padded, unpadded

#: How many recent accepted responses are remembered to pace the tasks after a pause.
HISTORY = 2048
#: How many times one request reserves a start again after a pause interrupted its wait.
RESERVATIONS = 3


class SharedLimiter(Protocol):
    """The cross-process half of a :class:`Throttle` (implemented over Redis)."""

    async def acquire(
        self, *, window: tuple[int, float] | None, not_before: float, pause: float
    ) -> tuple[float, float] | None:
        """Reserve the start of one request, in one round trip.

        ``window`` is ``(count, period)`` or ``None``; ``not_before`` is the earliest
        start (seconds from now) the local pacing allows; ``pause`` (seconds, 0 for
        none) is a 429 pause of this process to share first. Returns ``(wait, paused)``:
        seconds to wait before starting, and what is left of the shared pause; ``None``
        when the shared store is unavailable (use the per-process limits).
        """
        ...

    async def publish_pause(self, pause: float) -> None:
        """Share a 429 pause without reserving a start (the call that got it gives up)."""
        ...

    def listen(self, on_pause: Callable[[float], None]) -> None:
        """Have ``on_pause(seconds)`` called when another process announces a pause."""
        ...

    def reset(self) -> None:
        """Forget connections (after a fork, or on another event loop)."""
        ...

    async def aclose(self) -> None: ...


class Throttle:
    __slots__ = (
        "_clock",
        "_episode",
        "_learned",
        "_limiter",
        "_max_in_flight",
        "_shared",
        "_unpublished",
        "_window",
        "_window_spec",
        "accepted",
        "max_retry_after",
        "pause_until",
        "rate",
    )

    def __init__(
        self,
        clock: Clock,
        *,
        rate_limit: tuple[int, float] | None = None,
        max_in_flight: int | None = None,
        max_retry_after: float = 120.0,
        shared: SharedLimiter | None = None,
    ) -> None:
        self._clock = clock
        #: Monotonic time until which no request may start; 0.0 when not paused.
        self.pause_until = 0.0
        self.max_retry_after = max_retry_after
        # When the current pause began (0.0: no pause of ours to learn from).
        self._episode = 0.0
        #: Monotonic times of recent responses other than 429 (what the server let
        #: through), appended by the request path; read when a pause ends.
        self.accepted: deque[float] = deque(maxlen=HISTORY)
        self._window_spec: tuple[int, float] | None = None
        self._window: SlidingWindow | None = None
        if rate_limit is not None:
            count, period = rate_limit
            self._window_spec = (count, padded(period))
            self._window = SlidingWindow(*self._window_spec)
        self._learned: SlidingWindow | None = None
        self._shared = shared
        if shared is not None:
            shared.listen(self._hold)
        self._unpublished = 0.0
        #: True when every request must go through :meth:`acquire` (a window, learned
        #: pacing or shared limits); tested on the request path.
        self.rate = rate_limit is not None or shared is not None
        self._max_in_flight = max_in_flight
        self._limiter: anyio.Semaphore | None = None

    # -- the pause -------------------------------------------------------------------

    def pause(self, seconds: float) -> float:
        """Hold every request of this client for ``seconds`` from now (a 429 arrived),
        capped at ``max_retry_after``; returns the pause applied. With shared limits the
        next :meth:`acquire` shares it with the other processes."""
        seconds = min(max(seconds, 0.0), self.max_retry_after)
        now = self._clock.now()
        if self.pause_until <= now:
            self._episode = now  # a new pause: learn from it when it ends
        until = now + seconds
        if until > self.pause_until:
            self.pause_until = until
        if self._shared is not None and seconds > self._unpublished:
            self._unpublished = seconds
        return seconds

    @property
    def paused_for(self) -> float:
        """Seconds left in the current pause (0 when not paused)."""
        return max(self.pause_until - self._clock.now(), 0.0) if self.pause_until else 0.0

    @property
    def unpublished(self) -> bool:
        """A pause of ours that the other processes have not heard of yet."""
        return self._unpublished > 0.0

    async def publish(self) -> None:
        """Share a pending pause now (the request that got the 429 is not retried)."""
        pause, self._unpublished = self._unpublished, 0.0
        if pause > 0.0 and self._shared is not None:
            await self._shared.publish_pause(pause)

    def _hold(self, seconds: float) -> None:
        # A pause another process reported: wait it out, but learn nothing from it.
        seconds = min(seconds, self.max_retry_after)
        until = self._clock.now() + seconds
        if until > self.pause_until:
            if not self.pause_until:
                self._episode = 0.0
            self.pause_until = until

    async def _wait_pause(self) -> None:
        clock = self._clock
        while self.pause_until:
            now = clock.now()
            left = self.pause_until - now
            if left <= 0:
                end, self.pause_until = self.pause_until, 0.0
                if self._episode:
                    self._learn(self._episode, end)
                return
            await clock.sleep(left)

    def _learn(self, start: float, end: float) -> None:
        """Pace what follows the pause ``[start, end)`` at the rate the server accepted:
        as many requests per pause length as it answered without a 429 in the pause
        length before the pause (responses that arrived during it count too: they
        were sent before it)."""
        self._episode = 0.0
        period = end - start
        if period <= 0:
            return
        since = start - period
        count = sum(1 for t in self.accepted if since <= t < end)
        self._learned = SlidingWindow(max(count, 1), padded(period))
        self.rate = True

    # -- pacing ----------------------------------------------------------------------

    async def acquire(self) -> None:
        """Wait out a pause, then wait for this request's start in the window(s).

        A pause that begins while the task sleeps until its start (a 429 to another
        task, or announced by another process) is waited out too, and the start is
        reserved again after it: otherwise every start reserved inside the pause would
        go out at once when it ends.
        """
        for _ in range(RESERVATIONS):
            if self.pause_until and not self._unpublished:
                await self._wait_pause()
            # (A pause of ours not shared yet goes to Redis first, with this request's
            # reservation: the other processes must not wait for it to end to hear of it.)
            if not self.rate:
                return
            on_time = await self._reserve()
            if on_time and self.pause_until <= self._clock.now():
                return

    async def _reserve(self) -> bool:
        """Reserve a start and sleep until it; False when the task woke too late to use
        it (a starved process or loop): later than the window's safety margin, its start
        may fall in the server's next window, so it reserves again."""
        clock = self._clock
        now = clock.now()
        learned = self._learned
        if learned is not None and learned.idle(now):
            # The backlog that followed the pause has drained.
            learned = self._learned = None
            self.rate = self._window is not None or self._shared is not None
        shared = self._shared
        if shared is not None:
            start = learned.reserve(now) if learned is not None else now
            pause, self._unpublished = self._unpublished, 0.0
            answer = await shared.acquire(
                window=self._window_spec, not_before=start - now, pause=pause
            )
            if answer is not None:
                wait, paused = answer
                if paused > 0:
                    self._hold(paused)
                target = clock.now() + wait
                if wait > 0:
                    await clock.sleep(wait)
                started = clock.now()
                if self._window is not None:
                    # Mirror the start locally: if Redis goes away, the per-process
                    # window carries on from here instead of allowing a fresh burst.
                    self._window.commit(started)
                return started - target <= self._tolerance()
            # Shared limits unavailable: the per-process limits below apply.
            now = clock.now()
            window = self._window
            if window is not None:
                start = max(start, window.earliest(now))
                window.commit(start)
        else:
            window = self._window
            if window is not None:
                start = window.earliest(now)
                if learned is not None:
                    start = max(start, learned.earliest(now))
                    learned.commit(start)
                window.commit(start)
            elif learned is not None:
                start = learned.reserve(now)
            else:
                return True
        # No lock needed: nothing awaited between reading the windows and committing.
        if start > now:
            await clock.sleep(start - now)
        return clock.now() - start <= self._tolerance()

    def _tolerance(self) -> float:
        # The safety margin of the tightest window in use (see window.padded).
        periods = [w.period for w in (self._window, self._learned) if w is not None]
        if not periods:
            return float("inf")  # only a pause to wait out: lateness does not matter
        period = min(periods)
        return period - unpadded(period)

    def limiter(self) -> anyio.Semaphore | None:
        """The in-flight cap, created inside the event loop on first use."""
        if self._max_in_flight is None:
            return None
        if self._limiter is None:
            self._limiter = anyio.Semaphore(self._max_in_flight)
        return self._limiter

    def reset(self) -> None:
        """Forget loop-bound state (after a fork). A pause still applies: the API's
        limit is on the caller, not on one process."""
        self._limiter = None
        if self._shared is not None:
            self._shared.reset()

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.aclose()
