"""What a poll hands out: one page of events (or inbox items) and the position to save
once they have been handled; and the two lanes a walk reads (the account feed, an
agent's inbox), each with its operation, page decoder and entry key."""

from __future__ import annotations

from typing import Any

import attrs

from .._core.decoding import ObjectDecoder
from .._core.errors import DecodeError
from .._core.operation import Operation
from .._generated.models.event_feed_page import EventFeedPage
from .._generated.models.feed_event import FeedEvent
from .._generated.models.inbox_item import InboxItem
from .._generated.models.inbox_page import InboxPage
from .._generated.services.events import POLL_EVENTS, POLL_INBOX


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


def decode_live_event(data: Any) -> FeedEvent:
    """An event pushed on the live channel (``visible_to_clients`` lands in ``extra``)."""
    if not isinstance(data, dict):
        raise DecodeError("live event: not a JSON object")
    event = FeedEvent.from_dict(data)
    _check_id("live event", event.id, "an event")
    return event


@attrs.frozen(slots=True, kw_only=True)
class Lane:
    """What a walk reads: the operation, its page model, and where the entries and
    their keys are. The key (an event's id, an inbox item's addressing id) orders the
    entries and tells repeats apart."""

    op: Operation
    page: ObjectDecoder[Any]
    #: The page's list of entries, their model, and how errors name one of them.
    entries: str
    entry: type
    one: str
    #: The entry's integer id that keys it.
    key_field: str

    def decode(self, data: Any) -> RawPage:
        """A page, its envelope and entries checked (objects, each with an integer key)."""
        op_id = self.op.id
        page = self.page(data)
        _check_envelope(op_id, page.position, page.next)
        entries = getattr(page, self.entries)
        if not isinstance(entries, list):
            raise DecodeError(
                f"{op_id}: the page's {self.entries} are not a list", operation_id=op_id
            )
        for entry in entries:
            if not isinstance(entry, self.entry):
                raise DecodeError(f"{op_id}: {self.one} is not an object", operation_id=op_id)
            _check_id(op_id, getattr(entry, self.key_field), self.one)
        return RawPage(entries, page.position, page.next or None)

    def key(self, entry: Any) -> int:
        return int(getattr(entry, self.key_field))


#: The account feed: events, keyed by their id.
FEED = Lane(
    op=POLL_EVENTS,
    page=ObjectDecoder(EventFeedPage.from_dict, "EventFeedPage"),
    entries="events",
    entry=FeedEvent,
    one="an event",
    key_field="id",
)
#: An agent's inbox: addressings of the agent, keyed by their addressing id.
INBOX = Lane(
    op=POLL_INBOX,
    page=ObjectDecoder(InboxPage.from_dict, "InboxPage"),
    entries="items",
    entry=InboxItem,
    one="an item",
    key_field="addressing_id",
)
