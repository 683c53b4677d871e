"""codegen.spec_update on a small description of ours and a hand-made upstream one, shaped like
Basecamp's published description (``/{accountId}`` paths, display-name tags, wrapper
schemas, 3.0 ``nullable``)."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from codegen import drift
from codegen.generate import api_from
from codegen.loader import SpecError, load
from codegen.spec_update import format_result, main, update
from codegen.yaml_edit import dump

RETRY = {"maxAttempts": 3, "baseDelayMs": 1000, "backoff": "exponential", "retryOn": [429, 503]}
PAGES = {"style": "link", "totalCountHeader": "X-Total-Count", "maxPageSize": 50}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(code: str, schema: dict[str, Any], text: str = "OK.") -> dict[str, Any]:
    return {code: {"description": text, "content": {"application/json": {"schema": schema}}}}


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def our_files() -> dict[str, Any]:
    entry = {
        "openapi": "3.1.0",
        "info": {"title": "Fixture", "version": "2026-01-01"},
        "tags": [
            {"name": "people", "description": "People."},
            {"name": "widgets", "description": "Widgets."},
        ],
        "x-parts": ["parts/people.yaml", "parts/widgets.yaml"],
        "paths": {},
        "components": {
            "responses": {
                "NotFound": {"description": "Not found."},
                "Unauthorized": {"description": "No token."},
            }
        },
    }
    errors = {"401": {"$ref": "#/components/responses/Unauthorized"}}
    not_found = {"404": {"$ref": "#/components/responses/NotFound"}}
    people = {
        "paths": {
            "/people/{personId}": {
                "get": {
                    "operationId": "GetPerson",
                    "tags": ["people"],
                    "summary": "Fetch a person.",
                    "x-sdk-method": "get",
                    "parameters": [path_param("personId")],
                    "responses": {**json_response("200", ref("Person")), **errors, **not_found},
                    "x-basecamp-retry": RETRY,
                }
            }
        },
        "components": {
            "schemas": {
                "Person": {
                    "description": "Someone.",
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "avatar": {"type": "string", "x-documented-only": True},
                    },
                    "required": ["id", "name"],
                }
            }
        },
    }
    widgets = {
        "paths": {
            "/widgets.json": {
                "get": {
                    "operationId": "ListWidgets",
                    "tags": ["widgets"],
                    "summary": "List widgets.",
                    "x-sdk-method": "list",
                    "responses": {
                        **json_response("200", {"type": "array", "items": ref("Widget")}),
                        **errors,
                    },
                    "x-basecamp-pagination": PAGES,
                    "x-basecamp-retry": RETRY,
                }
            },
            "/widgets/{widgetId}": {
                "get": {
                    "operationId": "GetWidget",
                    "tags": ["widgets"],
                    "summary": "Fetch a widget.",
                    "x-sdk-method": "get",
                    "parameters": [path_param("widgetId")],
                    "responses": {**json_response("200", ref("Widget")), **errors, **not_found},
                    "x-basecamp-retry": RETRY,
                },
                "put": {
                    "operationId": "UpdateWidget",
                    "tags": ["widgets"],
                    "summary": "Rename a widget.",
                    "x-sdk-method": "update",
                    "parameters": [path_param("widgetId")],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("WidgetUpdate")}},
                    },
                    "responses": {**json_response("200", ref("Widget")), **errors, **not_found},
                    "x-basecamp-retry": RETRY,
                },
            },
        },
        "components": {
            "schemas": {
                "Widget": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "owner": ref("Person"),
                    },
                    "required": ["id"],
                },
                "WidgetUpdate": {
                    "type": "object",
                    "properties": {"title": {"type": "string"}},
                    "required": ["title"],
                },
            }
        },
    }
    return {"openapi.yaml": entry, "parts/people.yaml": people, "parts/widgets.yaml": widgets}


def write_ours(root: Path, files: dict[str, Any] | None = None) -> Path:
    for rel, data in (files or our_files()).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# {rel}, written by hand.\n" + dump(data), encoding="utf-8")
    return root / "openapi.yaml"


def published(version: str = "2026-01-01") -> dict[str, Any]:
    """Our fixture as Basecamp would publish it."""
    files = our_files()
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Basecamp", "version": version},
        "paths": {},
        "components": {"schemas": {}},
    }
    account = {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}}
    for rel in ("parts/people.yaml", "parts/widgets.yaml"):
        part = copy.deepcopy(files[rel])
        for path, item in part["paths"].items():
            for op in item.values():
                op["tags"] = [op["tags"][0].capitalize()]
                op["parameters"] = [account, *op.get("parameters", [])]
                for key in ("summary", "x-sdk-method"):
                    op.pop(key, None)
                for code, response in list(op["responses"].items()):
                    if "$ref" in response:
                        op["responses"][code] = {"description": f"error {code}"}
            doc["paths"]["/{accountId}" + path] = item
        for name, schema in part["components"]["schemas"].items():
            doc["components"]["schemas"][name] = schema
    person = doc["components"]["schemas"]["Person"]
    del person["description"]
    del person["properties"]["avatar"]
    # a wrapper, as the published description has them
    get_person = doc["paths"]["/{accountId}/people/{personId}"]["get"]
    get_person["responses"]["200"]["content"]["application/json"]["schema"] = ref(
        "GetPersonResponseContent"
    )
    doc["components"]["schemas"]["GetPersonResponseContent"] = ref("Person")
    return doc


def write_upstream(root: Path, doc: dict[str, Any]) -> Path:
    path = root / "upstream.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    return write_ours(tmp_path / "openapi")


def read(entry: Path, rel: str) -> str:
    return (entry.parent / rel).read_text(encoding="utf-8")


def test_the_fixture_pair_matches_so_nothing_changes(ours: Path, tmp_path: Path) -> None:
    upstream = write_upstream(tmp_path, published())
    report = drift.compare(load(upstream), load(ours))
    assert not report.has_differences, drift.format_report(report)
    before = {rel: read(ours, rel) for rel in our_files()}
    result = update(upstream, ours)
    assert (result.changes, result.written, result.remaining) == ([], [], 0)
    assert "Nothing to update" in format_result(result)
    assert {rel: read(ours, rel) for rel in our_files()} == before


def add_operation(
    doc: dict[str, Any], path: str, method: str, op_id: str, tag: str, **extra: Any
) -> dict[str, Any]:
    placeholders = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
    op = {
        "operationId": op_id,
        "tags": [tag],
        "description": "Upstream prose that must not be copied.",
        "parameters": [
            {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}},
            *(path_param(p) for p in placeholders),
        ],
        "responses": {"204": {"description": "done"}, "404": {"description": "missing"}},
        "x-basecamp-retry": RETRY,
        **extra,
    }
    doc["paths"].setdefault("/{accountId}" + path, {})[method] = op
    return op


def test_new_operations_are_placed_by_path_resource_prefix_and_tag(
    ours: Path, tmp_path: Path
) -> None:
    doc = published("2026-02-01")
    add_operation(doc, "/people/{personId}", "delete", "TrashPerson", "People")
    add_operation(doc, "/widgets/{widgetId}/spin.json", "post", "SpinWidget", "Misc")
    add_operation(doc, "/people/{personId}/badges.json", "get", "ListBadges", "Misc")
    add_operation(doc, "/wotsits.json", "get", "ListWotsits", "Widgets")
    add_operation(doc, "/gizmos.json", "get", "ListGizmos", "Gizmo Things")
    result = update(write_upstream(tmp_path, doc), ours)
    text = format_result(result)
    for line in (
        "+ operation TrashPerson (DELETE /people/{personId}) as people.trash — same path as "
        "other /people/{personId} methods",
        "+ operation SpinWidget (POST /widgets/{widgetId}/spin.json) as widgets.spin — "
        "SpinWidget names the widgets resource",
        "+ operation ListBadges (GET /people/{personId}/badges.json) as people.list_badges — "
        "shares /people/{} with people operations",
        "+ operation ListWotsits (GET /wotsits.json) as widgets.list_wotsits — upstream tag "
        "'widgets' is mostly widgets",
        "+ operation ListGizmos (GET /gizmos.json) as gizmo_things.list_gizmos — new service "
        "after upstream tag 'gizmo_things'",
        "+ tag gizmo_things (a new service)",
        "+ part parts/gizmo_things.yaml in x-parts",
        "~ info.version 2026-01-01 → 2026-02-01",
    ):
        assert line in text, text
    merged = load(ours)
    trash = merged["paths"]["/people/{personId}"]["delete"]
    assert trash["summary"] == "TODO(review): trash person."
    assert "x-review" in trash
    assert "description" not in trash, "upstream prose is not copied"
    assert trash["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert trash["responses"]["204"] == {"description": "Done; no content."}
    assert "/gizmos.json" in read(ours, "parts/gizmo_things.yaml")
    assert "/widgets/{widgetId}/spin.json" in read(ours, "parts/widgets.yaml")
    # the new path sits right after the paths it shares a prefix with
    widgets_text = read(ours, "parts/widgets.yaml")
    assert widgets_text.index("/widgets/{widgetId}:") < widgets_text.index("spin.json")
    api = api_from(ours)
    registry = {op.id: (op.service, op.method_name) for op in api.operations}
    assert registry["TrashPerson"] == ("people", "trash")
    assert registry["ListGizmos"] == ("gizmo_things", "list_gizmos")
    assert registry["ListWidgets"] == ("widgets", "list"), "existing names never change"
    assert result.remaining == 0


def test_method_names_never_collide_and_replace_writes_are_named_replace(
    ours: Path, tmp_path: Path
) -> None:
    doc = published("2026-02-01")
    add_operation(doc, "/widgets/all.json", "get", "GetWidgets", "Widgets")
    add_operation(doc, "/widgets/{widgetId}/list.json", "get", "ListWidget", "Widgets")
    add_operation(
        doc,
        "/widgets/{widgetId}/whole.json",
        "put",
        "ReplaceWholeWidget",
        "Widgets",
        **{"x-basecamp-write-semantics": {"mode": "replace", "clearsOmitted": True}},
    )
    update(write_upstream(tmp_path, doc), ours)
    registry = {op.id: (op.service, op.method_name) for op in api_from(ours).operations}
    assert registry["GetWidgets"] == ("widgets", "get_widgets")
    assert registry["ListWidget"] == ("widgets", "list_widget")
    assert registry["ReplaceWholeWidget"] == ("widgets", "replace")
    assert registry["GetWidget"] == ("widgets", "get")
    assert registry["ListWidgets"] == ("widgets", "list")


def test_wrappers_become_domain_schemas_and_ours_are_reused(ours: Path, tmp_path: Path) -> None:
    doc = published("2026-02-01")
    schemas = doc["components"]["schemas"]
    schemas["CreateWidgetRequestContent"] = {
        "type": "object",
        "properties": {"title": {"type": "string", "description": "prose"}},
        "required": ["title"],
    }
    schemas["Gear"] = {
        "type": "object",
        "title": "Gear",
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "made_at": {"type": "string", "x-go-type": "time.Time"},
            "owner": {**ref("Person"), "nullable": True},
        },
    }
    schemas["GetWidgetGearsResponseContent"] = {
        "type": "object",
        "properties": {"widget": ref("Widget"), "gears": {"type": "array", "items": ref("Gear")}},
    }
    schemas["CreateWidgetResponseContent"] = ref("Widget")
    add_operation(
        doc,
        "/widgets.json",
        "post",
        "CreateWidget",
        "Widgets",
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": ref("CreateWidgetRequestContent")}},
        },
        responses=json_response("201", ref("CreateWidgetResponseContent"), "created"),
    )
    add_operation(
        doc,
        "/widgets/{widgetId}/gears.json",
        "get",
        "GetWidgetGears",
        "Widgets",
        responses=json_response("200", ref("GetWidgetGearsResponseContent")),
    )
    result = update(write_upstream(tmp_path, doc), ours)
    merged = load(ours)
    ours_schemas = merged["components"]["schemas"]
    assert set(ours_schemas) == {
        "Person",
        "Widget",
        "WidgetUpdate",
        "WidgetCreate",
        "Gear",
        "WidgetGears",
    }
    assert ours_schemas["WidgetCreate"]["properties"]["title"] == {"type": "string"}
    assert ours_schemas["Gear"]["properties"]["made_at"] == {
        "type": "string",
        "format": "date-time",
    }
    assert ours_schemas["Gear"]["properties"]["owner"] == {
        "anyOf": [ref("Person"), {"type": "null"}]
    }
    assert "title" not in ours_schemas["Gear"]
    assert all("x-review" in ours_schemas[n] for n in ("WidgetCreate", "Gear", "WidgetGears"))
    create = merged["paths"]["/widgets.json"]["post"]
    assert create["responses"]["201"] == json_response("201", ref("Widget"), "Created.")["201"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == ref("WidgetCreate")
    schema_lines = [c.text for c in result.changes if c.text.startswith("schema")]
    assert schema_lines == ["schema WidgetCreate", "schema WidgetGears", "schema Gear"]
    assert result.remaining == 0
    api_from(ours)  # the generator accepts everything added


def test_new_fields_parameters_and_what_upstream_allows(ours: Path, tmp_path: Path) -> None:
    doc = published("2026-02-01")
    person = doc["components"]["schemas"]["Person"]
    person["properties"]["email"] = {"type": "string", "nullable": True}
    person["properties"]["name"] = {
        "type": "string",
        "nullable": True,
        "x-basecamp-sensitive": {"category": "pii", "redact": True},
    }
    person["properties"]["kind"] = {"type": "string", "enum": ["a", "b", "c"]}
    person["properties"]["avatar"] = {"type": "string"}
    person["required"] = ["id"]
    doc["components"]["schemas"]["Widget"]["properties"]["parts"] = {
        "type": "array",
        "items": {"type": "object", "properties": {"n": {"type": "integer"}}},
    }
    get_person = doc["paths"]["/{accountId}/people/{personId}"]["get"]
    get_person["parameters"].append(
        {"name": "include", "in": "query", "schema": {"type": "string"}, "description": "prose"}
    )
    result = update(write_upstream(tmp_path, doc), ours)
    lines = {(c.file, c.sign, c.text) for c in result.changes}
    assert {
        ("parts/people.yaml", "+", "field Person.email (string)"),
        ("parts/people.yaml", "~", "field Person.name may be null"),
        ("parts/people.yaml", "~", "field Person.name is no longer required"),
        ("parts/people.yaml", "~", "field Person.name is pii data"),
        ("parts/people.yaml", "~", "field Person.kind enum adds c"),
        ("parts/people.yaml", "~", "field Person.avatar: upstream describes it now"),
        ("parts/people.yaml", "+", "GetPerson: query parameter include (optional)"),
        ("parts/widgets.yaml", "+", "field Widget.parts (array)"),
    } <= lines
    person_now = load(ours)["components"]["schemas"]["Person"]
    assert person_now["description"] == "Someone.", "what spec-update does not touch stays"
    assert person_now["required"] == ["id"]
    assert person_now["properties"]["email"] == {"type": ["string", "null"]}
    assert person_now["properties"]["name"] == {
        "type": ["string", "null"],
        "x-basecamp-sensitive": {"category": "pii", "redact": True},
    }
    assert person_now["properties"]["kind"]["enum"] == ["a", "b", "c"]
    assert person_now["properties"]["avatar"] == {"type": "string"}
    assert result.remaining == 0
    summary_line = format_result(result).splitlines()[-2]
    assert summary_line == "9 changes (2 fields, 1 parameter; 6 changed) in 3 files."
    assert update(write_upstream(tmp_path, doc), ours).changes == [], "idempotent"


def test_metadata_changes_follow_a_newer_upstream(ours: Path, tmp_path: Path) -> None:
    doc = published("2026-02-01")
    paths = doc["paths"]
    paths["/{accountId}/people/{personId}"]["get"]["x-basecamp-retry"] = {**RETRY, "maxAttempts": 5}
    paths["/{accountId}/widgets/{widgetId}"]["put"]["x-basecamp-idempotent"] = {"natural": True}
    del paths["/{accountId}/widgets.json"]["get"]["x-basecamp-pagination"]
    get_widget = paths["/{accountId}/widgets/{widgetId}"]["get"]
    get_widget["responses"]["203"] = get_widget["responses"].pop("200")
    result = update(write_upstream(tmp_path, doc), ours)
    text = format_result(result)
    assert "~ GetPerson: x-basecamp-retry maxAttempts 3 → 5" in text
    assert '~ UpdateWidget: x-basecamp-idempotent absent → {"natural": true}' in text
    assert "~ ListWidgets: x-basecamp-pagination removed" in text
    assert "~ GetWidget: success status 200 → 203 (marked for review)" in text
    merged = load(ours)
    put = merged["paths"]["/widgets/{widgetId}"]["put"]
    assert list(put)[-2:] == ["x-basecamp-idempotent", "x-basecamp-retry"], "our usual order"
    get = merged["paths"]["/widgets/{widgetId}"]["get"]
    assert "203" in get["responses"]
    assert "200" not in get["responses"]
    assert "success status changed 200 → 203" in get["x-review"]
    assert result.remaining == 0
    assert update(write_upstream(tmp_path, doc), ours).changes == []


def test_an_older_upstream_adds_but_does_not_roll_metadata_back(ours: Path, tmp_path: Path) -> None:
    doc = published("2025-06-01")
    doc["paths"]["/{accountId}/people/{personId}"]["get"]["x-basecamp-retry"] = {
        **RETRY,
        "maxAttempts": 1,
    }
    doc["components"]["schemas"]["Person"]["properties"]["email"] = {"type": "string"}
    result = update(write_upstream(tmp_path, doc), ours)
    assert [c.text for c in result.changes] == ["field Person.email (string)"]
    assert result.skipped_metadata == 1
    text = format_result(result)
    assert "1 metadata differences left as they are: upstream's 2025-06-01 is older" in text
    assert load(ours)["info"]["version"] == "2026-01-01"


def test_an_operation_id_upstream_moved_is_not_added_twice(ours: Path, tmp_path: Path) -> None:
    doc = published("2026-02-01")
    paths = doc["paths"]
    paths["/{accountId}/people/{personId}.json"] = paths.pop("/{accountId}/people/{personId}")
    result = update(write_upstream(tmp_path, doc), ours)
    text = format_result(result)
    assert (
        "  ! GetPerson not added: upstream has it at GET /people/{personId}.json, "
        "ours at GET /people/{personId}"
    ) in text
    assert "/people/{personId}.json" not in read(ours, "parts/people.yaml")
    assert result.remaining == 2, "the move is left to a person: drift still counts it"
    api_from(ours)


def test_dry_run_writes_nothing_and_untouched_files_keep_their_bytes(
    ours: Path, tmp_path: Path
) -> None:
    doc = published("2026-01-01")
    doc["components"]["schemas"]["Widget"]["properties"]["colour"] = {"type": "string"}
    upstream = write_upstream(tmp_path, doc)
    before = {rel: read(ours, rel) for rel in our_files()}
    dry = update(upstream, ours, dry_run=True)
    assert [c.text for c in dry.changes] == ["field Widget.colour (string)"]
    assert dry.written == []
    assert {rel: read(ours, rel) for rel in our_files()} == before
    done = update(upstream, ours)
    assert done.written == ["parts/widgets.yaml"]
    assert read(ours, "parts/people.yaml") == before["parts/people.yaml"]
    assert read(ours, "openapi.yaml") == before["openapi.yaml"]
    diff = difflib.unified_diff(
        before["parts/widgets.yaml"].splitlines(),
        read(ours, "parts/widgets.yaml").splitlines(),
        lineterm="",
        n=0,
    )
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["+        colour:", "+          type: string"]


def test_an_alias_cycle_upstream_is_refused(ours: Path, tmp_path: Path) -> None:
    doc = published("2026-02-01")
    doc["components"]["schemas"]["LoopA"] = {"type": "array", "items": ref("LoopB")}
    doc["components"]["schemas"]["LoopB"] = {"type": "array", "items": ref("LoopA")}
    add_operation(
        doc,
        "/loops.json",
        "get",
        "ListLoops",
        "Widgets",
        responses=json_response("200", ref("LoopA")),
    )
    with pytest.raises(SpecError, match="'LoopA' is an alias of itself"):
        update(write_upstream(tmp_path, doc), ours)
    assert main([str(tmp_path / "upstream.json"), str(ours)]) == 2


def test_cli(ours: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = published("2026-01-01")
    doc["components"]["schemas"]["Widget"]["properties"]["colour"] = {"type": "string"}
    upstream = write_upstream(tmp_path, doc)
    assert main([str(upstream), str(ours), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(dry run: nothing written)" in out
    assert "would be made" in out
    assert main([str(upstream), str(ours)]) == 0
    assert "parts/widgets.yaml\n  + field Widget.colour (string)\n" in capsys.readouterr().out
    assert main([str(upstream), str(ours)]) == 0
    assert "Nothing to update" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.json"), str(ours)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_an_allof_that_includes_itself_upstream_is_a_malformed_description(
    ours: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = published("2026-02-01")
    doc["components"]["schemas"]["Widget"]["allOf"] = [ref("Widget")]
    assert main([str(write_upstream(tmp_path, doc)), str(ours)]) == 2
    assert "malformed description: RecursionError" in capsys.readouterr().err
