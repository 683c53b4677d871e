"""Small, fast converters the generated decoders and encoders call.

Decoding is lenient by design: a value of the wrong shape is kept as it came rather
than raising, so one odd field never makes a whole response unreadable.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable
from typing import Any

_fromisoformat = _dt.datetime.fromisoformat
_date_fromisoformat = _dt.date.fromisoformat


def parse_date(value: Any) -> Any:
    """``YYYY-MM-DD`` text to a :class:`datetime.date`; anything else unchanged."""
    if type(value) is str:
        try:
            return _date_fromisoformat(value)
        except ValueError:
            return value
    return value


if sys.version_info >= (3, 11):

    def parse_datetime(value: Any) -> Any:
        """ISO 8601 text to a :class:`datetime.datetime`; anything else unchanged."""
        if type(value) is str:
            try:
                return _fromisoformat(value)
            except ValueError:
                return value
        return value

    #: ISO 8601 text to a datetime (date), raising ``ValueError`` for other text. The
    #: generated decoders call these inline and, on ``ValueError``, decode the object
    #: again with the lenient ``parse_*``.
    iso_datetime: Callable[[Any], Any] = _fromisoformat
    iso_date: Callable[[Any], Any] = _date_fromisoformat

else:

    def parse_datetime(value: Any) -> Any:
        """ISO 8601 text to a :class:`datetime.datetime`; anything else unchanged."""
        if type(value) is str:
            try:
                if value[-1:] == "Z":
                    # fromisoformat understands "Z" only from Python 3.11 on.
                    return _fromisoformat(value[:-1] + "+00:00")
                return _fromisoformat(value)
            except ValueError:
                return value
        return value

    # Before 3.11 fromisoformat refuses the "Z" every Basecamp timestamp ends with: the
    # inline parsers are the lenient ones, so that decoding never takes the slow path.
    iso_datetime = parse_datetime
    iso_date = parse_date


def format_datetime(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def format_date(value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    return value
