"""What a poll hands out: one page of events (or inbox items) and the position to save
once they have been handled."""

from __future__ import annotations

from typing import Any

import attrs

from .._core.decoding import ObjectDecoder
from .._core.errors import DecodeError
from .._generated.models.event_feed_page import EventFeedPage
from .._generated.models.feed_event import FeedEvent
from .._generated.models.inbox_item import InboxItem
from .._generated.models.inbox_page import InboxPage

_FEED_PAGE = ObjectDecoder(EventFeedPage.from_dict, "EventFeedPage")
_INBOX_PAGE = ObjectDecoder(InboxPage.from_dict, "InboxPage")


@attrs.frozen(slots=True, kw_only=True)
class Gap:
    """History was lost before this page (an accepted 410): events between the saved
    position and the present were never delivered. ``epoch_after_id`` is the feed's
    boundary when the server said (``None`` for the inbox)."""

    epoch_after_id: int | None


@attrs.frozen(slots=True, kw_only=True)
class FeedPage:
    """One page of the account feed, oldest event first.

    Handle :attr:`events`, then save :attr:`position`: it is the only cursor worth
    keeping (pass it back as ``poll(position=…)``). ``more`` is true when the server
    has more to serve right now; ``gap`` is set on the first page after an accepted gap.
    """

    events: list[FeedEvent]
    position: str = attrs.field(repr=False)
    more: bool
    gap: Gap | None = None


@attrs.frozen(slots=True, kw_only=True)
class InboxFeedPage:
    """One page of the caller's inbox, oldest item first, each addressing once
    (duplicates by ``addressing_id`` are dropped). Handle :attr:`items`, then save
    :attr:`position`."""

    items: list[InboxItem]
    position: str = attrs.field(repr=False)
    more: bool
    gap: Gap | None = None


@attrs.frozen(slots=True)
class RawPage:
    """A decoded, checked page as the walk sees it: entries, position, next URL."""

    entries: list[Any]
    position: str
    next: str | None


def _check_envelope(op_id: str, position: object, nxt: object) -> None:
    if not isinstance(position, str) or not position:
        raise DecodeError(f"{op_id}: the page has no position", operation_id=op_id)
    if nxt is not None and not isinstance(nxt, str):
        raise DecodeError(f"{op_id}: the page's next is not a URL", operation_id=op_id)


def _check_id(op_id: str, value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DecodeError(f"{op_id}: {what} without an integer id", operation_id=op_id)


def decode_feed_page(data: Any) -> RawPage:
    page = _FEED_PAGE(data)
    _check_envelope("PollEvents", page.position, page.next)
    events = page.events
    if not isinstance(events, list):
        raise DecodeError("PollEvents: the page's events are not a list", operation_id="PollEvents")
    for event in events:
        if not isinstance(event, FeedEvent):
            raise DecodeError("PollEvents: an event is not an object", operation_id="PollEvents")
        _check_id("PollEvents", event.id, "an event")
    return RawPage(events, page.position, page.next or None)


def decode_inbox_page(data: Any) -> RawPage:
    page = _INBOX_PAGE(data)
    _check_envelope("PollInbox", page.position, page.next)
    items = page.items
    if not isinstance(items, list):
        raise DecodeError("PollInbox: the page's items are not a list", operation_id="PollInbox")
    for item in items:
        if not isinstance(item, InboxItem):
            raise DecodeError("PollInbox: an item is not an object", operation_id="PollInbox")
        _check_id("PollInbox", item.addressing_id, "an item")
    return RawPage(items, page.position, page.next or None)


def decode_live_event(data: Any) -> FeedEvent:
    """An event pushed on the live channel (``visible_to_clients`` lands in ``extra``)."""
    if not isinstance(data, dict):
        raise DecodeError("live event: not a JSON object")
    event = FeedEvent.from_dict(data)
    _check_id("live event", event.id, "an event")
    return event
