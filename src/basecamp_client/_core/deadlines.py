"""Time limits: one per attempt, and the caller's ``deadline`` over a whole call.

The transports' timeouts bound each *wait* (connecting, each read); a server that sends
one byte per second never trips them. So every attempt also runs under a limit on its
total time (:attr:`Config.attempt_timeout`), and a call may carry a ``deadline`` that
bounds everything it does: attempts, backoff, rate-limit pauses, token refreshes.

Both are cancel scopes measured on the client's :class:`~.clock.Clock`: with a
:class:`~.clock.FakeClock` they strike when virtual time passes them, so tests see the
limit without waiting for it.
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import TYPE_CHECKING

import anyio

from .clock import SYSTEM_CLOCK, Clock, FakeClock
from .errors import BasecampError, NetworkError, UsageError
from .unset import Unset

if TYPE_CHECKING:
    from .core import ClientCore
    from .operation import Operation


def check_deadline(value: object, name: str = "deadline") -> float | None:
    """``value`` as seconds (``None``: no deadline); a :class:`UsageError` otherwise."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not value > 0
        or math.isinf(value)
    ):
        raise UsageError(f"{name} must be a positive number of seconds or None, got {value!r}")
    return float(value)


class CallDeadline:
    """When a call must be over: ``end`` on the client clock's ``now()``, for ``seconds``
    as the caller set them. ``attempts`` counts the attempts started under it and
    ``sending`` says whether one is on the wire, so that an expiry can tell whether a
    request may have reached the server."""

    __slots__ = ("attempts", "end", "seconds", "sending")

    def __init__(self, end: float, seconds: float) -> None:
        self.end = end
        self.seconds = seconds
        self.attempts = 0
        self.sending = False

    def __repr__(self) -> str:
        return f"CallDeadline(seconds={self.seconds:g}, end={self.end:.3f})"

    def message(self) -> str:
        return f"no result within the call's deadline of {self.seconds:g}s"


def call_deadline(core: ClientCore, seconds: float | Unset | None) -> CallDeadline | None:
    """The deadline of a call starting now: ``seconds`` when the call set one (``None``:
    none at all), else the client's ``deadline`` setting."""
    if isinstance(seconds, Unset):
        seconds = core.config.deadline
    if seconds is None:
        return None
    return CallDeadline(core.clock.now() + seconds, seconds)


class TimeLimit:
    """A cancel scope that ends the work inside it ``seconds`` after it is entered, by
    raising ``NetworkError(message)``. With ``started=False`` the time only starts at
    :meth:`start` (an upload's attempt: not while its body is still being sent)."""

    __slots__ = ("_clock", "_handle", "_message", "_scope", "_seconds", "_started")

    def __init__(self, clock: Clock, seconds: float, message: str, *, started: bool = True) -> None:
        self._clock = clock
        self._seconds = seconds
        self._message = message
        self._started = started
        self._handle: object = None
        self._scope: anyio.CancelScope | None = None

    def __enter__(self) -> TimeLimit:
        clock = self._clock
        if clock is SYSTEM_CLOCK and self._started:
            # The common case, kept to one scope creation.
            scope = anyio.CancelScope(deadline=anyio.current_time() + self._seconds)
        else:
            scope = anyio.CancelScope()
        self._scope = scope
        scope.__enter__()
        if not (clock is SYSTEM_CLOCK and self._started):
            self._arm()
        return self

    def _arm(self) -> None:
        scope = self._scope
        if scope is None or not self._started:
            return
        clock = self._clock
        if isinstance(clock, FakeClock):
            if self._handle is not None:
                clock.cancel_call(self._handle)
            self._handle = clock.call_at(clock.now() + self._seconds, scope.cancel)
        else:
            scope.deadline = anyio.current_time() + self._seconds

    @property
    def expired(self) -> bool:
        """Whether the time ran out (the work inside was cancelled)."""
        return self._scope is not None and self._scope.cancelled_caught

    def start(self) -> None:
        """Start the time now (idempotent only in effect: each call restarts it)."""
        self._started = True
        self._arm()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if self._handle is not None:
            self._clock.cancel_call(self._handle)  # type: ignore[attr-defined]
            self._handle = None
        scope = self._scope
        assert scope is not None
        suppressed = scope.__exit__(exc_type, exc, tb)
        if scope.cancelled_caught:
            raise NetworkError(self._message, request_sent=True, retryable=True)
        return bool(suppressed)


def until(clock: Clock, deadline: CallDeadline) -> TimeLimit:
    """A :class:`TimeLimit` ending at ``deadline.end`` (the whole call's bound)."""
    return TimeLimit(clock, max(deadline.end - clock.now(), 0.0), deadline.message())


def past_deadline(
    op: Operation, deadline: CallDeadline, exc: NetworkError, *, replayable: bool
) -> NetworkError:
    """The error of a call that ran past its deadline (``exc``: what ended it)."""
    # Cut off mid-attempt: the request may have arrived.
    sent = deadline.sending and exc.request_sent
    error = NetworkError(
        f"{op.id}: {deadline.message()}",
        request_sent=sent,
        retryable=True,
        operation_id=op.id,
        attempts=deadline.attempts or None,
        hint="the server is slow or unreachable; try again later, or allow more time "
        "with deadline=",
    )
    if sent and not (op.is_safe_to_replay and replayable):
        error.retryable = False  # the write may have arrived
        error.hint = "the request may have been processed; check before resending"
    return error


def not_retried_before(error: BasecampError, deadline: CallDeadline) -> BasecampError:
    """``error``, saying that the retry it allowed would have started past the deadline."""
    error.hint = (
        f"not retried: the next attempt would start after the call's deadline of "
        f"{deadline.seconds:g}s"
    )
    return error
