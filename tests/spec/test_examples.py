"""Every documented example payload is an instance of the schema our description gives it.

tests/spec/example_schemas.json maps each example (documentation section + index, with a
fingerprint of its top-level keys) to a schema name, whether the payload is a list of it,
and its role: a request body, a response body, or a payload outside the API's operations
(webhook deliveries, OAuth documents). Only that mapping is committed, never the payloads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from codegen.loader import Document

SCHEMA_PREFIX = "#/components/schemas/"
Examples = dict[str, list[dict[str, Any]]]


def fingerprint(example: Any) -> str:
    if isinstance(example, dict):
        keys = sorted(example)
    elif isinstance(example, list) and example and isinstance(example[0], dict):
        keys = sorted(set().union(*[set(x) for x in example if isinstance(x, dict)]))
    else:
        keys = []
    return hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:12]


def target(row: dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": SCHEMA_PREFIX + row["schema"]}
    return {"type": "array", "items": ref} if row["array"] else ref


def deref(doc: Document, node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"][len(SCHEMA_PREFIX) :]]
    return node


def visit(
    doc: Document, schema: dict[str, Any], value: Any, where: str, owner: str
) -> Iterator[tuple[str, str, dict[str, Any], Any]]:
    """(owner schema, where, property schema, value) for every value the schema describes."""
    if "$ref" in schema:
        owner = schema["$ref"][len(SCHEMA_PREFIX) :]
    node = deref(doc, schema)
    for branch in node.get("anyOf", []):
        if value is not None and branch.get("type") != "null":
            yield from visit(doc, branch, value, where, owner)
    if isinstance(value, dict):
        for key, sub in value.items():
            prop = (node.get("properties") or {}).get(key)
            if prop is not None:
                yield owner, f"{where}.{key}", prop, sub
                yield from visit(doc, prop, sub, f"{where}.{key}", owner)
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, sub in enumerate(value):
            yield from visit(doc, node["items"], sub, f"{where}[{i}]", owner)


def requests_and_responses(doc: Document) -> tuple[set[str], set[str]]:
    def refs(node: Any, acc: set[str]) -> set[str]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                acc.add(ref[len(SCHEMA_PREFIX) :])
            for value in node.values():
                refs(value, acc)
        elif isinstance(node, list):
            for value in node:
                refs(value, acc)
        return acc

    requests: set[str] = set()
    responses: set[str] = set()
    for item in doc["paths"].values():
        for op in item.values():
            refs(op.get("requestBody", {}), requests)
            refs(op.get("responses", {}), responses)
    refs(doc["components"].get("responses", {}), responses)
    return requests, responses


def test_the_mapping_covers_every_example_once(
    examples: Examples, example_map: list[dict[str, Any]]
) -> None:
    keys = Counter((row["section"], row["index"]) for row in example_map)
    assert [k for k, n in keys.items() if n > 1] == []
    expected = {(section, i) for section, items in examples.items() for i in range(len(items))}
    assert len(expected) == 189
    assert set(keys) == expected
    stale = [
        (row["section"], row["index"])
        for row in example_map
        if fingerprint(examples[row["section"]][row["index"]]["example"]) != row["keys"]
    ]
    assert stale == [], "these examples changed shape; re-check their mapping"


def test_mapped_roles_match_how_the_schema_is_used(
    ours: Document, example_map: list[dict[str, Any]]
) -> None:
    requests, responses = requests_and_responses(ours)
    for row in example_map:
        assert row["schema"] in ours["components"]["schemas"], row
        role = (
            "request"
            if row["schema"] in requests
            else "response"
            if row["schema"] in responses
            else "payload"
        )
        assert row["role"] == role, row


def test_every_example_validates(
    ours: Document, examples: Examples, example_map: list[dict[str, Any]]
) -> None:
    failures = []
    for row in example_map:
        example = examples[row["section"]][row["index"]]["example"]
        validator = Draft202012Validator({**ours, **target(row)})
        for error in validator.iter_errors(example):
            path = "/".join(str(p) for p in error.absolute_path)
            failures.append(
                f"{row['section']}[{row['index']}] {row['schema']} /{path}: {error.message[:120]}"
            )
    assert failures == []


def _parses(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            dt.date.fromisoformat(value)
        else:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.tzinfo is not None
    except ValueError:
        return False
    return True


def test_every_dated_field_in_the_examples_parses(
    ours: Document, examples: Examples, example_map: list[dict[str, Any]]
) -> None:
    checked = Counter()
    bad = []
    for row in example_map:
        example = examples[row["section"]][row["index"]]["example"]
        label = f"{row['section']}[{row['index']}]"
        for _owner, where, prop, value in visit(ours, target(row), example, label, row["schema"]):
            fmt = prop.get("format")
            if fmt in ("date", "date-time") and value is not None:
                checked[fmt] += 1
                if not (isinstance(value, str) and _parses(fmt, value)):
                    bad.append(f"{where}: {fmt} {value!r}")
    assert bad == []
    assert checked["date-time"] > 400, checked
    assert checked["date"] > 20, checked


def test_documented_only_fields_are_in_some_example(
    ours: Document, examples: Examples, example_map: list[dict[str, Any]]
) -> None:
    marked = {
        (name, prop)
        for name, schema in ours["components"]["schemas"].items()
        for prop, sub in (schema.get("properties") or {}).items()
        if sub.get("x-documented-only")
    }
    assert marked, "the marker is in use"
    seen = set()
    for row in example_map:
        example = examples[row["section"]][row["index"]]["example"]
        for owner, where, prop, _value in visit(ours, target(row), example, "", row["schema"]):
            if prop.get("x-documented-only"):
                seen.add((owner, where.rsplit(".", 1)[-1]))
    assert sorted(marked - seen) == []


@pytest.mark.parametrize("fmt", ["date", "date-time"])
def test_date_parsing_rejects_garbage(fmt: str) -> None:
    assert not _parses(fmt, "20190218T")
    assert not _parses(fmt, "yesterday")
