"""A sliding window of request starts: at most ``count`` in any ``period`` seconds.

Pure bookkeeping, no clock and no I/O: the caller passes the time and sleeps. A request
*reserves* its start time — the earliest moment at which starting it keeps every window
of length ``period`` at ``count`` starts or fewer — and waits until then. Reservations
are kept in order, so the one ``count`` places back bounds the next:
``start >= reserved[-count] + period`` is exactly "never ``count + 1`` starts within one
``period``" for half-open windows, the way servers count them (a request arriving when
the window has just ended opens the next one).

This is what a user reads ``rate_limit=(50, 10)`` as. A token bucket of the same
figures allows a burst of 50 and then refills continuously, so it sends the 51st request
a fifth of a second later, inside the server's window: a limit equal to the server's
still drew 429s.
"""

from __future__ import annotations

from collections import deque

#: Safety margin added to the period: :data:`MAX_MARGIN` seconds, but at most
#: :data:`MARGIN_RATIO` of the period. Requests started on time by the client reach the
#: server a little earlier or later than each other (network jitter, a busy event loop
#: sending a burst one request after another, a process the OS let wait), and the server
#: anchors its window on whichever arrives first: a window measured to the millisecond
#: on our side is not one on the server's. The jitter is a matter of absolute time,
#: hence a fixed allowance; the ratio keeps short periods from being slowed too much.
MAX_MARGIN = 0.25
MARGIN_RATIO = 0.1


def margin(period: float) -> float:
    """The safety margin for ``period``."""
    return min(period * MARGIN_RATIO, MAX_MARGIN)


def padded(period: float) -> float:
    """``period`` plus the safety margin."""
    return period + margin(period)


def unpadded(padded_period: float) -> float:
    """The period a :func:`padded` one was made from."""
    small = padded_period / (1 + MARGIN_RATIO)
    return small if small * MARGIN_RATIO < MAX_MARGIN else padded_period - MAX_MARGIN


class SlidingWindow:
    """Reservations of request starts under "at most ``count`` per ``period``"."""

    __slots__ = ("_starts", "count", "period")

    def __init__(self, count: int, period: float) -> None:
        if count < 1 or not period > 0:
            raise ValueError("a window needs count >= 1 and period > 0")
        self.count = count
        self.period = period
        # The last ``count`` reserved starts, oldest first; appending drops the oldest.
        self._starts: deque[float] = deque(maxlen=count)

    def __repr__(self) -> str:
        return f"SlidingWindow({self.count} per {self.period:g}s)"

    def earliest(self, now: float) -> float:
        """The earliest start allowed for one more request, at ``now`` or later."""
        starts = self._starts
        if not starts:
            return now
        start = now
        if len(starts) == self.count:
            start = max(start, starts[0] + self.period)
        # Never before an earlier reservation: keeps the starts in order.
        return max(start, starts[-1])

    def commit(self, start: float) -> None:
        """Record a start (from :meth:`earliest`, or later)."""
        starts = self._starts
        if starts and start < starts[-1]:
            start = starts[-1]
        starts.append(start)

    def reserve(self, now: float) -> float:
        """Reserve the earliest allowed start and return it."""
        start = self.earliest(now)
        self.commit(start)
        return start

    def idle(self, now: float) -> bool:
        """True when the window has been used and no reservation is younger than one
        period: it constrains nothing any more."""
        starts = self._starts
        return bool(starts) and starts[-1] + self.period <= now
