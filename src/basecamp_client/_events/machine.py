"""The live stream's decisions, without I/O: settings, states, timers, frame parsing,
what each failure leads to, deduplication and the live buffer.

The connector (:mod:`.connector`) does the I/O and asks these functions what to do, so
each rule of the protocol can be tested on its own with a fake clock and a fixed
random source.
"""

from __future__ import annotations

import enum
import json
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, Literal

import attrs

from .._core.errors import (
    ApiError,
    AuthError,
    BasecampError,
    DecodeError,
    ForbiddenError,
    NetworkError,
    RateLimitError,
    UsageError,
)

MiB = 1024 * 1024


def _positive(_instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise UsageError(
            f"StreamSettings.{attribute.name} must be a positive number, got {value!r}"
        )


def _fraction(_instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise UsageError(f"StreamSettings.{attribute.name} must be in [0, 1), got {value!r}")


def _count(_instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(
            f"StreamSettings.{attribute.name} must be a positive integer, got {value!r}"
        )


@attrs.frozen(slots=True, kw_only=True)
class StreamSettings:
    """The live stream's timers and limits (seconds, counts, bytes). The defaults are
    the protocol's; change them only with a reason."""

    #: From dialling to the welcome frame.
    handshake_timeout: float = attrs.field(default=10.0, validator=_positive)
    #: From subscribing to the confirmation.
    confirmation_timeout: float = attrs.field(default=10.0, validator=_positive)
    #: Without any frame for this long, the socket is taken for dead (the server pings
    #: about every 3 s).
    staleness: float = attrs.field(default=7.5, validator=_positive)
    #: A repair walk of the feed runs this often while streaming, give or take
    #: ``repair_jitter`` of it.
    repair_interval: float = attrs.field(default=60.0, validator=_positive)
    repair_jitter: float = attrs.field(default=0.2, validator=_fraction)
    #: Reconnect delays: full jitter over ``backoff_base * 2**(n-1)``, capped.
    backoff_base: float = attrs.field(default=1.0, validator=_positive)
    backoff_cap: float = attrs.field(default=60.0, validator=_positive)
    #: Authorization failures in a row (mint, disconnect, poll) that end the stream.
    auth_failure_limit: int = attrs.field(default=3, validator=_count)
    #: Delivered event ids remembered to never deliver one twice.
    dedupe_capacity: int = attrs.field(default=10_000, validator=_count)
    #: Live events held while not yet streaming (count and total frame bytes).
    buffer_capacity: int = attrs.field(default=10_000, validator=_count)
    buffer_max_bytes: int = attrs.field(default=32 * MiB, validator=_count)
    #: The largest frame read; a larger one drops the connection.
    max_frame_bytes: int = attrs.field(default=1 * MiB, validator=_count)
    #: Frames read ahead of the connector (back-pressure beyond).
    read_ahead_frames: int = attrs.field(default=64, validator=_count)
    #: How long closing a socket may take.
    close_timeout: float = attrs.field(default=2.0, validator=_positive)


class State(str, enum.Enum):
    """Where the connector is (``stream.state``)."""

    IDLE = "idle"
    BACKOFF = "backoff"
    MINTING = "minting"
    CONNECTING = "connecting"
    AWAITING_WELCOME = "awaiting_welcome"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CATCHING_UP = "catching_up"
    DRAINING = "draining"
    STREAMING = "streaming"
    TERMINAL = "terminal"
    CLOSED = "closed"


# -- timers -----------------------------------------------------------------------------


def full_jitter(n: int, *, base: float, cap: float, random: Callable[[], float]) -> float:
    """``uniform(0, min(cap, base * 2**(n-1)))`` for the ``n``-th failure in a row."""
    exponent = min(max(n - 1, 0), 62)
    return random() * min(cap, base * 2.0**exponent)


def reconnect_delay(
    n: int,
    settings: StreamSettings,
    random: Callable[[], float],
    retry_after: float | None = None,
) -> float:
    """The wait before reconnect attempt ``n``; a ``Retry-After`` raises it (past the
    cap if it must)."""
    delay = full_jitter(n, base=settings.backoff_base, cap=settings.backoff_cap, random=random)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return delay


def repair_delay(settings: StreamSettings, random: Callable[[], float]) -> float:
    """The next repair walk's delay: the interval, plus or minus its jitter."""
    spread = settings.repair_interval * settings.repair_jitter
    return settings.repair_interval - spread + 2 * spread * random()


# -- frames -----------------------------------------------------------------------------

FrameKind = Literal[
    "welcome", "ping", "confirm", "reject", "message", "disconnect", "foreign", "other", "timeout"
]


class BadFrame(Exception):
    """A frame that is not JSON, or not what its type promises: the connection is
    torn down and made again (neither fatal nor skipped)."""


@attrs.frozen(slots=True)
class Frame:
    kind: FrameKind
    #: ``message``: the event object; ``disconnect``: the reason string.
    payload: Any = None
    size: int = 0


def parse_frame(text: str | bytes, identifier: str) -> Frame:
    """What one inbound text frame is; frames for another subscription are ``foreign``."""
    size = len(text)
    try:
        data = json.loads(text)
    except ValueError:
        raise BadFrame("a frame is not JSON") from None
    if not isinstance(data, dict):
        raise BadFrame("a frame is not a JSON object")
    kind = data.get("type")
    if kind == "welcome":
        return Frame("welcome", size=size)
    if kind == "ping":
        return Frame("ping", size=size)
    if kind == "disconnect":
        reason = data.get("reason")
        return Frame("disconnect", reason if isinstance(reason, str) else "", size=size)
    if kind in ("confirm_subscription", "reject_subscription"):
        if data.get("identifier") != identifier:
            return Frame("foreign", size=size)
        return Frame("confirm" if kind == "confirm_subscription" else "reject", size=size)
    if kind is None and "message" in data:
        if data.get("identifier") != identifier:
            return Frame("foreign", size=size)
        message = data["message"]
        if not isinstance(message, dict):
            raise BadFrame("a message frame does not carry an event object")
        return Frame("message", message, size=size)
    return Frame("other", size=size)  # unknown types only prove the socket is alive


def subscribe_command(identifier: str) -> str:
    return json.dumps({"command": "subscribe", "identifier": identifier}, separators=(",", ":"))


# -- outcomes of failures ---------------------------------------------------------------

Outcome = Literal["reconnect", "auth", "fatal"]


def disconnect_outcome(reason: str) -> Outcome:
    """A disconnect frame's consequence, from its reason alone (never its reconnect flag)."""
    if reason == "invalid_event_stream_command":
        return "fatal"
    if reason == "unauthorized":
        return "auth"
    return "reconnect"  # remote, or anything unknown: a dropped socket


def mint_outcome(exc: BasecampError) -> Outcome:
    """A failed ticket mint: 401/403 count as authorization failures; throttling, server
    errors and network failures are retried after a back-off; the rest is fatal."""
    if isinstance(exc, (AuthError, ForbiddenError)):
        return "auth"
    if isinstance(exc, (RateLimitError, NetworkError)):
        return "reconnect"
    if isinstance(exc, DecodeError):
        return "fatal"
    if isinstance(exc, ApiError) and exc.http_status is not None and exc.http_status >= 500:
        return "reconnect"
    return "fatal"


PollOutcome = Literal["retry", "auth", "fatal"]


def poll_outcome(exc: BasecampError) -> PollOutcome:
    """A failed poll (after the call's own retries), other than 400/409/410: classed as a
    mint is, except that what a mint retries after a back-off, a poll retries in place;
    anything fatal ends the stream (``poll_failed``)."""
    outcome = mint_outcome(exc)
    return "retry" if outcome == "reconnect" else outcome


# -- counters, deduplication, the live buffer -------------------------------------------


class AuthCounter:
    """Authorization failures in a row, shared by mints, disconnects and polls; only a
    successful poll page resets it."""

    __slots__ = ("count", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def fail(self) -> bool:
        """Count one; True when the limit is reached (the stream must stop)."""
        self.count += 1
        return self.count >= self.limit

    def reset(self) -> None:
        self.count = 0


class RecentIds:
    """The last ``capacity`` ids handed out, oldest forgotten first: the events the
    stream delivered (whichever lane brought them), or the entries a poll handed out."""

    __slots__ = ("_capacity", "_ids")

    def __init__(self, capacity: int) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._capacity = capacity

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, key: int) -> bool:
        """Remember ``key`` (as the newest); True when it was not remembered already."""
        if key in self._ids:
            self._ids.move_to_end(key)
            return False
        self._ids[key] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True


class LiveBuffer:
    """Live events held until the catch-up walk is done, oldest first. Full (by count
    or bytes), it drops its oldest events and remembers their ids for the overflow
    signal."""

    __slots__ = ("_bytes", "_events", "evicted", "max_bytes", "max_events")

    def __init__(self, max_events: int, max_bytes: int) -> None:
        self.max_events = max_events
        self.max_bytes = max_bytes
        self._events: deque[tuple[Any, int]] = deque()
        self._bytes = 0
        #: Ids dropped since the last overflow signal.
        self.evicted: list[int] = []

    def __len__(self) -> int:
        return len(self._events)

    def push(self, event: Any, size: int) -> None:
        self._events.append((event, size))
        self._bytes += size
        while self._events and (
            len(self._events) > self.max_events or self._bytes > self.max_bytes
        ):
            old, old_size = self._events.popleft()
            self._bytes -= old_size
            self.evicted.append(old.id)

    def take_all(self) -> list[Any]:
        events = [event for event, _ in self._events]
        self._events.clear()
        self._bytes = 0
        return events

    def take_evicted(self) -> list[int]:
        evicted, self.evicted = self.evicted, []
        return evicted

    def clear(self) -> None:
        self._events.clear()
        self._bytes = 0
        self.evicted = []
