"""Small, fast converters the generated decoders and encoders call.

Decoding is lenient by design: a value of the wrong shape is kept as it came rather
than raising, so one odd field never makes a whole response unreadable.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from .errors import DecodeError

T = TypeVar("T")

#: One response's record of the nested objects decoded so far: model name -> (the JSON
#: object, the model decoded from it). See :class:`ObjectDecoder`.
Memo = dict[str, tuple[Any, Any]]

_fromisoformat = _dt.datetime.fromisoformat
_date_fromisoformat = _dt.date.fromisoformat


# The converters below are typed as plain ``Callable[[Any], Any]``, whatever each one is
# underneath (a function here, a C method there, depending on the Python version): a
# generated decoder keeps either a fast ``iso_*`` or a lenient ``parse_*`` in one local
# variable, and that must type-check under every supported Python version.


def _parse_date(value: Any) -> Any:
    if type(value) is str:
        try:
            return _date_fromisoformat(value)
        except ValueError:
            return value
    return value


#: ``YYYY-MM-DD`` text to a :class:`datetime.date`; anything else unchanged.
parse_date: Callable[[Any], Any] = _parse_date

if sys.version_info >= (3, 11):

    def _parse_datetime(value: Any) -> Any:
        if type(value) is str:
            try:
                return _fromisoformat(value)
            except ValueError:
                return value
        return value

    #: ISO 8601 text to a :class:`datetime.datetime`; anything else unchanged.
    parse_datetime: Callable[[Any], Any] = _parse_datetime

    #: ISO 8601 text to a datetime (date), raising ``ValueError`` for other text. The
    #: generated decoders call these inline and, on ``ValueError``, decode the object
    #: again with the lenient ``parse_*``.
    iso_datetime: Callable[[Any], Any] = _fromisoformat
    iso_date: Callable[[Any], Any] = _date_fromisoformat

else:

    def _parse_datetime(value: Any) -> Any:
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
    parse_datetime: Callable[[Any], Any] = _parse_datetime
    iso_datetime: Callable[[Any], Any] = _parse_datetime
    iso_date: Callable[[Any], Any] = _parse_date


def format_datetime(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def format_date(value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    return value


def json_kind(value: Any) -> str:
    """The JSON kind of a parsed value, for error messages."""
    return "null" if value is None else type(value).__name__


class ObjectDecoder(Generic[T]):
    """Decodes one JSON object into the model ``name`` with its generated decoder.

    With a :data:`Memo`, a nested object equal to one met earlier in the same response
    (the same creator, bucket or parent on every item of a page) is not decoded again:
    the model decoded the first time is handed out. That is safe because models are
    frozen, and because a memo lives only while one freshly parsed response is decoded:
    nothing can change the JSON objects it holds in the meantime. A memo never outlives
    that, so ``Model.from_dict`` on objects of your own never shares.
    """

    __slots__ = ("from_dict", "name")

    def __init__(self, from_dict: Callable[[Mapping[str, Any], Memo | None], T], name: str) -> None:
        self.from_dict = from_dict
        self.name = name

    def __repr__(self) -> str:
        return f"<ObjectDecoder {self.name}>"

    def __call__(self, data: Any, memo: Memo | None = None) -> T:
        if isinstance(data, dict):
            return self.from_dict(data, memo)
        raise self.refuse(data)

    def refuse(self, data: Any) -> DecodeError:
        return DecodeError(f"expected a JSON object for {self.name}, got {json_kind(data)}")

    def sharing(self) -> Callable[[Any], T]:
        """This decoder with one memo for everything it decodes: one response's items."""
        from_dict = self.from_dict
        memo: Memo = {}

        def decode(data: Any) -> T:
            if isinstance(data, dict):
                return from_dict(data, memo)
            raise self.refuse(data)

        return decode


class ListDecoder(Generic[T]):
    """Decodes a JSON array of objects, each into the model ``name``; nested objects
    repeated across the items are decoded once (see :class:`ObjectDecoder`). An item
    that is not an object is kept as it came (a strict client refuses it)."""

    __slots__ = ("from_dict", "name")

    def __init__(self, from_dict: Callable[[Mapping[str, Any], Memo | None], T], name: str) -> None:
        self.from_dict = from_dict
        self.name = name

    def __repr__(self) -> str:
        return f"<ListDecoder {self.name}>"

    def __call__(self, data: Any) -> list[T]:
        if not isinstance(data, list):
            raise DecodeError(f"expected a JSON array of {self.name}, got {json_kind(data)}")
        from_dict = self.from_dict
        memo: Memo = {}
        return [from_dict(item, memo) if isinstance(item, dict) else item for item in data]
