"""The fake's account event feed: rows, cursors, inboxes, stream tickets and the live
connections' plans, plus the faults tests program (``fake.event_feed``).

Rows follow the store (every logged event becomes a feed row) and tests add their own
with :meth:`FakeEventFeed.add_event`. Cursors are opaque signed tokens bound to the
account, the lane (feed or inbox), the principal and the filters, like the real ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import attrs

from ._store import Event, Record, Store
from ._wire import is_digits, iso

PAGE_SIZE = 100
MAX_IDS = 100
TICKET_TTL = 120
ACTOR_TYPES = frozenset({"agent", "person"})
REASONS = frozenset({"mentioned", "assigned", "subscribed", "watched", "pinged", "boosted"})
_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_FEED_LOCK = threading.Lock()


class FeedRequestError(Exception):
    """A 400/409/410 answer of the feed: ``status`` and the JSON ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


def _snake(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind.replace("::", "")).lower()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@attrs.define
class Row:
    """One feed event. ``committed`` rows are visible to polling; ``visible_to_clients``
    is only sent on the live lane."""

    id: int
    kind: str
    event_type: str
    action: str
    created_at: float
    bucket_id: int
    creator_id: int
    recording_id: int
    performed_by_id: int | None = None
    details: dict[str, Any] | None = None
    visible_to_clients: bool = False
    committed: bool = True

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "event_type": self.event_type,
            "action": self.action,
            "created_at": iso(self.created_at),
            "bucket_id": self.bucket_id,
            "creator_id": self.creator_id,
            "recording_id": self.recording_id,
            "performed_by_id": self.performed_by_id,
        }
        if self.details:
            out["details"] = self.details
        return out

    def live(self) -> dict[str, Any]:
        return {**self.wire(), "visible_to_clients": self.visible_to_clients}


@attrs.define
class InboxEntry:
    addressing_id: int
    person_id: int
    reason: str
    addressed_at: float
    event_id: int


@attrs.define
class Ticket:
    person_id: int
    expires_at: float


Action = tuple[Any, ...]


@attrs.define
class ConnectionPlan:
    """How the fake's live channel treats one connection (in order of arrival).

    ``unauthorized`` answers with ``disconnect: unauthorized`` instead of a welcome;
    ``welcome=False`` sends nothing at all; ``subscription`` is ``"confirm"``,
    ``"reject"`` or ``"ignore"`` (never confirmed). ``before_confirm`` and
    ``after_confirm`` are frames sent around the confirmation: ``("event", id)`` pushes
    a row (a reserved one is committed first), ``("disconnect", reason)``,
    ``("raw", text)``, ``("oversized",)``, ``("close",)``.
    """

    welcome: bool = True
    unauthorized: bool = False
    subscription: Literal["confirm", "reject", "ignore"] = "confirm"
    before_confirm: list[Action] = attrs.field(factory=list)
    after_confirm: list[Action] = attrs.field(factory=list)
    #: Push newly committed events to this connection (``False``: only polling sees them).
    push: bool = True


@attrs.define
class ConnectionRecord:
    """What the fake saw of one live connection, for tests to assert on."""

    ticket: str = attrs.field(repr=False)
    origin_header: str | None
    subprotocols: tuple[str, ...]
    subscribes: list[str] = attrs.field(factory=list)
    confirmed: bool = False
    closed_by: str | None = None
    #: How many API requests the fake had answered when it confirmed the subscription.
    requests_at_confirm: int | None = None


def feed_for(store: Store) -> FakeEventFeed:
    """The feed of ``store`` (made on first use, following the store from then on).

    Kept on the store itself: a table keyed by stores would hold each feed, and through
    it its store, for good."""
    with _FEED_LOCK:
        feed = store.event_feed
        if feed is None:
            feed = store.event_feed = FakeEventFeed(store)
        return feed


