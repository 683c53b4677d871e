"""The compact table of the description codegen writes for the fake (``shapes.py``)."""

from __future__ import annotations

from basecamp_client._generated import shapes as table
from basecamp_client.testing._shapes import parse, unparse
from codegen import ir
from codegen.emit_shapes import type_code
from codegen.generate import api_from

from .support import OUR_SPEC


def test_type_strings_round_trip_even_with_syntax_in_enum_values() -> None:
    odd = ir.TypeRef("str", nullable=True, enum=("a|b", "(x)", "100%", "", "?@[]{}"))
    code = type_code(ir.TypeRef("list", item=odd))
    assert code == "[?str(a%7Cb|%28x%29|100%25||%3F%40%5B%5D%7B%7D)]"
    parsed = parse(code)
    assert parsed.kind == "list"
    assert parsed.item is not None
    assert parsed.item.nullable
    assert parsed.item.enum == odd.enum
    assert unparse(parsed) == code
    assert type_code(ir.TypeRef("dict", item=ir.TypeRef("model", model="Person"))) == "{@Person}"
    assert type_code(ir.TypeRef("dict")) == "dict"


def test_the_committed_table_is_the_description() -> None:
    api = api_from(OUR_SPEC)
    assert api.version == table.VERSION
    assert set(table.OPERATIONS) == {op.id for op in api.operations}
    assert set(table.MODELS) == {m.name for m in api.models}
    for op in api.operations:
        method, path, status, *_ = table.OPERATIONS[op.id]
        assert (method, path, status) == (op.http_method, op.path, op.success_status)
    for model in api.models:
        rows = table.MODELS[model.name]
        assert [(w, r) for w, _, r in rows] == [(f.wire, f.required) for f in model.fields]
        for (_, code, _), field in zip(rows, model.fields, strict=True):
            assert unparse(parse(code)) == code == type_code(field.type)
