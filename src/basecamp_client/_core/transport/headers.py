"""Response headers as the seam promises them, whatever library read them.

A header sent more than once reads as its values joined with ``", "`` (the HTTP list
form); lookups ignore case; iteration gives lower-case names; a value that is not ASCII
is decoded as UTF-8 when it is valid UTF-8, as Latin-1 otherwise, value by value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_SECRET_HEADERS = frozenset({"set-cookie", "authorization", "proxy-authorization"})


def headers_repr(items: Mapping[str, str]) -> str:
    """How response headers print: secrets redacted."""
    shown = {k: ("[redacted]" if k.lower() in _SECRET_HEADERS else v) for k, v in items.items()}
    return f"Headers({shown!r})"


def decode_value(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class Headers(Mapping[str, str]):
    """Headers kept as a plain dict of lower-case names (httpx's when a value is not
    ASCII, a response rebuilt from a shared cache): case-insensitive lookups,
    lower-case iteration."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, str] | None = None) -> None:
        self._items: dict[str, str] = items if items is not None else {}

    @classmethod
    def from_raw(cls, raw: list[tuple[bytes, bytes]]) -> Headers:
        """Headers from raw ``(name, value)`` byte pairs, each value decoded on its own
        (httpx decodes all of a response's headers with one encoding)."""
        items: dict[str, str] = {}
        for name, value in raw:
            key = name.decode("latin-1").lower()
            text = decode_value(value)
            items[key] = f"{items[key]}, {text}" if key in items else text
        return cls(items)

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._items.get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return headers_repr(self._items)


class MultiHeaders(Mapping[str, str]):
    """A view of aiohttp's (multidict) headers, which keeps repeated headers apart and
    decodes values as UTF-8 with surrogate escapes."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        values = self._raw.getall(key, None)
        if values is None:
            return default
        value: str = values[0] if len(values) == 1 else ", ".join(values)
        return value if value.isascii() else decode_value(value.encode("utf-8", "surrogateescape"))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name.lower() for name in self._raw))

    def __len__(self) -> int:
        return len(dict.fromkeys(name.lower() for name in self._raw))

    def __repr__(self) -> str:
        return headers_repr({name: self[name] for name in self})
