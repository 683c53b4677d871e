"""Protocol-neutral request and response values exchanged by the fake and its adapters.

The fake's core never sees httpx, ASGI or ``http.server`` objects: each adapter turns
its own request into a :class:`FakeRequest` and writes a :class:`FakeResponse` back.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
CHUNK_SIZE = 64 * 1024
# The most a server adapter reads of one request body: the largest upload the fake
# takes (``_resources.files.MAX_UPLOAD``, 512 MiB) and room for a form's framing. A
# longer body is answered 413 unread, so a runaway client cannot make the fake buffer
# without end.
MAX_BODY = 513 * 1024 * 1024

# How an adapter must end a response instead of answering it normally.
RESET_BEFORE = "reset-before"  # the request never reached the server: nothing was applied
RESET_AFTER = "reset-after"  # the request was applied, then the connection dropped


class FakeRequest:
    """One HTTP request as the fake sees it. ``headers`` keys are lower-case."""

    __slots__ = (
        "body",
        "headers",
        "host",
        "method",
        "path",
        "query",
        "raw_path",
        "scheme",
        "storage_origin",
        "target",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        scheme: str = "https",
        host: str = "3.basecampapi.com",
        storage_origin: str | None = None,
        target: str = "api",
        raw_path: str | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path
        # The path as sent, still percent-encoded (None when the adapter does not know
        # it): routing needs it where a segment holds an escaped slash.
        self.raw_path = raw_path
        self.query = query
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body
        self.scheme = scheme
        self.host = host
        # Where signed download URLs for this caller point: another origin than the API.
        self.storage_origin = storage_origin
        # "api" for the Basecamp API, "storage" for the object store that serves downloads.
        self.target = target

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    def __repr__(self) -> str:
        return f"<FakeRequest {self.method} {self.path}{'?' + self.query if self.query else ''}>"


class BlobStream:
    """A response body served in chunks straight from stored bytes, without copying them whole.

    Iterable synchronously and asynchronously, so every adapter can stream it.
    """

    __slots__ = ("_data", "_end", "_start")

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self._data = data
        self._start = start
        self._end = len(data) if end is None else end

    def __len__(self) -> int:
        return self._end - self._start

    def __iter__(self) -> Iterator[bytes]:
        view = memoryview(self._data)
        for offset in range(self._start, self._end, CHUNK_SIZE):
            yield bytes(view[offset : min(offset + CHUNK_SIZE, self._end)])

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


Body = bytes | BlobStream


class FakeResponse:
    """The fake's answer. ``delay`` asks the adapter to hold it back that many seconds;
    ``fault`` (:data:`RESET_BEFORE` / :data:`RESET_AFTER`) asks it to drop the connection."""

    __slots__ = ("body", "delay", "fault", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: list[tuple[str, str]] | None = None,
        body: Body = b"",
        *,
        delay: float = 0.0,
        fault: str | None = None,
    ) -> None:
        self.status = status
        self.headers = headers if headers is not None else []
        self.body = body
        self.delay = delay
        self.fault = fault

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    def json(self) -> Any:
        if not isinstance(self.body, bytes):
            raise TypeError("a streamed body is not JSON")
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<FakeResponse {self.status}>"


class HttpError(Exception):
    """Raised by handlers to answer with an error status and a JSON error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or []

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message}
        if self.errors:
            body["errors"] = {k: list(v) for k, v in self.errors.items()}
        return body


def is_digits(text: str) -> bool:
    """Whether ``text`` is a whole number in ASCII digits. ``str.isdigit`` alone also
    accepts digits ``int()`` refuses (``"²"``), which would fail as a 500."""
    return text.isascii() and text.isdigit()


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)


def parse_http_date(value: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def iso(seconds: float) -> str:
    """Basecamp's timestamp format: UTC, millisecond precision, ``Z`` suffix."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
