"""What the connector hands the stream besides events (save markers), the loss signals
it asks ``on_loss`` about, and how an attempt ends (a teardown, or a terminal error)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Union

import attrs

from .._core.errors import BasecampError
from .._generated.models.feed_event import FeedEvent
from .errors import EventStreamError


@attrs.frozen(slots=True)
class Save:
    """Save this position now: everything before it has been handed out."""

    position: str = attrs.field(repr=False)


@attrs.frozen(slots=True, kw_only=True)
class BufferOverflow:
    """Live events were dropped from a full buffer (oldest first): ``evicted_ids``
    lists them, ``count`` says how many. Accepting it means they may never be
    delivered; the events still held are."""

    evicted_ids: tuple[int, ...]
    count: int


@attrs.frozen(slots=True, kw_only=True)
class FeedGap:
    """The history behind the position is gone (410): accepting it continues from the
    present (``resume``), knowing events were missed."""

    epoch_after_id: int | None


LossSignal = Union[BufferOverflow, FeedGap]  # noqa: UP007  (a runtime alias)
#: Called once per loss signal, before it takes effect; returns ``"accept"`` or
#: ``"terminate"``.
LossHandler = Callable[[LossSignal], Literal["accept", "terminate"] | str]

Item = Union[FeedEvent, Save]  # noqa: UP007


class Teardown(Exception):
    """End this connection attempt and reconnect after a back-off."""

    def __init__(self, why: str, *, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.retry_after = retry_after


def terminal(reason: str, message: str, cause: BaseException | None = None) -> EventStreamError:
    error = EventStreamError(message, reason=reason)
    if isinstance(cause, BasecampError):
        error.http_status = cause.http_status
        error.request_id = cause.request_id
        error.operation_id = cause.operation_id
    return error
