"""HTTP caching as Basecamp does it: validators on every GET answer, and ``304``.

Whole GET answers are kept per (origin, path, query, person) for one generation of the
store (any write starts a new one), with the ``ETag`` and ``Last-Modified`` they were sent
with; a request whose ``If-None-Match`` or ``If-Modified-Since`` still matches gets a
``304`` with no body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ._wire import JSON_TYPE, FakeRequest, FakeResponse, http_date, parse_http_date

CACHE_CONTROL = ("Cache-Control", "max-age=0, private, must-revalidate")
# Past this many answers the cache starts again empty: a test that walks thousands of
# distinct URLs does not grow the fake without bound.
LIMIT = 4096

Key = tuple[str, str, str, int]


class Cached:
    """One GET answer as sent: its headers (validators included), body and stamps."""

    __slots__ = ("body", "etag", "gen", "headers", "last_modified")

    def __init__(
        self, gen: int, headers: list[tuple[str, str]], body: bytes, etag: str, last_modified: int
    ) -> None:
        self.gen = gen
        self.headers = headers
        self.body = body
        self.etag = etag
        self.last_modified = last_modified


class ResponseCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self._entries: dict[Key, Cached] = {}
        self._limit = limit

    def get(self, key: Key, gen: int) -> Cached | None:
        """The answer kept for ``key``, if the store has not changed since (``gen``)."""
        entry = self._entries.get(key)
        return entry if entry is not None and entry.gen == gen else None

    def remember(
        self, key: Key, headers: list[tuple[str, str]], body: bytes, stamp: int, gen: int
    ) -> Cached:
        """Keep a JSON answer, adding its ``ETag``, ``Last-Modified`` and caching headers."""
        etag = 'W/"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        headers = [
            *headers,
            ("Content-Type", JSON_TYPE),
            ("ETag", etag),
            ("Last-Modified", http_date(stamp)),
            CACHE_CONTROL,
        ]
        entry = Cached(gen, headers, body, etag, stamp)
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = entry
        return entry


def send(request: FakeRequest, rid: str, status: int, entry: Cached) -> FakeResponse:
    """``entry`` as the answer to ``request``: a ``304`` when its validators still match,
    headers only for ``HEAD``."""
    if not_modified(request.headers, entry):
        headers = [
            (k, v) for k, v in entry.headers if k in ("ETag", "Last-Modified", "Cache-Control")
        ]
        headers.append(("X-Request-Id", rid))
        return FakeResponse(304, headers)
    headers = [*entry.headers, ("X-Request-Id", rid)]
    if request.method == "HEAD":
        headers.append(("Content-Length", str(len(entry.body))))
        return FakeResponse(status, headers, b"")
    return FakeResponse(status, headers, entry.body)


def not_modified(headers: Mapping[str, str], entry: Cached) -> bool:
    """RFC 9110 §13: ``If-None-Match`` decides when present; else ``If-Modified-Since``."""
    inm = headers.get("if-none-match")
    if inm is not None:
        if inm.strip() == "*":
            return True
        wanted = _opaque(entry.etag)
        return any(_opaque(tag) == wanted for tag in inm.split(","))
    ims = headers.get("if-modified-since")
    if ims is not None:
        since = parse_http_date(ims)
        return since is not None and entry.last_modified <= since
    return False


def _opaque(tag: str) -> str:
    """Weak comparison: ``W/"x"`` and ``"x"`` name the same representation."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
