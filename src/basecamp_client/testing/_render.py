"""What the fake's JSON answers share: URLs, people, buckets, titles and the fields common
to recordings, in the shapes Basecamp answers with.

Field names, nesting and null-versus-absent follow the public API; the URLs inside
point back at whichever origin the caller used, so following them reaches the fake.
One renderer per record kind is in :mod:`._render_kinds`; serialized records are cached
per revision by :func:`._fragments.fragment`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ._store import ACTIVE, Blob, Record, Store
from ._wire import iso

APP_ORIGIN = "https://app.basecamp-fake.test"

# The URL segment each recording type lives under.
SEGMENTS = {
    "Todoset": "todosets",
    "Todolist": "todolists",
    "Todo": "todos",
    "Message::Board": "message_boards",
    "Message": "messages",
    "Comment": "comments",
    "Chat::Transcript": "chats",
    "Vault": "vaults",
    "Document": "documents",
    "Upload": "uploads",
    "Schedule": "schedules",
    "Schedule::Entry": "schedule_entries",
    "Questionnaire": "questionnaires",
    "Inbox": "inboxes",
    "CloudFile": "cloud_files",
    "GoogleDocument": "google_documents",
}
LINE_KINDS = ("Chat::Lines::RichText", "Chat::Lines::Text", "Chat::Lines::Upload")

_TAG = re.compile(r"<[^>]*>")


def plain_text(content: str | None) -> str:
    if not content:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", content)).split())


class Urls:
    """URL builders for one API origin (``https://3.basecampapi.com`` or a local server)."""

    __slots__ = ("acct", "api", "app_acct")

    def __init__(self, api_origin: str, account_id: int) -> None:
        self.api = api_origin
        self.acct = f"{api_origin}/{account_id}"
        self.app_acct = f"{APP_ORIGIN}/{account_id}"

    def item(self, bucket_id: int, segment: str, record_id: int) -> str:
        return f"{self.acct}/buckets/{bucket_id}/{segment}/{record_id}.json"

    def app_item(self, bucket_id: int, segment: str, record_id: int) -> str:
        return f"{self.app_acct}/buckets/{bucket_id}/{segment}/{record_id}"

    def recording(self, bucket_id: int, record_id: int, tail: str) -> str:
        return f"{self.acct}/buckets/{bucket_id}/recordings/{record_id}/{tail}"

    def blob_download(self, blob: Blob) -> str:
        return f"{self.acct}/blobs/{blob.key}/download/{blob.filename}"

    def blob_preview(self, blob: Blob, variant: str) -> str:
        return f"{self.acct}/blobs/{blob.key}/previews/{variant}"


# ---------------------------------------------------------------------------- shared parts


def person(store: Store, person_id: int, urls: Urls) -> dict[str, Any] | None:
    record = store.people.get(person_id)
    if record is None:
        return None
    key = (person_id, urls.api)
    cached = store.person_cache.get(key)
    if cached is not None and cached[0] == record.rev:
        return cached[1]
    d = record.data
    value: dict[str, Any] = {
        "id": record.id,
        "attachable_sgid": d["sgid"],
        "name": d["name"],
        "email_address": d["email_address"],
        "personable_type": d.get("personable_type", "User"),
        "title": d.get("title"),
        "bio": d.get("bio"),
        "location": d.get("location"),
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "admin": d.get("admin", False),
        "owner": d.get("owner", False),
        "client": d.get("client", False),
        "employee": d.get("employee", False),
        "time_zone": d.get("time_zone", "Etc/UTC"),
        "avatar_url": f"{urls.acct}/people/{d['sgid']}/avatar",
        "company": {"id": d["company_id"], "name": d["company_name"]},
        "can_ping": True,
        "can_manage_projects": d.get("admin", False) or not d.get("client", False),
        "can_manage_people": d.get("admin", False),
        "can_access_timesheet": not d.get("client", False),
        "can_access_hill_charts": not d.get("client", False),
    }
    store.person_cache[key] = (record.rev, value)
    return value


def people(store: Store, ids: list[int], urls: Urls) -> list[dict[str, Any]]:
    result = []
    for pid in ids:
        value = person(store, pid, urls)
        if value is not None:
            result.append(value)
    return result


def bucket(store: Store, bucket_id: int) -> dict[str, Any]:
    project = store.projects.get(bucket_id)
    if project is None and bucket_id in store.circles:
        return {"id": bucket_id, "name": store.circles[bucket_id].data["title"], "type": "Circle"}
    name = project.data["name"] if project is not None else ""
    return {"id": bucket_id, "name": name, "type": "Project"}


def title_of(record: Record) -> str:
    d = record.data
    kind = record.kind
    if kind == "Todo":
        return str(d["content"])
    if kind == "Message":
        return str(d["subject"])
    if kind == "Schedule::Entry":
        return str(d.get("summary") or "Untitled")
    if kind in ("Document", "CloudFile", "GoogleDocument"):
        return str(d.get("title") or "Untitled")
    if kind == "Upload":
        return str(d["filename"])
    if kind in LINE_KINDS:
        return str(d.get("filename") or plain_text(d.get("content")))
    return str(d.get("title") or d.get("name") or "")


def item_url(record: Record, urls: Urls) -> str:
    if record.kind in LINE_KINDS:
        chat = f"{urls.acct}/buckets/{record.bucket_id}/chats/{record.parent_id}"
        return f"{chat}/lines/{record.id}.json"
    return urls.item(record.bucket_id, SEGMENTS[record.kind], record.id)


def app_url(store: Store, record: Record, urls: Urls) -> str:
    if record.kind in LINE_KINDS:
        return f"{urls.app_acct}/buckets/{record.bucket_id}/chats/{record.parent_id}@{record.id}"
    if record.kind == "Comment":
        parent = store.recordings.get(record.parent_id)
        if parent is not None:
            return f"{app_url(store, parent, urls)}#__recording_{record.id}"
    return urls.app_item(record.bucket_id, SEGMENTS[record.kind], record.id)


def location(record: Record, urls: Urls) -> str:
    """The JSON URL of a record, as sent in ``Location`` after a create."""
    if record.kind == "Project":
        return f"{urls.acct}/projects/{record.id}.json"
    if record.kind == "Person":
        return f"{urls.acct}/people/{record.id}.json"
    if record.kind == "Webhook":
        return urls.item(record.bucket_id, "webhooks", record.id)
    if record.kind == "Message::Category":
        return urls.item(record.bucket_id, "categories", record.id)
    if record.kind == "Circle":
        return f"{urls.acct}/circles/{record.id}.json"
    return item_url(record, urls)


def parent_ref(store: Store, record: Record, urls: Urls) -> dict[str, Any] | None:
    parent = store.recordings.get(record.parent_id)
    if parent is None:
        return None
    return {
        "id": parent.id,
        "title": title_of(parent),
        "type": parent.kind,
        "url": item_url(parent, urls),
        "app_url": app_url(store, parent, urls),
    }


def rich_attachments(store: Store, sgids: list[str], urls: Urls) -> list[dict[str, Any]]:
    result = []
    for sgid in sgids:
        blob = store.blobs_by_sgid.get(sgid)
        if blob is None:
            continue
        previewable = blob.width is not None
        result.append(
            {
                "id": blob.id,
                "sgid": blob.sgid,
                "filename": blob.filename,
                "content_type": blob.content_type,
                "byte_size": blob.byte_size,
                "download_url": urls.blob_download(blob),
                "width": blob.width,
                "height": blob.height,
                "previewable": previewable,
                "preview_url": urls.blob_preview(blob, "full"),
                "thumbnail_url": urls.blob_preview(blob, "thumbnail"),
            }
        )
    return result


def base_fields(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status,
        "visible_to_clients": r.visible_to_clients,
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
        "title": title_of(r),
        "inherits_status": True,
        "type": r.kind,
        "url": item_url(r, urls),
        "app_url": app_url(store, r, urls),
        "bookmark_url": f"{urls.acct}/my/bookmarks/{store.sgid('Recording', r.id)}.json",
    }


def add_subscription(d: dict[str, Any], r: Record, urls: Urls) -> None:
    d["subscription_url"] = urls.recording(r.bucket_id, r.id, "subscription.json")


def active_count(store: Store, parent_id: int, relation: str) -> int:
    """How many of ``parent_id``'s ``relation`` are active (what a ``*_count`` shows)."""
    return sum(1 for x in store.iter_kids(parent_id, relation) if x.status == ACTIVE)


def completed_count(store: Store, parent_id: int, relation: str) -> tuple[int, int]:
    """(completed, all) of the active ``relation`` of ``parent_id`` (to-dos, subtasks)."""
    done = total = 0
    for item in store.iter_kids(parent_id, relation):
        if item.status == ACTIVE:
            total += 1
            done += bool(item.data["completed"])
    return done, total


def _comments(store: Store, d: dict[str, Any], r: Record, urls: Urls) -> None:
    d["comments_count"] = active_count(store, r.id, "comments")
    d["comments_url"] = urls.recording(r.bucket_id, r.id, "comments.json")


def add_boosts(d: dict[str, Any], r: Record, urls: Urls, store: Store) -> None:
    d["boosts_count"] = len(boosts_of(store, r.id))
    d["boosts_url"] = urls.recording(r.bucket_id, r.id, "boosts.json")


def boosts_of(store: Store, recording_id: int, event_id: int | None = None) -> list[Record]:
    """The active boosts of a recording, or of one of its events."""
    return [
        b
        for b in store.iter_kids(recording_id, "boosts")
        if b.status == ACTIVE and b.data.get("event_id") == event_id
    ]


def family_fields(
    store: Store, d: dict[str, Any], r: Record, urls: Urls, parent: bool = True
) -> None:
    if parent:
        ref = parent_ref(store, r, urls)
        if ref is not None:
            d["parent"] = ref
    d["bucket"] = bucket(store, r.bucket_id)
    d["creator"] = person(store, r.creator_id, urls)


def content_fields(store: Store, r: Record, urls: Urls, *, position: bool = True) -> dict[str, Any]:
    """The common part of recordings people write: to-dos, messages, documents, …"""
    d = base_fields(store, r, urls)
    add_subscription(d, r, urls)
    _comments(store, d, r, urls)
    add_boosts(d, r, urls, store)
    if position:
        d["position"] = store.position(r)
    family_fields(store, d, r, urls)
    return d


def described_fields(
    store: Store, r: Record, urls: Urls, *, position: bool = True
) -> dict[str, Any]:
    """A written recording whose rich text is its ``description`` (uploads, entries, links)."""
    d = content_fields(store, r, urls, position=position)
    d["description"] = r.data["description"]
    d["description_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def tool_fields(store: Store, r: Record, urls: Urls, *, position: bool = True) -> dict[str, Any]:
    """The common part of a project's dock tools (message board, to-do set, …)."""
    d = base_fields(store, r, urls)
    if position:
        d["position"] = r.data["dock_position"]
    family_fields(store, d, r, urls, parent=False)
    return d


def todo_ratio(store: Store, todolist: Record) -> tuple[int, int]:
    done, total = completed_count(store, todolist.id, "todos")
    for group in store.iter_kids(todolist.id, "groups"):
        if group.status == ACTIVE:
            d, t = todo_ratio(store, group)
            done, total = done + d, total + t
    return done, total
