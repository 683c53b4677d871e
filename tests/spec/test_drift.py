"""codegen.drift on small hand-made descriptions: what counts as a difference, what does not,
and how the report reads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from codegen import drift
from codegen.loader import SpecError

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
    assert summary.response_fields["boss"] == drift.FieldInfo("object", nullable=True)
    assert "boss.name" not in summary.response_fields, "a recursive shape is not unrolled"
    assert summary.success_status == 200
    assert summary.response_media_type == "application/json"
    listing = drift.summarize(upstream_doc())[("GET", "/people.json")]
    assert listing.response_fields["people[].name"] == drift.FieldInfo("string")
    assert listing.response_fields["people"] == drift.FieldInfo("array")
    update = drift.summarize(upstream_doc())[("PUT", "/people/{personId}")]
    assert (update.success_status, update.response_media_type) == (204, "")


def test_summaries_see_what_the_generator_sees() -> None:
    upstream = upstream_doc()
    props = upstream["components"]["schemas"]["Person"]["properties"]
    props["seen_at"] = {"type": "string", "x-go-type": "time.Time"}
    props["kind"] = {"type": "string", "enum": ["b", "a", None], "nullable": True}
    props["token"] = {"type": "string", "x-basecamp-sensitive": {"category": "credential"}}
    upstream["components"]["schemas"]["Person"]["required"] = ["id"]
    fields = drift.summarize(upstream)[("GET", "/people/{personId}")].response_fields
    assert fields["seen_at"] == drift.FieldInfo("string", format="date-time")
    assert fields["kind"] == drift.FieldInfo("string", nullable=True, enum=("a", "b"))
    assert fields["token"].sensitive == "credential"
    assert fields["id"].required
    assert not fields["name"].required


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


def found(upstream: dict[str, Any], ours: dict[str, Any] | None = None) -> set[tuple[str, ...]]:
    report = drift.compare(upstream, our_doc() if ours is None else ours)
    return {(d.kind, d.subject, d.name, d.detail) for d in report.by_operation}


def refined(upstream: dict[str, Any], ours: dict[str, Any] | None = None) -> set[tuple[str, ...]]:
    report = drift.compare(upstream, our_doc() if ours is None else ours)
    return {(d.kind, d.subject, d.name, d.detail) for d in report.refinements}


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
    diffs = {(d.kind, d.subject, d.name, d.detail) for d in report.by_operation}
    assert ("added", "query parameter", "fields", "string, optional") in diffs
    assert ("changed", "query parameter", "notify", "required no → yes") in diffs
    assert ("added", "response field", "email", "string") in diffs
    assert ("added", "response field", "people[].email", "string") in diffs
    assert ("changed", "response field", "id", "type integer → string") in diffs
    assert ("removed", "response field", "name", "string") in diffs
    assert [(d.kind, d.name) for d in report.operations] == [("added", "GET /teams.json")]
    text = drift.format_report(report)
    assert text.startswith("Upstream differs (upstream 1, ours 1): 3 added, 1 removed, 2 changed.")
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
    assert [(d.kind, d.subject, d.detail) for d in report.by_operation] == [
        ("changed", "operationId", "GetPerson → ShowPerson")
    ]


def _get(doc: dict[str, Any]) -> dict[str, Any]:
    item = doc["paths"].get("/{accountId}/people/{personId}") or doc["paths"]["/people/{personId}"]
    op: dict[str, Any] = item["get"]
    return op


RETRY = {"maxAttempts": 3, "baseDelayMs": 1000, "backoff": "exponential", "retryOn": [429, 503]}


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (RETRY, {**RETRY, "maxAttempts": 5}, ("changed", "maxAttempts 3 → 5")),
        (
            RETRY,
            {**RETRY, "retryOn": [429, 500, 503], "baseDelayMs": 500},
            ("changed", "baseDelayMs 1000 → 500; retryOn [429, 503] → [429, 500, 503]"),
        ),
        (None, RETRY, ("added", "absent → " + json.dumps(RETRY, sort_keys=True))),
        (RETRY, None, ("removed", json.dumps(RETRY, sort_keys=True) + " → absent")),
    ],
)
def test_retry_metadata_changes_are_differences(
    ours: dict[str, Any] | None, theirs: dict[str, Any] | None, expected: tuple[str, str]
) -> None:
    mine, upstream = our_doc(), upstream_doc()
    for doc, value in ((mine, ours), (upstream, theirs)):
        if value is not None:
            _get(doc)["x-basecamp-retry"] = value
    diffs = found(upstream, mine)
    assert {(k, s, d) for k, s, _n, d in diffs} == {(expected[0], "x-basecamp-retry", expected[1])}


@pytest.mark.parametrize(
    ("extension", "value"),
    [
        ("x-basecamp-idempotent", {"natural": True}),
        ("x-basecamp-pagination", {"style": "link", "maxPageSize": 50}),
        ("x-basecamp-multipart", {"field": "file"}),
        ("x-basecamp-write-semantics", {"mode": "replace", "clearsOmitted": True}),
    ],
)
def test_every_behaviour_extension_is_compared(extension: str, value: dict[str, Any]) -> None:
    upstream = upstream_doc()
    _get(upstream)[extension] = value
    assert {(k, s) for k, s, _n, _d in found(upstream)} == {("added", extension)}
    mine = our_doc()
    _get(mine)[extension] = value
    assert found(upstream, mine) == set()
    changed = copy.deepcopy(upstream)
    _get(changed)[extension] = {**value, "extra": 1}
    assert {(k, s) for k, s, _n, _d in found(changed, mine)} == {("changed", extension)}


def test_success_status_media_type_body_and_deprecation_are_compared() -> None:
    upstream = upstream_doc()
    put = upstream["paths"]["/{accountId}/people/{personId}"]["put"]
    put["responses"] = {"202": {"description": "accepted"}}
    put["deprecated"] = True
    get = _get(upstream)
    get["responses"]["200"]["content"] = {
        "application/vnd.api+json": get["responses"]["200"]["content"]["application/json"]
    }
    diffs = {(s, d) for _k, s, _n, d in found(upstream)}
    assert ("success status", "204 → 202") in diffs
    assert ("deprecated", "no → yes") in diffs
    assert ("response media type", "application/json → application/vnd.api+json") in diffs
    required_body = upstream_doc()
    required_body["paths"]["/{accountId}/people/{personId}"]["put"]["requestBody"]["required"] = (
        True
    )
    assert ("request body", "required no → yes") in {
        (s, d) for _k, s, _n, d in found(required_body)
    }
    # ours requiring a body upstream calls optional is a refinement, not a difference
    mine = our_doc()
    mine["paths"]["/people/{personId}"]["put"]["requestBody"]["required"] = True
    assert found(upstream_doc(), mine) == set()
    assert ("changed", "request body", "", "required yes → no") in refined(upstream_doc(), mine)


def test_media_type_change_is_reported() -> None:
    upstream = upstream_doc()
    put = upstream["paths"]["/{accountId}/people/{personId}"]["put"]
    put["requestBody"]["content"] = {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    diffs = {(s, d) for _k, s, _n, d in found(upstream)}
    assert ("request media type", "application/json → application/octet-stream") in diffs


def person_prop(doc: dict[str, Any], name: str) -> dict[str, Any]:
    prop: dict[str, Any] = doc["components"]["schemas"]["Person"]["properties"][name]
    return prop


def test_nullability_counts_only_when_upstream_allows_null_and_ours_does_not() -> None:
    upstream = upstream_doc()
    person_prop(upstream, "name")["nullable"] = True
    assert ("changed", "response field", "name", "nullable no → yes") in found(upstream)
    mine = our_doc()
    person_prop(mine, "name")["type"] = ["string", "null"]
    assert found(upstream_doc(), mine) == set()
    assert ("changed", "response field", "name", "nullable yes → no") in refined(
        upstream_doc(), mine
    )


def test_requiredness_counts_only_when_ours_requires_more() -> None:
    mine = our_doc()
    mine["components"]["schemas"]["Person"]["required"] = ["name"]
    assert ("changed", "response field", "name", "required yes → no") in found(upstream_doc(), mine)
    upstream = upstream_doc()
    upstream["components"]["schemas"]["Person"]["required"] = ["name"]
    assert found(upstream) == set()
    assert ("changed", "response field", "name", "required no → yes") in refined(upstream)


def test_formats_count_when_the_generator_would_type_them_differently() -> None:
    upstream = upstream_doc()
    person_prop(upstream, "name")["format"] = "date-time"
    assert ("changed", "response field", "name", "format none → date-time") in found(upstream)
    # formats the generator ignores are no difference at all
    password = upstream_doc()
    person_prop(password, "name")["format"] = "password"
    assert found(password) == set()
    assert refined(password) == set()
    # ours typing a date where upstream says nothing is a refinement
    mine = our_doc()
    person_prop(mine, "name")["format"] = "date"
    assert found(upstream_doc(), mine) == set()
    assert ("changed", "response field", "name", "format date → none") in refined(
        upstream_doc(), mine
    )
    both = copy.deepcopy(mine)
    person_prop(both, "name")["format"] = "date-time"
    assert ("changed", "response field", "name", "format date-time → date") in found(
        _with_format(upstream_doc(), "date"), both
    )


def _with_format(doc: dict[str, Any], fmt: str) -> dict[str, Any]:
    person_prop(doc, "name")["format"] = fmt
    return doc


def test_enum_values_ours_lacks_are_differences() -> None:
    mine = our_doc()
    person_prop(mine, "name")["enum"] = ["a", "b"]
    upstream = upstream_doc()
    person_prop(upstream, "name")["enum"] = ["a", "b", "c"]
    assert ("changed", "response field", "name", "enum adds c") in found(upstream, mine)
    # an enum only ours has, or fewer values upstream, is a refinement
    assert found(upstream_doc(), mine) == set()
    assert ("changed", "response field", "name", "enum a, b → none") in refined(
        upstream_doc(), mine
    )
    assert found(upstream) == set()


def test_a_sensitivity_mark_ours_lacks_is_a_difference() -> None:
    upstream = upstream_doc()
    person_prop(upstream, "name")["x-basecamp-sensitive"] = {"category": "pii", "redact": True}
    assert ("changed", "response field", "name", "sensitive none → pii") in found(upstream)
    mine = our_doc()
    person_prop(mine, "name")["x-basecamp-sensitive"] = {"category": "pii", "redact": True}
    assert found(upstream_doc(), mine) == set()
    assert found(upstream, mine) == set()


def test_parameter_facets_are_compared() -> None:
    upstream = upstream_doc()
    notify = upstream["paths"]["/{accountId}/people/{personId}"]["put"]["parameters"][2]
    notify["schema"] = {"type": "string", "enum": ["all", "none"]}
    mine = our_doc()
    mine["paths"]["/people/{personId}"]["put"]["parameters"][1]["schema"] = {
        "type": "string",
        "enum": ["all"],
    }
    assert ("changed", "query parameter", "notify", "enum adds none") in found(upstream, mine)


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


def test_what_only_ours_has_is_not_counted_when_upstream_is_older() -> None:
    mine = our_doc()
    mine["info"]["version"] = "2026-10-19"
    mine["paths"]["/people/{personId}/pings.json"] = {
        "get": {"operationId": "ListPings", "responses": {"204": {"description": "done"}}}
    }
    mine["components"]["schemas"]["Person"]["properties"]["starred"] = {"type": "boolean"}
    upstream = upstream_doc()
    upstream["info"]["version"] = "2026-08-11"
    report = drift.compare(upstream, mine)
    assert not report.has_differences
    assert [d.name for d in report.ahead_operations] == ["GET /people/{personId}/pings.json"]
    assert {d.name for d in report.ahead} >= {"starred", "people[].starred"}
    text = drift.format_report(report)
    assert "Only in ours (upstream's 2026-08-11 is older than our 2026-10-19; not counted):" in text
    assert "  = GET /people/{personId}/pings.json (ListPings)" in text
    # an upstream as new as ours (or not dated) lacking them: removals, counted
    upstream["info"]["version"] = "2026-10-19"
    assert drift.compare(upstream, mine).has_differences
    assert not drift.is_older("1", "2")
    assert drift.is_older("2026-08-11", "2026-10-19")


def test_accepted_differences_are_set_apart() -> None:
    upstream = upstream_doc()
    person_prop(upstream, "name")["format"] = "date-time"
    accepted = drift.parse_accepted(
        {
            "accepted": [
                {
                    "subject": "response field",
                    "name": "name",
                    "detail": "format none → date-time",
                    "why": "all-day values are dates",
                },
                {"subject": "query parameter", "name": "x", "detail": "gone", "why": "stale"},
            ]
        }
    )
    report = drift.compare(upstream, our_doc(), accepted=accepted)
    assert not report.has_differences
    assert {d.name for d in report.accepted} == {"name", "people[].name"}
    assert [a.name for a in report.unused_accepted] == ["x"]
    text = drift.format_report(report)
    assert "(1 accepted differences not shown" in text
    assert "accepts `query parameter x (gone)`, which no longer differs" in text
    assert "a response field `name` (format none → date-time)" in drift.format_report(
        report, show_refinements=True
    )


def _with_pings(doc: dict[str, Any], *, at_required: bool | None) -> dict[str, Any]:
    """``doc`` with a ``CreatePing`` operation (``at`` absent from its body when
    ``at_required`` is None); paths in our form or upstream's, as ``doc`` has them."""
    props: dict[str, Any] = {"body": {"type": "string"}}
    if at_required is not None:
        props["at"] = {"type": "string"}
    body = {"type": "object", "properties": props, "required": ["at"] if at_required else []}
    prefix = "/{accountId}" if "/{accountId}/people.json" in doc["paths"] else ""
    doc["paths"][f"{prefix}/people/{{personId}}/pings.json"] = {
        "post": {
            "operationId": "CreatePing",
            "parameters": [
                {"name": "personId", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "when", "in": "query", "schema": {"type": "string"}},
            ],
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "done"}},
        }
    }
    return doc


