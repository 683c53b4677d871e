"""Time as the fake sees it."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """A clock that follows real time but can be moved forward, and never blocks.

    Rate-limit windows, signed-URL expiry and slow responses in process all read this
    clock, so a test jumps past a window with :meth:`advance` instead of sleeping.
    ``frozen=True`` stops the flow of real time altogether, for fully repeatable tests.
    Pass :meth:`sleep` / :meth:`asleep` to a client as its sleep function and retries
    waited out by the client move the fake's time too.
    """

    def __init__(self, *, frozen: bool = False, start: float | None = None) -> None:
        self._frozen = frozen
        self._origin = time.monotonic()
        self._wall_origin = time.time() if start is None else float(start)
        self._offset = 0.0
        self._lock = threading.Lock()

    def _elapsed(self) -> float:
        return self._offset if self._frozen else time.monotonic() - self._origin + self._offset

    def monotonic(self) -> float:
        """Seconds since the clock was made (plus any :meth:`advance`)."""
        return self._elapsed()

    def time(self) -> float:
        """Wall-clock seconds since the epoch, as the fake believes them."""
        return self._wall_origin + self._elapsed()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock only moves forward, got {seconds!r}")
        with self._lock:
            self._offset += seconds

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass on this clock without blocking."""
        self.advance(max(0.0, seconds))

    async def asleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"<FakeClock t={self._elapsed():.3f}s{' frozen' if self._frozen else ''}>"
