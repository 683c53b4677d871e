"""What every HTTP backend speaks: the types above the seam.

Nothing here knows an HTTP library. The client core, file transfers and OAuth see only
:class:`HttpResponse`, :class:`StreamedResponse`, :class:`Transport` and
:class:`~basecamp_client.NetworkError`; a backend (``aiohttp_backend``,
``httpx_backend``) turns its library's world into these, configured by a
:class:`PoolSettings` and built on what they share: :class:`StreamingTransport` (the
``stream()`` context) and :class:`StreamedBody` (a streamed response's kept body).
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
)
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import attrs

from ..errors import UsageError

if TYPE_CHECKING:
    import ssl

    from .environment import NetworkEnvironment

#: A request body: bytes, or an async stream of chunks sent with flow control (never
#: buffered whole). A streamed body goes out with the caller's ``Content-Length`` header
#: when it gives one, with chunked transfer encoding otherwise.
Content = bytes | AsyncIterable[bytes] | None


@attrs.frozen(slots=True)
class PoolSettings:
    """How a backend's connection pool behaves (see :func:`~.open_transport`).

    ``timeout`` bounds each wait (connecting, each read, each write); ``connect_timeout``
    each connection attempt. ``ssl_context`` defaults to ``network``'s, and ``network``
    (proxies, CA locations) to an environment with neither. ``max_response_bytes=None``
    reads whole responses of any size."""

    timeout: float
    connect_timeout: float
    max_connections: int
    max_keepalive_connections: int
    keepalive_expiry: float = 5.0
    ssl_context: ssl.SSLContext | None = None
    network: NetworkEnvironment | None = None
    max_response_bytes: int | None = None


@attrs.define(slots=True)
class HttpResponse:
    """A whole response: status, headers (case-insensitive; repeated headers joined
    with ``", "``), the decoded body, and the URL that was requested."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str


class StreamedResponse(Protocol):
    """A response whose body is read on demand, in bounded chunks.

    Reading pauses the connection when the caller falls behind (back-pressure), so a
    body of any size needs only a few chunks of memory. ``aiter_bytes()`` yields the
    decoded body (gzip/deflate undone); ``aread()`` reads what is left into memory;
    ``aclose()`` releases the connection (kept for reuse only when the body was read to
    the end). Failures while reading raise :class:`~basecamp_client.NetworkError`.
    """

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def url(self) -> str: ...

    def aiter_bytes(self) -> AsyncIterator[bytes]: ...

    async def aread(self) -> bytes: ...

    async def aclose(self) -> None: ...


class StreamedBody:
    """What the backends' streamed responses share: the body, once ``aread()`` read it
    whole, is kept (``aiter_bytes()`` yields it again), and a response closed before
    its body was read refuses to read it. A backend supplies :meth:`_from_wire`."""

    __slots__ = ("_closed", "_content", "url")

    def __init__(self, url: str) -> None:
        self.url = url
        self._content: bytes | None = None
        self._closed = False

    def _from_wire(self) -> AsyncGenerator[bytes, None]:
        """The decoded body as it arrives, failures raised as ``NetworkError``."""
        raise NotImplementedError

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        if self._content is not None:
            if self._content:
                yield self._content
            return
        if self._closed:
            raise UsageError("the response is closed; its body can no longer be read")
        pieces = self._from_wire()
        try:
            async for piece in pieces:
                yield piece
        finally:
            # Closed with this generator (a caller that stops early): the backend's
            # generator releases the connection now, not when it is collected.
            await pieces.aclose()

    async def aread(self) -> bytes:
        if self._content is None:
            self._content = b"".join([chunk async for chunk in self.aiter_bytes()])
        return self._content


class Transport(Protocol):
    """One connection pool, owned by one client, living on one event loop."""

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        """Send a request and read the whole response."""
        ...

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> AbstractAsyncContextManager[StreamedResponse]:
        """Send a request; the context manager yields once the response head arrived
        and closes the response on exit::

            async with http.stream("GET", url, headers) as response:
                async for chunk in response.aiter_bytes():
                    ...
        """
        ...

    async def aclose(self) -> None:
        """Close every connection (idempotent); later requests raise UsageError."""
        ...


R = TypeVar("R", bound=StreamedResponse)
#: What ``Transport.stream`` takes: method, URL, headers, body.
StreamArgs = tuple[str, str, Mapping[str, str], Content]


class StreamContext(Generic[R]):
    """What ``Transport.stream`` returns: ``async with`` opens the response (``opener``
    returns once its head arrived) and closes it on the way out."""

    __slots__ = ("_args", "_open", "_response")

    def __init__(
        self,
        opener: Callable[[str, str, Mapping[str, str], Content], Awaitable[R]],
        args: StreamArgs,
    ) -> None:
        self._open = opener
        self._args = args
        self._response: R | None = None

    async def __aenter__(self) -> R:
        self._response = await self._open(*self._args)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


class StreamingTransport(Generic[R]):
    """``stream()`` for a backend that supplies :meth:`_open_stream`."""

    __slots__ = ()

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> StreamContext[R]:
        """See :meth:`Transport.stream`."""
        return StreamContext(self._open_stream, (method, url, headers, content))

    async def _open_stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content
    ) -> R:
        """Send the request; return the response once its head arrived."""
        raise NotImplementedError
