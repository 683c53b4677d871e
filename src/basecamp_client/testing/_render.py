"""Records → JSON in the shapes Basecamp answers with.

Field names, nesting and null-versus-absent follow the public API; the URLs inside
point back at whichever origin the caller used, so following them reaches the fake.
Serialized records are cached per revision (see :func:`fragment`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from ._store import ACTIVE, Blob, Event, Record, Store
from ._wire import dumps, iso

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


def _subscription(d: dict[str, Any], r: Record, urls: Urls) -> None:
    d["subscription_url"] = urls.recording(r.bucket_id, r.id, "subscription.json")


def _comments(store: Store, d: dict[str, Any], r: Record, urls: Urls) -> None:
    d["comments_count"] = sum(1 for c in store.iter_kids(r.id, "comments") if c.status == ACTIVE)
    d["comments_url"] = urls.recording(r.bucket_id, r.id, "comments.json")


def _boosts(d: dict[str, Any], r: Record, urls: Urls, store: Store) -> None:
    d["boosts_count"] = _boost_count(store, r.id)
    d["boosts_url"] = urls.recording(r.bucket_id, r.id, "boosts.json")


def _boost_count(store: Store, recording_id: int, event_id: int | None = None) -> int:
    return sum(
        1
        for b in store.iter_kids(recording_id, "boosts")
        if b.status == ACTIVE and b.data.get("event_id") == event_id
    )


def family_fields(
    store: Store, d: dict[str, Any], r: Record, urls: Urls, parent: bool = True
) -> None:
    if parent:
        ref = parent_ref(store, r, urls)
        if ref is not None:
            d["parent"] = ref
    d["bucket"] = bucket(store, r.bucket_id)
    d["creator"] = person(store, r.creator_id, urls)


def _content(store: Store, r: Record, urls: Urls, *, position: bool = True) -> dict[str, Any]:
    """The common part of recordings people write: to-dos, messages, documents, …"""
    d = base_fields(store, r, urls)
    _subscription(d, r, urls)
    _comments(store, d, r, urls)
    _boosts(d, r, urls, store)
    if position:
        d["position"] = store.position(r)
    family_fields(store, d, r, urls)
    return d


def _described(store: Store, r: Record, urls: Urls, *, position: bool = True) -> dict[str, Any]:
    """A written recording whose rich text is its ``description`` (uploads, entries, links)."""
    d = _content(store, r, urls, position=position)
    d["description"] = r.data["description"]
    d["description_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def _tool(store: Store, r: Record, urls: Urls, *, position: bool = True) -> dict[str, Any]:
    """The common part of a project's dock tools (message board, to-do set, …)."""
    d = base_fields(store, r, urls)
    if position:
        d["position"] = r.data["dock_position"]
    family_fields(store, d, r, urls, parent=False)
    return d


def _ratio(store: Store, todolist: Record) -> tuple[int, int]:
    done = total = 0
    for todo in store.iter_kids(todolist.id, "todos"):
        if todo.status == ACTIVE:
            total += 1
            done += bool(todo.data["completed"])
    for group in store.iter_kids(todolist.id, "groups"):
        if group.status == ACTIVE:
            d, t = _ratio(store, group)
            done, total = done + d, total + t
    return done, total


# ---------------------------------------------------------------------------- by type


def render_project(store: Store, p: Record, urls: Urls) -> dict[str, Any]:
    d = p.data
    dock = []
    for tool_id in d["dock"]:
        tool = store.recordings.get(tool_id)
        if tool is None or tool.status == "trashed":
            continue
        segment = SEGMENTS[tool.kind]
        dock.append(
            {
                "id": tool.id,
                "title": tool.data["title"],
                "name": tool.data["tool_name"],
                "enabled": tool.data["enabled"],
                "position": tool.data["dock_position"] if tool.data["enabled"] else None,
                "url": urls.item(p.id, segment, tool.id),
                "app_url": urls.app_item(p.id, segment, tool.id),
            }
        )
    return {
        "id": p.id,
        "status": p.status,
        "created_at": iso(p.created_at),
        "updated_at": iso(p.updated_at),
        "name": d["name"],
        "description": d["description"],
        "purpose": "topic",
        "clients_enabled": False,
        "bookmark_url": f"{urls.acct}/my/bookmarks/{store.sgid('Bucket', p.id)}.json",
        "url": f"{urls.acct}/projects/{p.id}.json",
        "app_url": f"{urls.app_acct}/projects/{p.id}",
        "dock": dock,
        "bookmarked": False,
    }


