"""The seam between the client and its HTTP library.

This is the only module that imports httpx. Everything above it sees
:class:`HttpResponse` and :class:`~basecamp_client.NetworkError`, so the HTTP
library could be swapped by rewriting this file alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from typing import Any

import attrs
import httpx

from .errors import NetworkError, UsageError

#: A request body: bytes, or (for uploads) an async stream of chunks.
Content = bytes | AsyncIterable[bytes] | None


@attrs.define(slots=True)
class HttpResponse:
    status_code: int
    headers: Mapping[str, str]  # case-insensitive lookups
    content: bytes
    url: str


# Failures that happen before a single byte of the request left this machine: safe to
# retry even for a write.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def network_error(exc: Exception) -> NetworkError:
    """The :class:`NetworkError` for an httpx failure, saying whether the request left."""
    name = type(exc).__name__
    if isinstance(exc, _NOT_SENT):
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


class HttpTransport:
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
    ) -> None:
        if transport is None:
            transport = httpx.AsyncHTTPTransport(
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

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        if self._closed:
            raise UsageError("the client is closed; create a new one")
        try:
            request = httpx.Request(
                method, url, headers=headers, content=content, extensions={"timeout": self._timeout}
            )
        except httpx.InvalidURL:
            raise UsageError(f"invalid request URL {url!r}") from None
        try:
            response = await self._transport.handle_async_request(request)
            try:
                body = await response.aread()
            finally:
                await response.aclose()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise network_error(exc) from None
        return HttpResponse(
            status_code=response.status_code,
            headers=response.headers,
            content=body,
            url=url,
        )

    async def aclose(self) -> None:
        self._closed = True
        await self._transport.aclose()
