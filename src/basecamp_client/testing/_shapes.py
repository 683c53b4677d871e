"""The description's shapes, read from the table codegen writes (``_generated/shapes.py``).

The installed package ships no ``openapi/``: every fact the fake needs about an operation
(route, success status, body fields, response type, pagination) comes from that one
module of constants, loaded on the first request that needs it. Type strings are parsed
once each into :class:`Type` values (grammar in ``_generated/shapes.py``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

_WORD = re.compile(r"[A-Za-z0-9_:.\-]+")
_lock = threading.Lock()
_loaded: Shapes | None = None


class Type:
    """One JSON type: ``kind`` is a scalar (``int``, ``float``, ``str``, ``bool``, ``date``,
    ``datetime``, ``bytes``, ``any``), ``dict`` (any object), ``map`` (object of ``item``),
    ``list`` (of ``item``) or ``model`` (named ``model``)."""

    __slots__ = ("enum", "item", "kind", "model", "nullable")

    def __init__(
        self,
        kind: str,
        *,
        nullable: bool = False,
        model: str | None = None,
        item: Type | None = None,
        enum: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.nullable = nullable
        self.model = model
        self.item = item
        self.enum = enum

    def __repr__(self) -> str:
        return f"<Type {unparse(self)}>"


def unparse(t: Type) -> str:
    if t.kind == "model":
        core = f"@{t.model}"
    elif t.kind == "list":
        core = f"[{unparse(t.item) if t.item else 'any'}]"
    elif t.kind == "map":
        core = f"{{{unparse(t.item) if t.item else 'any'}}}"
    else:
        core = t.kind
    if t.enum:
        core += "(" + "|".join(_escape(v) for v in t.enum) + ")"
    return ("?" if t.nullable else "") + core


def _escape(value: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in "?@[]{}()|%" else c for c in value)


_parsed: dict[str, Type] = {}


def parse(code: str) -> Type:
    """The :class:`Type` a type string spells (memoised: the table repeats a few dozen)."""
    found = _parsed.get(code)
    if found is None:
        found, end = _parse(code, 0)
        if end != len(code):
            raise ValueError(f"trailing text in type {code!r} at {end}")
        _parsed[code] = found
    return found


def _parse(code: str, i: int) -> tuple[Type, int]:
    nullable = code.startswith("?", i)
    if nullable:
        i += 1
    model = None
    item = None
    if code.startswith("@", i):
        m = _WORD.match(code, i + 1)
        if m is None:
            raise ValueError(f"bad model name in type {code!r} at {i}")
        kind, model, i = "model", m.group(), m.end()
    elif code.startswith(("[", "{"), i):
        close = "]" if code[i] == "[" else "}"
        item, i = _parse(code, i + 1)
        if not code.startswith(close, i):
            raise ValueError(f"expected {close!r} in type {code!r} at {i}")
        kind, i = ("list" if close == "]" else "map"), i + 1
    else:
        m = _WORD.match(code, i)
        if m is None:
            raise ValueError(f"bad type {code!r} at {i}")
        kind, i = m.group(), m.end()
    enum: tuple[str, ...] = ()
    if code.startswith("(", i):
        end = code.index(")", i)
        enum = tuple(unquote(v) for v in code[i + 1 : end].split("|"))
        i = end + 1
    return Type(kind, nullable=nullable, model=model, item=item, enum=enum), i


class Field:
    __slots__ = ("name", "required", "type")

    def __init__(self, name: str, type: Type, required: bool) -> None:
        self.name = name
        self.type = type
        self.required = required


class Param:
    """A path, query or body parameter of an operation."""

    __slots__ = ("location", "name", "required", "type")

    def __init__(self, name: str, location: str, type: Type, required: bool) -> None:
        self.name = name
        self.location = location
        self.type = type
        self.required = required


class OperationShape:
    """What the description says about one operation."""

    __slots__ = (
        "body",
        "body_params",
        "body_required",
        "id",
        "items_key",
        "max_page_size",
        "method",
        "page_model",
        "paginated",
        "params",
        "path",
        "required_query",
        "response",
        "status",
    )

    def __init__(self, op_id: str, row: tuple[Any, ...]) -> None:
        method, path, status, response, body, body_required, params, pagination = row
        self.id: str = op_id
        self.method: str = method
        self.path: str = path
        self.status: int = status
        self.response: Type | None = parse(response) if response is not None else None
        self.body: str | None = body
        self.body_required: bool = body_required
        self.params = tuple(Param(n, loc, parse(t), r) for n, loc, t, r in params)
        # Looked up on every request to the operation: worked out once.
        self.body_params = self.of("body")
        self.required_query = tuple(p.name for p in self.of("query") if p.required)
        self.paginated = pagination is not None
        items_key, page_model, max_page_size = pagination or (None, None, None)
        self.items_key: str | None = items_key
        self.page_model: str | None = page_model
        self.max_page_size: int | None = max_page_size

    def of(self, location: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == location)

    def __repr__(self) -> str:
        return f"<OperationShape {self.id} {self.method} {self.path}>"


class Shapes:
    """Every operation and model of the description the client was generated from."""

    def __init__(
        self,
        version: str,
        models: Mapping[str, tuple[tuple[str, str, bool], ...]],
        operations: Mapping[str, tuple[Any, ...]],
    ) -> None:
        self.version = version
        self._rows = models
        self._models: dict[str, tuple[Field, ...]] = {}
        self._names: dict[str, frozenset[str]] = {}
        self.operations = {op_id: OperationShape(op_id, row) for op_id, row in operations.items()}

    def fields(self, model: str) -> tuple[Field, ...]:
        found = self._models.get(model)
        if found is None:
            found = tuple(Field(n, parse(t), r) for n, t, r in self._rows[model])
            self._models[model] = found
        return found

    def has_model(self, model: str) -> bool:
        return model in self._rows

    def has_field(self, model: str, field: str) -> bool:
        names = self._names.get(model)
        if names is None:
            names = self._names[model] = frozenset(row[0] for row in self._rows.get(model, ()))
        return field in names


def shapes() -> Shapes:
    """The table of the generated client, loaded once."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                from basecamp_client._generated import shapes as table

                _loaded = Shapes(table.VERSION, table.MODELS, table.OPERATIONS)
    return _loaded
