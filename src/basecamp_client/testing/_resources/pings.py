"""Pings: private chats between a few people (API 2026-10-19; ``/circles`` on the wire).

A Ping is a bucket of type ``Circle`` holding one chat; its id is the bucket's id. Its
lines are posted, read and listed through the ordinary chat routes
(``/buckets/{ping}/chats/{chat}/lines.json``, which ``links.lines`` points at). Creating
one with the same people as an existing active Ping answers that Ping again, as
Basecamp does, unless ``new_group`` asks for a fresh group of more than two people.
The list leaves out Pings nobody has written in yet; reading one by id still works.

The routes answer whether or not the generated client has the ping operations yet.
"""

from __future__ import annotations

from typing import Any

from .._call import Call, Reply
from .._render import Urls, people, person
from .._render_kinds import RENDERERS
from .._router import Router
from .._store import ACTIVE, Record, Store
from .._wire import HttpError, iso
from ._common import new_recording

CIRCLE = "Circle"


def new_ping(store: Store, people: list[int], *, creator_id: int) -> Record:
    members = list(dict.fromkeys([creator_id, *people]))
    names = [store.people[p].data["name"] for p in members if p != creator_id]
    stamp = store.now()
    circle = Record(store.next_id(), CIRCLE, created_at=stamp, creator_id=creator_id)
    circle.bucket_id = circle.id
    circle.data = {"people": members, "title": ", ".join(names), "chat_id": 0}
    store.add(store.circles, circle)
    chat = new_recording(
        store,
        "Chat::Transcript",
        bucket_id=circle.id,
        parent_id=0,
        creator_id=creator_id,
        data={"title": "Ping", "tool_name": "chat", "enabled": True, "dock_position": 1},
        when=stamp,
        event=False,
    )
    circle.data["chat_id"] = chat.id
    return circle


def has_lines(store: Store, circle: Record) -> bool:
    return any(r.status == ACTIVE for r in store.iter_kids(circle.data["chat_id"], "lines"))


def _member(call: Call, circle: Record | None) -> Record:
    if circle is None or call.me.id not in circle.data["people"]:
        raise HttpError(404, f"Ping {call.params.get('ping_id', '')} not found".rstrip())
    return circle


def list_pings(call: Call) -> Reply:
    store = call.store
    mine = [
        c
        for c in store.circles.values()
        if c.status == ACTIVE and call.me.id in c.data["people"] and has_lines(store, c)
    ]
    mine.sort(key=lambda c: (c.updated_at, c.id), reverse=True)
    # Not paginated: the description gives Pings as one list.
    return Reply(200, body=b"[" + b",".join(call.frag(c) for c in mine) + b"]")


def create_ping(call: Call) -> Reply:
    form = call.form()
    raw: Any = form.body.get("user_ids")
    if raw is None or (isinstance(raw, list) and not raw):
        form.error("user_ids", "can't be blank")
    elif not isinstance(raw, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw
    ):
        form.error("user_ids", "must be a list of integer ids")
    new_group = form.boolean("new_group", False)
    form.check()
    store = call.store
    # People the caller cannot reach are ignored, as Basecamp ignores them.
    others = [
        p
        for p in dict.fromkeys(raw)
        if p != call.me.id and p in store.people and store.people[p].status == ACTIVE
    ]
    if not others:
        raise HttpError(
            422,
            "User ids must name someone else in the account",
            errors={"user_ids": ["must name someone else in the account"]},
        )
    members = {call.me.id, *others}
    if not new_group or len(others) == 1:
        same = [
            c
            for c in store.circles.values()
            if c.status == ACTIVE and set(c.data["people"]) == members
        ]
        if same:
            oldest = min(same, key=lambda c: (c.created_at, c.id))
            return call.ok(oldest, 201)
    return call.ok(new_ping(store, others, creator_id=call.me.id), 201)


def get_ping(call: Call) -> Reply:
    return call.ok(_member(call, call.store.circles.get(call.id("ping_id"))))


def render_ping(store: Store, c: Record, urls: Urls) -> dict[str, Any]:
    members = c.data["people"]
    others = [p for p in members if p != c.creator_id] or members
    chat = f"{urls.acct}/buckets/{c.id}/chats/{c.data['chat_id']}"
    face = person(store, others[0], urls)
    return {
        "id": c.id,
        "title": c.data["title"],
        "named": False,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "url": f"{urls.acct}/circles/{c.id}.json",
        "app_url": f"{urls.app_acct}/circles/{c.id}",
        "bookmark_url": f"{urls.acct}/my/bookmarks/{store.sgid('Bucket', c.id)}.json",
        "avatar_url": face["avatar_url"] if face is not None else "",
        "room_url": f"{chat}.json",
        "links": {"lines": f"{chat}/lines.json", "files": f"{chat}/uploads.json"},
        "people": people(store, members, urls),
    }


RENDERERS[CIRCLE] = render_ping


def register(router: Router) -> None:
    router.add("GET", "/circles", list_pings)
    router.add("POST", "/circles", create_ping)
    router.add("GET", "/circles/{ping_id}", get_ping)
