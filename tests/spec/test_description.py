"""Checks on openapi/ that need nothing but the description itself."""

from __future__ import annotations

import builtins
import keyword
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from codegen.loader import Document, SpecError, load

from .conftest import ENTRY

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
SCHEMA_PREFIX = "#/components/schemas/"


def operations(doc: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def walk(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every mapping in a document, with a readable location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{where}/{i}")


def schema_props(doc: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(schema name, property name, property schema) for every named schema's properties."""
    for name, schema in doc["components"]["schemas"].items():
        for where, node in walk(schema, name):
            for prop, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and not where.endswith("/properties"):
                    yield where, prop, sub


def test_validates_as_openapi_3_1(ours: Document) -> None:
    assert ours["openapi"].startswith("3.1")
    validate(ours)


def test_entry_lists_every_part_and_parts_hold_only_paths_and_components() -> None:
    entry = yaml.safe_load(ENTRY.read_text(encoding="utf-8"))
    listed = {ENTRY.parent / rel for rel in entry["x-parts"]}
    on_disk = set((ENTRY.parent / "parts").glob("*.yaml"))
    assert listed == on_disk
    for part in on_disk:
        data = yaml.safe_load(part.read_text(encoding="utf-8"))
        assert set(data) <= {"paths", "components"}, part.name
        assert set(data.get("components", {})) <= {"schemas"}, part.name


def test_every_operation_has_id_summary_and_one_declared_tag(ours: Document) -> None:
    declared = [tag["name"] for tag in ours["tags"]]
    assert len(declared) == len(set(declared))
    assert all(SNAKE.match(name) for name in declared)
    assert all(tag.get("description", "").strip() for tag in ours["tags"])
    ids = Counter()
    used: set[str] = set()
    for path, method, op in operations(ours):
        where = f"{method.upper()} {path}"
        assert PASCAL.match(op.get("operationId", "")), where
        ids[op["operationId"]] += 1
        assert isinstance(op.get("tags"), list), where
        assert len(op["tags"]) == 1, where
        assert op["tags"][0] in declared, where
        used.add(op["tags"][0])
        summary = op.get("summary", "")
        assert summary.strip(), where
        assert len(summary) <= 120, where
    assert [name for name, n in ids.items() if n > 1] == []
    assert used == set(declared), "every declared service has operations"


def test_service_count_is_in_the_intended_range(ours: Document) -> None:
    assert 40 <= len(ours["tags"]) <= 60


def test_sdk_method_names_read_well_and_are_unique_per_service(ours: Document) -> None:
    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    awkward = (set(dir(builtins)) | set(keyword.kwlist)) - {"list"}
    for path, method, op in operations(ours):
        name = op.get("x-sdk-method", "")
        assert SNAKE.match(name), f"{method.upper()} {path}: {name!r}"
        assert name not in awkward, f"{method.upper()} {path}: {name!r} shadows a builtin"
        assert not name.startswith(op["tags"][0] + "_"), f"{name!r} repeats its service"
        by_service[op["tags"][0]][name] += 1
    clashes = {svc: [m for m, n in names.items() if n > 1] for svc, names in by_service.items()}
    assert {svc: m for svc, m in clashes.items() if m} == {}


def test_replace_semantics_writes_are_named_replace(ours: Document) -> None:
    replace_services = set()
    for _path, method, op in operations(ours):
        if "x-basecamp-write-semantics" in op:
            assert method == "put"
            assert op["x-sdk-method"] == "replace", op["operationId"]
            replace_services.add(op["tags"][0])
    assert replace_services
    for _path, _method, op in operations(ours):
        if op["tags"][0] in replace_services:
            for reserved in ("update", "edit"):
                assert op["x-sdk-method"] != reserved, (
                    f"{op['operationId']}: {reserved} is reserved"
                )


def test_replace_semantics_writes_say_how_to_merge(ours: Document) -> None:
    ids = {op["operationId"] for _p, _m, op in operations(ours)}
    for _path, _method, op in operations(ours):
        merge = op.get("x-sdk-merge")
        if "x-basecamp-write-semantics" not in op:
            assert merge is None, f"{op['operationId']}: x-sdk-merge without replace semantics"
            continue
        assert isinstance(merge, dict), f"{op['operationId']}: x-sdk-merge is missing"
        assert set(merge) <= {"read", "fields", "writeOnly"}
        assert merge["read"] in ids
        assert all(isinstance(v, str) and v for v in merge["fields"].values())


def test_path_parameters_match_the_template(ours: Document) -> None:
    for path, method, op in operations(ours):
        in_template = re.findall(r"\{([^}]+)\}", path)
        declared = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        assert sorted(in_template) == sorted(declared), f"{method.upper()} {path}"
        assert all(p.get("required") for p in op.get("parameters", []) if p["in"] == "path")
        assert "accountId" not in in_template, "the account id lives in the server URL"


def test_no_wrapper_schemas_are_left(ours: Document) -> None:
    for name, schema in ours["components"]["schemas"].items():
        assert not name.endswith(("ResponseContent", "RequestContent", "Payload")), name
        assert set(schema) - {"description"} != {"$ref"}, f"{name} only wraps a $ref"
        items = schema.get("items", {})
        is_bare_list = schema.get("type") == "array" and set(items) == {"$ref"}
        assert not is_bare_list, f"{name} only wraps a list"


def test_operations_reference_domain_schemas_directly(ours: Document) -> None:
    for path, method, op in operations(ours):
        for code, response in op["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                continue
            target = schema.get("items", schema) if schema.get("type") == "array" else schema
            assert "$ref" in target, f"{method.upper()} {path} {code}: inline response schema"
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            ref = body["schema"].get("$ref", "")
            assert ref.startswith(SCHEMA_PREFIX), f"{method.upper()} {path}: inline body"
            name = ref[len(SCHEMA_PREFIX) :]
            assert PASCAL.match(name)
            assert not name.endswith(("Request", "Body", "Input")), name


def test_binary_and_multipart_bodies(ours: Document) -> None:
    seen = Counter()
    for path, method, op in operations(ours):
        content = op.get("requestBody", {}).get("content", {})
        if "application/octet-stream" in content:
            seen["binary"] += 1
            assert content["application/octet-stream"]["schema"] == {
                "type": "string",
                "format": "binary",
            }, f"{method.upper()} {path}"
        if "multipart/form-data" in content:
            seen["multipart"] += 1
            ref = content["multipart/form-data"]["schema"]["$ref"]
            schema = ours["components"]["schemas"][ref[len(SCHEMA_PREFIX) :]]
            field = op["x-basecamp-multipart"]["field"]
            assert schema["properties"][field] == {"type": "string", "format": "binary"}
        elif "x-basecamp-multipart" in op:
            pytest.fail(f"{op['operationId']}: multipart extension without a multipart body")
    assert seen == {"binary": 2, "multipart": 2}  # account logo, project wallpaper
    attachments = ours["paths"]["/attachments.json"]["post"]
    assert (attachments["tags"], attachments["x-sdk-method"]) == (["attachments"], "upload")


def test_ids_are_int64_and_timestamps_have_formats(ours: Document) -> None:
    def base(node: dict[str, Any]) -> Any:
        t = node.get("type")
        return next(x for x in t if x != "null") if isinstance(t, list) else t

    for where, prop, sub in schema_props(ours):
        label = f"{where}.{prop}"
        if prop == "id" or prop.endswith("_id"):
            if "$ref" in sub or "anyOf" in sub:
                continue
            assert (base(sub), sub.get("format")) == ("integer", "int64"), label
        if prop.endswith("_ids") and "items" in sub:
            assert (sub["items"].get("type"), sub["items"].get("format")) == ("integer", "int64")
        if prop in ("created_at", "updated_at"):
            assert (base(sub), sub.get("format")) == ("string", "date-time"), label
        if prop in ("due_on", "starts_on"):
            assert (base(sub), sub.get("format")) == ("string", "date"), label


def test_nullability_uses_the_3_1_form(ours: Document) -> None:
    for where, node in walk(ours):
        assert "nullable" not in node or where.endswith("/properties"), where
        if isinstance(node.get("type"), list):
            types = node["type"]
            assert len(types) == len(set(types)), where
            assert types[-1] == "null", where
            assert len(types) == 2, where


def test_credentials_are_marked_sensitive(ours: Document) -> None:
    schemas = ours["components"]["schemas"]
    credential = {"category": "credential", "redact": True}
    for schema, prop in [
        ("Chatbot", "lines_url"),
        ("Chatbot", "command_url"),
        ("ChatbotCommand", "callback_url"),
        ("Webhook", "payload_url"),
        ("WebhookCreate", "payload_url"),
        ("WebhookUpdate", "payload_url"),
        ("OAuthTokenResponse", "access_token"),
        ("OAuthTokenResponse", "refresh_token"),
        ("StreamTicket", "ticket"),
        ("StreamTicket", "url"),  # carries the ticket in its query
    ]:
        assert schemas[schema]["properties"][prop]["x-basecamp-sensitive"] == credential
    for _where, _prop, sub in schema_props(ours):
        mark = sub.get("x-basecamp-sensitive")
        if mark is not None:
            assert mark["category"] in ("credential", "pii")
            assert isinstance(mark["redact"], bool)


def test_basecamp_extensions_have_the_published_shapes(ours: Document) -> None:
    for _path, _method, op in operations(ours):
        retry = op["x-basecamp-retry"]
        assert set(retry) == {"maxAttempts", "baseDelayMs", "backoff", "retryOn"}
        assert retry["maxAttempts"] >= 1
        assert retry["baseDelayMs"] > 0
        assert all(isinstance(s, int) for s in retry["retryOn"])
        if "x-basecamp-idempotent" in op:
            assert op["x-basecamp-idempotent"] == {"natural": True}
        if "x-basecamp-pagination" in op:
            page = op["x-basecamp-pagination"]
            assert page["style"] == "link"
            assert set(page) <= {"style", "totalCountHeader", "maxPageSize", "key"}
            if "key" in page:
                schema = op["responses"]["200"]["content"]["application/json"]["schema"]
                target = ours["components"]["schemas"][schema["$ref"][len(SCHEMA_PREFIX) :]]
                assert target["properties"][page["key"]]["type"] == "array"
        if "x-basecamp-write-semantics" in op:
            semantics = op["x-basecamp-write-semantics"]
            assert semantics["mode"] == "replace"
            assert semantics["clearsOmitted"] is True
            assert set(semantics) <= {"mode", "clearsOmitted", "preservedOnOmission"}


def test_documented_only_marks_sit_on_properties(ours: Document) -> None:
    for where, node in walk(ours):
        if node.get("x-documented-only") is not None:
            assert node["x-documented-only"] is True, where
            assert "/properties/" in where, where


def test_loader_rejects_a_part_defining_a_schema_twice(tmp_path: Path) -> None:
    entry = yaml.safe_load(ENTRY.read_text(encoding="utf-8"))
    first = ENTRY.parent / entry["x-parts"][0]
    (tmp_path / "parts").mkdir()
    for rel in entry["x-parts"]:
        (tmp_path / rel).write_text((ENTRY.parent / rel).read_text(encoding="utf-8"))
    (tmp_path / "parts" / "again.yaml").write_text(first.read_text(encoding="utf-8"))
    entry["x-parts"].append("parts/again.yaml")
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(entry))
    with pytest.raises(SpecError, match="defined twice"):
        load(tmp_path / "openapi.yaml")


def test_loader_rejects_parts_that_are_not_a_list(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\nx-parts: parts/a.yaml\n")
    with pytest.raises(SpecError, match="must be a list"):
        load(tmp_path / "openapi.yaml")
