"""``update()`` of every replace-semantics write against a mock transport, driven by the
IR: a record is served with every mapped field set (at the place its ``x-sdk-merge``
path says), and the PUT must carry every one of them back."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp, ConflictError
from codegen import ir
from codegen.generate import api_from

from ..codegen.support import OUR_SPEC
from ..codegen.test_calls import _value
from .conftest import UA

pytestmark = pytest.mark.anyio

MERGED = [op for op in api_from(OUR_SPEC).operations if op.merge is not None]
ETAG = 'W/"v1"'


def _record(op: ir.Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the record as the read serves it, the body a write must send to keep it all)."""
    assert op.merge is not None
    record: dict[str, Any] = {"id": 1, "updated_at": "2030-01-01T00:00:00.000Z"}
    kept: dict[str, Any] = {}
    for f in op.merge.fields:
        if not f.read:
            continue
        _arg, wire = _value(f.param.type, f.param.wire)
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
    op: ir.Operation, responses: list[httpx.Response], sent: list[httpx.Request]
) -> None:
    record, _kept = _record(op)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "PUT":
            return httpx.Response(200, json={**record, **json.loads(request.content)})
        return responses.pop(0)

    field = _changed_field(op)
    path = {p.name: 1 for p in op.params if p.location == "path"}
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as client:
        service = getattr(client.for_account(99), op.service)
        await service.update(**path, **{field.param.name: "Changed"})


@pytest.mark.parametrize("op", MERGED, ids=[op.id for op in MERGED])
async def test_every_mapped_field_is_written_back(op: ir.Operation) -> None:
    record, kept = _record(op)
    first = httpx.Response(200, json=record, headers={"ETag": ETAG})
    sent: list[httpx.Request] = []
    await _update(op, [first, httpx.Response(304, headers={"ETag": ETAG})], sent)
    assert [r.method for r in sent] == ["GET", "GET", "PUT"]
    assert "if-none-match" not in sent[0].headers
    assert sent[1].headers["if-none-match"] == ETAG
    body = json.loads(sent[2].content)
    field = _changed_field(op)
    assert body == {**kept, field.param.wire: "Changed"}


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
    with pytest.raises(ConflictError) as info:
        await _update(op, [first, second], sent)
    assert victim.param.name in info.value.changed_fields
    assert [r.method for r in sent] == ["GET", "GET"]
