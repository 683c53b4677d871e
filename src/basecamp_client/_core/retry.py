"""When to retry, and how long to wait first. Pure functions; no I/O, no clock reads.

The rules, in one place:

* A request the server never processed may always be sent again: a ``429`` (refused
  before processing) or a connection that failed before any byte of the request left.
* Anything else is replayed only when the operation is safe to replay (GET, PUT,
  DELETE, or a POST the description marks idempotent): ``500 502 503 504``, the
  statuses the operation's ``RetrySpec.retry_on`` adds, timeouts and dropped
  connections. A non-idempotent POST is never replayed after a 5xx or a read timeout,
  because the server may already have done the write.
* An operation whose description leaves ``429`` out of its ``retryOn`` uses 429 for a
  quota that waiting a few seconds does not lift (new embeds per hour, the account's
  user limit): there a 429 is retried only when it carries ``Retry-After``, the mark of
  the ordinary rate limit.
* Waits grow exponentially from the base delay, doubling per attempt, capped at
  ``max_delay``, with random jitter on top. A positive ``Retry-After`` is honoured as
  sent; one longer than ``max_retry_after`` ends the call at once instead of sleeping
  for minutes. A ``Retry-After`` that asks for no wait at all (``0``, negative, a date
  in the past) or cannot be read is ignored: the normal backoff applies, since a server
  that is limiting us and says "now" would otherwise be hammered in a tight loop.
"""

from __future__ import annotations

import datetime
import email.utils
import math
from collections.abc import Callable

import attrs

from .operation import Operation

#: Statuses that say "try again later" for a request safe to replay.
TRANSIENT_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
#: Statuses that mean the request was refused before processing: safe for any method.
NOT_PROCESSED_STATUSES: frozenset[int] = frozenset({429})
#: Statuses never retried, whatever ``retry_on`` says: an account out of storage (507)
#: stays so until someone frees space, so a retry would only repeat the upload.
NEVER_RETRIED_STATUSES: frozenset[int] = frozenset({507})
#: Statuses whose response may carry a Retry-After header worth reading.
RETRY_AFTER_STATUSES: frozenset[int] = frozenset({429, 503})

#: Upper bound of the jitter, as a fraction of the backoff delay.
JITTER_RATIO = 0.25


@attrs.frozen(slots=True)
class RetryPolicy:
    """The effective retry rules for one operation under one client configuration."""

    max_attempts: int
    base_delay: float
    max_delay: float
    max_retry_after: float
    retry_on: frozenset[int]
    replayable: bool
    # The operation's description leaves 429 out: a 429 without Retry-After is a quota.
    quota_429: bool = False


def policy_for(
    op: Operation,
    *,
    max_attempts: int | None = None,
    base_delay: float | None = None,
    retry_on: frozenset[int] | None = None,
    max_delay: float = 30.0,
    max_retry_after: float = 120.0,
    replayable_body: bool = True,
) -> RetryPolicy:
    """The operation's own retry metadata with the client's overrides applied.

    ``replayable_body`` is false for a streamed request body that cannot be produced a
    second time; such a request is retried only if it never left this machine.
    """
    spec = op.retry
    return RetryPolicy(
        max_attempts=max_attempts if max_attempts is not None else spec.max_attempts,
        base_delay=base_delay if base_delay is not None else spec.base_delay,
        max_delay=max_delay,
        max_retry_after=max_retry_after,
        retry_on=(retry_on if retry_on is not None else spec.retry_on | TRANSIENT_STATUSES),
        replayable=op.is_safe_to_replay and replayable_body,
        quota_429=429 not in spec.retry_on,
    )


def status_is_retryable(status: int, *, replayable: bool, retry_on: frozenset[int]) -> bool:
    """Whether a response with ``status`` may be answered by sending the request again."""
    if status in NEVER_RETRIED_STATUSES:
        return False
    if status in NOT_PROCESSED_STATUSES:
        return True
    return replayable and status in retry_on


