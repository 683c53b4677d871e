"""Schedules and their entries."""

from __future__ import annotations

from typing import Any

from .._call import Call, Form, Listing, Reply
from .._router import Router
from .._store import Record, Store
from .._wire import HttpError
from ._common import attachment_sgids, new_recording
from .people import person_exists

ENTRY = "Schedule::Entry"


def new_entry(
    store: Store,
    schedule: Record,
    summary: str,
    starts_at: str,
    ends_at: str,
    *,
    creator_id: int,
    description: str = "",
    all_day: bool = False,
    participant_ids: list[int] | None = None,
    when: float | None = None,
) -> Record:
    data: dict[str, Any] = {
        "summary": summary,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
        "attachments": attachment_sgids(store, description),
        "all_day": all_day,
        "participant_ids": participant_ids or [],
        "url": None,
        "highlighted": False,
    }
    return new_recording(
        store,
        ENTRY,
        bucket_id=schedule.bucket_id,
        parent_id=schedule.id,
        creator_id=creator_id,
        data=data,
        when=when,
        relation="entries",
    )


def _entry_fields(call: Call, form: Form, *, replace: bool) -> dict[str, Any]:
    """Writable fields of an entry. On replace, omitted fields are cleared — except
    participants, join URL and highlight, which Basecamp keeps when not addressed."""
    summary = form.string("summary", required=not replace, default="") or ""
    starts_at = form.timestamp("starts_at", required=True)
    ends_at = form.timestamp("ends_at", required=True)
    description = form.string("description", default="") or ""
    all_day = form.boolean("all_day", False)
    form.boolean("notify")
    fields: dict[str, Any] = {
        "summary": summary,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
        "attachments": attachment_sgids(call.store, description),
        "all_day": bool(all_day),
    }
    if form.has("participant_ids"):
        fields["participant_ids"] = form.ids("participant_ids", person_exists(call.store)) or []
    if form.has("url"):
        fields["url"] = form.string("url") or None
    if form.has("highlighted"):
        fields["highlighted"] = bool(form.boolean("highlighted", False))
    if starts_at and ends_at and ends_at < starts_at:
        form.error("ends_at", "must be after the start")
    form.check()
    return fields


def get_schedule(call: Call) -> Reply:
    return call.ok(call.recording(call.id("schedule_id"), "Schedule"))


def update_schedule(call: Call) -> Reply:
    schedule = call.recording(call.id("schedule_id"), "Schedule")
    form = call.form()
    include = form.boolean("include_due_assignments")
    if include is None:
        form.error("include_due_assignments", "can't be blank")
    form.check()
    schedule.data["include_due_assignments"] = include
    call.store.touch(schedule)
    return call.ok(schedule)


def list_entries(call: Call) -> Listing:
    schedule = call.recording(call.id("schedule_id"), "Schedule")
    status = call.q_status()
    entries = [e for e in call.store.iter_kids(schedule.id, "entries") if e.status == status]
    entries.sort(key=lambda e: e.data["starts_at"])
    return call.listing(entries)


def create_entry(call: Call) -> Reply:
    schedule = call.recording(call.id("schedule_id"), "Schedule")
    form = call.form()
    fields = _entry_fields(call, form, replace=False)
    entry = new_entry(
        call.store,
        schedule,
        fields["summary"],
        fields["starts_at"],
        fields["ends_at"],
        creator_id=call.me.id,
        description=fields["description"],
        all_day=fields["all_day"],
        participant_ids=fields.get("participant_ids"),
    )
    entry.data["url"] = fields.get("url")
    entry.data["highlighted"] = fields.get("highlighted", False)
    return call.ok(entry, 201)


def get_entry(call: Call) -> Reply:
    return call.ok(call.recording(call.id("entry_id"), ENTRY))


def replace_entry(call: Call) -> Reply:
    entry = call.recording(call.id("entry_id"), ENTRY)
    if not isinstance(call.body, dict):
        raise HttpError(400, "Send the entry's full representation")
    fields = _entry_fields(call, call.form(), replace=True)
    entry.data.update(fields)
    call.store.touch(entry, shared=True)
    call.store.log_event(entry, "content_changed", call.me.id)
    return call.ok(entry)


def register(router: Router) -> None:
    router.add("GET", "/schedules/{schedule_id}", get_schedule)
    router.add("PUT", "/schedules/{schedule_id}", update_schedule)
    router.add("GET", "/schedules/{schedule_id}/entries", list_entries)
    router.add("POST", "/schedules/{schedule_id}/entries", create_entry)
    router.add("GET", "/schedule_entries/{entry_id}", get_entry)
    router.add("PUT", "/schedule_entries/{entry_id}", replace_entry)
