"""To-do sets, to-do lists (and their groups), to-dos."""

from __future__ import annotations

from typing import Any

from .._call import Call, Form, Listing, Reply, empty
from .._router import Router
from .._store import ACTIVE, Record, Store
from .._wire import HttpError
from ._common import attachment_sgids, bump_ancestors, new_recording
from .people import person_exists

LIST = "Todolist"


def new_todolist(
    store: Store,
    parent: Record,
    name: str,
    description: str = "",
    *,
    creator_id: int,
    group: bool = False,
    color: str | None = None,
    when: float | None = None,
) -> Record:
    data: dict[str, Any] = {
        "name": name,
        "description": description,
        "attachments": attachment_sgids(store, description),
        "group": group,
        "color": color,
    }
    return new_recording(
        store,
        LIST,
        bucket_id=parent.bucket_id,
        parent_id=parent.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="groups" if group else "todolists",
    )


def new_todo(
    store: Store,
    todolist: Record,
    content: str,
    *,
    creator_id: int,
    description: str = "",
    assignee_ids: list[int] | None = None,
    completion_subscriber_ids: list[int] | None = None,
    due_on: str | None = None,
    starts_on: str | None = None,
    when: float | None = None,
) -> Record:
    data: dict[str, Any] = {
        "content": content,
        "description": description,
        "attachments": attachment_sgids(store, description),
        "assignee_ids": assignee_ids or [],
        "completion_subscriber_ids": completion_subscriber_ids or [],
        "due_on": due_on,
        "starts_on": starts_on,
        "completed": False,
        "completion": None,
    }
    return new_recording(
        store,
        "Todo",
        bucket_id=todolist.bucket_id,
        parent_id=todolist.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="todos",
    )


def complete(store: Store, todo: Record, actor_id: int, *, when: float | None = None) -> None:
    if todo.data["completed"]:
        return
    todo.data["completed"] = True
    store.touch(todo, when=when)
    todo.data["completion"] = (todo.updated_at, actor_id)
    store.log_event(todo, "completed", actor_id)
    store.bump_siblings(todo)
    bump_ancestors(store, todo)


def _todo_fields(call: Call, form: Form) -> dict[str, Any]:
    """The writable fields of a to-do, validated; omitted ones come back empty."""
    known = person_exists(call.store)
    content = form.string("content", required=True)
    description = form.string("description", default="") or ""
    fields: dict[str, Any] = {
        "content": content,
        "description": description,
        "attachments": attachment_sgids(call.store, description),
        "assignee_ids": form.ids("assignee_ids", known) or [],
        "completion_subscriber_ids": form.ids("completion_subscriber_ids", known) or [],
        "due_on": form.date("due_on"),
        "starts_on": form.date("starts_on"),
    }
    form.boolean("notify")
    if fields["due_on"] and fields["starts_on"] and fields["starts_on"] > fields["due_on"]:
        form.error("starts_on", "must be on or before the due date")
    form.check()
    return fields


def _list_fields(form: Form, store: Store) -> dict[str, Any]:
    name = form.string("name", required=True)
    description = form.string("description", default="") or ""
    form.check()
    return {
        "name": name,
        "description": description,
        "attachments": attachment_sgids(store, description),
    }


# ------------------------------------------------------------------------- to-do sets


def get_todoset(call: Call) -> Reply:
    return call.ok(call.recording(call.id("todoset_id"), "Todoset"))


def list_todolists(call: Call) -> Listing:
    todoset = call.recording(call.id("todoset_id"), "Todoset")
    status = call.q_status()
    return call.listing(
        [t for t in call.store.iter_kids(todoset.id, "todolists") if t.status == status]
    )


def create_todolist(call: Call) -> Reply:
    todoset = call.recording(call.id("todoset_id"), "Todoset")
    form = call.form()
    fields = _list_fields(form, call.store)
    todolist = new_todolist(
        call.store, todoset, fields["name"], fields["description"], creator_id=call.me.id
    )
    return call.ok(todolist, 201)


def reposition_todolist(call: Call) -> Reply:
    todolist = call.recording(call.id("todolist_id"), LIST)
    if todolist.data["group"]:
        raise HttpError(404, f"Todolist {todolist.id} not found")
    return _reposition(call, todolist)


# ------------------------------------------------------------------------- to-do lists


def get_todolist(call: Call) -> Reply:
    return call.ok(call.recording(call.id("list_id"), LIST))


def replace_todolist(call: Call) -> Reply:
    todolist = call.recording(call.id("list_id"), LIST)
    form = call.form()
    fields = _list_fields(form, call.store)
    todolist.data.update(fields)
    call.store.touch(todolist, shared=True)
    call.store.log_event(todolist, "content_changed", call.me.id)
    return call.ok(todolist)


def list_groups(call: Call) -> Listing:
    todolist = call.recording(call.id("todolist_id"), LIST)
    status = call.q_status()
    return call.listing(
        [g for g in call.store.iter_kids(todolist.id, "groups") if g.status == status]
    )


