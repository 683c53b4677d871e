"""Bringing a description into our conventions before the IR is built.

Our own description (``openapi/``) already follows docs/architecture.md and passes
through almost untouched. Basecamp's published description differs in ways this
module irons out, so that one builder serves both:

- paths start with ``/{accountId}``: the prefix and its parameter are removed (the
  core adds the account to every URL);
- tags are display names (``Card Tables``) or missing: they become snake_case service
  names, and an untagged operation goes to the service named by the first literal
  segment of its path (``/questions/{id}/pause.json`` → ``questions``);
- OpenAPI 3.0's ``nullable: true`` and ``anyOf: [X, {type: null}]`` become 3.1's
  ``type: [..., "null"]`` / a nullable ``$ref``;
- timestamps and dates typed only through ``x-go-type`` get ``format: date-time`` /
  ``format: date``;
- ``…ResponseContent`` / ``…RequestContent`` wrappers are handled by the builder
  (see :mod:`codegen.build`), which resolves aliases and names objects after them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .loader import Document
from .names import service_name, snake

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_GO_FORMATS = {
    "time.Time": "date-time",
    "types.FlexibleTime": "date-time",
    "types.Date": "date",
}


def normalise(document: Document) -> Document:
    """A normalised deep copy of ``document``; the input is left untouched."""
    doc = copy.deepcopy(document)
    _strip_account_prefix(doc)
    _fix_schemas(doc)
    _assign_services(doc)
    return doc


def operations(doc: Document) -> list[tuple[str, str, dict[str, Any]]]:
    """``(path, method, operation)`` for every operation, in document order."""
    found = []
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                found.append((path, method, op))
    return found


def parameters(
    doc: Document, path: str, op: dict[str, Any], deref: Callable[[Any], Any]
) -> list[dict[str, Any]]:
    """The parameters of the operation ``op`` at ``path``: the path item's, then the
    operation's (which win on the same ``in`` and ``name``), each through ``deref``;
    entries without ``in`` or ``name`` are left out."""
    item = (doc.get("paths") or {}).get(path) or {}
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (item.get("parameters") or [], op.get("parameters") or []):
        for raw in source:
            param = deref(raw)
            if isinstance(param, dict) and "name" in param and "in" in param:
                merged[(param["in"], param["name"])] = param
    return list(merged.values())


def _is_account_placeholder(segment: str) -> bool:
    return (
        segment.startswith("{") and segment.endswith("}") and snake(segment[1:-1]) == "account_id"
    )


def _strip_account_prefix(doc: Document) -> None:
    paths = doc.get("paths") or {}
    published = any(_is_account_placeholder(p.split("/", 2)[1]) for p in paths if p.count("/"))
    new_paths: dict[str, Any] = {}
    for path, item in paths.items():
        segments = path.split("/")
        scoped = True
        if published:
            scoped = len(segments) > 1 and _is_account_placeholder(segments[1])
            if scoped:
                placeholder = segments[1][1:-1]
                path = "/" + "/".join(segments[2:])
                _drop_param(item, placeholder)
                for method in HTTP_METHODS:
                    if isinstance(item.get(method), dict):
                        _drop_param(item[method], placeholder)
        if not scoped:
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    item[method]["x-account-scoped"] = False
        new_paths[path] = item
    if paths:
        doc["paths"] = new_paths


def _drop_param(holder: dict[str, Any], name: str) -> None:
    params = holder.get("parameters")
    if isinstance(params, list):
        holder["parameters"] = [
            p for p in params if not (p.get("in") == "path" and p.get("name") == name)
        ]


def _fix_schemas(node: Any) -> None:
    """Walk every schema-like mapping and rewrite the 3.0 / x-go-type spellings."""
    if isinstance(node, dict):
        flag = node.get("nullable")
        if isinstance(flag, bool):  # not a property that happens to be called "nullable"
            del node["nullable"]
            if flag:
                _make_nullable(node)
        go_type = node.get("x-go-type")
        if isinstance(go_type, str) and go_type in _GO_FORMATS and "format" not in node:
            node["format"] = _GO_FORMATS[go_type]
        any_of = node.get("anyOf")
        if isinstance(any_of, list):
            rest = [s for s in any_of if not (isinstance(s, dict) and s.get("type") == "null")]
            if len(rest) < len(any_of):
                if len(rest) == 1 and isinstance(rest[0], dict):
                    del node["anyOf"]
                    node.update({k: v for k, v in rest[0].items() if k not in node})
                    if node.get("type") == "null" and "$ref" in node:
                        del node["type"]
                    _make_nullable(node)
                else:
                    node["anyOf"] = rest
                    node["x-nullable"] = True
        for value in node.values():
            _fix_schemas(value)
    elif isinstance(node, list):
        for value in node:
            _fix_schemas(value)


def _make_nullable(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if isinstance(kind, str) and kind != "null":
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            schema["type"] = [*kind, "null"]
    else:
        # A bare $ref (or a schema without a type) cannot carry "null" in its type.
        schema["x-nullable"] = True


def _assign_services(doc: Document) -> None:
    for path, _method, op in operations(doc):
        tags = op.get("tags")
        if isinstance(tags, list) and tags and isinstance(tags[0], str):
            op["tags"] = [service_name(tags[0])]
        else:
            op["tags"] = [_service_from_path(path)]


def _service_from_path(path: str) -> str:
    for segment in path.split("/"):
        if segment and not segment.startswith("{"):
            return service_name(segment.removesuffix(".json"))
    return "api"