def render_todoset(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls)
    lists = [t for t in store.iter_kids(r.id, "todolists") if t.status == ACTIVE]
    done = total = 0
    for todolist in lists:
        a, b = _ratio(store, todolist)
        done, total = done + a, total + b
    d["name"] = r.data["title"]
    d["todolists_count"] = len(lists)
    d["todolists_url"] = f"{urls.acct}/buckets/{r.bucket_id}/todosets/{r.id}/todolists.json"
    d["completed_ratio"] = f"{done}/{total}"
    d["completed"] = total > 0 and done == total
    d["app_todolists_url"] = f"{urls.app_acct}/buckets/{r.bucket_id}/todosets/{r.id}/todolists"
    return d


def render_todolist(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _content(store, r, urls)
    is_group = r.data.get("group", False)
    done, total = _ratio(store, r)
    base = f"{urls.acct}/buckets/{r.bucket_id}/todolists"
    app = f"{urls.app_acct}/buckets/{r.bucket_id}"
    d["bubble_up_url"] = f"{urls.acct}/my/readings/bubble_ups/{r.id}.json"
    d["description"] = r.data["description"]
    d["description_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    d["completed"] = total > 0 and done == total
    d["completed_ratio"] = f"{done}/{total}"
    d["name"] = r.data["name"]
    d["color"] = r.data.get("color")
    if is_group:
        d["group_position_url"] = f"{base}/groups/{r.id}/position.json"
    else:
        d["groups_url"] = f"{base}/{r.id}/groups.json"
    d["todos_url"] = f"{base}/{r.id}/todos.json"
    d["app_todos_url"] = f"{app}/todolists/{r.id}/todos"
    d["comments_app_url"] = f"{app}/recordings/{r.id}/comments"
    return d


def _client_knows(model: str, field: str) -> bool:
    """Whether the description the client was generated from has ``model.field``: fields
    added by a newer API version are sent only once the client knows them."""
    from ._shapes import shapes

    return shapes().has_field(model, field)


def render_todo(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = _content(store, r, urls)
    d["description"] = data["description"]
    d["completed"] = data["completed"]
    if data["completed"] and data.get("completion") is not None:
        when, who = data["completion"]
        d["completion"] = {"created_at": iso(when), "creator": person(store, who, urls)}
    d["content"] = data["content"]
    d["description_attachments"] = rich_attachments(store, data["attachments"], urls)
    d["starts_on"] = data["starts_on"]
    d["due_on"] = data["due_on"]
    d["assignees"] = people(store, data["assignee_ids"], urls)
    d["completion_subscribers"] = people(store, data["completion_subscriber_ids"], urls)
    d["completion_url"] = f"{urls.acct}/buckets/{r.bucket_id}/todos/{r.id}/completion.json"
    if _client_knows("Todo", "subtasks_count"):
        total = done = 0
        for subtask in store.iter_kids(r.id, "subtasks"):
            if subtask.status == ACTIVE:
                total += 1
                done += bool(subtask.data["completed"])
        d["subtasks_count"] = total
        d["subtasks_completed_count"] = done
        d["subtasks_url"] = f"{urls.acct}/recordings/{r.id}/subtasks.json"
    return d


def render_board(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls)
    d["messages_count"] = sum(1 for m in store.iter_kids(r.id, "messages") if m.status == ACTIVE)
    d["messages_url"] = f"{urls.acct}/buckets/{r.bucket_id}/message_boards/{r.id}/messages.json"
    d["app_messages_url"] = f"{urls.app_acct}/buckets/{r.bucket_id}/message_boards/{r.id}/messages"
    return d


def render_category(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.data["name"],
        "icon": r.data["icon"],
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
    }


def render_message(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _content(store, r, urls, position=False)
    d["subject"] = r.data["subject"]
    d["content"] = r.data["content"]
    d["content_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    category = store.categories.get(r.data.get("category_id") or 0)
    if category is not None:
        d["category"] = render_category(store, category, urls)
    return d


def render_comment(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = base_fields(store, r, urls)
    parent = store.recordings.get(r.parent_id)
    d["title"] = f"Re: {title_of(parent)}" if parent is not None else "Re:"
    _boosts(d, r, urls, store)
    family_fields(store, d, r, urls)
    d["content"] = r.data["content"]
    d["content_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def render_chat(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls)
    _subscription(d, r, urls)
    d["topic"] = r.data.get("topic") or r.data["title"]
    d["lines_url"] = f"{urls.acct}/buckets/{r.bucket_id}/chats/{r.id}/lines.json"
    d["files_url"] = f"{urls.acct}/buckets/{r.bucket_id}/chats/{r.id}/uploads.json"
    return d


def render_line(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = base_fields(store, r, urls)
    del d["bookmark_url"]
    _boosts(d, r, urls, store)
    family_fields(store, d, r, urls)
    if r.kind == "Chat::Lines::Upload":
        blob = store.blobs_by_sgid.get(r.data["sgid"])
        if blob is not None:
            d["attachments"] = [
                {
                    "title": blob.filename,
                    "url": urls.blob_preview(blob, "full"),
                    "filename": blob.filename,
                    "content_type": blob.content_type,
                    "byte_size": blob.byte_size,
                    "download_url": urls.blob_download(blob),
                }
            ]
    else:
        d["content"] = r.data["content"]
    return d


def render_vault(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = base_fields(store, r, urls)
    d["position"] = r.data.get("dock_position") or store.position(r)
    family_fields(store, d, r, urls)

    def count(relation: str) -> int:
        return sum(1 for x in store.iter_kids(r.id, relation) if x.status == ACTIVE)

    d["documents_count"] = count("documents")
    d["documents_url"] = f"{urls.acct}/vaults/{r.id}/documents.json"
    d["uploads_count"] = count("uploads")
    d["uploads_url"] = f"{urls.acct}/vaults/{r.id}/uploads.json"
    d["vaults_count"] = count("vaults")
    d["vaults_url"] = f"{urls.acct}/vaults/{r.id}/vaults.json"
    return d


def render_document(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _content(store, r, urls)
    d["content"] = r.data["content"]
    d["content_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def render_upload(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = _described(store, r, urls)
    blob = store.blobs_by_sgid[data["sgid"]]
    download = f"{urls.acct}/buckets/{r.bucket_id}/uploads/{r.id}/download/{data['filename']}"
    d["content_type"] = blob.content_type
    d["byte_size"] = blob.byte_size
    d["filename"] = data["filename"]
    d["download_url"] = download
    d["app_download_url"] = download
    if blob.width is not None:
        d["width"] = blob.width
        d["height"] = blob.height
    return d


def render_cloud_file(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _described(store, r, urls)
    # Basecamp renders the linked file's address over the recording's API URL.
    d["url"] = r.data["link"]
    d["service"] = r.data["service"]
    return d


def render_google_document(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _described(store, r, urls)
    d["url"] = r.data["link"]
    d["document_type"] = r.data["document_type"]
    return d


def render_schedule(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls)
    d["include_due_assignments"] = r.data["include_due_assignments"]
    d["entries_count"] = sum(1 for e in store.iter_kids(r.id, "entries") if e.status == ACTIVE)
    d["entries_url"] = f"{urls.acct}/schedules/{r.id}/entries.json"
    return d


def render_entry(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = _described(store, r, urls, position=False)
    d["summary"] = data.get("summary") or "Untitled"
    d["all_day"] = data["all_day"]
    d["starts_at"] = data["starts_at"]
    d["ends_at"] = data["ends_at"]
    d["participants"] = people(store, data["participant_ids"], urls)
    if data.get("url"):
        d["join_url"] = data["url"]
    d["highlighted"] = data.get("highlighted", False)
    return d


def render_questionnaire(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls, position=False)
    d["questions_url"] = f"{urls.acct}/questionnaires/{r.id}/questions.json"
    d["questions_count"] = 0
    d["name"] = r.data["title"]
    return d


def render_inbox(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = _tool(store, r, urls)
    d["forwards_count"] = 0
    d["forwards_url"] = f"{urls.acct}/buckets/{r.bucket_id}/inboxes/{r.id}/forwards.json"
    return d


def render_webhook(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    return {
        "id": r.id,
        "active": r.data["active"],
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
        "payload_url": r.data["payload_url"],
        "types": list(r.data["types"]),
        "url": urls.item(r.bucket_id, "webhooks", r.id),
        "app_url": urls.app_item(r.bucket_id, "webhooks", r.id),
        "recent_deliveries": [],
    }


def render_person(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    value = person(store, r.id, urls)
    assert value is not None
    return value


# Resource modules add the kinds they alone store (subtasks, Pings, boosts) on import.
RENDERERS: dict[str, Callable[[Store, Record, Urls], dict[str, Any]]] = {
    "Project": render_project,
    "Person": render_person,
    "Todoset": render_todoset,
    "Todolist": render_todolist,
    "Todo": render_todo,
    "Message::Board": render_board,
    "Message::Category": render_category,
    "Message": render_message,
    "Comment": render_comment,
    "Chat::Transcript": render_chat,
    "Chat::Lines::RichText": render_line,
    "Chat::Lines::Text": render_line,
    "Chat::Lines::Upload": render_line,
    "Vault": render_vault,
    "Document": render_document,
    "Upload": render_upload,
    "Schedule": render_schedule,
    "Schedule::Entry": render_entry,
    "Questionnaire": render_questionnaire,
    "Inbox": render_inbox,
    "CloudFile": render_cloud_file,
    "GoogleDocument": render_google_document,
    "Webhook": render_webhook,
}


def render(store: Store, record: Record, urls: Urls) -> dict[str, Any]:
    return RENDERERS[record.kind](store, record, urls)


def render_search_hit(store: Store, record: Record, urls: Urls) -> dict[str, Any]:
    d = render(store, record, urls)
    d.setdefault("content", None)
    d.setdefault("description", None)
    d["plain_text_content"] = plain_text(d["content"])
    d["plain_text_description"] = plain_text(d["description"])
    return d


def render_event(store: Store, event: Event, urls: Urls) -> dict[str, Any]:
    record = store.recordings.get(event.recording_id)
    bucket_id = record.bucket_id if record is not None else 0
    return {
        "id": event.id,
        "recording_id": event.recording_id,
        "action": event.action,
        "details": event.details,
        "created_at": iso(event.created_at),
        "creator": person(store, event.creator_id, urls),
        "boosts_count": _boost_count(store, event.recording_id, event.id),
        "boosts_url": urls.recording(
            bucket_id, event.recording_id, f"events/{event.id}/boosts.json"
        ),
    }


def fragment(store: Store, record: Record, urls: Urls, variant: str = "") -> bytes:
    """``record`` as JSON bytes, re-serialized only when it (or a name it embeds) changed."""
    key = (urls.api, variant)
    version = (record.rev, store.shared_rev)
    cached = record._frag.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    value = (
        render_search_hit(store, record, urls)
        if variant == "search"
        else render(store, record, urls)
    )
    body = dumps(value)
    record._frag[key] = (version, body)
    return body
