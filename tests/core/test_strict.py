"""``strict=True``: a known field of the wrong type is a ``DecodeError`` naming the model,
the field, the type expected and the value found. Lenient decoding stays the default.

These clients run on canned answers (``httpx.MockTransport``), which tests/conftest.py
leaves lenient unless a test asks for ``strict=True``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, Config, DecodeError, UsageError
from basecamp_client._core.cache import MemoryCache

pytestmark = pytest.mark.anyio

UA = "strict tests (tests@example.com)"
ACCOUNT = 99
STAMP = "2026-01-05T09:30:00.000Z"


def person(pid: int, name: Any = "Ann") -> dict[str, Any]:
    return {"id": pid, "name": name}


def todo(tid: int, **fields: Any) -> dict[str, Any]:
    """A to-do with every required field, of the described types."""
    record = {
        "id": tid,
        "status": "active",
        "visible_to_clients": False,
        "created_at": STAMP,
        "updated_at": STAMP,
        "title": "Call",
        "inherits_status": True,
        "type": "Todo",
        "url": f"https://3.basecampapi.com/{ACCOUNT}/todos/{tid}.json",
        "app_url": f"https://3.basecamp.com/{ACCOUNT}/todos/{tid}",
        "parent": {"id": 1, "title": "List", "type": "Todolist", "url": "u", "app_url": "a"},
        "bucket": {"id": 2, "name": "Project", "type": "Project"},
        "creator": person(7),
        "content": "Call",
        "due_on": "2026-02-01",
    }
    record.update(fields)
    return record


def serve(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(answer)


def client(transport: httpx.MockTransport, **settings: Any) -> AsyncBasecamp:
    return AsyncBasecamp(access_token="t", user_agent=UA, transport=transport, **settings)


async def test_a_well_formed_record_decodes_the_same_either_way() -> None:
    transport = serve(lambda r: httpx.Response(200, json=todo(1)))
    async with client(transport, strict=True) as strict:
        one = await strict.for_account(ACCOUNT).todos.get(todo_id=1)
    assert one.due_on == dt.date(2026, 2, 1)
    assert one.creator.name == "Ann"


async def test_lenient_is_the_default_and_keeps_odd_values() -> None:
    transport = serve(lambda r: httpx.Response(200, json=todo(1, due_on="soon", content=42)))
    async with client(transport) as lenient:
        assert lenient.config.strict is False
        one = await lenient.for_account(ACCOUNT).todos.get(todo_id=1)
    assert one.due_on == "soon"
    assert one.content == 42


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"due_on": "soon"},
            "Todo.due_on: expected a date (datetime.date or 'YYYY-MM-DD'), got str",
        ),
        ({"content": 42}, "Todo.content: expected a str, got int 42"),
        ({"id": "1"}, "Todo.id: expected an int, got str '1'"),
        ({"visible_to_clients": "no"}, "Todo.visible_to_clients: expected a bool"),
        ({"created_at": "yesterday"}, "Todo.created_at: expected a datetime"),
        ({"content": None}, "Todo.content: expected a str, got None"),
        ({"assignees": {}}, "Todo.assignees: expected a list of Person, got dict {}"),
        (
            {"assignees": [person(3), person(4, ["x"])]},
            "Todo.assignees[1].name (Person.name): expected a str, got list ['x']",
        ),
        ({"creator": "Ann"}, "Todo.creator: expected Person, got str 'Ann'"),
    ],
)
async def test_a_strict_client_names_model_field_expected_and_got(
    fields: dict[str, Any], message: str
) -> None:
    transport = serve(
        lambda r: httpx.Response(200, json=todo(1, **fields), headers={"X-Request-Id": "r-1"})
    )
    async with client(transport, strict=True) as strict:
        with pytest.raises(DecodeError) as info:
            await strict.for_account(ACCOUNT).todos.get(todo_id=1)
    error = info.value
    assert str(error).startswith(f"GetTodo: {message}")
    assert "(strict decoding)" in error.message
    assert error.operation_id == "GetTodo"
    assert error.http_status == 200
    assert error.request_id == "r-1"
    assert "strict=False" in (error.hint or "")


async def test_a_listing_names_the_item() -> None:
    page = [todo(1), todo(2, due_on=20260201)]
    transport = serve(lambda r: httpx.Response(200, json=page))
    async with client(transport, strict=True) as strict:
        with pytest.raises(
            DecodeError, match=r"ListTodos: Todo.due_on: .* got int 20260201 \(item 1\)"
        ):
            await strict.for_account(ACCOUNT).todos.list(todolist_id=1)


async def test_a_list_response_item_that_is_not_an_object() -> None:
    transport = serve(lambda r: httpx.Response(200, json=[todo(1), 5]))
    async with client(transport, strict=True) as strict:
        with pytest.raises(
            DecodeError,
            match="GetEverythingOverdueTodos: item 1: expected a Todo object, got int 5",
        ):
            await strict.for_account(ACCOUNT).everything.list_overdue_todos()


async def test_two_clients_with_different_settings_share_the_decoders() -> None:
    transport = serve(lambda r: httpx.Response(200, json=todo(1, due_on="soon")))
    async with client(transport, strict=True) as strict, client(transport) as lenient:
        assert (await lenient.for_account(ACCOUNT).todos.get(todo_id=1)).due_on == "soon"
        with pytest.raises(DecodeError):
            await strict.for_account(ACCOUNT).todos.get(todo_id=1)
        assert (await lenient.for_account(ACCOUNT).todos.get(todo_id=1)).due_on == "soon"


async def test_a_cached_answer_a_lenient_client_stored_is_checked_on_a_304() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == 'W/"1"':
            return httpx.Response(304, headers={"ETag": 'W/"1"'})
        return httpx.Response(200, json=todo(1, due_on="soon"), headers={"ETag": 'W/"1"'})

    shared = MemoryCache(max_entries=10, max_bytes=1_000_000)
    transport = serve(answer)
    async with client(transport, cache_store=shared) as lenient:
        await lenient.for_account(ACCOUNT).todos.get(todo_id=1)
    async with client(transport, cache_store=shared, strict=True) as strict:
        with pytest.raises(DecodeError, match=r"Todo.due_on") as info:
            await strict.for_account(ACCOUNT).todos.get(todo_id=1)
    assert info.value.http_status == 304


async def test_a_secret_field_never_shows_its_value() -> None:
    hook = {
        "id": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
        "payload_url": ["https://hooks.example.test/T0KEN-abcdef-123456"],
        "url": "u",
        "app_url": "a",
    }
    transport = serve(lambda r: httpx.Response(200, json=hook))
    async with client(transport, strict=True) as strict:
        with pytest.raises(DecodeError) as info:
            await strict.for_account(ACCOUNT).webhooks.get(webhook_id=1)
    assert "Webhook.payload_url: expected a str, got list (value hidden)" in str(info.value)
    assert "T0KEN" not in str(info.value)


def test_the_sync_client_is_strict_too() -> None:
    transport = serve(lambda r: httpx.Response(200, json=todo(1, due_on="soon")))
    with (
        Basecamp(access_token="t", user_agent=UA, transport=transport, strict=True) as strict,
        pytest.raises(DecodeError, match=r"Todo\.due_on"),
    ):
        strict.for_account(ACCOUNT).todos.get(todo_id=1)


# -- the setting ---------------------------------------------------------------------------


def test_config_strict_is_a_bool() -> None:
    assert Config(user_agent=UA).strict is False
    assert Config(user_agent=UA, strict=True).strict is True
    with pytest.raises(UsageError, match="strict must be True or False"):
        Config(user_agent=UA, strict="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("off", False)],
)
def test_basecamp_strict_from_the_environment(raw: str, expected: bool) -> None:
    config = Config.from_env({"BASECAMP_USER_AGENT": UA, "BASECAMP_STRICT": raw})
    assert config.strict is expected


def test_a_bad_basecamp_strict_names_the_variable() -> None:
    with pytest.raises(UsageError, match="BASECAMP_STRICT must be 1/true/yes/on or 0/false/no/off"):
        Config.from_env({"BASECAMP_USER_AGENT": UA, "BASECAMP_STRICT": "maybe"})
    assert Config.from_env({"BASECAMP_USER_AGENT": UA, "BASECAMP_STRICT": ""}).strict is False