class FakeEventFeed:
    """The account feed the fake serves (``fake.event_feed``). Thread-safe."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.lock = threading.RLock()
        self.rows: dict[int, Row] = {}
        self.page_size = PAGE_SIZE
        #: Positions at or below this id are gone (410); ``since=0`` starts here.
        self.epoch_after_id = 0
        #: Inbox positions at or below this item id are gone (410).
        self.inbox_horizon = 0
        self.agents: set[int] = set()
        self.inbox: list[InboxEntry] = []
        self.tickets: dict[str, Ticket] = {}
        self.minted = 0
        #: Where minted stream URLs point (set by a running cable server).
        self.cable_url: str | None = None
        #: Replace the minted URL outright (tests of URL checks).
        self.ticket_url: str | None = None
        #: Answer the mint with a body that is not a ticket.
        self.malformed_ticket = False
        #: Make ``next`` and ``resume`` URLs point at this origin (hostile server).
        self.continuation_origin: str | None = None
        #: Answer this many polls with a redirect to ``redirect_origin``.
        self.redirects = 0
        self.redirect_origin: str | None = None
        self.plans: list[ConnectionPlan] = []
        self.connections: list[ConnectionRecord] = []
        self.ping_interval = 3.0
        self._subscribers: set[Callable[[Row], None]] = set()
        for events in list(store.events.values()):
            for event in events:
                self._follow(store.recordings.get(event.recording_id), event)
        store.event_listeners.append(self._follow)

    def __repr__(self) -> str:
        return f"<FakeEventFeed {len(self.rows)} events>"

    # -- rows ---------------------------------------------------------------------------

    def _follow(self, record: Record | None, event: Event) -> None:
        kind = record.kind if record is not None else "Recording"
        bucket = record.bucket_id if record is not None and record.bucket_id else 0
        row = Row(
            id=event.id,
            kind=kind,
            event_type=f"{_snake(kind)}.{event.action}",
            action=event.action,
            created_at=event.created_at,
            bucket_id=bucket,
            creator_id=event.creator_id,
            recording_id=event.recording_id,
            details=event.details or None,
        )
        self._add(row)

    def _add(self, row: Row) -> None:
        with self.lock:
            self.rows[row.id] = row
            subscribers = list(self._subscribers) if row.committed else []
        for push in subscribers:
            push(row)

    def add_event(
        self,
        event_type: str = "message.created",
        *,
        bucket_id: int = 1,
        creator_id: int | None = None,
        recording_id: int | None = None,
        performed_by_id: int | None = None,
        details: dict[str, Any] | None = None,
        visible_to_clients: bool = False,
        committed: bool = True,
    ) -> int:
        """Add a feed event (pushed live when committed); returns its id.
        ``committed=False`` reserves the id for :meth:`commit`: an event that drew its
        id early and commits late (polling past that id never serves it)."""
        store = self._store
        kind_part, _, action = event_type.partition(".")
        row = Row(
            id=store.next_id(),
            kind="".join(p.capitalize() for p in kind_part.split("_")),
            event_type=event_type,
            action=action,
            created_at=store.now(),
            bucket_id=bucket_id,
            creator_id=creator_id if creator_id is not None else store.owner_id,
            recording_id=recording_id if recording_id is not None else store.next_id(),
            performed_by_id=performed_by_id,
            details=details,
            visible_to_clients=visible_to_clients,
            committed=committed,
        )
        self._add(row)
        return row.id

    def add_events(self, count: int, event_type: str = "message.created", **kw: Any) -> list[int]:
        return [self.add_event(event_type, **kw) for _ in range(count)]

    def commit(self, event_id: int) -> None:
        """Commit a reserved event: visible from now on, and pushed live."""
        with self.lock:
            row = self.rows[event_id]
            row.committed = True
        self._add(row)

    def forget_before(self, event_id: int) -> None:
        """Move the feed's epoch: positions at or below ``event_id`` answer 410."""
        with self.lock:
            self.epoch_after_id = event_id

    def head(self) -> int:
        with self.lock:
            committed = [r.id for r in self.rows.values() if r.committed]
            return max(committed, default=self.epoch_after_id)

    # -- inbox --------------------------------------------------------------------------

    def make_agent(self, person_id: int) -> None:
        """Let ``person_id`` read an inbox (only agents have one)."""
        with self.lock:
            self.agents.add(person_id)

    def address(self, event_id: int, person_id: int, reason: str = "mentioned") -> int:
        """Address ``event_id`` to ``person_id``'s inbox; returns the addressing id."""
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {sorted(REASONS)}")
        with self.lock:
            entry = InboxEntry(
                self._store.next_id(), person_id, reason, self._store.now(), event_id
            )
            self.inbox.append(entry)
            return entry.addressing_id

    # -- live connections ---------------------------------------------------------------

    def plan(self, *plans: ConnectionPlan) -> None:
        """How the next connections are treated, one plan each (then the default)."""
        with self.lock:
            self.plans.extend(plans)

    def next_plan(self) -> ConnectionPlan:
        with self.lock:
            return self.plans.pop(0) if self.plans else ConnectionPlan()

    def subscribe(self, push: Callable[[Row], None]) -> None:
        with self.lock:
            self._subscribers.add(push)

    def unsubscribe(self, push: Callable[[Row], None]) -> None:
        with self.lock:
            self._subscribers.discard(push)

    def mint(self, person_id: int, now: float) -> dict[str, Any]:
        with self.lock:
            self.minted += 1
            if self.malformed_ticket:
                return {"ticket": 42}
            ticket = secrets.token_urlsafe(24)
            self.tickets[ticket] = Ticket(person_id, now + TICKET_TTL)
            base = self.cable_url or "wss://cable.basecamp-fake.test"
            url = self.ticket_url or f"{base}/cable?ticket={ticket}"
            return {"ticket": ticket, "expires_in": TICKET_TTL, "url": url}

    def redeem(self, ticket: str, now: float) -> int | None:
        """The person a ticket was minted for, if it is known and not expired."""
        with self.lock:
            found = self.tickets.get(ticket)
            if found is None or found.expires_at <= now:
                return None
            return found.person_id

    def expire_tickets(self) -> None:
        with self.lock:
            self.tickets.clear()

    # -- cursors ------------------------------------------------------------------------

    def token(self, lane: str, last_id: int, digest: str, principal: int) -> str:
        payload = _b64(
            json.dumps(
                {"a": self._store.account_id, "l": lane, "i": last_id, "f": digest, "p": principal},
                separators=(",", ":"),
            ).encode()
        )
        return f"{payload}.{self._store.sign('feed:' + payload)[:32]}"

    def read_token(self, token: str, lane: str, principal: int) -> tuple[int, str]:
        """(last id, filters digest) of a position; 400 when it is not ours."""
        payload, _, signature = token.partition(".")
        bad = FeedRequestError(400, {"error": "Invalid position", "reason": "invalid_position"})
        if not signature or not secrets.compare_digest(
            signature, self._store.sign("feed:" + payload)[:32]
        ):
            raise bad
        try:
            data = json.loads(_unb64(payload))
        except ValueError:
            raise bad from None
        if (
            not isinstance(data, dict)
            or data.get("a") != self._store.account_id
            or data.get("l") != lane
            or data.get("p") != principal
            or not isinstance(data.get("i"), int)
        ):
            raise bad
        return data["i"], str(data.get("f"))


