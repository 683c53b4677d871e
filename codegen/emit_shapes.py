"""The description's shapes as one compact table: ``_generated/shapes.py``.

The fake Basecamp (``basecamp_client.testing``) answers every operation from it: which
routes exist, what a request body must hold, what a response looks like. The installed
package ships no ``openapi/``, so the fake cannot read the description itself; importing
every service and model module to recover the same facts would cost far more than this
one module of constants. Nothing in the client imports it.

Types are written as short strings, read by ``basecamp_client.testing._shapes``:
``int``, ``float``, ``str``, ``bool``, ``date``, ``datetime``, ``bytes``, ``any``,
``dict`` (any object); ``@Model``; ``[T]`` a list; ``{T}`` an object of ``T`` values;
a ``?`` prefix for nullable; ``(a|b)`` after the kind for an enum, whose values spell
the characters ``?@[]{}()|%`` as ``%XX``.
"""

from __future__ import annotations

from typing import Any

import jinja2

from . import ir

# Characters the type strings use as syntax: written as %XX inside enum values (and
# "%" itself, so that decoding is exact).
_SYNTAX = frozenset("?@[]{}()|%")


def type_code(t: ir.TypeRef) -> str:
    """The compact spelling of ``t`` (see the module docstring)."""
    if t.kind == "model":
        assert t.model is not None  # a Python class name: no syntax characters
        core = "@" + t.model
    elif t.kind == "list":
        core = "[" + (type_code(t.item) if t.item is not None else "any") + "]"
    elif t.kind == "dict":
        core = "{" + type_code(t.item) + "}" if t.item is not None else "dict"
    else:
        core = t.kind
    if t.enum:
        core += "(" + "|".join(_escape(value) for value in t.enum) + ")"
    return ("?" if t.nullable else "") + core


def _escape(value: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in _SYNTAX else c for c in value)


def _response(op: ir.Operation) -> str | None:
    if op.response_kind == "none" or op.response_type is None:
        return None
    code = type_code(op.response_type)
    return f"[{code}]" if op.response_kind in ("list", "paginated") else code


def _page_model(api: ir.Api, op: ir.Operation) -> str | None:
    """The object a page of ``op`` wraps its items in (``{"events": […], …}``), if any.

    The IR keeps only the item type of a wrapped page; the wrapper is the one model
    holding the items under that key. None when no model (an inline wrapper) or several
    do: the fake then answers pages holding the items only."""
    if op.pagination is None or op.pagination.items_key is None:
        return None
    key = op.pagination.items_key
    found = sorted(
        m.name
        for m in api.models
        if any(
            f.wire == key and f.type.kind == "list" and f.type.item == op.response_type
            for f in m.fields
        )
    )
    return found[0] if len(found) == 1 else None


def context(api: ir.Api) -> dict[str, Any]:
    models = [
        (m.name, [(f.wire, type_code(f.type), f.required) for f in m.fields])
        for m in sorted(api.models, key=lambda m: m.name)
    ]
    operations = []
    for op in sorted(api.operations, key=lambda o: o.id):
        pagination = None
        if op.pagination is not None:
            pagination = (
                op.pagination.items_key,
                _page_model(api, op),
                op.pagination.max_page_size,
            )
        operations.append(
            {
                "id": op.id,
                "method": op.http_method,
                "path": op.path,
                "status": op.success_status,
                "response": _response(op),
                "body": op.body_kind,
                "body_required": op.body_required,
                "params": [(p.wire, p.location, type_code(p.type), p.required) for p in op.params],
                "pagination": pagination,
            }
        )
    return {"version": api.version, "models": models, "operations": operations}


def render_shapes(env: jinja2.Environment, api: ir.Api) -> str:
    return env.get_template("shapes.py.jinja").render(**context(api))
