"""A round of generated calls per service against a mock transport.

Driven by the IR: for every operation the test invents a value for each argument,
calls the generated method through ``account.call(operation_id, ...)`` and checks
the request the core sent (method, path, query, body) against the description.
A second call with only the required arguments proves that unset arguments never
reach the wire.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core import AccountSession, Operation
from basecamp_client._generated.account import OPERATIONS, UPLOAD_OPERATIONS, AsyncAccount
from codegen import ir
from codegen.generate import api_from

from .support import OUR_SPEC

API = api_from(OUR_SPEC)
UA = "codegen tests (tests@example.com)"
ACCOUNT = 99


def _value(t: ir.TypeRef, name: str) -> tuple[Any, Any]:
    """(Python argument, its expected JSON form) for a type."""
    if t.kind == "int":
        return 7, 7
    if t.kind == "float":
        return 1.5, 1.5
    if t.kind == "bool":
        return True, True
    if t.kind == "date":
        return dt.date(2026, 1, 2), "2026-01-02"
    if t.kind == "datetime":
        moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        return moment, "2026-01-02T03:04:05Z"
    if t.kind == "list":
        assert t.item is not None
        arg, wire = _value(t.item, name)
        return [arg, arg], [wire, wire]
    if t.kind == "dict":
        return {"k": "v"}, {"k": "v"}
    if t.kind == "model":
        import basecamp_client.models as models

        # Every required field set (a model argument is checked against its annotations).
        fields = API.model(str(t.model)).fields
        data = {f.wire: _value(f.type, f.name)[1] for f in fields if f.required}
        data = data or {"id": 3}
        return getattr(models, str(t.model)).from_dict(data), data
    return f"v-{name}", f"v-{name}"


def _query_pairs(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for wire, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            text = (
                {True: "true", False: "false"}.get(item, item) if isinstance(item, bool) else item
            )
            pairs.append((wire, str(text)))
    return pairs


PNG = b"\x89PNG\r\n\x1a\n-not-really-an-image"


def _check_upload(op: ir.Operation, request: httpx.Request, query: dict[str, Any]) -> None:
    """The file went out as the description says: raw bytes, or one multipart field."""
    body = request.read()
    assert request.headers["content-length"] == str(len(body))
    assert "transfer-encoding" not in request.headers
    if op.body_kind == "multipart":
        kind, _, boundary = request.headers["content-type"].partition("; boundary=")
        assert kind == "multipart/form-data"
        assert body.startswith(f"--{boundary}\r\n".encode())
        assert body.endswith(f"\r\n--{boundary}--\r\n".encode())
        head = f'name="{op.multipart_field}"; filename="logo.png"\r\nContent-Type: image/png'
        assert head.encode() in body
        assert PNG in body
    else:
        assert request.headers["content-type"] == "image/png"
        assert body == PNG
    if op.name_query:
        query[op.name_query] = "logo.png"


def _respond(op: ir.Operation) -> httpx.Response:
    if op.response_kind == "none":
        return httpx.Response(op.success_status)
    if op.response_kind in ("list", "paginated"):
        page: Any = [{"id": 1}]
        if op.pagination and op.pagination.items_key:
            page = {op.pagination.items_key: page}
        return httpx.Response(op.success_status, json=page)
    if op.response_type is not None and op.response_type.kind in ("list",):
        return httpx.Response(op.success_status, json=[])
    return httpx.Response(op.success_status, json={"id": 1})


async def _run(op: ir.Operation, required_only: bool) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _respond(op)

    args: dict[str, Any] = {}
    path_values: dict[str, Any] = {}
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for param in op.params:
        if required_only and not param.required:
            continue
        arg, wire = _value(param.type, param.name)
        args[param.name] = arg
        if param.location == "path":
            path_values[param.wire] = arg
        elif param.location == "query":
            query[param.wire] = wire
        else:
            body[param.wire] = wire
    if op.is_upload:
        args.update(source=PNG, name="logo.png")

    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        account = AsyncAccount(AccountSession(client._core, ACCOUNT))
        result = await account.call(op.id, **args)

    expected_path = op.path
    for name, value in path_values.items():
        expected_path = expected_path.replace("{" + name + "}", str(value))
    [request] = sent
    url = urlsplit(str(request.url))
    assert request.method == op.http_method
    assert url.path == f"/{ACCOUNT}{expected_path}"
    if op.is_upload:
        _check_upload(op, request, query)
    assert sorted(parse_qsl(url.query)) == sorted(_query_pairs(query))
    if op.is_upload:
        pass
    elif op.body_kind == "json" and (
        body or op.body_required or any(p.location == "body" for p in op.params)
    ):
        # An operation with body fields always sends a JSON object, `{}` when none is set.
        assert request.headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(request.content) == body
    else:
        assert request.content == b""
    if op.response_kind == "none":
        assert result is None
    elif op.page_wrapper is not None:
        # A wrapped list comes back as its object, the list in its field.
        assert len(getattr(result, str(op.page_field))) == 1
    elif op.response_kind in ("list", "paginated"):
        assert len(result) == 1
    else:
        assert result is not None


@pytest.mark.anyio
@pytest.mark.parametrize("service", API.services, ids=[s.name for s in API.services])
async def test_every_operation_sends_what_the_description_says(service: ir.Service) -> None:
    for op in service.operations:
        for required_only in (False, True):
            try:
                await _run(op, required_only)
            except AssertionError as exc:
                raise AssertionError(f"{op.id} (required_only={required_only}): {exc}") from exc


def test_registry_covers_every_operation() -> None:
    assert len(OPERATIONS) == 287  # Basecamp API 2026-10-19
    assert set(OPERATIONS) == {op.id for op in API.operations}
    for op in API.operations:
        assert OPERATIONS[op.id] == (op.service, op.method_name)
    assert {op.id for op in API.operations if op.is_upload} == UPLOAD_OPERATIONS
    assert UPLOAD_OPERATIONS  # attachments, chat uploads, the account logo


def test_descriptors_carry_the_description_metadata() -> None:
    import importlib

    for op in API.operations:
        module = importlib.import_module(f"basecamp_client._generated.services.{op.service}")
        descriptor: Operation = getattr(module, op.constant)
        assert descriptor.id == op.id
        assert descriptor.method == op.http_method
        assert descriptor.path == op.path
        assert descriptor.path_params == op.path_params
        assert descriptor.idempotent is op.idempotent
        assert descriptor.success_status == op.success_status
        assert (descriptor.pagination is None) == (op.pagination is None)
        assert (descriptor.write_semantics is None) == (op.write_semantics is None)
        if op.retry is not None:
            assert descriptor.retry.max_attempts == op.retry.max_attempts
            assert descriptor.retry.retry_on == frozenset(op.retry.retry_on)


def test_sync_client_end_to_end() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/{ACCOUNT}/projects/1":
            return httpx.Response(200, json={"id": 1, "name": "HQ"})
        if request.url.path == f"/{ACCOUNT}/projects.json":
            if "page=2" in str(request.url):
                return httpx.Response(200, json=[{"id": 3, "name": "C"}])
            nxt = f'<https://3.basecampapi.com/{ACCOUNT}/projects.json?page=2>; rel="next"'
            return httpx.Response(
                200,
                json=[{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
                headers={"Link": nxt, "X-Total-Count": "3"},
            )
        return httpx.Response(404, json={"error": "Not found"})

    with Basecamp(access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)) as bc:
        account = bc.for_account(ACCOUNT)
        assert account.projects.get(project_id=1).name == "HQ"
        assert [p.name for p in account.projects.list()] == ["A", "B", "C"]
        collected = account.call("ListProjects")
        assert [p.id for p in collected] == [1, 2, 3]
        assert collected.meta.total_count == 3
        assert account.call("GetProject", project_id=1).id == 1
        assert account.projects is account.projects  # created once


@pytest.mark.anyio
async def test_unknown_operation_id_is_a_usage_error() -> None:
    from basecamp_client import UsageError

    async with AsyncBasecamp(access_token="t", user_agent=UA) as client:
        account = client.for_account(ACCOUNT)
        with pytest.raises(UsageError, match="unknown operation id 'NoSuchThing'"):
            await account.call("NoSuchThing")


@pytest.mark.anyio
async def test_wrong_response_shape_is_a_decode_error() -> None:
    from basecamp_client import DecodeError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=["not", "an", "object"])

    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        account = client.for_account(ACCOUNT)
        with pytest.raises(DecodeError, match="expected a JSON object for Project, got list"):
            await account.projects.get(project_id=1)
