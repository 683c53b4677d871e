"""Webhook payloads of our own making, shaped like Basecamp's deliveries."""

from __future__ import annotations

import copy
import json
from typing import Any

PERSON = {
    "id": 1049715913,
    "attachable_sgid": "BAh7-person-sgid",
    "name": "Victor Cooper",
    "email_address": "victor@honcho.example",
    "personable_type": "User",
    "title": "Chief Strategist",
    "admin": True,
    "company": {"id": 1033447817, "name": "Honcho Design"},
}

TODO_CREATED: dict[str, Any] = {
    "id": 9007199254741001,
    "kind": "todo_created",
    "details": {"notified_recipient_ids": [1007299144]},
    "created_at": "2026-02-12T00:14:14.701-06:00",
    "recording": {
        "id": 1069479406,
        "status": "active",
        "visible_to_clients": False,
        "created_at": "2026-02-12T00:14:14.000-06:00",
        "updated_at": "2026-02-12T00:14:14.697-06:00",
        "title": "Ship the microsite",
        "inherits_status": True,
        "type": "Todo",
        "url": "https://3.basecampapi.com/195539477/buckets/2085958504/todos/1069479406.json",
        "app_url": "https://3.basecamp.com/195539477/buckets/2085958504/todos/1069479406",
        "parent": {
            "id": 1069479392,
            "title": "Launch",
            "type": "Todolist",
            "url": "https://3.basecampapi.com/195539477/buckets/2085958504/todolists/1069479392.json",
            "app_url": "https://3.basecamp.com/195539477/buckets/2085958504/todolists/1069479392",
        },
        "bucket": {"id": 2085958504, "name": "The Leto Laptop", "type": "Project"},
        "creator": PERSON,
        "content": "Ship it <strong>today</strong>",
    },
    "creator": PERSON,
}


def event(
    kind: str = "todo_created", event_id: int | None = None, **changes: Any
) -> dict[str, Any]:
    payload = copy.deepcopy(TODO_CREATED)
    payload["kind"] = kind
    if event_id is not None:
        payload["id"] = event_id
    payload.update(changes)
    return payload


def body(kind: str = "todo_created", event_id: int | None = None, **changes: Any) -> bytes:
    return json.dumps(event(kind, event_id, **changes)).encode()
