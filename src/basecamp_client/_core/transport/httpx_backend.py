"""The httpx backend: the library's one runtime ``import httpx``.

Used under trio, with an injected httpx transport (``httpx.MockTransport``, a proxy
transport, anything custom), or when ``http_backend="httpx"`` is chosen.

Bodies are read raw (``aiter_raw()``) and decoded by :mod:`.bodies`, as on the aiohttp
backend: decompression bounded per step and ``max_response_bytes`` enforced on both.
Proxies from the environment (or ``proxy=``) get one httpx pool each, chosen per
request URL; an injected transport is used as it is, with its own proxy and TLS
settings.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import httpx

from ..errors import NetworkError, UsageError
from . import failures
from .base import Content, HttpResponse, PoolSettings, StreamedBody, StreamingTransport
from .bodies import (
    ContentDecoder,
    check_declared,
    check_framing,
    check_head_size,
    decode_stream,
    decoder_for,
    has_body,
    read_body,
)
from .environment import NetworkEnvironment, ProxyChooser
from .headers import Headers
from .sending import RequestCheck, checked, declared_length

# Failures that happen before a single byte of the request left this machine: safe to
# retry even for a write. (ProxyError: the proxy refused to open the tunnel.)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
_FAILURES = (httpx.TransportError, httpx.DecodingError)


#: Failures after the request may have left, and what they are called.
_SENT_KINDS: failures.Kinds = (
    (httpx.WriteTimeout, failures.BODY_TIMEOUT),
    (httpx.TimeoutException, failures.RESPONSE_TIMEOUT),
    (httpx.DecodingError, "the response could not be decompressed"),
    (httpx.RemoteProtocolError, failures.NOT_HTTP),
)


def network_error(exc: Exception) -> NetworkError:
    """The :class:`NetworkError` for an httpx failure, saying whether the request left."""
    if isinstance(exc, _NOT_SENT):
        certificate = failures.certificate_failure(exc)
        detail = (certificate or str(exc))[:200]
        # Retrying cannot fix an untrusted certificate, nor a proxy that refuses us.
        permanent = certificate is not None or (
            isinstance(exc, httpx.ProxyError) and _proxy_refusal(detail)
        )
        return failures.not_sent(exc, detail, permanent=permanent)
    return failures.sent(exc, failures.kind_of(exc, _SENT_KINDS))


def _proxy_refusal(detail: str) -> bool:
    # httpcore: "407 Proxy Authentication Required" and the like.
    return detail[:1] == "4"


def is_http_transport(value: Any) -> bool:
    """Whether ``value`` can serve as the injected transport of the HTTP library."""
    return isinstance(value, httpx.AsyncBaseTransport)


class HttpxTransport(StreamingTransport["HttpxStreamedResponse"]):
    """One connection pool (one per proxy in use), owned by one client, living on one
    event loop.

    Requests go straight to the httpx *transport* (the connection pool), not through
    ``httpx.AsyncClient``: the client layer's cookie jar, auth flows, redirect handling
    and event hooks are all things this SDK does not want, and skipping them takes a
    sixth off the cost of a request.
    """

    __slots__ = (
        "_check",
        "_choose",
        "_closed",
        "_limit",
        "_make",
        "_proxied",
        "_timeout",
        "_transport",
    )

    def __init__(self, settings: PoolSettings, *, transport: Any = None) -> None:
        self._choose: ProxyChooser | None = None
        self._proxied: dict[str, httpx.AsyncBaseTransport] = {}
        if transport is None:
            network = settings.network if settings.network is not None else NetworkEnvironment()
            ssl_context = settings.ssl_context
            verify = ssl_context if ssl_context is not None else network.ssl_context()
            limits = httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_keepalive_connections,
                keepalive_expiry=settings.keepalive_expiry,
            )

            def make(proxy: str | None) -> httpx.AsyncBaseTransport:
                # trust_env=False: the environment was read once, into ``network``.
                return httpx.AsyncHTTPTransport(
                    verify=verify, limits=limits, trust_env=False, proxy=proxy
                )

            self._make = make
            transport = make(None)
            if network.uses_proxies:
                self._choose = ProxyChooser(network)
        self._transport: httpx.AsyncBaseTransport = transport
        self._timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout).as_dict()
        self._limit = settings.max_response_bytes
        self._closed = False
        self._check = RequestCheck()

    def _request(
        self, method: str, url: str, headers: Mapping[str, str], content: Content
    ) -> httpx.Request:
        if self._closed:
            raise UsageError("the client is closed; create a new one")
        self._check(url, headers)
        if content is not None and not isinstance(content, (bytes, bytearray, memoryview)):
            content = checked(content, declared_length(headers))
        try:
            return httpx.Request(
                method, url, headers=headers, content=content, extensions={"timeout": self._timeout}
            )
        except httpx.InvalidURL:
            raise UsageError(f"invalid request URL {url!r}") from None

    def _pool_for(self, url: str) -> httpx.AsyncBaseTransport:
        choose = self._choose
        if choose is None:
            return self._transport
        proxy = choose(url)
        if proxy is None:
            return self._transport
        pool = self._proxied.get(proxy)
        if pool is None:
            pool = self._proxied[proxy] = self._make(proxy)
        return pool

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        request = self._request(method, url, headers, content)
        try:
            response = await self._pool_for(url).handle_async_request(request)
            try:
                body = await self._read(method, response)
                _drop_if_followed(response)
            finally:
                await response.aclose()
        except _FAILURES as exc:
            raise network_error(exc) from None
        return HttpResponse(
            status_code=response.status_code,
            headers=_headers_of(response),
            content=body,
            url=url,
        )

    async def _read(self, method: str, response: httpx.Response) -> bytes:
        limit = self._limit
        if _check_head(method, response) and limit is not None:
            check_declared(response.headers, limit)
        chunks, decoder = _raw_body(response)
        return await read_body(chunks, decoder, limit)

    async def _open_stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content
    ) -> HttpxStreamedResponse:
        request = self._request(method, url, headers, content)
        try:
            response = await self._pool_for(url).handle_async_request(request)
        except _FAILURES as exc:
            raise network_error(exc) from None
        try:
            _check_head(method, response)
        except BaseException:
            await response.aclose()
            raise
        return HttpxStreamedResponse(response, url)

    async def aclose(self) -> None:
        self._closed = True
        pools = [self._transport, *self._proxied.values()]
        self._proxied.clear()
        for pool in pools:
            await pool.aclose()


def _check_head(method: str, response: httpx.Response) -> bool:
    """Refuse a head past the size limits or a framing aiohttp's parser refuses (see
    :mod:`.bodies`); whether the response has a body."""
    headers = response.headers
    check_head_size(headers.raw)
    if not has_body(method, response.status_code):
        return False
    check_framing(headers)
    return True


def _headers_of(response: httpx.Response) -> Mapping[str, str]:
    headers = response.headers
    # httpx decodes all of a response's headers with one encoding; the seam decodes a
    # value that is not ASCII on its own (as the aiohttp backend does).
    return headers if headers.encoding == "ascii" else Headers.from_raw(headers.raw)


def _drop_if_followed(response: httpx.Response) -> None:
    """Close the connection when the server sent anything after this complete response.

    h11 keeps such bytes and would read them as the answer to the next request on the
    connection (a stale or forged response). aiohttp drops such a connection itself.
    Reaching h11's buffer (``trailing_data``, public h11 API) goes through httpx's and
    httpcore's private attributes; ``tests/transport`` notices if they change.
    """
    try:
        stream: Any = response.stream
        state = stream._httpcore_stream._stream._connection._h11_state
        leftover, _closed = state.trailing_data
        if leftover:
            # As if the server had said "Connection: close": httpcore then closes the
            # connection when the response is closed, instead of pooling it.
            state._cstate.process_keep_alive_disabled()
    except AttributeError:
        return  # not an httpcore HTTP/1.1 connection (HTTP/2, a mock transport)


def _raw_body(response: httpx.Response) -> tuple[AsyncIterator[bytes], ContentDecoder | None]:
    """The body as it came, and the decoder it needs. A response built in memory (by
    ``httpx.MockTransport``, say) was already read, and decoded, by httpx itself."""
    if response.is_stream_consumed:
        return _one(response.content), None
    # The stream itself rather than aiter_raw(), which would release the connection
    # at the end, before _drop_if_followed() could look at it.
    stream: Any = response.stream
    return aiter(stream), decoder_for(response.headers)


async def _one(content: bytes) -> AsyncIterator[bytes]:
    yield content


class HttpxStreamedResponse(StreamedBody):
    """:class:`~.base.StreamedResponse` over an httpx response."""

    __slots__ = ("_finished", "_response")

    def __init__(self, response: httpx.Response, url: str) -> None:
        super().__init__(url)
        self._response = response
        self._finished = False

    def __repr__(self) -> str:
        return f"<StreamedResponse {self.status_code}>"

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return _headers_of(self._response)

    async def _from_wire(self) -> AsyncGenerator[bytes, None]:
        try:
            async for piece in decode_stream(*_raw_body(self._response)):
                yield piece
        except _FAILURES as exc:
            raise network_error(exc) from None
        self._finished = True

    async def aclose(self) -> None:
        self._closed = True
        try:
            if self._finished:
                _drop_if_followed(self._response)
            await self._response.aclose()
        except _FAILURES:
            pass  # closing a broken connection: nothing left to release


#: The name this class had when it was the only backend.
HttpTransport = HttpxTransport