def digest_of(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_words(
    name: str, raw: str | None, allowed: frozenset[str] | None = None
) -> list[str] | None:
    if raw is None:
        return None
    words = sorted(set(raw.split(",")))
    for word in words:
        if allowed is not None and word not in allowed:
            raise FeedRequestError(400, {"error": f"Invalid {name}", "reason": "invalid_filter"})
        if allowed is None and not _TYPE.match(word):
            raise FeedRequestError(400, {"error": f"Invalid {name}", "reason": "invalid_filter"})
    return words


def parse_ids(name: str, raw: str | None, *, allow_self: bool = False) -> list[Any] | None:
    if raw is None:
        return None
    out: set[Any] = set()
    for part in raw.split(","):
        if allow_self and part == "self":
            out.add("self")
        elif is_digits(part) and 0 < int(part) < 2**63:
            out.add(int(part))
        else:
            raise FeedRequestError(400, {"error": f"Invalid {name}", "reason": "invalid_filter"})
    if len(out) > MAX_IDS:
        raise FeedRequestError(
            400, {"error": f"At most {MAX_IDS} {name}", "reason": "invalid_filter"}
        )
    return sorted(out, key=str)


def matches(row: Row, filters: dict[str, Any], me: int, agents: Iterable[int]) -> bool:
    if not row.committed:
        return False
    types: Sequence[str] | None = filters.get("types")
    if types is not None and row.event_type not in types:
        return False
    buckets = filters.get("buckets")
    if buckets is not None and row.bucket_id not in buckets:
        return False
    creators = filters.get("creators")
    if creators is not None and row.creator_id not in creators:
        return False
    performer = row.performed_by_id or row.creator_id
    performers = filters.get("performers")
    if performers is not None and not {performer, "self" if performer == me else None} & set(
        performers
    ):
        return False
    excluded = filters.get("exclude_performers")
    if excluded is not None and {performer, "self" if performer == me else None} & set(excluded):
        return False
    actor_types = filters.get("actor_types")
    if actor_types is not None:
        kind = "agent" if performer in set(agents) else "person"
        if kind not in actor_types:
            return False
    return True
