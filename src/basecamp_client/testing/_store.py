"""The fake's in-memory state: records, their ordering, attachments and events.

Every mutation goes through :meth:`Store.touch` or :meth:`Store.bump`, which keep the
three caches honest: a record's serialized JSON (keyed by its revision), whole GET
responses (keyed by the store's generation) and ``Last-Modified`` stamps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ._clock import FakeClock

if TYPE_CHECKING:
    from ._event_feed import FakeEventFeed

ACTIVE = "active"
ARCHIVED = "archived"
TRASHED = "trashed"
STATUSES = (ACTIVE, ARCHIVED, TRASHED)


class Record:
    """One thing in the account: a person, a project, a recording (todo, message, …), a webhook."""

    __slots__ = (
        "_frag",
        "_lm",
        "_lm_key",
        "bucket_id",
        "created_at",
        "creator_id",
        "data",
        "id",
        "kind",
        "parent_id",
        "relation",
        "rev",
        "status",
        "updated_at",
        "visible_to_clients",
    )

    def __init__(
        self,
        id: int,
        kind: str,
        *,
        created_at: float,
        bucket_id: int = 0,
        parent_id: int = 0,
        creator_id: int = 0,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        self.bucket_id = bucket_id
        self.parent_id = parent_id
        # Under which list of its parent it is filed ("todos", "comments", …).
        self.relation = ""
        self.creator_id = creator_id
        self.created_at = created_at
        self.updated_at = created_at
        self.status = ACTIVE
        self.visible_to_clients = False
        self.data: dict[str, Any] = data if data is not None else {}
        self.rev = 0
        self._frag: dict[tuple[str, str], tuple[tuple[int, int], bytes]] = {}
        self._lm = 0
        self._lm_key: tuple[int, int] = (-1, -1)

    def __repr__(self) -> str:
        return f"<Record {self.kind} {self.id}>"


class Blob:
    """Uploaded bytes (an attachment), addressed by id, storage key and signed global id."""

    __slots__ = (
        "byte_size",
        "content_type",
        "created_at",
        "creator_id",
        "data",
        "digest",
        "filename",
        "height",
        "id",
        "key",
        "sgid",
        "width",
    )

    def __init__(
        self,
        id: int,
        key: str,
        sgid: str,
        *,
        filename: str,
        content_type: str,
        data: bytes,
        created_at: float,
        creator_id: int,
    ) -> None:
        self.id = id
        self.key = key
        self.sgid = sgid
        self.filename = filename
        self.content_type = content_type
        self.data = data
        self.byte_size = len(data)
        self.digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        self.created_at = created_at
        self.creator_id = creator_id
        self.width, self.height = image_size(data)


class Event:
    """Something that happened to a recording (``created``, ``completed``, …)."""

    __slots__ = ("action", "created_at", "creator_id", "details", "id", "recording_id")

    def __init__(
        self,
        id: int,
        recording_id: int,
        action: str,
        *,
        created_at: float,
        creator_id: int,
        details: dict[str, Any],
    ) -> None:
        self.id = id
        self.recording_id = recording_id
        self.action = action
        self.created_at = created_at
        self.creator_id = creator_id
        self.details = details


class Store:
    def __init__(self, account_id: int, clock: FakeClock, *, secret: bytes) -> None:
        self.account_id = account_id
        self.account_name = "Fake Basecamp"
        self.account_created_at = 0.0
        self.clock = clock
        self.secret = secret
        self.people: dict[int, Record] = {}
        self.projects: dict[int, Record] = {}
        self.recordings: dict[int, Record] = {}
        self.webhooks: dict[int, Record] = {}
        self.categories: dict[int, Record] = {}
        # Pings: buckets of type Circle, each with one chat (see _resources/pings.py).
        self.circles: dict[int, Record] = {}
        self.children: dict[tuple[int, str], list[int]] = {}
        self.events: dict[int, list[Event]] = {}
        # Told of every logged event (the account event feed follows the store this way).
        self.event_listeners: list[Callable[[Record, Event], None]] = []
        # The account event feed, made on first use (see ``_event_feed.feed_for``). Held
        # here so it lives and dies with the store.
        self.event_feed: FakeEventFeed | None = None
        self.blobs_by_sgid: dict[str, Blob] = {}
        self.blobs_by_key: dict[str, Blob] = {}
        self.account_logo: Blob | None = None
        self.owner_id = 0
        # What made-up answers (operations the store does not model) are seeded with, and
        # how many items their lists hold (None: a seeded number between 1 and 20).
        self.seed = 0
        self.generated_items: int | None = None
        # Embedded person objects, per API origin: {(person id, origin): (rev, dict)}.
        self.person_cache: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}
        # Bumped by every mutation: whole-response caches are valid for one generation.
        self.gen = 0
        # Bumped when something other records embed (a name, a title) changes.
        self.shared_rev = 0
        self._next_id = 1_000_000_001
        self._last_stamp = 0.0
        self._coll_lm = 0
        self._coll_lm_gen = -1
        # Positions per list, rebuilt only when the list's layout changed (see _relayout).
        self._positions: dict[tuple[int, str], _Places] = {}

    # ids and time -----------------------------------------------------------------------

    def next_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def now(self) -> float:
        """The time of a write: the clock's, but strictly after the previous write."""
        stamp = max(self.clock.time(), self._last_stamp + 0.001)
        self._last_stamp = stamp
        return stamp

    def at(self, stamp: float) -> float:
        """Use a given time for a write (sample data is dated in the past)."""
        self._last_stamp = max(self._last_stamp, stamp)
        return stamp

    # mutations --------------------------------------------------------------------------

    def touch(self, record: Record, *, shared: bool = False, when: float | None = None) -> None:
        """``record`` changed: new revision and ``updated_at``."""
        record.rev += 1
        record.updated_at = self.now() if when is None else self.at(when)
        self.gen += 1
        if shared:
            self.shared_rev += 1

    def bump(self, record: Record) -> None:
        """Something ``record`` shows (a count, a position) changed, but not the record itself."""
        record.rev += 1
        self.gen += 1

    def changed(self) -> None:
        self.gen += 1

    def add(self, table: dict[int, Record], record: Record) -> Record:
        table[record.id] = record
        self.gen += 1
        return record

    def kids(self, parent_id: int, relation: str) -> list[int]:
        return self.children.setdefault((parent_id, relation), [])

    def attach(self, parent_id: int, relation: str, record_id: int, *, first: bool = False) -> None:
        ids = self.kids(parent_id, relation)
        key = (parent_id, relation)
        if first:
            ids.insert(0, record_id)
            self._relayout(key)
            for rid in ids[1:]:
                sibling = self.recordings.get(rid)
                if sibling is not None:
                    self.bump(sibling)
            return
        ids.append(record_id)
        # Appending shifts nobody: extend the cached positions instead of rebuilding them.
        places = self._positions.get(key)
        record = self.recordings.get(record_id)
        if places is not None and record is not None:
            group = _place_group(record)
            places.counters[group] = places.counters.get(group, 0) + 1
            places.by_id[record_id] = places.counters[group]

    def _relayout(self, key: tuple[int, str]) -> None:
        self._positions.pop(key, None)

    def iter_kids(self, parent_id: int, relation: str) -> Iterator[Record]:
        table = self.recordings
        for rid in self.children.get((parent_id, relation), ()):
            record = table.get(rid)
            if record is not None:
                yield record

    def position(self, record: Record) -> int:
        """1-based place of ``record`` among the siblings a caller sees with it: same status,
        and for to-dos the same completion state."""
        key = (record.parent_id, record.relation)
        places = self._positions.get(key)
        if places is None:
            places = _Places()
            for sibling in self.iter_kids(record.parent_id, record.relation):
                group = _place_group(sibling)
                places.counters[group] = places.counters.get(group, 0) + 1
                places.by_id[sibling.id] = places.counters[group]
            self._positions[key] = places
        return places.by_id.get(record.id, 0)

    def place(self, record: Record, position: int, parent_id: int | None = None) -> None:
        """Move ``record`` to 1-based ``position`` among its visible siblings under
        ``parent_id`` (default: its current parent)."""
        relation = record.relation
        old_parent = record.parent_id
        target = old_parent if parent_id is None else parent_id
        self.detach(old_parent, relation, record.id)
        ids = self.kids(target, relation)
        group = _place_group(record)
        peers = [i for i, rid in enumerate(ids) if _place_group(self.recordings[rid]) == group]
        index = peers[position - 1] if position - 1 < len(peers) else len(ids)
        if position - 1 >= len(peers) and peers:
            index = peers[-1] + 1
        record.parent_id = target
        self.move(target, relation, record.id, index)

    def move(self, parent_id: int, relation: str, record_id: int, index: int) -> None:
        """Move ``record_id`` to ``index`` (0-based) among its siblings; bump those that shift."""
        ids = self.kids(parent_id, relation)
        if record_id in ids:
            ids.remove(record_id)
        index = max(0, min(index, len(ids)))
        ids.insert(index, record_id)
        self._relayout((parent_id, relation))
        for rid in ids:
            sibling = self.recordings.get(rid)
            if sibling is not None:
                self.bump(sibling)

    def bump_siblings(self, record: Record) -> None:
        """Positions of ``record``'s siblings may have shifted (its status or completion
        changed)."""
        self._relayout((record.parent_id, record.relation))
        for sibling in self.iter_kids(record.parent_id, record.relation):
            if sibling is not record:
                self.bump(sibling)

    def detach(self, parent_id: int, relation: str, record_id: int) -> None:
        ids = self.children.get((parent_id, relation))
        if ids and record_id in ids:
            ids.remove(record_id)
            self._relayout((parent_id, relation))
            for rid in ids:
                sibling = self.recordings.get(rid)
                if sibling is not None:
                    self.bump(sibling)

    def log_event(
        self,
        record: Record,
        action: str,
        creator_id: int,
        details: dict[str, Any] | None = None,
        *,
        when: float | None = None,
    ) -> Event:
        event = Event(
            self.next_id(),
            record.id,
            action,
            created_at=record.updated_at if when is None else when,
            creator_id=creator_id,
            details=details if details is not None else {},
        )
        self.events.setdefault(record.id, []).append(event)
        self.gen += 1
        for listener in self.event_listeners:
            listener(record, event)
        return event

    # lookups ----------------------------------------------------------------------------

    def person(self, person_id: int) -> Record | None:
        return self.people.get(person_id)

    def active_people(self) -> list[Record]:
        return [p for p in self.people.values() if p.status == ACTIVE]

    def all_recordings(self) -> Iterable[Record]:
        return self.recordings.values()

    # signed ids and keys ----------------------------------------------------------------

    def sign(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    def sgid(self, kind: str, record_id: int) -> str:
        """An opaque, signed global id like Basecamp's ``attachable_sgid``."""
        raw = base64.urlsafe_b64encode(f"gid://basecamp-fake/{kind}/{record_id}".encode())
        text = raw.decode().rstrip("=")
        return f"{text}--{self.sign(text)[:40]}"

    def add_blob(
        self, *, filename: str, content_type: str, data: bytes, creator_id: int, when: float
    ) -> Blob:
        blob_id = self.next_id()
        key = self.sign(f"blob/{blob_id}")[:32]
        blob = Blob(
            blob_id,
            key,
            self.sgid("Attachment", blob_id),
            filename=filename,
            content_type=content_type,
            data=data,
            created_at=when,
            creator_id=creator_id,
        )
        self.blobs_by_sgid[blob.sgid] = blob
        self.blobs_by_key[key] = blob
        self.gen += 1
        return blob

    # Last-Modified ------------------------------------------------------------------------

    def last_modified(self, record: Record) -> int:
        """Whole seconds; strictly later than any earlier stamp whenever the content changed.

        HTTP dates have one-second precision, so two changes within a second would look
        alike to ``If-Modified-Since``: a changed record served again gets a later stamp.
        """
        key = (record.rev, self.shared_rev)
        if record._lm_key != key:
            natural = int(record.updated_at)
            record._lm = max(natural, record._lm + 1) if record._lm else natural
            record._lm_key = key
        return record._lm

    def collection_last_modified(self) -> int:
        """The stamp of any list response: changes whenever anything in the account does."""
        if self._coll_lm_gen != self.gen:
            natural = int(max(self._last_stamp, self.account_created_at))
            self._coll_lm = max(natural, self._coll_lm + 1) if self._coll_lm else natural
            self._coll_lm_gen = self.gen
        return self._coll_lm


def image_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG or GIF from its header; ``(None, None)`` for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return None, None


def _place_group(record: Record) -> tuple[str, bool]:
    return record.status, bool(record.data.get("completed", False))


class _Places:
    """1-based positions of one list's records, counted within each visibility group."""

    __slots__ = ("by_id", "counters")

    def __init__(self) -> None:
        self.by_id: dict[int, int] = {}
        self.counters: dict[tuple[str, bool], int] = {}
