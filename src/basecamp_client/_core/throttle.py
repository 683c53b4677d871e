"""Client-wide back-pressure: the shared 429 pause, a token bucket, an in-flight cap.

One :class:`Throttle` belongs to one client and is shared by every task using it. When
the API answers 429, the whole client pauses until the time it named, so concurrent
tasks wait together instead of each hammering the API into more 429s. With nothing
configured and no 429 seen, the request path pays one attribute test.
"""

from __future__ import annotations

import anyio

from .clock import Clock
from .errors import RateLimitError


class Throttle:
    __slots__ = (
        "_capacity",
        "_clock",
        "_limiter",
        "_max_in_flight",
        "_rate",
        "_stamp",
        "_tokens",
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
    ) -> None:
        self._clock = clock
        #: Monotonic time until which no request may start; 0.0 when not paused.
        self.pause_until = 0.0
        self.max_retry_after = max_retry_after
        if rate_limit is not None:
            count, period = rate_limit
            self._rate = count / period  # tokens per second
            self._capacity = float(count)
        else:
            self._rate = 0.0
            self._capacity = 0.0
        #: True when a token bucket is configured (tested on the request path).
        self.rate = rate_limit is not None
        self._tokens = self._capacity
        self._stamp: float | None = None
        self._max_in_flight = max_in_flight
        self._limiter: anyio.Semaphore | None = None

    def pause(self, seconds: float) -> None:
        """Hold every request of this client for ``seconds`` from now (a 429 arrived)."""
        until = self._clock.now() + max(seconds, 0.0)
        if until > self.pause_until:
            self.pause_until = until

    @property
    def paused_for(self) -> float:
        """Seconds left in the current pause (0 when not paused)."""
        return max(self.pause_until - self._clock.now(), 0.0) if self.pause_until else 0.0

    async def acquire(self) -> None:
        """Wait out a shared pause and take a token from the bucket."""
        if self.pause_until:
            await self._wait_pause()
        if self.rate:
            await self._take_token()

    async def _wait_pause(self) -> None:
        clock = self._clock
        while self.pause_until:
            left = self.pause_until - clock.now()
            if left <= 0:
                self.pause_until = 0.0
                return
            if left > self.max_retry_after:
                # Waiting would take longer than the caller accepts: fail now, as the
                # request that received the 429 did.
                raise RateLimitError(
                    f"the client is paused by a rate limit for another {left:.0f}s",
                    retryable=True,
                    retry_after=left,
                    http_status=429,
                )
            await clock.sleep(left)

    async def _take_token(self) -> None:
        # A reservation scheme (GCRA): take a token now, possibly going into debt, and
        # sleep until the debt is repaid. No lock needed: nothing awaits in between.
        now = self._clock.now()
        stamp = self._stamp if self._stamp is not None else now
        tokens = min(self._capacity, self._tokens + (now - stamp) * self._rate) - 1.0
        self._tokens = tokens
        self._stamp = now
        if tokens < 0:
            await self._clock.sleep(-tokens / self._rate)

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
