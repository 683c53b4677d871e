"""Creates send only what the caller passed; ``None`` is refused, ``NULL`` sends null."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from basecamp_client import NULL, AsyncBasecamp, UsageError
from basecamp_client._generated.account import AsyncAccount
from codegen import ir
from codegen.generate import api_from

from ..codegen.support import OUR_SPEC
from ..codegen.test_calls import _value
from .conftest import UA, World

pytestmark = pytest.mark.anyio

CREATES = [op for op in api_from(OUR_SPEC).operations if op.is_create]
ACCOUNT = 99


def test_creates_are_the_201_posts_with_a_json_object() -> None:
    names = {f"{op.service}.{op.method_name}" for op in CREATES}
    assert len(CREATES) >= 25
    assert {"todos.create", "schedule_entries.create", "cloud_files.create"} <= names
    assert all(op.method_name.startswith("create") for op in CREATES)


async def _call(op: ir.Operation, args: dict[str, Any]) -> list[httpx.Request]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json={"id": 1})

    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        await client.for_account(ACCOUNT).call(op.id, **args)
    return sent


def _required(op: ir.Operation) -> dict[str, Any]:
    return {p.name: _value(p.type, p.name)[0] for p in op.params if p.required}


@pytest.mark.parametrize("op", CREATES, ids=[op.id for op in CREATES])
async def test_a_create_sends_no_field_it_was_not_given(op: ir.Operation) -> None:
    [request] = await _call(op, _required(op))
    body = json.loads(request.content)
    assert set(body) == {p.wire for p in op.params if p.location == "body" and p.required}
    for param in op.params:
        if param.location != "body" or param.required:
            continue
        arg, wire = _value(param.type, param.name)
        [request] = await _call(op, {**_required(op), param.name: arg})
        assert json.loads(request.content) == {**body, param.wire: wire}


@pytest.mark.parametrize("op", CREATES, ids=[op.id for op in CREATES])
async def test_none_is_refused_and_null_is_sent_on_request(op: ir.Operation) -> None:
    for param in op.params:
        if param.location != "body":
            continue
        with pytest.raises(UsageError, match=rf"{op.id}: {param.wire}") as info:
            await _call(op, {**_required(op), param.name: None})
        if param.required:
            assert "is required and cannot be None" in str(info.value)
            with pytest.raises(UsageError, match="cannot be NULL"):
                await _call(op, {**_required(op), param.name: NULL})
            continue
        assert "pass" in str(info.value)
        assert "=NULL" in str(info.value)
        [request] = await _call(op, {**_required(op), param.name: NULL})
        assert json.loads(request.content)[param.wire] is None


async def test_against_the_fake(world: World, account: AsyncAccount) -> None:
    await account.todos.create(todolist_id=world.todolist, content="Only this")
    with pytest.raises(UsageError, match="due_on=None would send null"):
        await account.todos.create(todolist_id=world.todolist, content="x", due_on=None)  # type: ignore[arg-type]
    created = await account.todos.create(todolist_id=world.todolist, content="Due", due_on=NULL)
    assert created.due_on is None
    bodies = [r.json() for r in world.ours() if r.method == "POST"]
    assert bodies == [{"content": "Only this"}, {"content": "Due", "due_on": None}]


def test_null_reads_well() -> None:
    from basecamp_client import Null

    assert repr(NULL) == "NULL"
    assert not NULL
    assert isinstance(NULL, Null)
