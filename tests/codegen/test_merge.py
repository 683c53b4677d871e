"""``x-sdk-merge``: every replace-semantics write is fully mapped, and a bad mapping is
refused with a message naming the operation and the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen import ir
from codegen.build import build
from codegen.generate import api_from
from codegen.loader import SpecError, load
from codegen.normalise import normalise

from .support import OUR_SPEC

API = api_from(OUR_SPEC)
REPLACES = [op for op in API.operations if op.write_semantics is not None]


def test_every_replace_semantics_write_has_a_merge() -> None:
    assert len(REPLACES) == 6
    assert all(op.merge is not None for op in REPLACES)


@pytest.mark.parametrize("op", REPLACES, ids=[op.id for op in REPLACES])
def test_the_mapping_covers_every_write_field(op: ir.Operation) -> None:
    assert op.merge is not None
    body = {p.wire for p in op.params if p.location == "body"}
    assert [f.param.wire for f in op.merge.fields] == [
        p.wire for p in op.params if p.location == "body"
    ]
    assert {f.param.wire for f in op.merge.fields} == body
    readable = [f for f in op.merge.fields if f.read]
    assert readable, op.id
    record = API.model(op.merge.record)
    for f in readable:
        assert f.read[0] in {m.name for m in record.fields}, (op.id, f.source)
    preserved = {f.param.wire for f in op.merge.fields if f.preserved}
    assert preserved == set(op.write_semantics.preserved_on_omission)  # type: ignore[union-attr]


def test_the_mappings_that_rename() -> None:
    by_op = {
        op.id: {f.param.wire: f.source for f in op.merge.fields} for op in REPLACES if op.merge
    }
    assert by_op["ReplaceTodo"]["assignee_ids"] == "assignees[].id"
    assert by_op["ReplaceTodo"]["completion_subscriber_ids"] == "completion_subscribers[].id"
    assert by_op["ReplaceTodo"]["notify"] == ""  # write-only
    assert by_op["ReplaceScheduleEntry"]["participant_ids"] == "participants[].id"
    assert by_op["ReplaceScheduleEntry"]["url"] == "join_url"  # the entry's url is its API URL
    assert by_op["UpdateCloudFile"]["service"] == "service.code"
    assert by_op["UpdateGoogleDocument"]["status"] == ""
    assert by_op["UpdateCloudFile"]["subscriptions"] == ""


# -- refusals -----------------------------------------------------------------------------

BASE: dict[str, Any] = normalise(load(OUR_SPEC))


def _todo_put(doc: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = doc["paths"]["/todos/{todoId}"]["put"]
    return op


def _build_with(change: Any) -> None:
    doc = copy.deepcopy(BASE)
    change(doc)
    build(doc)


def _merge(doc: dict[str, Any]) -> dict[str, Any]:
    merge: dict[str, Any] = _todo_put(doc)["x-sdk-merge"]
    return merge


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _merge(d)["fields"].pop("due_on"),
            r"body fields \['due_on'\] are neither mapped to the read nor write-only",
        ),
        (
            lambda d: _merge(d)["fields"].update(title="title"),
            r"\['title'\] are not fields of ReplaceTodo's body",
        ),
        (
            lambda d: _merge(d)["writeOnly"].append("content"),
            r"\['content'\] are both mapped and write-only",
        ),
        (
            lambda d: _merge(d)["fields"].update(assignee_ids="assignees"),
            r"assignee_ids is list\[int\] but 'assignees' reads list\[Person\]",
        ),
        (
            lambda d: _merge(d)["fields"].update(assignee_ids="assignees[].nope"),
            r"'assignees\[\].nope': Person has no property 'nope'",
        ),
        (
            lambda d: _merge(d)["fields"].update(assignee_ids="assignees[].id[]"),
            r"'assignees\[\].id\[\]': write `list\[\].key`, with at most one `\[\]`",
        ),
        (
            lambda d: _merge(d)["fields"].update(due_on="content.x"),
            r"'content.x': cannot read 'x' from a str",
        ),
        (
            lambda d: _merge(d)["fields"].update(due_on="creator[].id"),
            r"'creator\[\].id': 'creator' is not a list of objects",
        ),
        (
            lambda d: _merge(d).update(read="GetProject"),
            r"read operation 'GetProject' is not in service todos",
        ),
        (
            lambda d: _merge(d).update(read="ListTodos"),
            r"ListTodos must be a GET answering one object",
        ),
        (
            lambda d: _merge(d).update(extra=1),
            r"expected a mapping with read, fields and writeOnly",
        ),
        (
            lambda d: _todo_put(d).pop("x-basecamp-write-semantics"),
            r"only replace-semantics writes",
        ),
        (
            lambda d: d["paths"]["/todos/{todoId}"]["get"].update({"x-sdk-method": "update"}),
            r"service todos already has a method 'update'",
        ),
        (
            lambda d: _merge(d)["fields"].update(due_on=""),
            r"a field's source must be a non-empty string",
        ),
        (
            lambda d: _merge(d)["fields"].update(due_on="a..b"),
            r"'a..b' has an empty step",
        ),
    ],
)
def test_a_bad_mapping_is_refused(change: Any, message: str) -> None:
    with pytest.raises(SpecError, match=r"x-sdk-merge of ReplaceTodo: " + message):
        _build_with(change)


def test_a_read_with_other_path_parameters_is_refused() -> None:
    def change(doc: dict[str, Any]) -> None:
        merge = doc["paths"]["/todolists/{id}"]["put"]["x-sdk-merge"]
        merge["read"] = "ListTodos"
        listing = doc["paths"]["/todolists/{todolistId}/todos.json"]["get"]
        listing["tags"] = ["todolists"]
        listing["x-sdk-method"] = "list_todos"
        doc["paths"]["/todolists/{todolistId}/todos.json"]["get"].pop("x-basecamp-pagination")
        doc["paths"]["/todolists/{todolistId}/todos.json"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"] = {"$ref": "#/components/schemas/Todo"}

    with pytest.raises(SpecError, match=r"ListTodos takes path parameters \['todolistId'\]"):
        _build_with(change)


def test_a_preserved_field_needs_a_way_to_clear_it() -> None:
    def change(doc: dict[str, Any]) -> None:
        put = _todo_put(doc)
        put["x-basecamp-write-semantics"]["preservedOnOmission"] = ["due_on"]

    with pytest.raises(SpecError, match="cannot tell how to clear preserved field due_on"):
        _build_with(change)


def test_a_reserved_field_name_is_refused() -> None:
    def change(doc: dict[str, Any]) -> None:
        schema = doc["components"]["schemas"]["TodoReplace"]
        schema["properties"]["changes"] = {"type": "string"}
        _merge(doc)["writeOnly"].append("changes")

    with pytest.raises(SpecError, match="a body field may not be called 'changes'"):
        _build_with(change)


def test_upstream_descriptions_without_the_extension_get_no_merge() -> None:
    doc = copy.deepcopy(BASE)
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict):
                op.pop("x-sdk-merge", None)
    api = build(doc)
    assert all(op.merge is None for op in api.operations)
