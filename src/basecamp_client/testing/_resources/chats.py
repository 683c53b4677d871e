"""Campfires (chats), their lines and the files posted in them."""

from __future__ import annotations

from .._call import Call, Listing, Reply, empty
from .._render import LINE_KINDS
from .._router import BINARY, Router
from .._store import ACTIVE, Record, Store
from .._wire import HttpError
from ._common import new_recording, set_status, sort_by_query
from .files import store_upload

CHAT = "Chat::Transcript"


def new_line(
    store: Store,
    chat: Record,
    content: str,
    *,
    creator_id: int,
    rich: bool = False,
    when: float | None = None,
) -> Record:
    return new_recording(
        store,
        "Chat::Lines::RichText" if rich else "Chat::Lines::Text",
        bucket_id=chat.bucket_id,
        parent_id=chat.id,
        creator_id=creator_id,
        data={"content": content},
        when=when,
        relation="lines",
        event=False,
    )


def _chat(call: Call) -> Record:
    return call.recording(call.id("chat_id"), CHAT)


def _line(call: Call) -> Record:
    chat = _chat(call)
    line = call.recording(call.id("line_id"), *LINE_KINDS)
    if line.parent_id != chat.id:
        raise HttpError(404, f"Line {line.id} not found")
    return line


def list_chats(call: Call) -> Listing:
    chats = [
        r
        for r in call.store.all_recordings()
        if r.kind == CHAT
        and r.status == ACTIVE
        and r.data.get("enabled", True)
        and r.bucket_id in call.store.projects  # a Ping's chat is not a project's
    ]
    return call.listing(chats)


def get_chat(call: Call) -> Reply:
    return call.ok(_chat(call))


def list_lines(call: Call) -> Listing:
    chat = _chat(call)
    lines = [r for r in call.store.iter_kids(chat.id, "lines") if r.status == ACTIVE]
    return call.listing(sort_by_query(call, lines, direction="asc"))


def create_line(call: Call) -> Reply:
    chat = _chat(call)
    form = call.form()
    content = form.string("content", required=True)
    content_type = form.string("content_type")
    if content_type not in (None, "text/plain", "text/html"):
        form.error("content_type", "must be text/plain or text/html")
    form.check()
    assert content is not None
    rich = content_type == "text/html"
    line = new_line(call.store, chat, content, creator_id=call.me.id, rich=rich)
    return call.ok(line, 201)


def get_line(call: Call) -> Reply:
    return call.ok(_line(call))


def update_line(call: Call) -> Reply:
    line = _line(call)
    if line.creator_id != call.me.id:
        raise HttpError(403, "Only the author of a line can edit it")
    if line.kind == "Chat::Lines::Upload":
        raise HttpError(403, "File lines cannot be edited")
    form = call.form()
    content = form.string("content", required=True)
    form.check()
    line.kind = "Chat::Lines::RichText"
    line.data["content"] = content
    call.store.touch(line)
    return empty()


def delete_line(call: Call) -> Reply:
    line = _line(call)
    if line.creator_id != call.me.id and not call.me.data.get("admin"):
        raise HttpError(403, "Only the author of a line or an admin can delete it")
    set_status(call.store, line, "trashed", call.me.id)
    return empty()


def list_chat_uploads(call: Call) -> Listing:
    chat = _chat(call)
    lines = [
        r
        for r in call.store.iter_kids(chat.id, "lines")
        if r.status == ACTIVE and r.kind == "Chat::Lines::Upload"
    ]
    return call.listing(sort_by_query(call, lines, direction="asc"))


def create_chat_upload(call: Call) -> Reply:
    chat = _chat(call)
    blob = store_upload(call)
    line = new_recording(
        call.store,
        "Chat::Lines::Upload",
        bucket_id=chat.bucket_id,
        parent_id=chat.id,
        creator_id=call.me.id,
        data={"sgid": blob.sgid, "filename": blob.filename},
        relation="lines",
        event=False,
    )
    return call.ok(line, 201)


def register(router: Router) -> None:
    router.add("GET", "/chats", list_chats)
    router.add("GET", "/chats/{chat_id}", get_chat)
    router.add("GET", "/chats/{chat_id}/lines", list_lines)
    router.add("POST", "/chats/{chat_id}/lines", create_line)
    router.add("GET", "/chats/{chat_id}/lines/{line_id}", get_line)
    router.add("PUT", "/chats/{chat_id}/lines/{line_id}", update_line)
    router.add("DELETE", "/chats/{chat_id}/lines/{line_id}", delete_line)
    router.add("GET", "/chats/{chat_id}/uploads", list_chat_uploads)
    router.add("POST", "/chats/{chat_id}/uploads", create_chat_upload, body=BINARY)
