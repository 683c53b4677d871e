"""The account event feed (``GET /events.json``), agents' inboxes (``GET /inbox.json``)
and stream tickets (``POST /events/stream_ticket.json``), with real cursors: opaque
signed tokens bound to the filters (409 when they differ), 410 with ``resume`` once
the history behind a position is gone, ``next`` while more can be served now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import attrs

from .._call import Call, Reply
from .._event_feed import (
    ACTOR_TYPES,
    REASONS,
    FakeEventFeed,
    FeedRequestError,
    InboxEntry,
    Row,
    digest_of,
    feed_for,
    matches,
    parse_ids,
    parse_words,
)
from .._router import Router
from .._wire import is_digits, iso

T = TypeVar("T")


@attrs.frozen
class _Lane:
    """The feed or the inbox: the lane its tokens name, its path, its page's list."""

    name: str
    path: str
    field: str


_FEED = _Lane("feed", "/events.json", "events")
_INBOX = _Lane("inbox", "/inbox.json", "items")


def _since(raw: str | None) -> int | str | None:
    if raw is None or raw == "now":
        return raw
    text = raw[1:] if raw.startswith("-") else raw
    if is_digits(text) and -(2**63) <= int(raw) < 2**63:
        return int(raw)
    raise FeedRequestError(400, {"error": "Invalid since", "reason": "invalid_since"})


def _url(call: Call, feed: FakeEventFeed, path: str, query: dict[str, Any]) -> str:
    origin = feed.continuation_origin or call.request.origin
    return f"{origin}/{call.store.account_id}{path}?{urlencode(query, safe=',')}"


def _redirect(call: Call, feed: FakeEventFeed) -> Reply | None:
    with feed.lock:
        if feed.redirects <= 0 or feed.redirect_origin is None:
            return None
        feed.redirects -= 1
        origin = feed.redirect_origin
    request = call.request
    target = f"{origin}{request.path}" + (f"?{request.query}" if request.query else "")
    return Reply(302, headers=[("Location", target)])


def _serve(call: Call, feed: FakeEventFeed, poll: Callable[[Call, FakeEventFeed], Reply]) -> Reply:
    """A programmed redirect, or the poll's page, or its 400/409/410 answer."""
    redirect = _redirect(call, feed)
    if redirect is not None:
        return redirect
    try:
        return poll(call, feed)
    except FeedRequestError as exc:
        return Reply(exc.status, exc.body)


def _feed_filters(call: Call) -> dict[str, Any]:
    filters = {
        "types": parse_words("types", call.q("types")),
        "buckets": parse_ids("buckets", call.q("buckets")),
        "creators": parse_ids("creators", call.q("creators")),
        "performers": parse_ids("performers", call.q("performers"), allow_self=True),
        "exclude_performers": parse_ids(
            "exclude_performers", call.q("exclude_performers"), allow_self=True
        ),
        "actor_types": parse_words("actor_types", call.q("actor_types"), ACTOR_TYPES),
    }
    return {k: v for k, v in filters.items() if v is not None}


def _filter_query(filters: dict[str, Any]) -> dict[str, str]:
    return {k: ",".join(str(v) for v in values) for k, values in filters.items()}


def _read_position(feed: FakeEventFeed, lane: _Lane, position: str, me: int, digest: str) -> int:
    """The last id served before ``position``; 400 when it is not ours, 409 when it was
    issued for other filters."""
    start, issued_for = feed.read_token(position, lane.name, me)
    if issued_for != digest:
        raise FeedRequestError(
            409,
            {
                "error": "The position was issued for other filters",
                "position_digest": issued_for,
                "filters_digest": digest,
            },
        )
    return start


def _page(
    call: Call,
    feed: FakeEventFeed,
    lane: _Lane,
    matched: list[tuple[int, T]],
    render: Callable[[T], dict[str, Any]],
    *,
    done: int,
    digest: str,
    filters: dict[str, Any],
) -> Reply:
    """The first page of ``matched`` (``(id, entry)`` in id order), the position after
    it (``done`` once everything was served), and ``next`` while more can be served now."""
    page = matched[: feed.page_size]
    more = len(matched) > len(page)
    token = feed.token(lane.name, page[-1][0] if more else done, digest, call.me.id)
    body: dict[str, Any] = {lane.field: [render(entry) for _, entry in page], "position": token}
    if more:
        body["next"] = _url(call, feed, lane.path, {"position": token, **_filter_query(filters)})
    return Reply(200, body)


