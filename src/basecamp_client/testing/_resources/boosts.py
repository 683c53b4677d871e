"""Boosts: short reactions on a recording, or on one event of a recording.

A recording's ``boosts_count`` (and an event's) counts them. Only the booster may
change or delete a boost.
"""

from __future__ import annotations

from typing import Any

from .._call import Call, Form, Listing, Reply, empty
from .._render import SEGMENTS, Urls, boosts_of, parent_ref, person
from .._render_kinds import RENDERERS
from .._router import Router
from .._store import ACTIVE, Record, Store
from .._wire import HttpError, iso

KIND = "Boost"
# Basecamp keeps boosts short: a word or an emoji.
MAX_LENGTH = 16


def _content(form: Form) -> str:
    content = form.string("content", required=True)
    if content is not None and len(content) > MAX_LENGTH:
        form.error("content", f"is too long (maximum is {MAX_LENGTH} characters)")
    form.check()
    assert content is not None
    return content


def _event_id(call: Call, recording: Record) -> int:
    event_id = call.id("event_id")
    if not any(e.id == event_id for e in call.store.events.get(recording.id, ())):
        raise HttpError(404, f"Event {event_id} not found")
    return event_id


def _new(call: Call, recording: Record, event_id: int | None) -> Reply:
    content = _content(call.form())
    store = call.store
    boost = Record(
        store.next_id(),
        KIND,
        created_at=store.now(),
        bucket_id=recording.bucket_id,
        parent_id=recording.id,
        creator_id=call.me.id,
        data={"content": content, "event_id": event_id},
    )
    store.add(store.recordings, boost)
    boost.relation = "boosts"
    store.attach(recording.id, "boosts", boost.id)
    store.bump(recording)
    return call.ok(boost, 201)


def _boost(call: Call, *, own: bool = False) -> Record:
    boost = call.store.recordings.get(call.id("boost_id"))
    if boost is None or boost.kind != KIND or boost.status != ACTIVE:
        raise HttpError(404, f"Boost {call.params['boost_id']} not found")
    if own and boost.creator_id != call.me.id:
        raise HttpError(403, "Only the person who boosted can change or remove a boost")
    return boost


def list_recording_boosts(call: Call) -> Listing:
    recording = call.recording(call.id("recording_id"))
    return call.listing(boosts_of(call.store, recording.id))


def create_recording_boost(call: Call) -> Reply:
    return _new(call, call.recording(call.id("recording_id")), None)


def list_event_boosts(call: Call) -> Listing:
    recording = call.recording(call.id("recording_id"))
    return call.listing(boosts_of(call.store, recording.id, _event_id(call, recording)))


def create_event_boost(call: Call) -> Reply:
    recording = call.recording(call.id("recording_id"))
    return _new(call, recording, _event_id(call, recording))


def get_boost(call: Call) -> Reply:
    return call.ok(_boost(call))


def update_boost(call: Call) -> Reply:
    boost = _boost(call, own=True)
    boost.data["content"] = _content(call.form())
    call.store.touch(boost)
    return call.ok(boost)


def delete_boost(call: Call) -> Reply:
    boost = _boost(call, own=True)
    store = call.store
    store.detach(boost.parent_id, "boosts", boost.id)
    del store.recordings[boost.id]
    recording = store.recordings.get(boost.parent_id)
    if recording is not None:
        store.bump(recording)
    store.changed()
    return empty()


def render_boost(store: Store, r: Record, urls: Urls) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": r.id,
        "content": r.data["content"],
        "created_at": iso(r.created_at),
        "booster": person(store, r.creator_id, urls),
    }
    recording = parent_ref(store, r, urls)
    if recording is not None:
        d["recording"] = recording
    return d


RENDERERS[KIND] = render_boost
SEGMENTS[KIND] = "boosts"


def register(router: Router) -> None:
    router.add("GET", "/recordings/{recording_id}/boosts", list_recording_boosts)
    router.add("POST", "/recordings/{recording_id}/boosts", create_recording_boost)
    router.add("GET", "/recordings/{recording_id}/events/{event_id}/boosts", list_event_boosts)
    router.add("POST", "/recordings/{recording_id}/events/{event_id}/boosts", create_event_boost)
    router.add("GET", "/boosts/{boost_id}", get_boost)
    router.add("PUT", "/boosts/{boost_id}", update_boost)  # API 2026-10-19
    router.add("DELETE", "/boosts/{boost_id}", delete_boost)
