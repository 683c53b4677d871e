"""Strict decoding: a second look at what a decoder produced, for ``strict=True`` clients.

Decoding is lenient and fast (a value of an unexpected type is kept as it came; see
:mod:`.decoding`). A strict client then walks the models it got and checks every
known field against its annotation (:mod:`.model_kinds`), so the fast path pays nothing for
a check most clients never ask for, and two clients with different settings share the
same decoders. The walk is :func:`strict_problem`, a pure function.
"""

from __future__ import annotations

from typing import Any

from .decoding import ListDecoder, ObjectDecoder
from .kinds import describe
from .model_kinds import ModelOf, model_fault
from .pagination import PageData

#: What a strict client's DecodeError suggests.
STRICT_HINT = (
    "the response does not match the API description; a client with strict=False "
    "keeps such values as they came"
)


def _item_decoder(decode: Any) -> Any:
    """The decoder of one item, for a page decoder (which wraps one)."""
    return getattr(decode, "decode", decode)


def strict_problem(decode: Any, value: Any) -> str | None:
    """What is wrong with ``value`` (what ``decode`` produced) for a strict client:
    the first model field, at any depth, whose value does not match its annotation, or
    a list item that should have been an object. ``None`` when all is well."""
    if isinstance(value, PageData):
        return _items_problem(_item_decoder(decode), value.items)
    if isinstance(value, list):
        return _items_problem(decode, value)
    fault = model_fault(value)
    return fault.text(type(value).__name__) if fault is not None else None


def _items_problem(decode: Any, items: list[Any]) -> str | None:
    # Only a list of models promises objects; a list of plain JSON values promises nothing.
    expected = decode.name if isinstance(decode, (ListDecoder, ObjectDecoder)) else None
    for index, item in enumerate(items):
        if expected is not None and not hasattr(type(item), ModelOf.ATTRIBUTE):
            return f"item {index}: expected a {expected} object, got {describe(item)}"
        fault = model_fault(item)
        if fault is not None:
            return f"{fault.text(type(item).__name__)} (item {index})"
    return None