def test_accepted_entries_for_what_only_ours_has_are_not_called_stale() -> None:
    # Ours describes a newer API with an operation the older upstream lacks; entries about
    # that operation's field and parameter match nothing, yet nothing says they can go.
    ours = _with_pings(our_doc(), at_required=True)
    ours["info"]["version"] = "2026-10-19"
    upstream = upstream_doc()
    upstream["info"]["version"] = "2026-08-11"
    entries = [
        ("request field", "at", "required yes → no"),
        ("query parameter", "when", "gone"),
        ("request field", "name", "required yes → no"),  # UpdatePerson's, on both sides
    ]
    accepted = drift.parse_accepted(
        {"accepted": [{"subject": s, "name": n, "detail": d, "why": "w"} for s, n, d in entries]}
    )
    report = drift.compare(upstream, ours, accepted=accepted)
    assert not report.has_differences
    assert [a.name for a in report.unused_accepted] == ["name"]
    assert {a.name: ops for a, ops in report.unchecked_accepted.items()} == {
        "at": ["CreatePing"],
        "when": ["CreatePing"],
    }
    text = drift.format_report(report)
    assert "accepts `request field name (required yes → no)`, which no longer differs" in text
    assert "request field at" not in text
    assert "(2 entries of drift-accepted.yaml not checked" in text
    full = drift.format_report(report, show_refinements=True)
    assert "  ? `request field at (required yes → no)` in CreatePing" in full
    assert full.count("can go") == 1

    # Upstream has the operation but not the field: the field entry still cannot be checked.
    report = drift.compare(_with_pings(upstream_doc(), at_required=None), ours, accepted=accepted)
    assert "at" in {a.name for a in report.unchecked_accepted}
    # Upstream has the field (and the parameter), as ours: nothing differs, the entries can go.
    report = drift.compare(_with_pings(upstream_doc(), at_required=True), ours, accepted=accepted)
    assert {a.name for a in report.unused_accepted} == {"at", "name", "when"}
    assert not report.unchecked_accepted
    # Upstream makes `at` optional: the entry does its job.
    report = drift.compare(_with_pings(upstream_doc(), at_required=False), ours, accepted=accepted)
    assert {d.name for d in report.accepted} == {"at"}
    assert "at" not in {a.name for a in (*report.unused_accepted, *report.unchecked_accepted)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"accepted": {}}, "must be a list"),
        ({"accepted": [{"subject": "s"}]}, "needs exactly"),
        ({"accepted": [{"subject": "s", "name": "n", "detail": "d", "why": " "}]}, "not empty"),
    ],
)
def test_malformed_accepted_files_are_refused(data: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        drift.parse_accepted(data)


def test_our_accepted_file_parses_and_every_entry_says_why() -> None:
    entries = drift.accepted_beside(ENTRY)
    assert entries, "openapi/drift-accepted.yaml lists the deliberate differences"
    assert all(len(e.why) > 20 for e in entries)


def test_report_is_grouped_in_stable_sections() -> None:
    upstream = upstream_doc()
    _get(upstream)["x-basecamp-retry"] = RETRY
    upstream["paths"]["/{accountId}/people/{personId}"]["put"]["x-basecamp-retry"] = RETRY
    _get(upstream)["parameters"].append({"name": "q", "in": "query", "schema": {"type": "string"}})
    name_body = upstream["paths"]["/{accountId}/people/{personId}"]["put"]["requestBody"]
    name_body["content"]["application/json"]["schema"]["properties"]["bio"] = {"type": "string"}
    person_prop(upstream, "name")["nullable"] = True
    text = drift.format_report(drift.compare(upstream, our_doc()))
    headings = [line for line in text.splitlines() if not line.startswith((" ", "("))]
    assert headings == [
        "Upstream differs (upstream 1, ours 1): 3 added, 0 removed, 1 changed.",
        "Operation facts:",
        "Parameters:",
        "Request fields:",
        "Response fields:",
    ]
    assert (
        "  + x-basecamp-retry (absent → "
        in text.split("Operation facts:\n", 1)[1].split("\n", 1)[0]
    )
    assert "in 2 operations: GetPerson, UpdatePerson" in text
    assert text == drift.format_report(drift.compare(upstream, our_doc())), "stable"


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


def test_cli_lists_refinements_with_all_and_reads_an_accepted_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = our_doc()
    person_prop(mine, "name")["type"] = ["string", "null"]
    ours = write(tmp_path / "ours.json", mine)
    upstream_data = upstream_doc()
    person_prop(upstream_data, "name")["format"] = "date-time"
    upstream = write(tmp_path / "up.json", upstream_data)
    assert drift.main([str(upstream), str(ours)]) == 1
    assert "refinements not shown" in capsys.readouterr().out
    accepted = tmp_path / "drift-accepted.yaml"
    accepted.write_text(
        "accepted:\n- subject: response field\n  name: name\n  detail: format none → date-time\n"
        "  why: a reason long enough to read\n",
        encoding="utf-8",
    )
    assert drift.main([str(upstream), str(ours), "--all"]) == 0, "found beside OURS"
    out = capsys.readouterr().out
    assert "r response field `name` (nullable yes → no)" in out
    assert "Accepted (drift-accepted.yaml; not counted):" in out
    other = tmp_path / "other.yaml"
    other.write_text("accepted: []\n", encoding="utf-8")
    assert drift.main([str(upstream), str(ours), "--accepted", str(other)]) == 1


def test_default_comparison_target_is_our_entry_file() -> None:
    assert drift.default_ours() == ENTRY


def test_an_allof_that_includes_itself_is_a_malformed_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = write(tmp_path / "ours.json", our_doc())
    looped = upstream_doc()
    person = looped["components"]["schemas"]["Person"]
    person["allOf"] = [{"$ref": "#/components/schemas/Person"}]
    upstream = write(tmp_path / "up.json", looped)
    assert drift.main([str(upstream), str(ours)]) == 2
    assert "malformed description: RecursionError" in capsys.readouterr().err
