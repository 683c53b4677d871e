"""Helpers every resource module uses: making recordings, rich text, status changes."""

from __future__ import annotations

import re
from typing import Any

from .._call import Call
from .._store import ACTIVE, Record, Store
from .._wire import HttpError

_SGID = re.compile(r"""<bc-attachment\b[^>]*\bsgid\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def attachment_sgids(store: Store, content: str | None) -> list[str]:
    """The attachments a rich-text body embeds with ``<bc-attachment sgid="…">``."""
    if not content:
        return []
    return [s for s in dict.fromkeys(_SGID.findall(content)) if s in store.blobs_by_sgid]


def new_recording(
    store: Store,
    kind: str,
    *,
    bucket_id: int,
    parent_id: int,
    creator_id: int,
    data: dict[str, Any],
    when: float | None = None,
    relation: str | None = None,
    first: bool = False,
    event: bool = True,
) -> Record:
    """Create a recording, file it under its parent, and log its ``created`` event."""
    stamp = store.now() if when is None else store.at(when)
    record = Record(
        store.next_id(),
        kind,
        created_at=stamp,
        bucket_id=bucket_id,
        parent_id=parent_id,
        creator_id=creator_id,
        data=data,
    )
    store.add(store.recordings, record)
    if relation is not None:
        record.relation = relation
        store.attach(parent_id, relation, record.id, first=first)
    if event:
        store.log_event(record, "created", creator_id, when=stamp)
    bump_ancestors(store, record)
    return record


def bump_ancestors(store: Store, record: Record) -> None:
    """Counts and ratios shown by the parents of ``record`` changed."""
    seen = 0
    parent = store.recordings.get(record.parent_id)
    while parent is not None and seen < 8:
        store.bump(parent)
        parent = store.recordings.get(parent.parent_id)
        seen += 1
    project = store.projects.get(record.bucket_id)
    if project is not None:
        store.bump(project)


def set_status(store: Store, record: Record, status: str, actor_id: int) -> None:
    if record.status == status:
        return
    action = {"active": "unarchived", "archived": "archived", "trashed": "trashed"}[status]
    if record.status == "trashed" and status == ACTIVE:
        action = "restored"
    record.status = status
    store.touch(record, shared=True)
    store.bump_siblings(record)
    store.log_event(record, action, actor_id)
    bump_ancestors(store, record)


def sort_by_query(call: Call, records: list[Record], *, direction: str = "desc") -> list[Record]:
    """Order by the ``sort`` (created_at|updated_at) and ``direction`` (asc|desc) query."""
    sort = call.q("sort") or "created_at"
    direction = call.q("direction") or direction
    if sort not in ("created_at", "updated_at") or direction not in ("asc", "desc"):
        raise HttpError(400, "sort must be created_at|updated_at and direction asc|desc")
    records.sort(key=lambda r: getattr(r, sort), reverse=direction == "desc")
    return records


def active(records: list[Record] | Any, status: str = ACTIVE) -> list[Record]:
    return [r for r in records if r.status == status]
