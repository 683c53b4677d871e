"""The httpx backend: the library's one runtime ``import httpx``.

Used under trio, with an injected httpx transport (``httpx.MockTransport``, a proxy
transport, anything custom), or when ``http_backend="httpx"`` is chosen.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any

import httpx

from ..errors import NetworkError, UsageError
from .base import Content, HttpResponse

# Failures that happen before a single byte of the request left this machine: safe to
# retry even for a write.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_FAILURES = (httpx.TransportError, httpx.DecodingError)


def network_error(exc: Exception) -> NetworkError:
    """The :class:`NetworkError` for an httpx failure, saying whether the request left."""
    name = type(exc).__name__
    if isinstance(exc, _NOT_SENT):
        detail = str(exc)[:200]
        if detail:
            # Say why (refused, unknown host, certificate verification failed...).
            name = f"{name} ({detail})"
        return NetworkError(f"could not connect: {name}", request_sent=False, retryable=True)
    if isinstance(exc, httpx.TimeoutException):
        what = "timed out waiting for the response"
    elif isinstance(exc, httpx.DecodingError):
        what = "the response could not be decompressed"
    else:
        what = "connection failed"
    return NetworkError(f"{what}: {name}", request_sent=True, retryable=True)


def is_http_transport(value: Any) -> bool:
    """Whether ``value`` can serve as the injected transport of the HTTP library."""
    return isinstance(value, httpx.AsyncBaseTransport)


class HttpxTransport:
    """One connection pool, owned by one client, living on one event loop.

    Requests go straight to the httpx *transport* (the connection pool), not through
    ``httpx.AsyncClient``: the client layer's cookie jar, auth flows, redirect handling
    and event hooks are all things this SDK does not want, and skipping them takes a
    sixth off the cost of a request.
    """

    __slots__ = ("_closed", "_timeout", "_transport")

    def __init__(
        self,
        *,
        timeout: float,
        connect_timeout: float,
        max_connections: int,
        max_keepalive_connections: int,
        keepalive_expiry: float = 5.0,
        transport: Any = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if transport is None:
            transport = httpx.AsyncHTTPTransport(
                verify=ssl_context if ssl_context is not None else True,
                limits=httpx.Limits(
                    max_connections=max_connections,
                    max_keepalive_connections=max_keepalive_connections,
                    keepalive_expiry=keepalive_expiry,
                ),
                trust_env=False,
            )
        self._transport: httpx.AsyncBaseTransport = transport
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout).as_dict()
        self._closed = False

    def _request(
        self, method: str, url: str, headers: Mapping[str, str], content: Content
    ) -> httpx.Request:
        if self._closed:
            raise UsageError("the client is closed; create a new one")
        try:
            return httpx.Request(
                method, url, headers=headers, content=content, extensions={"timeout": self._timeout}
            )
        except httpx.InvalidURL:
            raise UsageError(f"invalid request URL {url!r}") from None

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        request = self._request(method, url, headers, content)
        try:
            response = await self._transport.handle_async_request(request)
            try:
                body = await response.aread()
            finally:
                await response.aclose()
        except _FAILURES as exc:
            raise network_error(exc) from None
        return HttpResponse(
            status_code=response.status_code,
            headers=response.headers,
            content=body,
            url=url,
        )

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> _HttpxStream:
        return _HttpxStream(self, method, url, headers, content)

    async def aclose(self) -> None:
        self._closed = True
        await self._transport.aclose()


class _HttpxStream:
    """``async with transport.stream(...) as response``."""

    __slots__ = ("_args", "_owner", "_response")

    def __init__(
        self,
        owner: HttpxTransport,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: Content,
    ) -> None:
        self._owner = owner
        self._args = (method, url, headers, content)
        self._response: HttpxStreamedResponse | None = None

    async def __aenter__(self) -> HttpxStreamedResponse:
        method, url, headers, content = self._args
        request = self._owner._request(method, url, headers, content)
        try:
            response = await self._owner._transport.handle_async_request(request)
        except _FAILURES as exc:
            raise network_error(exc) from None
        # The transport answers with a bare response; tie it to its request so that
        # httpx decodes the body as a client would.
        response.request = request
        self._response = HttpxStreamedResponse(response, url)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


class HttpxStreamedResponse:
    """:class:`~.base.StreamedResponse` over an httpx response."""

    __slots__ = ("_response", "url")

    def __init__(self, response: httpx.Response, url: str) -> None:
        self._response = response
        self.url = url

    def __repr__(self) -> str:
        return f"<StreamedResponse {self.status_code}>"

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                yield chunk
        except _FAILURES as exc:
            raise network_error(exc) from None

    async def aread(self) -> bytes:
        try:
            return await self._response.aread()
        except _FAILURES as exc:
            raise network_error(exc) from None

    async def aclose(self) -> None:
        try:
            await self._response.aclose()
        except _FAILURES:
            pass  # closing a broken connection: nothing left to release


#: The name this class had when it was the only backend.
HttpTransport = HttpxTransport
