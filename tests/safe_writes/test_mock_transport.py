"""``update()`` of every replace-semantics write against a mock transport, driven by the
IR: a record is served with every mapped field set (at the place its ``x-sdk-merge``
path says), and the PUT must carry every one of them back — unless one holds a value of
the wrong type, which is refused, never echoed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp, ConflictError, DecodeError
from codegen import ir
from codegen.generate import api_from

from ..codegen.support import OUR_SPEC
from ..codegen.test_calls import _value
from .conftest import UA

pytestmark = pytest.mark.anyio

MERGED = [op for op in api_from(OUR_SPEC).operations if op.merge is not None]
ETAG = 'W/"v1"'


def _record(
    op: ir.Operation, overrides: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the record as the read serves it, the body a write must send to keep it all);
    ``overrides`` serves other values for some fields (by argument name)."""
    assert op.merge is not None
    record: dict[str, Any] = {"id": 1, "updated_at": "2030-01-01T00:00:00.000Z"}
    kept: dict[str, Any] = {}
    for f in op.merge.fields:
        if not f.read:
            continue
        _arg, wire = _value(f.param.type, f.param.wire)
        if overrides and f.param.name in overrides:
            wire = overrides[f.param.name]
        head, _, tail = f.source.partition("[]")
        value = [{tail.lstrip("."): item} for item in wire] if tail else wire
        *parents, last = head.split(".")
        node = record
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
        if not f.preserved:
            kept[f.param.wire] = wire
    return record, kept


def _changed_field(op: ir.Operation) -> ir.MergeField:
    assert op.merge is not None
    return next(f for f in op.merge.fields if f.read and f.param.type.kind == "str")


async def _update(
    op: ir.Operation,
    responses: list[httpx.Response],
    sent: list[httpx.Request],
    *,
    edit: bool = False,
    field: ir.MergeField | None = None,
) -> None:
    """``update()`` (or an ``edit()`` block) changing ``field`` (the first text field)."""
    record, _kept = _record(op)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "PUT":
            return httpx.Response(200, json={**record, **json.loads(request.content)})
        return responses.pop(0)

    field = field or _changed_field(op)
    path = {p.name: 1 for p in op.params if p.location == "path"}
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        service = getattr(client.for_account(99), op.service)
        if not edit:
            await service.update(**path, **{field.param.name: "Changed"})
            return
        async with service.edit(**path) as draft:
            setattr(draft, field.param.name, "Changed")


@pytest.mark.parametrize("op", MERGED, ids=[op.id for op in MERGED])
async def test_every_mapped_field_is_written_back(op: ir.Operation) -> None:
    record, kept = _record(op)
    first = httpx.Response(200, json=record, headers={"ETag": ETAG})
    sent: list[httpx.Request] = []
    await _update(op, [first], sent)
    assert [r.method for r in sent] == ["GET", "PUT"]  # one read, one write
    assert "if-none-match" not in sent[0].headers
    body = json.loads(sent[1].content)
    field = _changed_field(op)
    assert body == {**kept, field.param.wire: "Changed"}


@pytest.mark.parametrize("op", MERGED, ids=[op.id for op in MERGED])
async def test_edit_revalidates_then_writes_every_mapped_field(op: ir.Operation) -> None:
    record, kept = _record(op)
    first = httpx.Response(200, json=record, headers={"ETag": ETAG})
    sent: list[httpx.Request] = []
    await _update(op, [first, httpx.Response(304, headers={"ETag": ETAG})], sent, edit=True)
    assert [r.method for r in sent] == ["GET", "GET", "PUT"]
    assert sent[1].headers["if-none-match"] == ETAG
    body = json.loads(sent[2].content)
    assert body == {**kept, _changed_field(op).param.wire: "Changed"}


def _malformed(t: ir.TypeRef) -> list[Any]:
    """Values of the wrong type for a field of type ``t``, as a server might send them."""
    if t.kind == "str":
        return [["x"], {}, 42]
    if t.kind == "int":
        return ["7", 1.5, True]
    if t.kind == "bool":
        return ["yes", 1, {}]
    if t.kind in ("date", "datetime"):
        return ["soon", 20300101]
    if t.kind == "list":
        return [[{"not": "an id"}] if t.item and t.item.kind == "int" else ["x", 1], "x"]
    return [42]


def _cases() -> list[tuple[ir.Operation, ir.MergeField, Any]]:
    cases = []
    for op in MERGED:
        assert op.merge is not None
        for f in op.merge.fields:
            if f.read and not f.preserved:
                cases += [(op, f, bad) for bad in _malformed(f.param.type)]
    return cases


MALFORMED = _cases()


@pytest.mark.parametrize(
    ("op", "victim", "bad"),
    MALFORMED,
    ids=[f"{op.id}-{f.param.name}-{type(bad).__name__}" for op, f, bad in MALFORMED],
)
@pytest.mark.parametrize("edit", [False, True], ids=["update", "edit"])
async def test_a_malformed_value_is_never_written_back(
    op: ir.Operation, victim: ir.MergeField, bad: Any, edit: bool
) -> None:
    assert op.merge is not None
    record, _kept = _record(op, {victim.param.name: bad})
    if victim.each:  # the list read back (``assignees``), its items' keys malformed
        key = victim.source.partition("[].")[2]
        record[victim.read[0]] = [{key: item} for item in bad] if isinstance(bad, list) else bad
    first = httpx.Response(200, json=record, headers={"ETag": ETAG})
    sent: list[httpx.Request] = []
    other = next(
        f for f in op.merge.fields if f.read and f.param.type.kind == "str" and f is not victim
    )
    with pytest.raises(DecodeError) as info:
        await _update(op, [first, httpx.Response(304)], sent, edit=edit, field=other)
    assert victim.param.name in str(info.value)
    assert info.value.operation_id == op.merge.read_op
    assert "refusing" in str(info.value)
    assert "PUT" not in [r.method for r in sent]


@pytest.mark.parametrize("op", MERGED, ids=[op.id for op in MERGED])
async def test_a_malformed_value_the_caller_replaces_is_not_a_problem(op: ir.Operation) -> None:
    field = _changed_field(op)
    record, kept = _record(op, {field.param.name: ["x"]})
    sent: list[httpx.Request] = []
    await _update(op, [httpx.Response(200, json=record)], sent, field=field)
    assert json.loads(sent[1].content) == {**kept, field.param.wire: "Changed"}


@pytest.mark.parametrize("op", MERGED, ids=[op.id for op in MERGED])
async def test_a_changed_record_is_not_written(op: ir.Operation) -> None:
    record, _kept = _record(op)
    assert op.merge is not None
    victim = next(f for f in op.merge.fields if f.read and not f.preserved)
    changed = dict(record)
    changed[victim.read[0]] = None  # cleared by someone else
    first = httpx.Response(200, json=record, headers={"ETag": ETAG})
    second = httpx.Response(200, json=changed, headers={"ETag": 'W/"v2"'})
    sent: list[httpx.Request] = []
    with pytest.raises(ConflictError) as info:  # edit(): the caller's code ran meanwhile
        await _update(op, [first, second], sent, edit=True)
    assert victim.param.name in info.value.changed_fields
    assert [r.method for r in sent] == ["GET", "GET"]
