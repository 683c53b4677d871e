"""Pure functions that turn call arguments into request parts (no I/O).

Unset arguments are dropped here, so a request never carries a field the caller did
not pass.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from .errors import UsageError
from .operation import Operation
from .unset import UNSET


def encode_value(value: Any) -> Any:
    """A Python value to its JSON form: dates as ISO text, models via ``to_dict()``."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): encode_value(v) for k, v in value.items() if v is not UNSET}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode_value(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise UsageError(f"cannot send a value of type {type(value).__name__} in a request body")


def encode_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body: every field the caller set, and nothing else."""
    return {name: encode_value(value) for name, value in fields.items() if value is not UNSET}


def json_payload(op: Operation, fields: Mapping[str, Any]) -> bytes:
    """The bytes of ``op``'s JSON body. NaN and infinities are refused: JSON has no such
    numbers (Python would write ``NaN``, which a JSON parser must not accept)."""
    body = encode_body(fields)
    try:
        return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
    except ValueError:
        where = _non_finite(body, "") or "a value"
        raise UsageError(
            f"{op.id}: {where} is not a finite number: JSON cannot carry NaN or infinity",
            operation_id=op.id,
        ) from None


def _non_finite(value: Any, path: str) -> str | None:
    """Where in a JSON-ready value a NaN or an infinity sits (``assignee_ids[0]``)."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            found = _non_finite(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _non_finite(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _query_scalar(name: str, value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise UsageError(f"query parameter {name!r} must be a finite number, got {value!r}")
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    raise UsageError(f"query parameter {name!r} cannot be a {type(value).__name__}")


def encode_query(params: Mapping[str, Any] | None) -> str:
    """``a=1&ids[]=2&ids[]=3`` from the set parameters; ``""`` when none are set."""
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is UNSET or value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, _query_scalar(name, item)) for item in value)
        else:
            pairs.append((name, _query_scalar(name, value)))
    return urlencode(pairs, safe="[]")


def format_path(template: str, names: tuple[str, ...], values: Mapping[str, Any]) -> str:
    """Fill ``{placeholders}``, refusing missing values and escaping each segment."""
    path = template
    for name in names:
        value = values.get(name, UNSET)
        if type(value) is int and value >= 0:
            # The common case (ids): digits need no checks beyond these, nor escaping.
            path = path.replace("{" + name + "}", str(value))
            continue
        if value is UNSET or value is None:
            raise UsageError(f"path parameter {name!r} is required")
        if isinstance(value, bool) or not isinstance(value, (int, str, _dt.date)):
            raise UsageError(
                f"path parameter {name!r} must be an int or str, not {type(value).__name__}"
            )
        if isinstance(value, int) and value < 0:
            raise UsageError(f"path parameter {name!r} must not be negative (got {value})")
        text = value.isoformat() if isinstance(value, _dt.date) else str(value)
        if not text:
            raise UsageError(f"path parameter {name!r} must not be empty")
        path = path.replace("{" + name + "}", quote(text, safe=""))
    return path
