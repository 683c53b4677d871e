"""One renderer per record kind (``RENDERERS``): a record → the JSON object Basecamp
answers with for it; and events, as the event lists hold them.

Resource modules add the kinds they alone store (subtasks, Pings, boosts) on import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._render import (
    SEGMENTS,
    Urls,
    active_count,
    add_boosts,
    add_subscription,
    base_fields,
    boosts_of,
    completed_count,
    content_fields,
    described_fields,
    family_fields,
    people,
    person,
    rich_attachments,
    title_of,
    todo_ratio,
    tool_fields,
)
from ._store import ACTIVE, Event, Record, Store
from ._wire import iso


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
    d = tool_fields(store, r, urls)
    lists = [t for t in store.iter_kids(r.id, "todolists") if t.status == ACTIVE]
    done = total = 0
    for todolist in lists:
        a, b = todo_ratio(store, todolist)
        done, total = done + a, total + b
    d["name"] = r.data["title"]
    d["todolists_count"] = len(lists)
    d["todolists_url"] = f"{urls.acct}/buckets/{r.bucket_id}/todosets/{r.id}/todolists.json"
    d["completed_ratio"] = f"{done}/{total}"
    d["completed"] = total > 0 and done == total
    d["app_todolists_url"] = f"{urls.app_acct}/buckets/{r.bucket_id}/todosets/{r.id}/todolists"
    return d


def render_todolist(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = content_fields(store, r, urls)
    is_group = r.data.get("group", False)
    done, total = todo_ratio(store, r)
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
    d = content_fields(store, r, urls)
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
        done, total = completed_count(store, r.id, "subtasks")
        d["subtasks_count"] = total
        d["subtasks_completed_count"] = done
        d["subtasks_url"] = f"{urls.acct}/recordings/{r.id}/subtasks.json"
    return d


def render_board(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = tool_fields(store, r, urls)
    d["messages_count"] = active_count(store, r.id, "messages")
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
    d = content_fields(store, r, urls, position=False)
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
    add_boosts(d, r, urls, store)
    family_fields(store, d, r, urls)
    d["content"] = r.data["content"]
    d["content_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def render_chat(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = tool_fields(store, r, urls)
    add_subscription(d, r, urls)
    d["topic"] = r.data.get("topic") or r.data["title"]
    d["lines_url"] = f"{urls.acct}/buckets/{r.bucket_id}/chats/{r.id}/lines.json"
    d["files_url"] = f"{urls.acct}/buckets/{r.bucket_id}/chats/{r.id}/uploads.json"
    return d


def render_line(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = base_fields(store, r, urls)
    del d["bookmark_url"]
    add_boosts(d, r, urls, store)
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
    d["documents_count"] = active_count(store, r.id, "documents")
    d["documents_url"] = f"{urls.acct}/vaults/{r.id}/documents.json"
    d["uploads_count"] = active_count(store, r.id, "uploads")
    d["uploads_url"] = f"{urls.acct}/vaults/{r.id}/uploads.json"
    d["vaults_count"] = active_count(store, r.id, "vaults")
    d["vaults_url"] = f"{urls.acct}/vaults/{r.id}/vaults.json"
    return d


def render_document(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = content_fields(store, r, urls)
    d["content"] = r.data["content"]
    d["content_attachments"] = rich_attachments(store, r.data["attachments"], urls)
    return d


def render_upload(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = described_fields(store, r, urls)
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
    d = described_fields(store, r, urls)
    # Basecamp renders the linked file's address over the recording's API URL.
    d["url"] = r.data["link"]
    d["service"] = r.data["service"]
    return d


def render_google_document(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = described_fields(store, r, urls)
    d["url"] = r.data["link"]
    d["document_type"] = r.data["document_type"]
    return d


def render_schedule(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = tool_fields(store, r, urls)
    d["include_due_assignments"] = r.data["include_due_assignments"]
    d["entries_count"] = active_count(store, r.id, "entries")
    d["entries_url"] = f"{urls.acct}/schedules/{r.id}/entries.json"
    return d


def render_entry(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = described_fields(store, r, urls, position=False)
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
    d = tool_fields(store, r, urls, position=False)
    d["questions_url"] = f"{urls.acct}/questionnaires/{r.id}/questions.json"
    d["questions_count"] = 0
    d["name"] = r.data["title"]
    return d


def render_inbox(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d = tool_fields(store, r, urls)
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
        "boosts_count": len(boosts_of(store, event.recording_id, event.id)),
        "boosts_url": urls.recording(
            bucket_id, event.recording_id, f"events/{event.id}/boosts.json"
        ),
    }
