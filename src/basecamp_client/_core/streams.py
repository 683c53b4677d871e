"""Responses returned open (downloads, continuation links), and an upload's body timed as
it is handed to the transport."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import anyio
import attrs

from .deadlines import TimeLimit
from .errors import NetworkError
from .request_body import BodyStream
from .transport import StreamedResponse, Transport


@attrs.frozen(slots=True)
class Streaming:
    """How :meth:`ClientCore.open_stream` differs from a plain send."""

    anonymous: Mapping[str, str] | None
    redirect: bool


#: Statuses whose ``Location`` a caller of ``open_stream(redirect=True)`` may follow.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

#: How much of a failed streamed response's body is kept for the error message.
_ERROR_BODY_LIMIT = 64 * 1024


def query_values(url: str) -> tuple[str, ...]:
    return tuple(value for _, value in parse_qsl(urlsplit(url).query) if value)


def without_query(url: str) -> str:
    # A pre-signed URL's query is its credential: keep it out of logs, hooks and errors.
    parts = urlsplit(url)
    return parts._replace(query="…" if parts.query else "", fragment="").geturl()


class OpenStream:
    """A response whose head has arrived and whose body is still on the wire."""

    __slots__ = ("_closed", "_context", "response")

    def __init__(
        self, context: AbstractAsyncContextManager[StreamedResponse], response: StreamedResponse
    ) -> None:
        self._context = context
        self.response = response
        self._closed = False

    async def aclose(self) -> None:
        """Release the connection (idempotent; runs to the end even when cancelled)."""
        if not self._closed:
            self._closed = True
            with anyio.CancelScope(shield=True):
                await self._context.__aexit__(None, None, None)

    async def read_error(self) -> bytes:
        """The start of a failed response's body (enough for an error message), then close."""
        kept = bytearray()
        try:
            async for chunk in self.response.aiter_bytes():
                kept += chunk
                if len(kept) >= _ERROR_BODY_LIMIT:
                    break
        except NetworkError:
            pass  # the status says enough
        finally:
            await self.aclose()
        return bytes(kept[:_ERROR_BODY_LIMIT])


async def open_stream(
    http: Transport,
    limiter: Any,
    method: str,
    url: str,
    headers: Mapping[str, str],
    limit: TimeLimit,
) -> OpenStream:
    """Send the request; return once the response head has arrived, within ``limit``
    (the body is read later, under the transport's idle timeout)."""
    context = http.stream(method, url, headers)
    if limiter is None:
        with limit:
            response = await context.__aenter__()
    else:
        # The in-flight cap covers waiting for the answer, not reading a long body.
        async with limiter:
            with limit:
                response = await context.__aenter__()
    return OpenStream(context, response)


class SentBody:
    """The body of one upload attempt, calling ``done()`` once all of it was handed to
    the transport: the attempt's time limit starts then, not while a large file is
    still going out."""

    __slots__ = ("_body", "_done")

    def __init__(self, body: BodyStream, done: Callable[[], None]) -> None:
        self._body = body
        self._done = done

    def __aiter__(self) -> SentBody:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self._body.__anext__()
        except StopAsyncIteration:
            self._done()
            raise
