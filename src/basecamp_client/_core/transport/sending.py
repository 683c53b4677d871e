"""What every backend checks before and while sending a request: the URL, the headers,
a streamed body's length. The libraries disagree on these (aiohttp sends a non-ASCII
header value as UTF-8, httpx raises ``UnicodeEncodeError``; httpx reports a CRLF in a
header as a network failure, aiohttp raises ``ValueError``); checked here first, they are
the same ``UsageError`` on both, before any connection is made. Messages never quote a
header's value: it may be a credential."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from urllib.parse import urlsplit

from ..errors import UsageError

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_UNSENDABLE = re.compile(r"[^\t\x20-\x7e]")
_BAD_AUTHORITY = re.compile(r"[\x00-\x20\x7f]")


def authority_end(rest: str) -> int:
    """Where the authority of ``rest`` (a URL after its ``scheme://``) ends: at its
    first ``/``, ``?`` or ``#``, or at its end. Plain string search: a per-request
    cost, and it must agree with itself wherever a URL's origin is taken."""
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if 0 <= found < end:
            end = found
    return end


class RequestCheck:
    """``check(url, headers)``: a ``UsageError`` for a request no backend can send.
    Origins already found valid are remembered (a client talks to a handful). Errors
    quote only the URL's origin: a pre-signed URL's query is a credential."""

    __slots__ = ("_checked", "_origins")

    def __init__(self) -> None:
        self._origins: set[str] = set()
        # The last header mappings found valid, held (so never recycled): the core sends
        # the same mapping for every request made with one credential.
        self._checked: list[Mapping[str, str]] = []

    def __call__(self, url: str, headers: Mapping[str, str]) -> None:
        if not any(headers is known for known in self._checked):
            self._check_headers(headers)
        self._check_url(url)

    def _check_headers(self, headers: Mapping[str, str]) -> None:
        for name, value in headers.items():
            if not _TOKEN.match(name):
                raise UsageError(f"invalid request header name {name[:40]!r}")
            if _UNSENDABLE.search(value):
                raise UsageError(
                    f"request header {name!r} holds a character that cannot be sent "
                    "(a line break, another control character, or non-ASCII text)"
                )
        # The core never changes a mapping it has sent (see credentials.Prepared).
        self._checked.append(headers)
        if len(self._checked) > 4:
            del self._checked[0]

    def _check_url(self, url: str) -> None:
        scheme, _, rest = url.partition("://")
        end = authority_end(rest)
        origin = url[: len(scheme) + 3 + end]
        if origin in self._origins:
            return
        try:
            parts = urlsplit(origin)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError:
            raise UsageError(f"invalid request URL {url[:200]!r}") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise UsageError(f"invalid request URL {url[:200]!r}: only http:// and https:// URLs")
        if not parts.hostname or _BAD_AUTHORITY.search(rest[:end]):
            raise UsageError(f"invalid request URL {url[:200]!r}")
        if len(self._origins) >= 64:
            self._origins.clear()
        self._origins.add(origin)


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The ``Content-Length`` a request's caller set, if any."""
    for name, value in headers.items():
        if name.lower() == "content-length":
            try:
                return int(value)
            except ValueError:
                raise UsageError(f"invalid Content-Length {value!r}") from None
    return None


class BodyCheck:
    """Counts a streamed body's bytes against its declared ``Content-Length``: a body
    that is longer or shorter is the caller's mistake (a ``UsageError``), not a network
    failure, and is stopped before it could desynchronise the connection."""

    __slots__ = ("_declared", "_sent")

    def __init__(self, declared: int | None) -> None:
        self._declared = declared
        self._sent = 0

    def piece(self, chunk: object) -> bytes:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise UsageError(
                f"a streamed request body must yield bytes, got {type(chunk).__name__}"
            )
        self._sent += len(chunk)
        if self._declared is not None and self._sent > self._declared:
            raise UsageError(
                f"the request body is longer than its Content-Length ({self._declared} bytes)"
            )
        return chunk if isinstance(chunk, bytes) else bytes(chunk)

    def finish(self) -> None:
        if self._declared is not None and self._sent < self._declared:
            raise UsageError(
                f"the request body is shorter ({self._sent} bytes) than its "
                f"Content-Length ({self._declared} bytes)"
            )


async def checked(source: AsyncIterable[bytes], declared: int | None) -> AsyncIterator[bytes]:
    """``source``, checked by a :class:`BodyCheck`."""
    check = BodyCheck(declared)
    async for chunk in source:
        yield check.piece(chunk)
    check.finish()
