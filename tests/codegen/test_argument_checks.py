"""Every generated method checks its arguments before anything is sent.

Driven by the IR: for every operation and every argument, a call with all other
arguments valid and that one of the wrong type must raise ``UsageError`` naming the
argument, what was expected and what was given — and the transport must see no
request at all. The issue's own examples are spelled out below, on both clients.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest

from basecamp_client import NULL, UNSET, AsyncBasecamp, Basecamp, UsageError
from basecamp_client._core import AccountSession
from basecamp_client._generated.account import AsyncAccount
from basecamp_client.models import AnswerAttributes, PersonCreate
from codegen import ir
from codegen.generate import api_from

from .support import OUR_SPEC
from .test_calls import PNG, _value

API = api_from(OUR_SPEC)
UA = "argument checks (tests@example.com)"
ACCOUNT = 99
NAN = float("nan")


def _wrong(t: ir.TypeRef, location: str) -> list[Any]:
    """Values a careless caller might pass for an argument of type ``t``."""
    if location == "path":
        return ["7", True, 0, -3, 1.0] if t.kind == "int" else ["", 5]
    if t.kind == "int":
        return ["7", True, 1.5, NAN]
    if t.kind == "bool":
        return ["yes", 1, "false"]
    if t.kind == "str":
        return [5, b"bytes", ["x"]]
    if t.kind == "date":
        return ["2026-13-45", "soon", "20260105", dt.datetime(2026, 1, 5, 9, 0), 20260105]
    if t.kind == "datetime":
        return ["yesterday", 1_700_000_000]
    if t.kind == "float":
        return [NAN, float("inf"), "1.5", True]
    if t.kind == "list":
        assert t.item is not None
        inner = _wrong(t.item, "body")
        return ["a,b", 5, {"a": 1}, [inner[0]], [NAN] if t.item.kind == "int" else [inner[-1]]]
    if t.kind == "model":
        return [{"id": 1}, 5, "x"]
    return []


def _cases() -> list[tuple[ir.Operation, ir.Param, Any]]:
    cases = []
    for op in API.operations:
        for param in op.params:
            cases += [(op, param, bad) for bad in _wrong(param.type, param.location)]
    return cases


CASES = _cases()


def _valid_arguments(op: ir.Operation) -> dict[str, Any]:
    args = {p.name: _value(p.type, p.name)[0] for p in op.params}
    if op.is_upload:
        args.update(source=PNG, name="logo.png")
    return args


@pytest.mark.anyio
@pytest.mark.parametrize("op", API.operations, ids=[op.id for op in API.operations])
async def test_a_wrong_argument_is_refused_before_anything_is_sent(op: ir.Operation) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    cases = [(param, bad) for case_op, param, bad in CASES if case_op is op]
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        account = AsyncAccount(AccountSession(client._core, ACCOUNT))
        for param, bad in cases:
            args = {**_valid_arguments(op), param.name: bad}
            with pytest.raises(UsageError) as info:
                await account.call(op.id, **args)
            message = str(info.value)
            assert message.startswith(f"{op.id}: {param.name}"), message
            assert "expected " in message
            inner = isinstance(bad, list) and bad and message.startswith(f"{op.id}: {param.name}[")
            shown = type(bad[0] if inner else bad).__name__
            assert f"got {shown}" in message
            assert info.value.operation_id == op.id
    assert sent == []


def test_every_kind_of_argument_is_exercised() -> None:
    kinds = {(p.location, p.type.kind) for _op, p, _bad in CASES}
    assert kinds >= {
        ("path", "int"),
        ("path", "str"),
        ("query", "int"),
        ("query", "bool"),
        ("query", "date"),
        ("query", "list"),
        ("body", "str"),
        ("body", "bool"),
        ("body", "date"),
        ("body", "list"),
        ("body", "model"),
    }
    assert len(CASES) > 1500


# -- the issue's examples, and what still passes ------------------------------------------


def _recording() -> tuple[list[httpx.Request], httpx.MockTransport]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "POST":
            return httpx.Response(201, json={"id": 5, "content": "x"})
        if request.url.path.endswith("/todos.json"):
            return httpx.Response(200, json=[])
        return httpx.Response(200, json={"id": 5, "content": "x", "due_on": "2026-01-01"})

    return sent, httpx.MockTransport(handler)


BAD_CREATES = [
    ({"due_on": "2026-13-45"}, "due_on: expected a date", "got str '2026-13-45'"),
    ({"notify": "yes"}, "notify: expected a bool", "got str 'yes'"),
    ({"assignee_ids": 5}, "assignee_ids: expected a list of int", "got int 5"),
    ({"assignee_ids": [float("nan")]}, "assignee_ids[0]: expected an int", "got float nan"),
    ({"assignee_ids": [1, True]}, "assignee_ids[1]: expected an int", "got bool True"),
    ({"content": 42}, "content: expected a str", "got int 42"),
    ({"todolist_id": "12"}, "todolist_id: expected a positive int", "got str '12'"),
    ({"todolist_id": 0}, "todolist_id: expected a positive int", "got int 0"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("bad", "expected", "got"), BAD_CREATES)
async def test_the_issues_examples_are_refused(
    bad: dict[str, Any], expected: str, got: str
) -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        todos = client.for_account(ACCOUNT).todos
        with pytest.raises(UsageError) as info:
            await todos.create(**{"todolist_id": 1, "content": "Call", **bad})
    assert sent == []
    assert str(info.value).startswith(f"CreateTodo: {expected}")
    assert got in str(info.value)


@pytest.mark.parametrize(("bad", "expected", "got"), BAD_CREATES)
def test_the_sync_twin_refuses_them_too(bad: dict[str, Any], expected: str, got: str) -> None:
    sent, transport = _recording()
    with Basecamp(access_token="t", user_agent=UA, transport=transport) as client:
        todos = client.for_account(ACCOUNT).todos
        with pytest.raises(UsageError, match=re.escape(f"CreateTodo: {expected}")):
            todos.create(**{"todolist_id": 1, "content": "Call", **bad})
        with pytest.raises(UsageError):  # a paginated method refuses at the call
            todos.list(todolist_id=True)
    assert sent == []


@pytest.mark.anyio
async def test_valid_values_unset_none_and_null_pass_where_they_mean_something() -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        account = client.for_account(ACCOUNT)
        await account.todos.create(
            todolist_id=1,
            content="Call",
            description=UNSET,  # left out
            due_on="2026-02-03",  # ISO text is a date too
            starts_on=dt.date(2026, 2, 1),
            assignee_ids=(1, 2),  # any sequence of ints
            completion_subscriber_ids=NULL,  # null on purpose
            notify=False,
        )
        await account.todos.list(todolist_id=1, status=None)  # None: not sent, like UNSET
        await account.todos.update(todo_id=5, due_on=None)  # None clears
    assert [r.method for r in sent] == ["POST", "GET", "GET", "PUT"]
    assert b'"due_on":"2026-02-03"' in sent[0].content
    assert b'"completion_subscriber_ids":null' in sent[0].content
    assert b'"assignee_ids":[1,2]' in sent[0].content


@pytest.mark.anyio
async def test_none_is_refused_where_it_would_send_null_for_a_non_nullable_field() -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        todos = client.for_account(ACCOUNT).todos
        with pytest.raises(UsageError, match="ReplaceTodo: description: expected a str") as info:
            await todos.replace(todo_id=5, content="x", description=None)  # type: ignore[arg-type]
        assert info.value.hint == "leave description out rather than passing None"
        with pytest.raises(UsageError, match="RepositionTodo: position: expected an int"):
            await todos.reposition(todo_id=5, position=None)  # type: ignore[arg-type]
    assert sent == []


@pytest.mark.anyio
async def test_update_and_edit_check_before_reading() -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        todos = client.for_account(ACCOUNT).todos
        with pytest.raises(UsageError, match="ReplaceTodo: due_on: expected a date"):
            await todos.update(todo_id=5, due_on="next week")
        with pytest.raises(UsageError, match="ReplaceTodo: todo_id: expected a positive int"):
            todos.edit(todo_id=-5)
    assert sent == []


@pytest.mark.anyio
async def test_model_arguments_are_checked_field_by_field() -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        account = client.for_account(ACCOUNT)
        with pytest.raises(UsageError) as info:
            await account.answers.create(
                question_id=1,
                question_answer=AnswerAttributes(content=5, group_on="2026-01-01"),  # type: ignore[arg-type]
            )
        assert str(info.value).startswith(
            "CreateAnswer: question_answer.content (AnswerAttributes.content): expected a str"
        )
        with pytest.raises(UsageError, match=r"AnswerAttributes \(build one"):
            await account.answers.create(question_id=1, question_answer={"content": "x"})  # type: ignore[arg-type]
        with pytest.raises(UsageError, match=r"create\[0\]\.email_address"):
            await account.people.update_project_access(
                project_id=1,
                create=[PersonCreate(name="A", email_address=None)],  # type: ignore[arg-type]
            )
    assert sent == []


@pytest.mark.anyio
async def test_a_credential_argument_never_shows_its_value() -> None:
    sent, transport = _recording()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=transport) as client:
        webhooks = client.for_account(ACCOUNT).webhooks
        with pytest.raises(UsageError) as info:
            await webhooks.create(
                bucket_id=1,
                payload_url=["https://hooks.example.test/T0KEN-123456"],  # type: ignore[arg-type]
                types=["all"],
            )
    assert str(info.value).startswith("CreateWebhook: payload_url: expected a str, got list")
    assert "(value hidden)" in str(info.value)
    assert "T0KEN" not in str(info.value)
    assert sent == []