def create_group(call: Call) -> Reply:
    todolist = call.recording(call.id("todolist_id"), LIST)
    if todolist.data["group"]:
        raise HttpError(
            422, "Groups cannot be nested", errors={"base": ["groups cannot be nested"]}
        )
    form = call.form()
    name = form.string("name", required=True)
    color = form.string("color")
    form.check()
    assert name is not None
    group = new_todolist(call.store, todolist, name, creator_id=call.me.id, group=True, color=color)
    return call.ok(group, 201)


def reposition_group(call: Call) -> Reply:
    group = call.recording(call.id("group_id"), LIST)
    if not group.data["group"]:
        raise HttpError(404, f"Group {group.id} not found")
    return _reposition(call, group)


def _reposition(call: Call, record: Record, parent_kinds: tuple[str, ...] = ()) -> Reply:
    form = call.form()
    position = form.integer("position", required=True, minimum=1)
    parent_id = form.integer("parent_id") if parent_kinds else None
    new_parent = None
    if parent_id is not None and parent_id != record.parent_id:
        new_parent = call.store.recordings.get(parent_id)
        if (
            new_parent is None
            or new_parent.kind not in parent_kinds
            or new_parent.bucket_id != record.bucket_id
        ):
            form.error("parent_id", "must be a to-do list or group in the same project")
    form.check()
    assert position is not None
    old_parent = record.parent_id
    call.store.place(record, position, new_parent.id if new_parent is not None else None)
    if new_parent is not None:
        call.store.touch(record)
        details = {"new_parent_id": new_parent.id, "parent_id_was": old_parent}
        call.store.log_event(record, "adopted", call.me.id, details)
        bump_ancestors(call.store, record)
        former = call.store.recordings.get(old_parent)
        if former is not None:
            call.store.bump(former)
            bump_ancestors(call.store, former)
    return empty()


# ------------------------------------------------------------------------- to-dos


def list_todos(call: Call) -> Listing:
    todolist = call.recording(call.id("todolist_id"), LIST)
    status = call.q_status()
    raw = call.q("completed")
    if raw not in (None, "true", "false"):
        raise HttpError(400, f"completed must be true or false, got {raw!r}")
    completed = raw == "true"
    todos = [
        t
        for t in call.store.iter_kids(todolist.id, "todos")
        if t.status == status and (status != ACTIVE or t.data["completed"] == completed)
    ]
    return call.listing(todos)


def create_todo(call: Call) -> Reply:
    todolist = call.recording(call.id("todolist_id"), LIST)
    fields = _todo_fields(call, call.form())
    todo = new_todo(
        call.store,
        todolist,
        fields["content"],
        creator_id=call.me.id,
        description=fields["description"],
        assignee_ids=fields["assignee_ids"],
        completion_subscriber_ids=fields["completion_subscriber_ids"],
        due_on=fields["due_on"],
        starts_on=fields["starts_on"],
    )
    return call.ok(todo, 201)


def get_todo(call: Call) -> Reply:
    return call.ok(call.recording(call.id("todo_id"), "Todo"))


def replace_todo(call: Call) -> Reply:
    todo = call.recording(call.id("todo_id"), "Todo")
    fields = _todo_fields(call, call.form())
    todo.data.update(fields)
    call.store.touch(todo, shared=True)
    call.store.log_event(todo, "content_changed", call.me.id)
    return call.ok(todo)


def complete_todo(call: Call) -> Reply:
    todo = call.recording(call.id("todo_id"), "Todo")
    complete(call.store, todo, call.me.id)
    return empty()


def uncomplete_todo(call: Call) -> Reply:
    todo = call.recording(call.id("todo_id"), "Todo")
    if todo.data["completed"]:
        todo.data["completed"] = False
        todo.data["completion"] = None
        call.store.touch(todo)
        call.store.log_event(todo, "uncompleted", call.me.id)
        call.store.bump_siblings(todo)
        bump_ancestors(call.store, todo)
    return empty()


def reposition_todo(call: Call) -> Reply:
    todo = call.recording(call.id("todo_id"), "Todo")
    return _reposition(call, todo, (LIST,))


def register(router: Router) -> None:
    router.add("GET", "/todosets/{todoset_id}", get_todoset)
    router.add("GET", "/todosets/{todoset_id}/todolists", list_todolists)
    router.add("POST", "/todosets/{todoset_id}/todolists", create_todolist)
    router.add("PUT", "/todosets/todolists/{todolist_id}/position", reposition_todolist)
    router.add("GET", "/todolists/{list_id}", get_todolist)
    router.add("PUT", "/todolists/{list_id}", replace_todolist)
    router.add("GET", "/todolists/{todolist_id}/groups", list_groups)
    router.add("POST", "/todolists/{todolist_id}/groups", create_group)
    router.add("PUT", "/todolists/groups/{group_id}/position", reposition_group)
    router.add("GET", "/todolists/{todolist_id}/todos", list_todos)
    router.add("POST", "/todolists/{todolist_id}/todos", create_todo)
    router.add("GET", "/todos/{todo_id}", get_todo)
    router.add("PUT", "/todos/{todo_id}", replace_todo)
    router.add("POST", "/todos/{todo_id}/completion", complete_todo)
    router.add("DELETE", "/todos/{todo_id}/completion", uncomplete_todo)
    router.add("PUT", "/todos/{todo_id}/position", reposition_todo)
