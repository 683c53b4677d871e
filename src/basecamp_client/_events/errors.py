"""The event feed's typed errors: every one is an :class:`EventFeedError` whose
``reason`` names what happened, in the vocabulary of the feed's protocol
(``feed_gap``, ``invalid_continuation``, ``subscription_rejected`` …)."""

from __future__ import annotations

from typing import Any

from .._core.errors import BasecampError

#: Why a live stream stopped for good (``EventStreamError.reason``), plus the polling
#: reasons the stream can also end with.
TERMINAL_REASONS = frozenset(
    {
        "subscription_rejected",
        "protocol_fatal",
        "filter_invalid",
        "authorization_failed",
        "checkpoint_load",
        "usage",
        "buffer_overflow",
        "feed_gap",
        "invalid_continuation",
        "poll_failed",
        "mint_failed",
        "invalid_cable_url",
    }
)


class EventFeedError(BasecampError):
    """A failure of the event feed (polling or the live stream); ``reason`` says which."""

    code = "event_feed"
    exit_code = 12

    def __init__(self, message: str, *, reason: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.reason = reason

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(reason={self.reason!r}, http_status={self.http_status!r}, "
            f"message={self.message!r})"
        )

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["reason"] = self.reason
        return data


class PositionMismatchError(EventFeedError):
    """409: the saved position was issued for another set of filters. Drop it and start
    again with ``since=error.since`` (the highest event id this walk served, or
    ``"now"`` when it served none)."""

    code = "event_feed_position_mismatch"
    default_hint = "drop the saved position and poll again with since=error.since"

    def __init__(
        self,
        message: str,
        *,
        position_digest: str | None,
        filters_digest: str | None,
        since: str,
        **kw: Any,
    ) -> None:
        super().__init__(message, reason="position_mismatch", **kw)
        self.position_digest = position_digest
        self.filters_digest = filters_digest
        self.since = since


class InvalidPositionError(EventFeedError):
    """400 about the position: it is not one the server issued (or not for this feed).
    Start again with ``since=error.since``."""

    code = "event_feed_position_invalid"
    default_hint = "drop the saved position and poll again with since=error.since"

    def __init__(self, message: str, *, since: str, **kw: Any) -> None:
        super().__init__(message, reason="position_invalid", **kw)
        self.since = since


class InvalidFilterError(EventFeedError):
    """400 about the filters: a configuration error no new cursor fixes."""

    code = "event_feed_filter_invalid"
    default_hint = "fix the filters (types, buckets, creators, …) and poll again"

    def __init__(self, message: str, **kw: Any) -> None:
        super().__init__(message, reason="filter_invalid", **kw)


class FeedGapError(EventFeedError):
    """410: the history behind the position is gone. Nothing after it was skipped
    silently: pass ``accept_gap=True`` (polling) or accept the gap in ``on_loss``
    (streaming) to continue at ``resume``, knowing events were missed.
    ``epoch_after_id`` is the feed's first servable id boundary (``None`` for the inbox)."""

    code = "event_feed_gap"
    default_hint = "events were lost; accept the gap explicitly to continue from the present"

    def __init__(
        self, message: str, *, epoch_after_id: int | None, resume: str | None, **kw: Any
    ) -> None:
        super().__init__(message, reason="feed_gap", **kw)
        self.epoch_after_id = epoch_after_id
        self.resume = resume


class InvalidContinuationError(EventFeedError):
    """A ``next``/``resume`` URL, or a redirect, pointed off the API origin (or from
    https to http). Nothing was sent there."""

    code = "event_feed_invalid_continuation"
    default_hint = "report this response; credentials only go to the API origin"

    def __init__(self, message: str, **kw: Any) -> None:
        super().__init__(message, reason="invalid_continuation", **kw)


class PollStalledError(EventFeedError):
    """The server kept answering without making progress (the same position, or ``next``
    links with no events, past the limit): stopped rather than looping forever."""

    code = "event_feed_stalled"
    default_hint = "the server is not advancing the cursor; try again later"

    def __init__(self, message: str, **kw: Any) -> None:
        super().__init__(message, reason="poll_stalled", **kw)


class EventStreamError(EventFeedError):
    """The live stream stopped for good; ``reason`` is one of :data:`TERMINAL_REASONS`."""

    code = "event_stream"


__all__ = [
    "TERMINAL_REASONS",
    "EventFeedError",
    "EventStreamError",
    "FeedGapError",
    "InvalidContinuationError",
    "InvalidFilterError",
    "InvalidPositionError",
    "PollStalledError",
    "PositionMismatchError",
]
