"""The aiohttp backend: the default on asyncio, and so in the sync client.

A thin adapter: aiohttp's ``ClientSession`` does the wire (connection pool, HTTP/1.1,
TLS, proxies, happy eyeballs); this module turns its world into the seam's types and
adds what the SDK promises on every backend:

- **"Was the request sent?"** A failure before aiohttp handed over a connection (DNS,
  refused, connect or pool timeout, TLS handshake, a proxy refusing the tunnel) is
  ``NetworkError(request_sent=False)``; anything later counts as sent. The line is drawn
  where aiohttp's connector returns a connection
  (:class:`.aiohttp_attempts.AttemptConnector`), not by guessing from exception classes.
  aiohttp's own silent retry of idempotent requests on a broken keep-alive connection is
  turned off: the SDK's retry loop is the one place that decides, and counts, attempts.
- **Bodies** arrive undecoded (``auto_decompress=False``) and go through
  :mod:`.bodies`, like httpx's: the same codings accepted, decompression bounded per
  step, and ``max_response_bytes`` enforced on what was received and what it inflated
  to.
- **A write timeout**: aiohttp waits without limit for a socket that stopped taking a
  request body; a streamed or large body here is fed through
  :class:`.aiohttp_attempts.BodyFeed`, which aborts the connection when the socket takes
  nothing for ``timeout`` seconds.
- **One session per event loop**: aiohttp sessions belong to one loop. A client used
  again after its loop ended (a second ``asyncio.run()``) starts a fresh session; the
  old one was closed when the old loop shut its async generators down. Using one client
  from two running loops at once is refused (:mod:`.aiohttp_session`).
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncGenerator, AsyncIterable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from ..errors import UsageError
from .aiohttp_attempts import (
    CURRENT_ATTEMPT,
    FAILURES,
    WATCHED_BODY,
    Attempt,
    AttemptConnector,
    BodyFeed,
    network_error,
    slices,
)
from .aiohttp_session import LoopSession
from .base import Content, HttpResponse, PoolSettings, StreamedBody, StreamingTransport
from .bodies import (
    MAX_FIELD_SIZE,
    MAX_HEADERS,
    check_declared,
    check_framing,
    decode_stream,
    decoder_for,
    has_body,
    malformed,
    read_body,
)
from .environment import NetworkEnvironment, ProxyChooser
from .headers import MultiHeaders as _Headers
from .sending import RequestCheck, authority_end, declared_length

#: How long aiohttp waits before starting a connection attempt to the next address
#: of a host (happy eyeballs, RFC 8305's recommended 250 ms).
HAPPY_EYEBALLS_DELAY = 0.25

# Characters a URL may carry as it is: with anything else (spaces, non-ASCII, a host to
# encode with IDNA), yarl quotes and normalises it; otherwise it goes out byte for byte
# (a pre-signed storage URL must not be re-encoded).
_SENT_AS_IS = re.compile(r"(?:[!#$&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]|%[0-9A-Fa-f]{2})*\Z")
#: What stays unescaped when a path or query is percent-encoded (as httpx encodes them:
#: a space is %20, never "+").
_SAFE = "!$&'()*+,/:;=?@[]~%"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def request_url(url: str) -> URL:
    """``url`` as aiohttp sends it: byte for byte when it holds nothing that needs
    escaping (yarl would otherwise normalise escapes, and a pre-signed URL must stay as
    signed); else with the host encoded by IDNA 2008 and the rest percent-encoded like
    httpx does it."""
    if _SENT_AS_IS.match(url):
        return URL(url, encoded=True)
    scheme, _, rest = url.partition("://")
    end = authority_end(rest)
    authority, tail = rest[:end], rest[end:].partition("#")[0]
    if not authority.isascii():
        authority = URL(f"{scheme}://{authority}").raw_authority
    tail = quote(_BARE_PERCENT.sub("%25", tail), safe=_SAFE)
    return URL(f"{scheme}://{authority}{tail}", encoded=True)


def _proxy_options(proxy: str) -> dict[str, Any]:
    """aiohttp's request options for going through ``proxy``: Basic credentials from the
    proxy URL (as httpx and curl take them) become a ``Proxy-Authorization`` header."""
    proxy_url = URL(proxy)
    headers = None
    if proxy_url.user is not None:
        pair = f"{proxy_url.user}:{proxy_url.password or ''}".encode()
        headers = {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode()}
        proxy_url = proxy_url.with_user(None)
    return {"proxy": proxy_url, "proxy_headers": headers}


_HTTP11 = (1, 1)


class AiohttpTransport(StreamingTransport["AiohttpStreamedResponse"]):
    """:class:`~.base.Transport` over aiohttp. Binds to the event loop of its first
    request (see the module docstring)."""

    def __init__(self, settings: PoolSettings) -> None:
        timeout, connect_timeout = settings.timeout, settings.connect_timeout
        self._timeout = timeout
        self._client_timeout = aiohttp.ClientTimeout(
            total=None,
            # Waiting for a free connection plus connecting; each connection attempt
            # (TCP and TLS handshake) on its own within connect_timeout.
            connect=max(timeout, connect_timeout),
            sock_connect=connect_timeout,
            # Each wait for the next bytes of the answer, started once the request
            # was written.
            sock_read=timeout,
        )
        # aiohttp has no separate cap on idle connections (max_keepalive_connections):
        # every connection, busy or idle, counts against max_connections, and idle ones
        # close after keepalive_expiry.
        self._max_connections = settings.max_connections
        self._keepalive_expiry = settings.keepalive_expiry
        self._ssl = settings.ssl_context
        network = settings.network
        self._network = network if network is not None else NetworkEnvironment()
        self._limit = settings.max_response_bytes
        # The proxy for each origin is chosen as on the httpx backend; aiohttp's options
        # for each proxy (a handful at most) are made once.
        self._choose = ProxyChooser(self._network) if self._network.uses_proxies else None
        self._via: dict[str, dict[str, Any]] = {}
        self._sessions = LoopSession(self._new_session)
        self._closed = False
        self._check = RequestCheck()

    def __repr__(self) -> str:
        return f"<AiohttpTransport {'closed' if self._closed else 'open'}>"

    # -- the session ----------------------------------------------------------------

    async def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise UsageError("the client is closed; create a new one")
        return await self._sessions.open()

    def _new_session(self) -> aiohttp.ClientSession:
        context = self._ssl if self._ssl is not None else self._network.ssl_context()
        connector = AttemptConnector(
            limit=self._max_connections,
            keepalive_timeout=self._keepalive_expiry,
            ssl=context,
            happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
            interleave=1,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=self._client_timeout,
            auto_decompress=False,
            trust_env=False,  # the environment was read once, into self._network
            raise_for_status=False,
            # The head limits httpx's responses are held to (see bodies.check_head_size),
            # given rather than inherited: aiohttp before 3.13.4 allowed 32768 headers.
            max_headers=MAX_HEADERS,
            max_field_size=MAX_FIELD_SIZE,
            # Only the headers the SDK chose go out.
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )
        # The SDK's retry loop decides about every retry (aiohttp's test client turns
        # this off the same way).
        session._retry_connection = False
        return session

    async def aclose(self) -> None:
        self._closed = True
        await self._sessions.aclose()

    # -- requests -------------------------------------------------------------------

    def _target(self, url: str) -> tuple[URL, dict[str, Any]]:
        # RequestCheck already refused other schemes and a missing host; yarl still
        # refuses what it cannot encode (a backslash in the host, a name IDNA rejects).
        try:
            target = request_url(url)
        except (ValueError, TypeError):
            raise UsageError(f"invalid request URL {url!r}") from None
        choose = self._choose
        proxy = choose(url) if choose is not None else None
        if proxy is None:
            return target, {}
        options = self._via.get(proxy)
        if options is None:
            options = self._via[proxy] = _proxy_options(proxy)
        return target, options

    async def _exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: Content,
        *,
        read: bool,
    ) -> tuple[aiohttp.ClientResponse, bytes, Attempt]:
        """Send the request; return once the answer's head arrived or, with ``read``,
        once its whole body was read (else the body returned is empty). Failures are
        :class:`NetworkError` saying whether the request left (see the module)."""
        attempt = Attempt()
        token = CURRENT_ATTEMPT.set(attempt)
        feed: BodyFeed | None = None
        try:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            sessions = self._sessions
            session = sessions.session
            if session is None or sessions.loop is not loop:
                session = await self._open()
            self._check(url, headers)
            target, options = self._target(url)
            data: Any = content
            if content is not None and not (
                isinstance(content, (bytes, bytearray, memoryview)) and len(content) <= WATCHED_BODY
            ):
                declared = declared_length(headers)
                if isinstance(content, (bytes, bytearray, memoryview)):
                    whole = bytes(content)
                    if declared is None:
                        headers = {**headers, "Content-Length": str(len(whole))}
                        declared = len(whole)
                    source: AsyncIterable[bytes] = slices(whole)
                else:
                    source = content
                assert loop is not None
                data = feed = BodyFeed(source, declared, attempt, self._timeout, loop)
            try:
                response = await session.request(
                    method, target, headers=headers, data=data, allow_redirects=False, **options
                )
            except BaseException:
                if feed is not None:
                    await feed.aclose()
                raise
            body = b""
            if read:
                try:
                    body = await self._read(method, response)
                except BaseException:
                    response.close()
                    attempt.drop_connection()
                    raise
                _release(response, attempt)
        except FAILURES as exc:
            if attempt.body_error is not None:
                raise attempt.body_error from None
            raise network_error(exc, attempt) from None
        finally:
            CURRENT_ATTEMPT.reset(token)
            if feed is not None:
                feed.disarm()
        return response, body, attempt

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        response, body, _attempt = await self._exchange(method, url, headers, content, read=True)
        return HttpResponse(response.status, _Headers(response.headers), body, url)

    async def _read(self, method: str, response: aiohttp.ClientResponse) -> bytes:
        headers = _Headers(response.headers)
        limit = self._limit
        if _check_head(method, response, headers) and limit is not None:
            check_declared(headers, limit)
        decoder = decoder_for(headers)
        if decoder is None and (limit is None or "content-length" in headers):
            # Framed by a Content-Length within the cap: aiohttp reads no more.
            return await response.read()
        chunks = response.content.iter_any()
        return await read_body(chunks, decoder, limit)

    async def _open_stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content
    ) -> AiohttpStreamedResponse:
        response, _body, attempt = await self._exchange(method, url, headers, content, read=False)
        try:
            _check_head(method, response, _Headers(response.headers))
        except BaseException:
            response.close()
            attempt.drop_connection()
            raise
        return AiohttpStreamedResponse(response, url, attempt)


def _release(response: aiohttp.ClientResponse, attempt: Attempt) -> None:
    """Give back the connection of a response read to its end. As h11 does (and RFC 9112
    asks after Transfer-Encoding on HTTP/1.0), an HTTP/1.0 connection is not reused,
    keep-alive or not."""
    response.release()
    if (response.version or _HTTP11) < _HTTP11:
        attempt.drop_connection()


def _check_head(method: str, response: aiohttp.ClientResponse, headers: Mapping[str, str]) -> bool:
    """Refuse what aiohttp's parser lets through and httpx's refuses (see
    :func:`.bodies.check_framing`); whether the response has a body."""
    status = response.status
    if status < 100:
        raise malformed(f"status {status}")
    if status == 101:
        raise malformed("101 Switching Protocols, though no upgrade was asked for")
    for name, _value in response.raw_headers:
        if name[-1:] in (b" ", b"\t"):
            raise malformed("whitespace between a header name and its colon")
    if not has_body(method, status):
        return False
    check_framing(headers)
    return True


class AiohttpStreamedResponse(StreamedBody):
    """:class:`~.base.StreamedResponse` over an aiohttp response."""

    __slots__ = ("_attempt", "_response", "headers", "status_code")

    def __init__(self, response: aiohttp.ClientResponse, url: str, attempt: Attempt) -> None:
        super().__init__(url)
        self._response = response
        self._attempt = attempt
        self.status_code = response.status
        self.headers: Mapping[str, str] = _Headers(response.headers)

    def __repr__(self) -> str:
        return f"<StreamedResponse {self.status_code}>"

    async def _from_wire(self) -> AsyncGenerator[bytes, None]:
        response = self._response
        chunks = decode_stream(response.content.iter_any(), decoder_for(self.headers))
        try:
            async for piece in chunks:
                yield piece
        except FAILURES as exc:
            response.close()
            raise network_error(exc, self._attempt) from None
        except BaseException:
            response.close()
            raise

    async def aclose(self) -> None:
        self._closed = True
        response = self._response
        if response.content.at_eof():
            _release(response, self._attempt)
        else:
            response.close()  # unread body: closing beats draining an unknown amount