def poll_events(call: Call) -> Reply:
    return _serve(call, feed_for(call.store), _poll_events)


def _poll_events(call: Call, feed: FakeEventFeed) -> Reply:
    filters = _feed_filters(call)
    digest = digest_of(filters)
    me = call.me.id
    position, since = call.q("position"), _since(call.q("since"))
    if position is not None and since is not None:
        raise FeedRequestError(400, {"error": "Pass since or position, not both"})
    with feed.lock:
        head = feed.head()
        if position is not None:
            start = _read_position(feed, _FEED, position, me, digest)
            if start < feed.epoch_after_id:
                resume = _url(call, feed, _FEED.path, {"since": "now", **_filter_query(filters)})
                raise FeedRequestError(
                    410,
                    {
                        "error": "The history behind this position is gone",
                        "epoch_after_id": feed.epoch_after_id,
                        "resume": resume,
                    },
                )
        elif since is None or since == "now":
            start = head
        else:
            assert isinstance(since, int)
            start = max(since, feed.epoch_after_id)
        rows = sorted(
            (r.id, r)
            for r in feed.rows.values()
            if r.id > start and matches(r, filters, me, feed.agents)
        )
        done = max(head, start)
        return _page(call, feed, _FEED, rows, Row.wire, done=done, digest=digest, filters=filters)


def poll_inbox(call: Call) -> Reply:
    feed = feed_for(call.store)
    with feed.lock:
        if call.me.id not in feed.agents:
            return Reply(403)
    return _serve(call, feed, _poll_inbox)


def _poll_inbox(call: Call, feed: FakeEventFeed) -> Reply:
    filters: dict[str, Any] = {
        "reasons": parse_words("reasons", call.q("reasons"), REASONS),
        "types": parse_words("types", call.q("types")),
        "buckets": parse_ids("buckets", call.q("buckets")),
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    digest = digest_of(filters)
    me = call.me.id
    position, since = call.q("position"), _since(call.q("since"))
    with feed.lock:
        mine = sorted(
            (e for e in feed.inbox if e.person_id == me and e.addressing_id > feed.inbox_horizon),
            key=lambda e: e.addressing_id,
        )
        head = max((e.addressing_id for e in feed.inbox), default=0)
        if position is not None:
            start = _read_position(feed, _INBOX, position, me, digest)
            if start < feed.inbox_horizon:
                resume = _url(call, feed, _INBOX.path, {"since": "0", **_filter_query(filters)})
                raise FeedRequestError(
                    410, {"error": "The inbox no longer holds this position", "resume": resume}
                )
        elif since is None or since == "now":
            start = head
        else:
            assert isinstance(since, int)
            start = since
        items: list[tuple[int, tuple[InboxEntry, Row]]] = []
        for entry in mine:
            row = feed.rows.get(entry.event_id)
            if entry.addressing_id <= start or row is None or not row.committed:
                continue
            if "reasons" in filters and entry.reason not in filters["reasons"]:
                continue
            if "types" in filters and row.event_type not in filters["types"]:
                continue
            if "buckets" in filters and row.bucket_id not in filters["buckets"]:
                continue
            items.append((entry.addressing_id, (entry, row)))
        done = max(head, start)
        return _page(
            call, feed, _INBOX, items, _inbox_item, done=done, digest=digest, filters=filters
        )


def _inbox_item(item: tuple[InboxEntry, Row]) -> dict[str, Any]:
    entry, row = item
    return {
        "addressing_id": entry.addressing_id,
        "reason": entry.reason,
        "addressed_at": iso(entry.addressed_at),
        "event": row.wire(),
    }


def create_stream_ticket(call: Call) -> Reply:
    feed = feed_for(call.store)
    return Reply(200, feed.mint(call.me.id, call.store.clock.monotonic()))


def register(router: Router) -> None:
    router.add("GET", "/events", poll_events)
    router.add("GET", "/inbox", poll_inbox)
    router.add("POST", "/events/stream_ticket", create_stream_ticket)
