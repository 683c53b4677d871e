"""codegen.drift on small hand-made descriptions: what counts as a difference, what does not."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from codegen import drift

from .conftest import ENTRY


def person() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "name": {"type": "string"},
            "boss": {"$ref": "#/components/schemas/Person", "nullable": True},
        },
    }


def ok(schema_name: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}
    return {"200": {"description": "ok", "content": content}}


def upstream_doc() -> dict[str, Any]:
    """Shaped like Basecamp's published description: /{accountId} paths, wrappers, nullable."""
    account = {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}}
    person_id = {"name": "personId", "in": "path", "required": True, "schema": {"type": "integer"}}
    name_body = {"type": "object", "properties": {"name": {"type": "string", "nullable": True}}}
    people = {"type": "array", "items": {"$ref": "#/components/schemas/Person"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/{accountId}/people.json": {
                "get": {
                    "operationId": "ListPeople",
                    "parameters": [account],
                    "responses": ok("ListPeopleResponseContent"),
                }
            },
            "/{accountId}/people/{personId}": {
                "get": {
                    "operationId": "GetPerson",
                    "parameters": [account, dict(person_id)],
                    "responses": ok("GetPersonResponseContent"),
                },
                "put": {
                    "operationId": "UpdatePerson",
                    "parameters": [
                        account,
                        dict(person_id),
                        {"name": "notify", "in": "query", "schema": {"type": "boolean"}},
                    ],
                    "requestBody": {"content": {"application/json": {"schema": name_body}}},
                    "responses": {"204": {"description": "done"}},
                },
            },
        },
        "components": {
            "schemas": {
                "GetPersonResponseContent": {"$ref": "#/components/schemas/Person"},
                "ListPeopleResponseContent": {"type": "object", "properties": {"people": people}},
                "Person": person(),
            }
        },
    }


def our_doc() -> dict[str, Any]:
    """The same facts in our form: account in the server URL, no wrapper, 3.1 nullability."""
    doc = upstream_doc()
    doc["servers"] = [{"url": "https://example.test/{accountId}"}]
    item = doc["paths"].pop("/{accountId}/people/{personId}")
    for op in item.values():
        op["parameters"] = [p for p in op["parameters"] if p["name"] != "accountId"]
    item["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Person"
    }
    body = item["put"]["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["name"] = {"type": ["string", "null"], "format": "name"}
    doc["paths"]["/people/{personId}"] = item
    listing = doc["paths"].pop("/{accountId}/people.json")
    listing["get"]["parameters"] = []
    doc["paths"]["/people.json"] = listing
    del doc["components"]["schemas"]["GetPersonResponseContent"]
    doc["components"]["schemas"]["Person"]["properties"]["boss"] = {
        "anyOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]
    }
    return doc


def test_form_differences_are_not_differences() -> None:
    report = drift.compare(upstream_doc(), our_doc())
    assert not report.has_differences
    assert drift.format_report(report).startswith("No differences")


def test_summaries_are_account_relative_and_follow_wrappers() -> None:
    summary = drift.summarize(upstream_doc())[("GET", "/people/{personId}")]
    assert ("path", "accountId") not in summary.params
    assert summary.params[("path", "personId")] == drift.ParamInfo(True, "integer")
    assert summary.response_fields["name"] == drift.FieldInfo("string")
    assert summary.response_fields["boss"] == drift.FieldInfo("object")
    assert "boss.name" not in summary.response_fields, "a recursive shape is not unrolled"
    listing = drift.summarize(upstream_doc())[("GET", "/people.json")]
    assert listing.response_fields["people[].name"] == drift.FieldInfo("string")
    assert listing.response_fields["people"] == drift.FieldInfo("array")


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "format": "date-time"}, "string"),
        ({"type": ["integer", "null"]}, "integer"),
        ({"type": "string", "nullable": True}, "string"),
        ({"anyOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]}, "object"),
        ({"type": ["integer", "string"]}, "integer|string"),
        ({"items": {"type": "string"}}, "array"),
        ({}, "any"),
    ],
)
def test_base_type_ignores_nullability_and_format(schema: dict[str, Any], expected: str) -> None:
    assert drift.base_type(upstream_doc(), schema) == expected


