"""Basecamp's API 2026-10-19 as one OpenAPI document, rebuilt from the reference facts.

The reference material holds Basecamp's published description of API 2026-08-11 and, in a
separate file, the facts of what 2026-10-19 adds: 37 operations and 27 fields on existing
models. :func:`description_2026_10_19` lays those facts over the 2026-08-11 document (a copy),
in the published description's own vocabulary, so that ``codegen.drift`` and the checks on
Basecamp's extensions compare our description with the newer API exactly as they compare it
with the older one. Nothing of the facts' wording ends up anywhere but in memory.
"""

from __future__ import annotations

import copy
from typing import Any

from codegen.loader import Document

SCHEMAS = "#/components/schemas/"
ACCOUNT_PARAM = {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}}


def _schema(fact: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of one field (or array item) as the facts give it."""
    kind = fact.get("type")
    if kind == "any":
        out: dict[str, Any] = {}
    elif kind == "object":
        ref = fact.get("ref")
        if fact.get("model_in_reference") and ref in known:
            out = {"$ref": SCHEMAS + ref}
        else:
            out = _object(fact.get("fields") or [], known)
    elif kind == "array":
        out = {"type": "array", "items": _schema(fact.get("items") or {}, known)}
    else:
        out = {"type": kind}
        if "format" in fact:
            out["format"] = fact["format"]
    if fact.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _object(fields: list[dict[str, Any]], known: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f["name"]: _schema(f, known) for f in fields},
    }
    required = sorted(f["name"] for f in fields if f.get("required"))
    if required:
        schema["required"] = required
    return schema


def _parameters(op: dict[str, Any]) -> list[dict[str, Any]]:
    params = [ACCOUNT_PARAM]
    for where, facts in (("path", op["path_params"]), ("query", op["query_params"])):
        for fact in facts:
            schema = {"type": fact["type"]}
            if "format" in fact:
                schema["format"] = fact["format"]
            params.append(
                {
                    "name": fact["name"],
                    "in": where,
                    "required": bool(fact.get("required")) or where == "path",
                    "schema": schema,
                }
            )
    return params


def _request_body(op: dict[str, Any], known: dict[str, Any]) -> dict[str, Any] | None:
    body = op.get("request_body")
    if not body:
        return None
    schema = _object(body.get("fields") or [], known)
    out = {"content": {body["content_type"]: {"schema": schema}}}
    if body.get("required"):
        out["required"] = True
    return out


def _responses(op: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    response = op["response"]
    success: dict[str, Any] = {"description": "success"}
    if response.get("body"):
        model = response.get("model")
        if response.get("model_in_reference") and model in known:
            item: dict[str, Any] = {"$ref": SCHEMAS + model}
        else:
            item = _object(response.get("fields") or [], known)
        schema = {"type": "array", "items": item} if response["kind"] == "array" else item
        success["content"] = {response["content_type"]: {"schema": schema}}
    return {str(op["success_status"]): success}


def extensions(op: dict[str, Any]) -> dict[str, Any]:
    """Basecamp's ``x-basecamp-*`` metadata of one added operation, in the published shapes."""
    out: dict[str, Any] = {"x-basecamp-retry": dict(op["retry"])}
    if op["idempotent"]:
        out["x-basecamp-idempotent"] = {"natural": True}
    paging = op["response"].get("pagination") or {}
    if paging.get("style") == "link":
        spec: dict[str, Any] = {"style": "link", "totalCountHeader": paging["total_count_header"]}
        if paging.get("max_page_size") is not None:
            spec["maxPageSize"] = paging["max_page_size"]
        out["x-basecamp-pagination"] = spec
    body = op.get("request_body") or {}
    if body.get("content_type") == "multipart/form-data":
        [field] = [f["name"] for f in body["fields"] if f.get("format") == "binary"]
        out["x-basecamp-multipart"] = {"field": field}
    return out


def description_2026_10_19(reference: Document, facts: dict[str, Any]) -> Document:
    """``reference`` (API 2026-08-11) with the 2026-10-19 additions of ``facts`` laid over it."""
    doc = copy.deepcopy(reference)
    known = doc["components"]["schemas"]
    for fact in facts["new_fields_on_existing_models"]:
        if fact.get("wire_field") is False:
            continue  # filled in by an SDK, never sent by the API
        known[fact["model"]]["properties"][fact["field"]] = _schema(fact, known)
    for op in facts["operations"]:
        operation: dict[str, Any] = {
            "operationId": op["operationId"],
            "parameters": _parameters(op),
            "responses": _responses(op, known),
            **extensions(op),
        }
        body = _request_body(op, known)
        if body is not None:
            operation["requestBody"] = body
        item = doc["paths"].setdefault("/{accountId}" + op["path"], {})
        assert op["method"].lower() not in item, f"{op['operationId']} is already there"
        item[op["method"].lower()] = operation
    doc["info"]["version"] = "2026-10-19"
    return doc
