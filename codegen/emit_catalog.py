"""The catalog: every method of every service as plain data, for the command line.

``_generated/catalog.py`` imports nothing, so a program can list services, methods and
arguments (``basecamp --help``, shell completion) without importing the 54 service
modules or the client core. Rows are tuples of strings and booleans; their layout is
documented in the template and read by ``basecamp_client.cli.catalog``.
"""

from __future__ import annotations

from typing import Any

import jinja2

from . import ir
from .render import HEADER


def type_spec(t: ir.TypeRef, module_of: dict[str, str]) -> str:
    """A type as a short string: ``int``, ``date``, ``enum:a|b``, ``list:int``,
    ``model:<module>:<Class>``, ``json`` (any other JSON value)."""
    if t.kind == "str" and t.enum:
        return "enum:" + "|".join(t.enum)
    if t.kind in ("str", "int", "float", "bool", "date", "datetime"):
        return t.kind
    if t.kind == "list" and t.item is not None:
        return "list:" + type_spec(t.item, module_of)
    if t.kind == "model" and t.model is not None:
        return f"model:{module_of[t.model]}:{t.model}"
    return "json"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _argument(p: ir.Param, module_of: dict[str, str], *, required: bool) -> tuple[Any, ...]:
    return (
        p.name,
        p.wire,
        p.location,
        type_spec(p.type, module_of),
        required,
        _one_line(p.description),
    )


def _returns(op: ir.Operation) -> str:
    t = op.response_type
    if op.response_kind == "none" or t is None:
        return ""
    name = t.model if t.kind == "model" and t.model else "JSON"
    return f"list:{name}" if op.response_kind in ("list", "paginated") else name


def _kind(op: ir.Operation) -> str:
    if op.is_upload:
        return "upload"
    if op.response_kind == "paginated":
        return "paginated"
    if op.response_kind == "none":
        return "empty"
    return "call"


def _row(op: ir.Operation, module_of: dict[str, str]) -> dict[str, Any]:
    return {
        "id": op.id,
        "service": op.service,
        "method": op.method_name,
        "kind": _kind(op),
        "http": f"{op.http_method} {op.path}",
        "summary": _one_line(op.summary or op.id),
        "returns": _returns(op),
        "deprecated": op.deprecated,
        "args": [_argument(p, module_of, required=p.required) for p in op.params],
    }


def _update_row(op: ir.Operation, module_of: dict[str, str]) -> dict[str, Any]:
    """``update``: the merge-safe write beside a replace (see ``emit_safe_writes``)."""
    merge = op.merge
    assert merge is not None
    leading = [p for p in op.params if p.location in ("path", "query")]
    args = [_argument(p, module_of, required=p.required) for p in leading]
    # Every field is optional; the flag says whether None (clearing it) is allowed.
    args += [
        (*_argument(f.param, module_of, required=False), not f.param.required) for f in merge.fields
    ]
    return {
        **_row(op, module_of),
        "method": "update",
        "kind": "update",
        "summary": f"Change only the fields given; the {merge.record}'s other fields keep "
        "their values (merge-safe).",
        "returns": merge.record,
        "args": args,
    }


def render_catalog(env: jinja2.Environment, api: ir.Api) -> str:
    module_of = {m.name: m.module for m in api.models}
    rows = []
    for service in api.services:
        for op in service.operations:
            rows.append(_row(op, module_of))
            if op.merge is not None:
                rows.append(_update_row(op, module_of))
    rows.sort(key=lambda r: (r["service"], r["method"]))
    services = sorted((s.name, _one_line(s.summary)) for s in api.services)
    return str(
        env.get_template("catalog.py.jinja").render(header=HEADER, services=services, rows=rows)
    )
