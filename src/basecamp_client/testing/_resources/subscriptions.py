"""Who is notified about a recording: subscribe, unsubscribe, or set the list.

Every recording starts with its creator subscribed. Changing the list changes no
recording's own JSON, only what ``…/subscription.json`` answers.
"""

from __future__ import annotations

from typing import Any

from .._call import Call, Reply, empty
from .._render import people
from .._router import Router
from .._store import Record
from .people import person_exists


def subscribers(record: Record) -> list[int]:
    found: list[int] = record.data.setdefault("subscriber_ids", [record.creator_id])
    return found


def _subscription(call: Call, record: Record) -> Reply:
    ids = [p for p in subscribers(record) if p in call.store.people]
    value: dict[str, Any] = {
        "subscribed": call.me.id in ids,
        "count": len(ids),
        "url": call.urls.recording(record.bucket_id, record.id, "subscription.json"),
        "subscribers": people(call.store, ids, call.urls),
    }
    return Reply(200, value)


def get_subscription(call: Call) -> Reply:
    return _subscription(call, call.recording(call.id("recording_id")))


def subscribe(call: Call) -> Reply:
    record = call.recording(call.id("recording_id"))
    ids = subscribers(record)
    if call.me.id not in ids:
        ids.append(call.me.id)
        call.store.changed()
    return _subscription(call, record)


def unsubscribe(call: Call) -> Reply:
    record = call.recording(call.id("recording_id"))
    ids = subscribers(record)
    if call.me.id in ids:
        ids.remove(call.me.id)
        call.store.changed()
    return empty()


def update_subscription(call: Call) -> Reply:
    record = call.recording(call.id("recording_id"))
    form = call.form()
    known = person_exists(call.store)
    add = form.ids("subscriptions", known) or []
    remove = form.ids("unsubscriptions", known) or []
    form.check()
    ids = subscribers(record)
    ids[:] = [p for p in dict.fromkeys([*ids, *add]) if p not in remove]
    call.store.changed()
    return _subscription(call, record)


def register(router: Router) -> None:
    router.add("GET", "/recordings/{recording_id}/subscription", get_subscription)
    router.add("POST", "/recordings/{recording_id}/subscription", subscribe)
    router.add("DELETE", "/recordings/{recording_id}/subscription", unsubscribe)
    router.add("PUT", "/recordings/{recording_id}/subscription", update_subscription)
