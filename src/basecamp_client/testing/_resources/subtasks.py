"""Subtasks: the checklist of a to-do (API 2026-10-19).

A subtask is a ``Kanban::Step`` recording filed under its to-do, in position order;
the to-do shows ``subtasks_count``, ``subtasks_completed_count`` and ``subtasks_url``
once the description the client was generated from knows them. Cards hold subtasks too
in Basecamp, but the fake does not store cards: a subtask's parent here is a to-do.

The routes answer whether or not the generated client has the subtask operations yet;
once it has, their request checks come from the description as well.
"""

from __future__ import annotations

from typing import Any

from .._call import Call, Form, Listing, Reply, empty
from .._render import SEGMENTS, Urls, base_fields, family_fields, people, person
from .._render_kinds import RENDERERS
from .._router import Router
from .._store import ACTIVE, Record, Store
from .._wire import HttpError, iso
from ._common import bump_ancestors, new_recording
from .people import person_exists

KIND = "Kanban::Step"
PARENTS = ("Todo",)


def new_subtask(
    store: Store,
    parent: Record,
    title: str,
    *,
    creator_id: int,
    due_on: str | None = None,
    assignee_ids: list[int] | None = None,
    when: float | None = None,
) -> Record:
    data: dict[str, Any] = {
        "title": title,
        "due_on": due_on,
        "assignee_ids": assignee_ids or [],
        "completed": False,
        "completion": None,
    }
    return new_recording(
        store,
        KIND,
        bucket_id=parent.bucket_id,
        parent_id=parent.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="subtasks",
    )


def _subtask(call: Call) -> Record:
    try:
        return call.recording(call.id("subtask_id"), KIND)
    except HttpError:
        raise HttpError(404, f"Subtask {call.params['subtask_id']} not found") from None


def _fields(call: Call, form: Form, *, partial: bool) -> dict[str, Any]:
    """The writable fields sent; on an update, omitted ones stay as they are."""
    fields: dict[str, Any] = {}
    if not partial or form.has("title"):
        fields["title"] = form.string("title", required=True)
    if form.has("due_on"):
        fields["due_on"] = form.date("due_on")
    if form.has("assignee_ids"):
        fields["assignee_ids"] = form.ids("assignee_ids", person_exists(call.store)) or []
    if partial and not fields and not form.errors:
        form.error("base", "send at least one of title, due_on, assignee_ids")
    form.check()
    return fields


def list_subtasks(call: Call) -> Listing:
    parent = call.recording(call.id("recording_id"), *PARENTS)
    return call.listing(
        [s for s in call.store.iter_kids(parent.id, "subtasks") if s.status == ACTIVE]
    )


def create_subtask(call: Call) -> Reply:
    parent = call.recording(call.id("recording_id"), *PARENTS)
    fields = _fields(call, call.form(), partial=False)
    subtask = new_subtask(
        call.store,
        parent,
        fields["title"],
        creator_id=call.me.id,
        due_on=fields.get("due_on"),
        assignee_ids=fields.get("assignee_ids"),
    )
    return call.ok(subtask, 201)


def get_subtask(call: Call) -> Reply:
    return call.ok(_subtask(call))


def update_subtask(call: Call) -> Reply:
    subtask = _subtask(call)
    fields = _fields(call, call.form(), partial=True)
    subtask.data.update(fields)
    call.store.touch(subtask, shared="title" in fields)
    call.store.log_event(subtask, "content_changed", call.me.id)
    return call.ok(subtask)


def delete_subtask(call: Call) -> Reply:
    subtask = _subtask(call)
    store = call.store
    store.detach(subtask.parent_id, "subtasks", subtask.id)
    del store.recordings[subtask.id]
    store.changed()
    bump_ancestors(store, subtask)
    return empty()


def _set_completed(call: Call, done: bool) -> Reply:
    subtask = _subtask(call)
    store = call.store
    if subtask.data["completed"] != done:
        subtask.data["completed"] = done
        store.touch(subtask)
        subtask.data["completion"] = (subtask.updated_at, call.me.id) if done else None
        store.log_event(subtask, "completed" if done else "uncompleted", call.me.id)
        store.bump_siblings(subtask)
        bump_ancestors(store, subtask)
    return empty()


def complete_subtask(call: Call) -> Reply:
    return _set_completed(call, True)


def uncomplete_subtask(call: Call) -> Reply:
    return _set_completed(call, False)


def reposition_subtask(call: Call) -> Reply:
    subtask = _subtask(call)
    form = call.form()
    position = form.integer("position", required=True, minimum=1)
    form.check()
    assert position is not None
    # Positions count every subtask of the to-do, done or not.
    store = call.store
    ids = store.kids(subtask.parent_id, "subtasks")
    store.move(subtask.parent_id, "subtasks", subtask.id, min(position, len(ids)) - 1)
    bump_ancestors(store, subtask)
    return empty()


def render_subtask(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    data = r.data
    d = base_fields(store, r, urls)
    siblings = [s.id for s in store.iter_kids(r.parent_id, "subtasks") if s.status == ACTIVE]
    d["position"] = siblings.index(r.id) + 1 if r.id in siblings else 0
    family_fields(store, d, r, urls)
    d["completed"] = data["completed"]
    if data["completed"] and data.get("completion") is not None:
        when, who = data["completion"]
        d["completion"] = {"created_at": iso(when), "creator": person(store, who, urls)}
    if data["due_on"] is not None:  # optional and typed non-null: left out when unset
        d["due_on"] = data["due_on"]
    d["assignees"] = people(store, data["assignee_ids"], urls)
    d["completion_url"] = f"{urls.acct}/subtasks/{r.id}/completion.json"
    return d


RENDERERS[KIND] = render_subtask
SEGMENTS[KIND] = "subtasks"


def register(router: Router) -> None:
    router.add("GET", "/recordings/{recording_id}/subtasks", list_subtasks)
    router.add("POST", "/recordings/{recording_id}/subtasks", create_subtask)
    router.add("GET", "/subtasks/{subtask_id}", get_subtask)
    router.add("PUT", "/subtasks/{subtask_id}", update_subtask)
    router.add("DELETE", "/subtasks/{subtask_id}", delete_subtask)
    router.add("POST", "/subtasks/{subtask_id}/completion", complete_subtask)
    router.add("DELETE", "/subtasks/{subtask_id}/completion", uncomplete_subtask)
    router.add("PUT", "/subtasks/{subtask_id}/position", reposition_subtask)