def network_error_is_retryable(*, request_sent: bool, replayable: bool) -> bool:
    """A failure before any byte was sent is always retryable; after, only if replayable."""
    return not request_sent or replayable


def backoff_delay(
    attempt: int,
    *,
    base_delay: float,
    max_delay: float = 30.0,
    random: Callable[[], float] | None = None,
) -> float:
    """The wait after failed attempt number ``attempt`` (1-based).

    ``base_delay * 2 ** (attempt - 1)``, capped at ``max_delay``, plus jitter of up to
    a quarter of that on top (``random()`` in ``[0, 1)``; no jitter without it).
    """
    exponent = min(max(attempt - 1, 0), 62)  # 2**62 is already far past any cap
    delay = min(base_delay * (2.0**exponent), max_delay)
    if random is not None:
        delay += delay * JITTER_RATIO * random()
    return delay


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date.

    ``now`` is the current wall time (Unix seconds), used for the date form. Returns
    ``None`` when the header is absent, unreadable (garbage, NaN, infinite) or asks for
    no wait (zero, negative, a date not in the future): the caller then backs off as if
    there were no header. A huge value is returned as is; bounding it is
    :func:`decide`'s job (``max_retry_after``).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(seconds) or math.isinf(seconds) or seconds <= 0:
            return None
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: RFC 9110 dates are always GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    try:
        seconds = when.timestamp() - now
    except (OverflowError, OSError, ValueError):  # pragma: no cover - platform limits
        return None
    return seconds if seconds > 0 else None


def exceeded_hint(retry_after: float, max_retry_after: float) -> str:
    """What happens when the server asks for a wait longer than the client accepts."""
    return (
        f"the server asked to wait {retry_after:g}s, more than max_retry_after="
        f"{max_retry_after:g}s, so this call failed at once instead of waiting; the client "
        f"holds its other requests for at most {max_retry_after:g}s, then sends again"
    )


@attrs.frozen(slots=True)
class RetryDecision:
    """``retry`` and the ``delay`` to wait first; or why not (``reason``)."""

    retry: bool
    delay: float = 0.0
    reason: str = ""
    # Set when the server asked for a wait longer than the client accepts.
    retry_after_exceeded: bool = False


def decide(
    policy: RetryPolicy,
    *,
    attempt: int,
    status: int | None = None,
    request_sent: bool = True,
    retry_after: float | None = None,
    random: Callable[[], float] | None = None,
) -> RetryDecision:
    """Whether to retry after attempt ``attempt`` failed, and after how long.

    ``status`` is the response status, or ``None`` for a network failure (then
    ``request_sent`` says whether any of the request may have reached the server).
    """
    if status is None:
        if not network_error_is_retryable(request_sent=request_sent, replayable=policy.replayable):
            return RetryDecision(False, reason="the request may have reached the server")
    elif not status_is_retryable(status, replayable=policy.replayable, retry_on=policy.retry_on):
        if status not in NEVER_RETRIED_STATUSES and (
            status in policy.retry_on or status in TRANSIENT_STATUSES
        ):
            return RetryDecision(False, reason="a write that is not idempotent is never replayed")
        return RetryDecision(False, reason=f"HTTP {status} is not retryable")
    elif status == 429 and policy.quota_429 and retry_after is None:
        return RetryDecision(
            False, reason="HTTP 429 without Retry-After here is a quota that retrying does not lift"
        )
    if retry_after is not None and retry_after > policy.max_retry_after:
        return RetryDecision(
            False,
            delay=retry_after,
            reason=exceeded_hint(retry_after, policy.max_retry_after),
            retry_after_exceeded=True,
        )
    if attempt >= policy.max_attempts:
        return RetryDecision(False, reason=f"gave up after {attempt} attempts")
    if retry_after is not None:
        return RetryDecision(True, delay=retry_after)
    return RetryDecision(
        True,
        delay=backoff_delay(
            attempt, base_delay=policy.base_delay, max_delay=policy.max_delay, random=random
        ),
    )
