"""Request checks the description implies, for every operation the fake answers.

A JSON body missing a required field, or holding a value of the wrong JSON type (or not
in a field's enum), gets the ``422`` Basecamp answers, naming every invalid field as the
hand-written resources do (``{"error": "Title can't be blank", "errors": {…}}``). A
required query parameter left out gets the ``400`` of a missing parameter. Unknown body
fields are ignored, as Basecamp ignores them; ``null`` stands for "not set" on optional
fields, which is how replace-semantics writes clear them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from ._shapes import OperationShape, Shapes, Type
from ._wire import HttpError

# Nested objects and lists are checked this deep; past it, any value is accepted.
_MAX_DEPTH = 8
# Items of a list checked one by one; a longer list is checked on its first items only.
_MAX_ITEMS = 100

_MESSAGES = {
    "int": "must be an integer",
    "float": "must be a number",
    "str": "must be a string",
    "bytes": "must be a string",
    "bool": "must be true or false",
    "date": "must be a date like 2026-03-01",
    "datetime": "must be a date-time like 2026-03-01T09:00:00Z",
    "list": "must be a list",
    "dict": "must be an object",
    "map": "must be an object",
    "model": "must be an object",
}


def check_query(shape: OperationShape, query: Mapping[str, list[str]]) -> None:
    for name in shape.required_query:
        if not any(query.get(name, ())):
            raise HttpError(400, f"param is missing or the value is empty: {name}")


def unprocessable(errors: Mapping[str, list[str]]) -> HttpError:
    """The 422 naming every invalid field, summarised by the first one."""
    field, messages = next(iter(errors.items()))
    summary = f"{field.replace('_', ' ').replace('.', ' ').capitalize()} {messages[0]}"
    return HttpError(422, summary, errors=errors)


def body_errors(shapes: Shapes, shape: OperationShape, body: Any) -> dict[str, list[str]]:
    """What the description finds wrong with a JSON ``body``, by field (empty: nothing)."""
    fields = shape.body_params
    if not fields:
        return {}
    values: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    errors: dict[str, list[str]] = {}
    for param in fields:
        value = values.get(param.name)
        if value is None:
            if param.required:
                errors.setdefault(param.name, []).append("can't be blank")
            continue
        _check(shapes, param.type, value, param.name, errors, 0, True)
    return errors


def problems(shapes: Shapes, t: Type, value: Any, where: str = "value") -> dict[str, list[str]]:
    """Every way ``value`` (a response) is not of JSON type ``t``: empty when it is. Strict:
    ``null`` only where the type is nullable, every required field present."""
    errors: dict[str, list[str]] = {}
    _check(shapes, t, value, where, errors, 0, False)
    return errors


def _check(
    shapes: Shapes,
    t: Type,
    value: Any,
    where: str,
    errors: dict[str, list[str]],
    depth: int,
    request: bool,
) -> None:
    """Collect what is wrong with ``value`` as a ``t`` into ``errors``. In a ``request``,
    ``null`` on an optional field means "not set"."""
    if value is None:
        if not t.nullable:
            errors.setdefault(where, []).append("can't be null")
        return
    if depth > _MAX_DEPTH:
        return
    kind = t.kind
    ok = _KIND_CHECKS.get(kind, _anything)(value)
    if not ok:
        errors.setdefault(where, []).append(_MESSAGES.get(kind, "is invalid"))
        return
    if t.enum and value not in t.enum:
        errors.setdefault(where, []).append("is not included in the list")
    elif kind == "list" and t.item is not None:
        for i, item in enumerate(value[:_MAX_ITEMS]):
            _check(shapes, t.item, item, f"{where}[{i}]", errors, depth + 1, request)
    elif kind == "map" and t.item is not None:
        for key, item in list(value.items())[:_MAX_ITEMS]:
            _check(shapes, t.item, item, f"{where}.{key}", errors, depth + 1, request)
    elif kind == "model" and t.model is not None and shapes.has_model(t.model):
        fields = shapes.fields(t.model)
        if not request:
            known = {field.name for field in fields}
            for key in value:
                if key not in known:
                    errors.setdefault(f"{where}.{key}", []).append("is not in the description")
        for field in fields:
            inner = f"{where}.{field.name}"
            got = value.get(field.name)
            if field.name not in value or (request and got is None):
                if field.required:
                    errors.setdefault(inner, []).append("can't be blank")
                continue
            _check(shapes, field.type, got, inner, errors, depth + 1, request)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _anything(value: Any) -> bool:
    return True


_KIND_CHECKS: dict[str, Callable[[Any], bool]] = {
    "int": _is_int,
    "float": _is_number,
    "str": lambda v: isinstance(v, str),
    "bytes": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "date": _is_date,
    "datetime": _is_datetime,
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
    "map": lambda v: isinstance(v, dict),
    "model": lambda v: isinstance(v, dict),
}