def test_account_relative() -> None:
    assert drift.account_relative("/{accountId}/projects.json") == "/projects.json"
    assert drift.account_relative("/projects.json") == "/projects.json"
    assert drift.account_relative("/{accountIdentity}/x") == "/{accountIdentity}/x"


def test_added_removed_and_changed_facts_are_reported() -> None:
    upstream = upstream_doc()
    people = upstream["paths"]["/{accountId}/people/{personId}"]
    people["get"]["parameters"].append(
        {"name": "fields", "in": "query", "schema": {"type": "string"}}
    )
    people["put"]["parameters"][2]["required"] = True
    upstream["components"]["schemas"]["Person"]["properties"]["email"] = {"type": "string"}
    upstream["components"]["schemas"]["Person"]["properties"]["id"] = {"type": "string"}
    del upstream["components"]["schemas"]["Person"]["properties"]["name"]
    upstream["paths"]["/{accountId}/teams.json"] = {
        "get": {"operationId": "ListTeams", "responses": {"200": {"description": "ok"}}}
    }
    report = drift.compare(upstream, our_doc())
    assert report.has_differences
    found = {(d.kind, d.subject, d.name, d.detail) for d in report.by_operation}
    assert ("added", "query parameter", "fields", "string, optional") in found
    assert ("changed", "query parameter", "notify", "required false → true") in found
    assert ("added", "response field", "email", "string") in found
    assert ("added", "response field", "people[].email", "string") in found
    assert ("changed", "response field", "id", "type integer → string") in found
    assert ("removed", "response field", "name", "string") in found
    assert [(d.kind, d.name) for d in report.operations] == [("added", "GET /teams.json")]
    text = drift.format_report(report)
    assert text.startswith("Upstream differs:")
    assert "+ GET /teams.json (ListTeams)" in text
    # a field added to a shared shape is one line, however often the shape is embedded
    assert sum("`email`" in line for line in text.splitlines()) == 1


def test_removed_operation_and_changed_operation_id() -> None:
    upstream = upstream_doc()
    item = upstream["paths"]["/{accountId}/people/{personId}"]
    del item["put"]
    item["get"]["operationId"] = "ShowPerson"
    report = drift.compare(upstream, our_doc())
    assert [(d.kind, d.name) for d in report.operations] == [("removed", "PUT /people/{personId}")]
    assert [(d.kind, d.detail) for d in report.by_operation] == [
        ("changed", "GetPerson → ShowPerson")
    ]


def test_documented_only_fields_are_not_removals() -> None:
    ours = our_doc()
    props = ours["components"]["schemas"]["Person"]["properties"]
    props["avatar"] = {"type": "string", "x-documented-only": True}
    assert not drift.compare(upstream_doc(), ours).has_differences
    upstream = upstream_doc()
    upstream["components"]["schemas"]["Person"]["properties"]["avatar"] = {"type": "string"}
    report = drift.compare(upstream, ours)
    assert not report.has_differences
    assert {d.name for d in report.notes} == {"avatar", "people[].avatar"}
    assert "Notes" in drift.format_report(report)


def test_media_type_change_is_reported() -> None:
    upstream = upstream_doc()
    put = upstream["paths"]["/{accountId}/people/{personId}"]["put"]
    put["requestBody"]["content"] = {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    found = {(d.subject, d.detail) for d in drift.compare(upstream, our_doc()).by_operation}
    assert ("request", "application/json → application/octet-stream") in found


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = write(tmp_path / "ours.json", our_doc())
    same = write(tmp_path / "same.json", upstream_doc())
    changed_doc = copy.deepcopy(upstream_doc())
    changed_doc["components"]["schemas"]["Person"]["properties"]["email"] = {"type": "string"}
    changed = write(tmp_path / "changed.json", changed_doc)

    assert drift.main([str(same), str(ours)]) == 0
    assert "No differences" in capsys.readouterr().out
    assert drift.main([str(changed), str(ours)]) == 1
    assert "response field `email` (string)" in capsys.readouterr().out
    assert drift.main([str(tmp_path / "missing.json"), str(ours)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert drift.main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_default_comparison_target_is_our_entry_file() -> None:
    assert drift.default_ours() == ENTRY
