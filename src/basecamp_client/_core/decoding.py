"""Small, fast converters the generated decoders and encoders call.

Decoding is lenient by design: a value of the wrong shape is kept as it came rather
than raising, so one odd field never makes a whole response unreadable.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

_fromisoformat = _dt.datetime.fromisoformat
_date_fromisoformat = _dt.date.fromisoformat


def parse_datetime(value: Any) -> Any:
    """ISO 8601 text to an aware :class:`datetime.datetime`; anything else unchanged."""
    if value.__class__ is str:
        try:
            if value.endswith("Z"):
                # fromisoformat only understands "Z" from Python 3.11 on.
                return _fromisoformat(value[:-1] + "+00:00")
            return _fromisoformat(value)
        except ValueError:
            return value
    return value


def parse_date(value: Any) -> Any:
    """``YYYY-MM-DD`` text to a :class:`datetime.date`; anything else unchanged."""
    if value.__class__ is str:
        try:
            return _date_fromisoformat(value)
        except ValueError:
            return value
    return value


def format_datetime(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def format_date(value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    return value
