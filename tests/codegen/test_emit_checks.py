"""The kinds the generator writes for arguments and model fields (``codegen/emit_checks``)."""

from __future__ import annotations

import attrs
import pytest

from codegen import ir
from codegen.emit import render
from codegen.emit_checks import ArgKinds, field_kind, kind_expr, param_none_ok
from codegen.generate import api_from
from codegen.loader import SpecError

from .support import OUR_SPEC

API = api_from(OUR_SPEC)


def t(kind: str, **more: object) -> ir.TypeRef:
    return ir.TypeRef(kind, **more)  # type: ignore[arg-type]


def test_kind_expressions() -> None:
    assert kind_expr(t("int")) == "INT"
    assert kind_expr(t("str"), none_ok=True) == "nullable(STR)"
    assert kind_expr(t("date", nullable=True)) == "nullable(DATE)"
    assert kind_expr(t("list", item=t("int"))) == "list_of(INT)"
    assert kind_expr(t("list", item=t("int", nullable=True))) == "list_of(nullable(INT))"
    assert kind_expr(t("dict")) == "dict_of()"
    assert kind_expr(t("dict", item=t("model", model="Person"))) == "dict_of(model_of(Person))"
    assert kind_expr(t("any"), none_ok=True) == "ANY"  # already takes None


def test_module_constants_are_shared_and_named_for_their_type() -> None:
    kinds = ArgKinds()
    assert kinds.name(t("int"), none_ok=False, path=True) == "ID"
    assert kinds.name(t("str"), none_ok=False, path=True) == "TEXT"
    assert kinds.name(t("str"), none_ok=False) == "STR"
    ids = t("list", item=t("int"))
    assert kinds.name(ids, none_ok=True) == "_K_LIST_INT_OR_NONE"
    assert kinds.name(ids, none_ok=True) == "_K_LIST_INT_OR_NONE"
    assert kinds.name(t("model", model="Person"), none_ok=False) == "_K_PERSON"
    assert kinds.constants() == [
        ("_K_LIST_INT_OR_NONE", "nullable(list_of(INT))"),
        ("_K_PERSON", "model_of(Person)"),
    ]


def test_where_none_passes_the_check() -> None:
    create = next(op for op in API.operations if op.id == "CreateTodo")
    replace = next(op for op in API.operations if op.id == "ReplaceTodo")
    listing = next(op for op in API.operations if op.id == "ListTodos")
    due = next(p for p in create.params if p.name == "due_on")
    assert param_none_ok(create, due)  # create_body decides (None refused, NULL sent)
    assert not param_none_ok(replace, next(p for p in replace.params if p.name == "due_on"))
    assert param_none_ok(listing, next(p for p in listing.params if p.name == "status"))


def test_a_field_takes_none_exactly_where_its_annotation_does() -> None:
    field = ir.Field("name", "name", t("str"), required=True)
    assert field_kind(field) == "STR"
    assert field_kind(attrs.evolve(field, required=False)) == "nullable(STR)"
    assert field_kind(attrs.evolve(field, type=t("str", nullable=True))) == "nullable(STR)"


def test_an_operation_named_like_a_kind_is_refused() -> None:
    service = API.services[0]
    clash = attrs.evolve(service.operations[0], id="Int")
    api = attrs.evolve(API, services=(attrs.evolve(service, operations=(clash,)),))
    with pytest.raises(SpecError, match=r"operation ids \['Int'\].*would shadow"):
        render(api, "pkg")
