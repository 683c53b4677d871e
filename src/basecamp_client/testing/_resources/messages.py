"""Message boards, messages, message types, and comments on any recording."""

from __future__ import annotations

from .._call import Call, Listing, Reply
from .._router import Router
from .._store import Record, Store
from .._wire import HttpError
from ._common import attachment_sgids, new_recording, sort_by_query

# Recordings people can comment on.
COMMENTABLE = (
    "Todo",
    "Todolist",
    "Message",
    "Document",
    "Upload",
    "Schedule::Entry",
)


def new_message(
    store: Store,
    board: Record,
    subject: str,
    content: str = "",
    *,
    creator_id: int,
    category_id: int | None = None,
    when: float | None = None,
) -> Record:
    data = {
        "subject": subject,
        "content": content,
        "attachments": attachment_sgids(store, content),
        "category_id": category_id,
    }
    return new_recording(
        store,
        "Message",
        bucket_id=board.bucket_id,
        parent_id=board.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="messages",
        first=True,
    )


def new_comment(
    store: Store, parent: Record, content: str, *, creator_id: int, when: float | None = None
) -> Record:
    data = {"content": content, "attachments": attachment_sgids(store, content)}
    return new_recording(
        store,
        "Comment",
        bucket_id=parent.bucket_id,
        parent_id=parent.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="comments",
    )


def get_board(call: Call) -> Reply:
    return call.ok(call.recording(call.id("board_id"), "Message::Board"))


def list_messages(call: Call) -> Listing:
    board = call.recording(call.id("board_id"), "Message::Board")
    status = call.q_status()
    messages = [m for m in call.store.iter_kids(board.id, "messages") if m.status == status]
    return call.listing(sort_by_query(call, messages))


def _category(call: Call, bucket_id: int, category_id: int | None) -> int | None:
    if category_id is None:
        return None
    category = call.store.categories.get(category_id)
    if category is None or category.bucket_id != bucket_id:
        raise HttpError(422, "Category is invalid", errors={"category_id": ["is invalid"]})
    return category_id


def create_message(call: Call) -> Reply:
    board = call.recording(call.id("board_id"), "Message::Board")
    form = call.form()
    subject = form.string("subject", required=True)
    content = form.string("content", default="") or ""
    category_id = form.integer("category_id")
    status = form.string("status")
    if status not in (None, "active", "drafted"):
        form.error("status", "must be active or drafted")
    form.ids("subscriptions", lambda pid: pid in call.store.people)
    form.check()
    assert subject is not None
    message = new_message(
        call.store,
        board,
        subject,
        content,
        creator_id=call.me.id,
        category_id=_category(call, board.bucket_id, category_id),
    )
    if status == "drafted":
        message.status = "drafted"
        call.store.bump_siblings(message)
    return call.ok(message, 201)


def get_message(call: Call) -> Reply:
    return call.ok(call.recording(call.id("message_id"), "Message"))


def update_message(call: Call) -> Reply:
    message = call.recording(call.id("message_id"), "Message")
    form = call.form()
    subject = form.string("subject", required=form.has("subject"))
    content = form.string("content")
    category_id = form.integer("category_id")
    form.check()
    if subject is not None:
        message.data["subject"] = subject
    if content is not None:
        message.data["content"] = content
        message.data["attachments"] = attachment_sgids(call.store, content)
    if category_id is not None:
        message.data["category_id"] = _category(call, message.bucket_id, category_id)
    call.store.touch(message, shared=True)
    call.store.log_event(message, "content_changed", call.me.id)
    return call.ok(message)


def list_categories(call: Call) -> Listing:
    bucket_id = call.project(call.id("bucket_id")).id
    return call.listing([c for c in call.store.categories.values() if c.bucket_id == bucket_id])


def get_category(call: Call) -> Reply:
    category = call.store.categories.get(call.id("category_id"))
    if category is None or category.bucket_id != call.id("bucket_id"):
        raise HttpError(404, f"Message type {call.params['category_id']} not found")
    return call.ok(category)


def list_comments(call: Call) -> Listing:
    parent = call.recording(call.id("recording_id"), *COMMENTABLE)
    return call.listing(
        [c for c in call.store.iter_kids(parent.id, "comments") if c.status == "active"]
    )


def create_comment(call: Call) -> Reply:
    parent = call.recording(call.id("recording_id"), *COMMENTABLE)
    form = call.form()
    content = form.string("content", required=True)
    form.check()
    assert content is not None
    comment = new_comment(call.store, parent, content, creator_id=call.me.id)
    return call.ok(comment, 201)


def get_comment(call: Call) -> Reply:
    return call.ok(call.recording(call.id("comment_id"), "Comment"))


def update_comment(call: Call) -> Reply:
    comment = call.recording(call.id("comment_id"), "Comment")
    form = call.form()
    content = form.string("content", required=True)
    form.check()
    comment.data["content"] = content
    comment.data["attachments"] = attachment_sgids(call.store, content)
    call.store.touch(comment)
    call.store.log_event(comment, "content_changed", call.me.id)
    return call.ok(comment)


def register(router: Router) -> None:
    router.add("GET", "/message_boards/{board_id}", get_board)
    router.add("GET", "/message_boards/{board_id}/messages", list_messages)
    router.add("POST", "/message_boards/{board_id}/messages", create_message)
    router.add("GET", "/messages/{message_id}", get_message)
    router.add("PUT", "/messages/{message_id}", update_message)
    router.add("GET", "/buckets/{bucket_id}/categories", list_categories)
    router.add("GET", "/buckets/{bucket_id}/categories/{category_id}", get_category)
    router.add("GET", "/recordings/{recording_id}/comments", list_comments)
    router.add("POST", "/recordings/{recording_id}/comments", create_comment)
    router.add("GET", "/comments/{comment_id}", get_comment)
    router.add("PUT", "/comments/{comment_id}", update_comment)
