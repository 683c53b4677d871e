"""The 37 operations and 27 fields of API 2026-10-19, checked one by one against the facts.

test_coverage.py compares whole descriptions through codegen.drift (parameters, body and
response fields, Basecamp's extensions); this file checks what drift does not look at:
success statuses, which body fields are required, the shape of each response, and that the
generated registry has every operation. Skips without ``../shared/reference``.
"""

from __future__ import annotations

from typing import Any

import pytest

from codegen.loader import Document

from .additions import extensions

SCHEMAS = "#/components/schemas/"

# Where our description deliberately departs from the facts, and why (see the descriptions).
REQUIRED_BODY = {
    # The API fails without `at` although Basecamp's description makes it optional.
    "CreateBubbleUp": True,
}
REQUIRED_FIELDS = {
    ("CreateBubbleUp", "at"): True,
}
# Required by the facts, but missing from documented example payloads, which decide.
OPTIONAL_MODEL_FIELDS = {("GaugeNeedle", "comment_count")}


def _operation(ours: Document, fact: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = ours["paths"][fact["path"]][fact["method"].lower()]
    return op


def _target(ours: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = ours["components"]["schemas"][schema["$ref"][len(SCHEMAS) :]]
    return schema


@pytest.fixture(scope="module")
def facts(additions: dict[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = additions["operations"]
    assert len(ops) == 37
    return ops


def test_each_operation_is_where_the_facts_put_it(facts: list[dict[str, Any]], ours: Document):
    for fact in facts:
        op = _operation(ours, fact)
        assert op["operationId"] == fact["operationId"]
        params = op.get("parameters", [])
        declared = {(p["in"], p["name"]): p.get("required", False) for p in params}
        expected = {("path", p["name"]): True for p in fact["path_params"]}
        expected |= {("query", p["name"]): bool(p.get("required")) for p in fact["query_params"]}
        assert declared == expected, fact["operationId"]


def test_success_status_and_response_shape(facts: list[dict[str, Any]], ours: Document):
    for fact in facts:
        op, where = _operation(ours, fact), fact["operationId"]
        codes = sorted(c for c in op["responses"] if c.startswith("2"))
        assert codes == [str(fact["success_status"])], where
        response = op["responses"][codes[0]]
        shape = fact["response"]
        if not shape.get("body"):
            assert "content" not in response, where
            continue
        schema = response["content"][shape["content_type"]]["schema"]
        if shape["kind"] == "array":
            assert schema["type"] == "array", where
        else:
            assert _target(ours, schema).get("type") == "object", where
        if shape.get("model_in_reference"):
            # A model Basecamp already described: ours is the schema of the same name.
            item = schema["items"] if shape["kind"] == "array" else schema
            assert item["$ref"] == SCHEMAS + shape["model"], where


def test_request_bodies_and_their_required_fields(
    facts: list[dict[str, Any]], ours: Document
) -> None:
    for fact in facts:
        op, where = _operation(ours, fact), fact["operationId"]
        body = fact["request_body"]
        if body is None:
            assert "requestBody" not in op, where
            continue
        mine = op["requestBody"]
        want = REQUIRED_BODY.get(where, bool(body.get("required")))
        assert mine.get("required", False) is want, where
        schema = _target(ours, mine["content"][body["content_type"]]["schema"])
        required = set(schema.get("required", []))
        for field in body["fields"]:
            want = REQUIRED_FIELDS.get((where, field["name"]), bool(field.get("required")))
            assert (field["name"] in required) is want, f"{where}.{field['name']}"
        assert set(schema["properties"]) == {f["name"] for f in body["fields"]}, where


def test_retry_idempotency_paging_and_multipart(facts: list[dict[str, Any]], ours: Document):
    for fact in facts:
        op, expected = _operation(ours, fact), extensions(fact)
        for name in ("x-basecamp-retry", "x-basecamp-idempotent", "x-basecamp-pagination"):
            # Cursor-paged (event feed) and one-response lists get no Link paginator.
            assert op.get(name) == expected.get(name), f"{fact['operationId']} {name}"
        assert op.get("x-basecamp-multipart") == expected.get("x-basecamp-multipart")
        assert "x-basecamp-write-semantics" not in op, "no added write replaces a whole record"


def test_new_fields_on_existing_models(additions: dict[str, Any], ours: Document) -> None:
    # Our names for the models Basecamp renamed or names differently.
    ours_for = {
        "CardStep": "Subtask",
        "UpdateProjectRequestContent": "ProjectUpdate",
        "UpdateQuestionNotificationSettingsRequestContent": "QuestionNotificationSettingsUpdate",
    }
    schemas = ours["components"]["schemas"]
    new_fields = additions["new_fields_on_existing_models"]
    wire = [f for f in new_fields if f.get("wire_field") is not False]
    assert len(new_fields) == 27
    assert len(wire) == 26  # one is filled in by an SDK, never sent
    for fact in wire:
        model = ours_for.get(fact["model"], fact["model"])
        prop = schemas[model]["properties"].get(fact["field"])
        assert prop is not None, f"{model}.{fact['field']}"
        assert not prop.get("x-documented-only"), f"{model}.{fact['field']} is described now"
        required = bool(fact["required"]) and (model, fact["field"]) not in OPTIONAL_MODEL_FIELDS
        assert (fact["field"] in schemas[model].get("required", [])) is required


def test_the_registry_has_every_added_operation(facts: list[dict[str, Any]]) -> None:
    from basecamp_client._generated.account import OPERATIONS

    assert len(OPERATIONS) == 287
    assert {f["operationId"] for f in facts} <= OPERATIONS.keys()


def test_nothing_is_copied_from_the_facts(additions: dict[str, Any], ours: Document) -> None:
    theirs: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("summary", "note", "when", "rule") and isinstance(value, str):
                    theirs.add(" ".join(value.split()).lower())
                collect(value)
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, str):
                    theirs.add(" ".join(value.split()).lower())
                collect(value)

    collect(additions)
    mine: set[str] = set()

    def texts(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "summary") and isinstance(value, str):
                    mine.add(" ".join(value.split()).lower())
                texts(value)
        elif isinstance(node, list):
            for value in node:
                texts(value)

    texts(ours)
    assert sorted(t for t in mine & theirs if len(t) > 24) == []
