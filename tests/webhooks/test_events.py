"""Parsing deliveries into typed events: documented payloads, leniency, required fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from basecamp_client.webhooks import (
    Bucket,
    Person,
    Recording,
    WebhookCopy,
    WebhookEvent,
    WebhookPayloadError,
    parse_event,
)

from ..oauth.reference import examples
from .payloads import TODO_CREATED, event


def documented_deliveries() -> list[dict[str, Any]]:
    found = []
    for example in examples("webhooks"):
        if isinstance(example, dict) and "kind" in example:
            found.append(example)
        items = example if isinstance(example, list) else [example]
        for item in items:
            for delivery in item.get("recent_deliveries", []) if isinstance(item, dict) else []:
                found.append(delivery["request"]["body"])
    return found


def test_documented_payloads_parse() -> None:
    payloads = documented_deliveries()
    assert len(payloads) >= 2
    for payload in payloads:
        parsed = parse_event(payload)
        assert parsed.id == payload["id"]
        assert parsed.kind == payload["kind"]
        assert isinstance(parsed.created_at, dt.datetime)
        assert parsed.recording is not None
        assert parsed.recording.id == payload["recording"]["id"]
        assert parsed.recording.type == payload["recording"]["type"]
        assert parsed.recording.bucket is not None
        assert parsed.recording.bucket.id == payload["recording"]["bucket"]["id"]
        assert parsed.creator is not None
        assert parsed.creator.name == payload["creator"]["name"]
        assert dict(parsed.details) == payload["details"]
        assert parsed.account_id == int(payload["recording"]["url"].split("/")[3])


def test_todo_created() -> None:
    parsed = parse_event(TODO_CREATED)
    assert isinstance(parsed, WebhookEvent)
    assert parsed.kind == "todo_created"
    assert parsed.created_at == dt.datetime(
        2026, 2, 12, 0, 14, 14, 701000, tzinfo=dt.timezone(dt.timedelta(hours=-6))
    )
    recording = parsed.recording
    assert isinstance(recording, Recording)
    assert recording.title == "Ship the microsite"
    assert recording.parent is not None
    assert recording.parent.type == "Todolist"
    assert recording.bucket == Bucket(id=2085958504, name="The Leto Laptop", type="Project")
    assert isinstance(recording.creator, Person)
    assert recording.extra == {"visible_to_clients": False, "inherits_status": True}
    assert parsed.creator is not None
    assert parsed.creator.extra["company"] == {"id": 1033447817, "name": "Honcho Design"}
    assert parsed.account_id == 195539477
    assert parsed.bucket_id == 2085958504
    assert parsed.copy is None
    assert "Ship it" not in repr(parsed)  # content stays out of reprs (and so of logs)


def test_copy_events_carry_the_copy() -> None:
    parsed = parse_event(
        event(
            "todo_copied",
            copy={
                "id": 5,
                "url": "https://3.basecampapi.com/1/buckets/2/todos/5.json",
                "app_url": "https://3.basecamp.com/1/buckets/2/todos/5",
                "bucket": {"id": 2},
            },
        )
    )
    assert parsed.copy == WebhookCopy(
        id=5,
        url="https://3.basecampapi.com/1/buckets/2/todos/5.json",
        app_url="https://3.basecamp.com/1/buckets/2/todos/5",
        bucket=Bucket(id=2),
    )


def test_unexpected_shapes_are_kept_not_fatal() -> None:
    payload = event(
        created_at="yesterday",
        details=["not", "a", "map"],
        creator="someone",
        brand_new_field={"x": 1},
    )
    payload["recording"]["bucket"] = 17
    payload["recording"]["title"] = 12
    parsed = parse_event(payload)
    assert parsed.created_at is None
    assert parsed.extra["created_at"] == "yesterday"
    assert parsed.details == {}
    assert parsed.extra["details"] == ["not", "a", "map"]
    assert parsed.creator is None
    assert parsed.extra["creator"] == "someone"
    assert parsed.extra["brand_new_field"] == {"x": 1}
    assert parsed.recording is not None
    assert parsed.recording.bucket is None
    assert parsed.recording.extra["bucket"] == 17
    assert parsed.recording.title is None
    assert parsed.recording.extra["title"] == 12
    minimal = parse_event({"id": 1, "kind": "ping"})
    assert minimal.recording is None
    assert minimal.account_id is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "not a JSON object"),
        ({"kind": "todo_created"}, "integer id"),
        ({"id": "12", "kind": "todo_created"}, "integer id"),
        ({"id": True, "kind": "todo_created"}, "integer id"),
        ({"id": 1}, "no kind"),
        ({"id": 1, "kind": ""}, "no kind"),
    ],
)
def test_id_and_kind_are_required(payload: Any, message: str) -> None:
    with pytest.raises(WebhookPayloadError, match=message):
        parse_event(payload)


def test_events_are_frozen() -> None:
    parsed = parse_event(TODO_CREATED)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        parsed.kind = "x"  # type: ignore[misc]
