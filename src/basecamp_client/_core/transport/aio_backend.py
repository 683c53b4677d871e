"""The asyncio backend: HTTP/1.1 straight on asyncio's protocols and transports.

Why not httpx here: on a keep-alive connection to a local server, httpcore's async path
(anyio streams, locks, pool bookkeeping, h11's event machinery) costs about three times
the round trip itself. This backend parses the response inside ``data_received`` and
wakes the waiting request once, when the response is complete (or, when streaming, as
data arrives), so a request costs one write and one wake-up.

What it does: a keep-alive pool per origin within overall limits (connections, idle
connections, idle expiry, pool timeout), TLS with verification and SNI, connect / read /
write / pool timeouts, bodies framed by Content-Length, chunked or connection close,
gzip/deflate decoding, streamed request bodies with flow control, streamed response
bodies with back-pressure (``pause_reading``), and limits on what a server can make it
buffer. Anything a server gets wrong raises :class:`NetworkError`; a connection is
returned to the pool only after a complete, well-framed exchange.
"""

from __future__ import annotations

import asyncio
import re
import select
import ssl
import sys
import time
import zlib
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Mapping
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

from ..errors import NetworkError, UsageError
from .base import Content, Headers, HttpResponse, default_ssl_context

T = TypeVar("T")

#: Limits on what a server can make us hold before a response body starts.
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADERS = 128
MAX_LINE_BYTES = 16 * 1024
#: Streaming: stop reading from the socket when this much undelivered body is buffered,
#: start again below the low mark.
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
#: Largest piece of decompressed body handed out at once when streaming.
DECODED_CHUNK = 64 * 1024
#: A streamed request body is sent in pieces of at most this size.
WRITE_CHUNK = 64 * 1024

# Connection states.
_IDLE, _HEAD, _BODY, _DONE, _BROKEN = range(5)
# Body framings.
_NONE, _LENGTH, _CHUNKED, _UNTIL_CLOSE = range(4)
# Chunked-body parser states.
_SIZE, _DATA, _DATA_END, _TRAILER = range(4)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}\Z")
# Characters that may not appear raw in a request target (they are percent-encoded).
_UNSAFE_TARGET = re.compile(r"[^!-~]|[\"<>\\^`{|}]")
_SAFE_TARGET = "!#$%&'()*+,/:;=?@[]~"
_BODYLESS_STATUS = frozenset({204, 304})
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
# Request headers the backend writes itself, or looks at.
_HOST, _LENGTH_H, _TE, _CONNECTION, _ACCEPT_ENCODING = (
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "accept-encoding",
)
_SPECIAL = frozenset({_HOST, _LENGTH_H, _TE, _CONNECTION, _ACCEPT_ENCODING})


class _Malformed(Exception):
    """The server sent something that is not HTTP/1.1 we can trust."""


def _sent_error(what: str) -> NetworkError:
    return NetworkError(what, request_sent=True, retryable=True)


def _not_sent_error(what: str) -> NetworkError:
    return NetworkError(what, request_sent=False, retryable=True)


# -- URLs ------------------------------------------------------------------------------


class _Origin:
    """Where a connection goes: scheme, host, port, and the Host header to send."""

    __slots__ = ("host", "host_header", "key", "port", "tls")

    def __init__(self, scheme: str, host: str, port: int, host_header: str) -> None:
        self.key = (scheme, host, port)
        self.tls = scheme == "https"
        self.host = host
        self.port = port
        self.host_header = host_header

    def __repr__(self) -> str:
        return f"<Origin {self.key[0]}://{self.host_header}>"


_ORIGINS: dict[str, _Origin] = {}
_AUTHORITY_END = re.compile(r"[/?#]")


def _parse_origin(scheme: str, authority: str, url: str) -> _Origin:
    if not authority or "@" in authority:
        raise UsageError(f"invalid request URL {url!r}")
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise UsageError(f"invalid request URL {url!r}")
        host, rest = authority[1:close], authority[close + 1 :]
        if rest and not rest.startswith(":"):
            raise UsageError(f"invalid request URL {url!r}")
        port_text = rest[1:]
        shown = f"[{host.lower()}]"
    else:
        host, _, port_text = authority.partition(":")
        shown = host.lower()
    host = host.lower()
    if not host:
        raise UsageError(f"invalid request URL {url!r}")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise UsageError(f"invalid host in request URL {url!r}") from None
        shown = host
    default = _DEFAULT_PORTS[scheme]
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise UsageError(f"invalid port in request URL {url!r}")
        port = int(port_text)
    else:
        port = default
    if port != default:
        shown = f"{shown}:{port}"
    return _Origin(scheme, host, port, shown)


def split_url(url: str) -> tuple[_Origin, str]:
    """The origin of ``url`` and the request target (path and query) to send."""
    if url.startswith("https://"):
        scheme, rest = "https", url[8:]
    elif url.startswith("http://"):
        scheme, rest = "http", url[7:]
    else:
        raise UsageError(f"invalid request URL {url!r}: only http:// and https:// are supported")
    m = _AUTHORITY_END.search(rest)
    if m is None:
        authority, target = rest, "/"
    else:
        authority, target = rest[: m.start()], rest[m.start() :]
        if target[0] == "#":
            target = "/"
        else:
            target = target.partition("#")[0]
            if target[0] == "?":
                target = "/" + target
    key = scheme + authority
    origin = _ORIGINS.get(key)
    if origin is None:
        origin = _parse_origin(scheme, authority, url)
        if len(_ORIGINS) > 256:
            _ORIGINS.clear()
        _ORIGINS[key] = origin
    if _UNSAFE_TARGET.search(target):
        # Spaces, controls, non-ASCII: percent-encoded, so nothing can break the line.
        target = quote(target, safe=_SAFE_TARGET)
    return origin, target


# -- the request head --------------------------------------------------------------------


class _Plan:
    """How a request goes out: its head, how its body is framed, what it asked for."""

    __slots__ = ("chunked", "close", "decode", "head", "length")

    def __init__(self) -> None:
        self.head = b""
        self.chunked = False
        self.length: int | None = None
        self.close = False
        self.decode = False


def _plan(
    method: str, target: str, origin: _Origin, headers: Mapping[str, str], content: Content
) -> _Plan:
    plan = _Plan()
    lines = [f"{method} {target} HTTP/1.1\r\n"]
    has_host = False
    for name, value in headers.items():
        lname = name.lower()
        if lname in _SPECIAL:
            if lname == _HOST:
                has_host = True
            elif lname == _LENGTH_H:
                if isinstance(content, (bytes, bytearray, memoryview)) or content is None:
                    continue  # computed from the body below
                try:
                    plan.length = int(value)
                except ValueError:
                    raise UsageError(f"Content-Length must be an integer, got {value!r}") from None
                if plan.length < 0:
                    raise UsageError(f"Content-Length must not be negative, got {value!r}")
            elif lname == _TE:
                continue  # the backend frames the body itself
            elif lname == _CONNECTION:
                plan.close = "close" in value.lower()
            else:
                plan.decode = True
        lines.append(f"{name}: {value}\r\n")
    if not has_host:
        lines.insert(1, f"Host: {origin.host_header}\r\n")
    if content is None:
        if method in _METHODS_WITH_BODY:
            lines.append("Content-Length: 0\r\n")
    elif isinstance(content, (bytes, bytearray, memoryview)):
        if content or method in _METHODS_WITH_BODY:
            lines.append(f"Content-Length: {len(content)}\r\n")
    elif plan.length is None:
        plan.chunked = True
        lines.append("Transfer-Encoding: chunked\r\n")
    lines.append("\r\n")
    text = "".join(lines)
    # One CR and one LF per line, no NUL: no header can smuggle another line in.
    if text.count("\n") != len(lines) or text.count("\r") != len(lines) or "\x00" in text:
        raise UsageError("request headers must not contain line breaks or NUL characters")
    try:
        plan.head = text.encode("latin-1")
    except UnicodeEncodeError:
        raise UsageError(
            "request headers must be Latin-1 text (encode other characters first)"
        ) from None
    return plan


# -- the response head --------------------------------------------------------------------


def _parse_head(raw: bytes, sep: str) -> tuple[int, bool, dict[str, str]]:
    """Status, whether it is HTTP/1.1, and the headers (lower-case names; repeated
    headers joined with ", ")."""
    text = raw.decode("latin-1")
    if "\x00" in text:
        raise _Malformed("NUL in the response head")
    lines = text.split(sep)
    if sep == "\r\n":
        if text.count("\r") != len(lines) - 1 or text.count("\n") != len(lines) - 1:
            raise _Malformed("stray line break in the response head")
    elif "\r" in text:
        raise _Malformed("stray carriage return in the response head")
    status_line = lines[0]
    version, _, rest = status_line.partition(" ")
    code = rest[:3]
    if version == "HTTP/1.1":
        http11 = True
    elif version == "HTTP/1.0":
        http11 = False
    else:
        raise _Malformed(f"not an HTTP/1.x status line: {status_line[:40]!r}")
    if len(code) != 3 or not code.isdigit() or (len(rest) > 3 and rest[3] != " "):
        raise _Malformed(f"bad status line: {status_line[:40]!r}")
    if len(lines) - 1 > MAX_HEADERS:
        raise _Malformed(f"more than {MAX_HEADERS} headers")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if len(line) > MAX_LINE_BYTES:
            raise _Malformed("header line too long")
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.match(name):
            # Also refuses obsolete line folding (a line starting with whitespace).
            raise _Malformed(f"bad header line: {line[:40]!r}")
        key = name.lower()
        value = value.strip(" \t")
        if key in headers:
            headers[key] = f"{headers[key]}, {value}"
        else:
            headers[key] = value
    return int(code), http11, headers


# -- content decoding ----------------------------------------------------------------------


class _Decoder:
    """Undoes gzip/deflate content codings, in bounded pieces."""

    __slots__ = ("_steps",)

    def __init__(self, codings: list[str]) -> None:
        # Applied in the order listed, so undone in reverse.
        self._steps: list[_Step] = [_Step(c) for c in reversed(codings)]

    def feed(self, data: bytes, limit: int = 0) -> list[bytes]:
        pieces = [data]
        for step in self._steps:
            out: list[bytes] = []
            for piece in pieces:
                out.extend(step.feed(piece, limit))
            pieces = out
        return pieces

    def flush(self) -> list[bytes]:
        pieces: list[bytes] = []
        for step in self._steps:
            fed: list[bytes] = []
            for piece in pieces:
                fed.extend(step.feed(piece, 0))
            fed.extend(step.flush())
            pieces = fed
        return [p for p in pieces if p]


class _Step:
    __slots__ = ("_gzip", "_obj", "_started")

    def __init__(self, coding: str) -> None:
        self._gzip = coding in ("gzip", "x-gzip")
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        out: list[bytes] = []
        try:
            while data:
                obj = self._obj
                try:
                    piece = obj.decompress(data, limit)
                except zlib.error:
                    if self._gzip or self._started:
                        raise
                    # "deflate" is meant to be zlib-wrapped; some servers send it raw.
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                self._started = True
                if piece:
                    out.append(piece)
                if obj.unconsumed_tail:
                    data = obj.unconsumed_tail
                elif obj.eof and obj.unused_data and self._gzip:
                    # Concatenated gzip members decode as one stream.
                    data = obj.unused_data
                    self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    data = b""
        except zlib.error as exc:
            raise _sent_error(f"the response could not be decompressed: {exc}") from None
        return out

    def flush(self) -> list[bytes]:
        try:
            tail = self._obj.flush()
        except zlib.error as exc:  # pragma: no cover - flush rarely fails
            raise _sent_error(f"the response could not be decompressed: {exc}") from None
        return [tail] if tail else []


def _decoder_for(headers: Mapping[str, str]) -> _Decoder | None:
    coding = headers.get("content-encoding")
    if not coding:
        return None
    codings = [c.strip().lower() for c in coding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if any(c not in ("gzip", "x-gzip", "deflate") for c in codings):
        return None  # an unknown coding: hand the body over as it came
    return _Decoder(codings)


# -- one connection ---------------------------------------------------------------------


def _readable(fd: int) -> bool:
    if fd < 0:
        return False
    try:
        if _poll is not None:
            p = _poll()
            p.register(fd, select.POLLIN)
            return bool(p.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


_poll = getattr(select, "poll", None)


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: the protocol parses the response as bytes arrive."""

    __slots__ = (
        "_body",
        "_buf",
        "_buffered",
        "_chunk_left",
        "_chunk_state",
        "_drain",
        "_framing",
        "_last_rx",
        "_loop",
        "_read_paused",
        "_streaming",
        "_timer",
        "_waiter",
        "_write_paused",
        "closed",
        "error",
        "fd",
        "head_only",
        "headers",
        "http11",
        "idle_since",
        "keep_alive",
        "origin",
        "state",
        "status",
        "transport",
    )

    def __init__(self, origin: _Origin, loop: asyncio.AbstractEventLoop) -> None:
        self.origin = origin
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.fd = -1
        self.closed = False
        self.state = _IDLE
        self.error: NetworkError | None = None
        self.idle_since = 0.0
        self.status = 0
        self.http11 = True
        self.headers: dict[str, str] = {}
        self.keep_alive = True
        self.head_only = False
        self._streaming = False
        self._framing = _NONE
        self._chunk_left = 0
        self._chunk_state = _SIZE
        self._buf = b""
        self._body: deque[bytes] = deque()
        self._buffered = 0
        self._read_paused = False
        self._write_paused = False
        self._waiter: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_rx = 0.0

    def __repr__(self) -> str:
        return f"<Connection {self.origin!r} state={self.state}>"

    # -- asyncio callbacks ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                self.fd = sock.fileno()
            except OSError:  # pragma: no cover
                self.fd = -1

    def data_received(self, data: bytes) -> None:
        state = self.state
        if state == _BODY:
            self._last_rx = self._loop.time()
            self._feed_body(data)
        elif state == _HEAD:
            self._last_rx = self._loop.time()
            self._feed_head(data)
        else:
            # Bytes nobody asked for (idle, or after a complete response): this
            # connection can no longer be trusted to frame the next response.
            self.keep_alive = False
            if state == _IDLE:
                self._close()

    def eof_received(self) -> bool | None:
        self._peer_closed(None)
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._peer_closed(exc)
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    # -- parsing ------------------------------------------------------------------------

    def _peer_closed(self, exc: Exception | None) -> None:
        self.keep_alive = False
        state = self.state
        if state == _BODY and self._framing == _UNTIL_CLOSE and exc is None:
            self._finish()
        elif state in (_HEAD, _BODY):
            if state == _HEAD and not self._buf:
                what = "the server closed the connection without answering"
            else:
                what = "the server closed the connection before the response was complete"
            if exc is not None:
                what = f"{what} ({type(exc).__name__}: {exc})"
            self._fail(_sent_error(what))
        elif state == _IDLE:
            self.closed = True

    def _feed_head(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            raw, rest, sep = buf[:end], buf[end + 4 :], "\r\n"
        else:
            end = buf.find(b"\n\n")
            if end < 0:
                if len(buf) > MAX_HEAD_BYTES:
                    self._fail(_sent_error("malformed response: the head is too large"))
                else:
                    self._buf = buf
                return
            raw, rest, sep = buf[:end], buf[end + 2 :], "\n"
        self._buf = b""
        if len(raw) > MAX_HEAD_BYTES:
            self._fail(_sent_error("malformed response: the head is too large"))
            return
        try:
            status, http11, headers = _parse_head(raw, sep)
            if status < 200:
                if status == 101:
                    raise _Malformed("unexpected 101 Switching Protocols")
                # An interim response (100 Continue, 103 Early Hints): the real one follows.
                if rest:
                    self._feed_head(rest)
                return
            framing, length = self._framing_of(status, headers)
        except _Malformed as exc:
            self._fail(_sent_error(f"malformed response: {exc}"))
            return
        self.status = status
        self.http11 = http11
        self.headers = headers
        connection = headers.get("connection")
        if connection is not None:
            tokens = {t.strip() for t in connection.lower().split(",")}
            if "close" in tokens or (not http11 and "keep-alive" not in tokens):
                self.keep_alive = False
        elif not http11:
            self.keep_alive = False
        self._framing = framing
        self.state = _BODY
        if framing == _LENGTH:
            self._chunk_left = length
        elif framing == _CHUNKED:
            self._chunk_state = _SIZE
        if self._streaming:
            self._wake()
        if framing == _NONE or (framing == _LENGTH and length == 0):
            if rest:
                self.keep_alive = False
            self._finish()
        elif rest:
            self._feed_body(rest)

    def _framing_of(self, status: int, headers: dict[str, str]) -> tuple[int, int]:
        if self.head_only or status in _BODYLESS_STATUS:
            return _NONE, 0
        te = headers.get("transfer-encoding")
        if te is not None:
            codings = [c.strip().lower() for c in te.split(",") if c.strip()]
            if codings != ["chunked"]:
                raise _Malformed(f"unsupported Transfer-Encoding {te[:40]!r}")
            if "content-length" in headers:
                self.keep_alive = False  # a message framed two ways: never reuse
            return _CHUNKED, 0
        cl = headers.get("content-length")
        if cl is not None:
            values = {v.strip() for v in cl.split(",")}
            if len(values) != 1:
                raise _Malformed("conflicting Content-Length values")
            value = values.pop()
            if not value.isdigit() or len(value) > 18:
                raise _Malformed(f"bad Content-Length {value[:20]!r}")
            return _LENGTH, int(value)
        self.keep_alive = False
        return _UNTIL_CLOSE, 0

    def _feed_body(self, data: bytes) -> None:
        framing = self._framing
        if framing == _LENGTH:
            left = self._chunk_left
            n = len(data)
            if n < left:
                self._chunk_left = left - n
                self._deliver(data)
                return
            if n > left:
                self.keep_alive = False  # more than was announced
                data = data[:left]
            self._chunk_left = 0
            self._deliver(data)
            self._finish()
        elif framing == _CHUNKED:
            self._feed_chunked(data)
        else:
            self._deliver(data)

    def _feed_chunked(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        self._buf = b""
        pos, n = 0, len(buf)
        while pos < n:
            state = self._chunk_state
            if state == _DATA:
                take = min(self._chunk_left, n - pos)
                self._deliver(buf[pos : pos + take])
                pos += take
                self._chunk_left -= take
                if not self._chunk_left:
                    self._chunk_state = _DATA_END
                continue
            eol = buf.find(b"\n", pos)
            if eol < 0:
                if n - pos > MAX_LINE_BYTES:
                    self._fail(_sent_error("malformed response: chunk header line too long"))
                    return
                self._buf = buf[pos:]
                return
            line = buf[pos:eol]
            pos = eol + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if state == _SIZE:
                size = line.partition(b";")[0].strip()
                if not _HEX.match(size):
                    self._fail(_sent_error(f"malformed response: bad chunk size {size[:20]!r}"))
                    return
                self._chunk_left = int(size, 16)
                self._chunk_state = _DATA if self._chunk_left else _TRAILER
            elif state == _DATA_END:
                if line:
                    self._fail(_sent_error("malformed response: chunk not followed by CRLF"))
                    return
                self._chunk_state = _SIZE
            elif line:  # a trailer field: read past it
                if len(line) > MAX_LINE_BYTES:  # pragma: no cover - caught above
                    self._fail(_sent_error("malformed response: trailer too long"))
                    return
            else:
                if pos < n:
                    self.keep_alive = False
                self._finish()
                return

    def _deliver(self, data: bytes) -> None:
        if not data:
            return
        self._body.append(data)
        if self._streaming:
            self._buffered += len(data)
            if self._buffered > HIGH_WATER and not self._read_paused and self.transport:
                self._read_paused = True
                self.transport.pause_reading()
            self._wake()

    def _finish(self) -> None:
        self.state = _DONE
        self._wake()

    def _fail(self, error: NetworkError) -> None:
        if self.state in (_HEAD, _BODY):
            self.error = error
            self.state = _BROKEN
        self.keep_alive = False
        self._close()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    # -- used by the pool and the requests ----------------------------------------------

    def begin(self, *, head_only: bool, streaming: bool, close: bool) -> None:
        self.state = _HEAD
        self.error = None
        self.head_only = head_only
        self._streaming = streaming
        self.keep_alive = not close
        self._buf = b""
        self._body.clear()
        self._buffered = 0
        self._last_rx = self._loop.time()

    def usable(self, now: float, expiry: float) -> bool:
        """Whether an idle connection can carry another request."""
        if self.closed or self.state != _IDLE or now - self.idle_since > expiry:
            return False
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        # Readable while idle means the peer closed it (or sent garbage) and the loop
        # has not told us yet.
        return not _readable(self.fd)

    def reusable(self) -> bool:
        return self.state == _DONE and self.keep_alive and not self.closed and not self._body

    def reset_idle(self, now: float) -> None:
        self.state = _IDLE
        self.idle_since = now
        self._streaming = False
        if self._read_paused and self.transport is not None:
            self._read_paused = False
            self.transport.resume_reading()

    async def wait(self, timeout: float) -> None:
        """Until the protocol wakes us, failing after ``timeout`` seconds without data."""
        loop = self._loop
        waiter = self._waiter = loop.create_future()
        # The clock runs from now or from the last byte received, whichever is later
        # (the time spent sending a long body, or in a slow consumer, does not count).
        self._last_rx = loop.time()
        self._timer = loop.call_at(self._last_rx + timeout, self._check_timeout, timeout)
        try:
            await waiter
        finally:
            self._timer.cancel()
            self._waiter = self._timer = None

    def _check_timeout(self, timeout: float) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        deadline = self._last_rx + timeout
        if self._loop.time() < deadline:
            self._timer = self._loop.call_at(deadline, self._check_timeout, timeout)
            return
        self._fail(_sent_error(f"timed out waiting for the response (read timeout {timeout:g}s)"))

    def take_body(self) -> list[bytes]:
        body = list(self._body)
        self._body.clear()
        return body

    async def read_chunk(self, timeout: float) -> bytes | None:
        """The next piece of body (streaming), ``None`` at its end."""
        while True:
            body = self._body
            if body:
                chunk = body.popleft()
                self._buffered -= len(chunk)
                if self._read_paused and self._buffered <= LOW_WATER and self.transport:
                    self._read_paused = False
                    self._last_rx = self._loop.time()
                    self.transport.resume_reading()
                return chunk
            if self.error is not None:
                raise self.error
            if self.state == _DONE:
                return None
            if self.state != _BODY:  # pragma: no cover - defensive
                raise _sent_error("the connection was closed")
            await self.wait(timeout)

    async def drain(self, timeout: float) -> None:
        """Until the socket takes more data (write-side flow control)."""
        if not self._write_paused or self.closed:
            return
        loop = self._loop
        drain = self._drain = loop.create_future()
        timer = loop.call_later(timeout, _expire, drain)
        try:
            await drain
        except _TIMEOUTS:
            self._fail(_sent_error(f"timed out sending the request (write timeout {timeout:g}s)"))
            raise self.error or _sent_error("write timeout") from None
        finally:
            timer.cancel()
            self._drain = None

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    @property
    def answered(self) -> bool:
        """Whether the server started answering (or gave up) while we still send."""
        return self.state != _HEAD or bool(self._buf) or self.closed


# asyncio.TimeoutError is TimeoutError from Python 3.11 on.
_TIMEOUTS = (TimeoutError, asyncio.TimeoutError)


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


if sys.version_info >= (3, 11):

    async def _within(awaitable: Awaitable[T], seconds: float) -> T:
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def _within(awaitable: Awaitable[T], seconds: float) -> T:
        return await asyncio.wait_for(awaitable, seconds)


# -- the pool -------------------------------------------------------------------------


# The running asyncio loop or None; unlike get_running_loop(), never raises.
_running_loop = asyncio._get_running_loop


class _Slot:
    """Handed to a waiter: room for one more connection, already counted."""


_SLOT = _Slot()


class _Pool:
    """Connections by origin, within overall limits; lives on one event loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        max_connections: int,
        max_keepalive: int,
        keepalive_expiry: float,
        connect_timeout: float,
        pool_timeout: float,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self.loop = loop
        self._max = max_connections
        self._max_idle = max_keepalive
        self._expiry = keepalive_expiry
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._ssl = ssl_context
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._n_idle = 0
        self._all: set[_Connection] = set()
        self._opening = 0
        self._waiters: deque[tuple[tuple[str, str, int], asyncio.Future[Any]]] = deque()

    @property
    def total(self) -> int:
        """Connections open or being opened (what ``max_connections`` limits)."""
        return len(self._all) + self._opening

    @property
    def idle_count(self) -> int:
        return self._n_idle

    def take_idle(self, origin: _Origin) -> _Connection | None:
        conns = self._idle.get(origin.key)
        if not conns:
            return None
        now = time.monotonic()
        while conns:
            conn = conns.pop()  # the most recently used: the least likely to be stale
            self._n_idle -= 1
            if conn.usable(now, self._expiry):
                return conn
            self.discard(conn)
        return None

    async def acquire(self, origin: _Origin) -> _Connection:
        deadline = self.loop.time() + self._pool_timeout
        while True:
            conn = self.take_idle(origin)
            if conn is not None:
                return conn
            if self.total < self._max:
                return await self._open(origin)
            if self._n_idle:
                self._evict_one()
                continue
            got = await self._wait_turn(origin, deadline)
            if isinstance(got, _Connection):
                return got
            # A slot was handed over (already counted in _opening).
            return await self._open(origin, counted=True)

    async def _wait_turn(self, origin: _Origin, deadline: float) -> _Connection | _Slot:
        loop = self.loop
        future: asyncio.Future[Any] = loop.create_future()
        entry = (origin.key, future)
        self._waiters.append(entry)
        timer = loop.call_at(deadline, _expire, future)
        try:
            return await future  # type: ignore[no-any-return]
        except _TIMEOUTS:
            raise _not_sent_error(
                f"timed out waiting for a free connection (pool timeout {self._pool_timeout:g}s, "
                f"{self._max} connections in use)"
            ) from None
        except BaseException:
            # Cancelled: give back whatever we were handed meanwhile.
            if future.done() and not future.cancelled() and future.exception() is None:
                got = future.result()
                if isinstance(got, _Connection):
                    self.release(got)
                else:
                    self._opening -= 1
                    self._hand_slot()
            raise
        finally:
            timer.cancel()
            try:
                self._waiters.remove(entry)
            except ValueError:
                pass

    async def _open(self, origin: _Origin, *, counted: bool = False) -> _Connection:
        if not counted:
            self._opening += 1
        loop = self.loop
        conn = _Connection(origin, loop)
        opened = False
        try:
            if origin.tls:
                context = self._ssl
                if context is None:
                    context = self._ssl = default_ssl_context()
                opening = loop.create_connection(
                    lambda: conn,
                    origin.host,
                    origin.port,
                    ssl=context,
                    server_hostname=origin.host,
                    ssl_handshake_timeout=self._connect_timeout,
                )
            else:
                opening = loop.create_connection(lambda: conn, origin.host, origin.port)
            await _within(opening, self._connect_timeout)
            opened = True
        except _TIMEOUTS:
            raise _not_sent_error(
                f"could not connect to {origin.host_header}: "
                f"timed out after {self._connect_timeout:g}s"
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise _not_sent_error(
                f"could not connect to {origin.host_header}: TLS certificate verification "
                f"failed ({exc.verify_message or exc.reason})"
            ) from None
        except OSError as exc:
            what = exc.strerror or str(exc) or type(exc).__name__
            raise _not_sent_error(
                f"could not connect to {origin.host_header}: {type(exc).__name__}: {what}"
            ) from None
        finally:
            self._opening -= 1
            if not opened:
                if conn.transport is not None:
                    conn._close()
                self._hand_slot()
        self._all.add(conn)
        return conn

    def release(self, conn: _Connection) -> None:
        """Back to the pool after a complete exchange, or closed if it cannot be reused."""
        if not conn.reusable():
            self.discard(conn)
            return
        now = time.monotonic()
        conn.reset_idle(now)
        waiters = self._waiters
        if waiters:
            for key, future in waiters:
                if key == conn.origin.key and not future.done():
                    future.set_result(conn)
                    return
        if waiters or self._n_idle >= self._max_idle:
            self.discard(conn)
            return
        self._idle.setdefault(conn.origin.key, []).append(conn)
        self._n_idle += 1

    def discard(self, conn: _Connection) -> None:
        """Close ``conn`` and give its place to whoever waits."""
        conn.keep_alive = False
        conn._close()
        if conn in self._all:
            self._all.discard(conn)
            self._hand_slot()

    def _hand_slot(self) -> None:
        if self.total >= self._max:
            return
        while self._waiters:
            _key, future = self._waiters[0]
            if future.done():
                self._waiters.popleft()
                continue
            self._opening += 1
            future.set_result(_SLOT)
            return

    def _evict_one(self) -> None:
        oldest: _Connection | None = None
        for conns in self._idle.values():
            if conns and (oldest is None or conns[0].idle_since < oldest.idle_since):
                oldest = conns[0]
        assert oldest is not None
        self._idle[oldest.origin.key].remove(oldest)
        self._n_idle -= 1
        self.discard(oldest)

    def close(self) -> None:
        for conn in list(self._all):
            conn._close()
        self._all.clear()
        self._idle.clear()
        self._n_idle = 0
        for _key, future in self._waiters:
            if not future.done():
                future.set_exception(UsageError("the client is closed; create a new one"))
        self._waiters.clear()


# -- the transport --------------------------------------------------------------------------


class AioTransport:
    """:class:`~.base.Transport` on asyncio. Binds to the event loop of its first request."""

    def __init__(
        self,
        *,
        timeout: float,
        connect_timeout: float,
        max_connections: int,
        max_keepalive_connections: int,
        keepalive_expiry: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        read_timeout: float | None = None,
        write_timeout: float | None = None,
        pool_timeout: float | None = None,
    ) -> None:
        self._read_timeout = timeout if read_timeout is None else read_timeout
        self._write_timeout = timeout if write_timeout is None else write_timeout
        self._limits: dict[str, Any] = {
            "max_connections": max_connections,
            "max_keepalive": max_keepalive_connections,
            "keepalive_expiry": keepalive_expiry,
            "connect_timeout": connect_timeout,
            "pool_timeout": timeout if pool_timeout is None else pool_timeout,
        }
        self._ssl = ssl_context
        self._pool: _Pool | None = None
        self._closed = False

    def __repr__(self) -> str:
        pool = self._pool
        state = "closed" if self._closed else f"{pool.total if pool else 0} connections"
        return f"<AioTransport {state}>"

    def _pool_for_loop(self) -> _Pool:
        if self._closed:
            raise UsageError("the client is closed; create a new one")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise UsageError(
                "the asyncio HTTP backend needs a running asyncio event loop "
                '(under trio, use http_backend="auto" or "httpx")'
            ) from None
        pool = self._pool
        if pool is not None:
            if pool.loop is loop:
                return pool
            if not pool.loop.is_closed() and pool.loop.is_running():
                raise UsageError(
                    "this client is bound to another running event loop; "
                    "create one client per event loop"
                )
            # The previous loop is gone (say, a second asyncio.run()): its connections
            # went with it.
            try:
                pool.close()
            except RuntimeError:
                pass
        self._pool = pool = _Pool(loop, ssl_context=self._ssl, **self._limits)
        return pool

    async def _start(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: Content,
        *,
        streaming: bool,
    ) -> tuple[_Pool, _Connection, _Plan]:
        """Send the request: returns once it is out (or the server answered early)."""
        pool = self._pool
        if pool is None or pool.loop is not _running_loop() or self._closed:
            pool = self._pool_for_loop()
        origin, target = split_url(url)
        plan = _plan(method, target, origin, headers, content)
        conn = pool.take_idle(origin)
        if conn is None:
            conn = await pool.acquire(origin)
        try:
            conn.begin(head_only=method == "HEAD", streaming=streaming, close=plan.close)
            if content is None:
                conn.write(plan.head)
            elif isinstance(content, (bytes, bytearray, memoryview)):
                if len(content) <= WRITE_CHUNK:
                    conn.write(plan.head + bytes(content))
                else:
                    conn.write(plan.head)
                    await self._write_bytes(conn, memoryview(content))
            else:
                conn.write(plan.head)
                await self._write_stream(conn, content, plan)
        except BaseException:
            pool.discard(conn)
            raise
        return pool, conn, plan

    async def _write_bytes(self, conn: _Connection, body: memoryview) -> None:
        timeout = self._write_timeout
        for start in range(0, len(body), WRITE_CHUNK):
            if conn.answered:
                conn.keep_alive = False  # the rest of the body stays unsent
                return
            conn.write(body[start : start + WRITE_CHUNK].tobytes())
            await conn.drain(timeout)

    async def _write_stream(
        self, conn: _Connection, content: AsyncIterable[bytes], plan: _Plan
    ) -> None:
        timeout = self._write_timeout
        chunked = plan.chunked
        declared = plan.length
        sent = 0
        iterator = aiter(content)
        finished = False
        try:
            async for chunk in iterator:
                if conn.answered:
                    conn.keep_alive = False  # the server answered early; stop sending
                    return
                if not isinstance(chunk, (bytes, bytearray, memoryview)):
                    raise UsageError(
                        f"a streamed request body must yield bytes, got {type(chunk).__name__}"
                    )
                if not chunk:
                    continue
                sent += len(chunk)
                if declared is not None and sent > declared:
                    raise UsageError(
                        f"the request body is longer than its Content-Length ({declared} bytes)"
                    )
                if chunked:
                    conn.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                else:
                    conn.write(bytes(chunk))
                await conn.drain(timeout)
            finished = True
        finally:
            if not finished:
                closer = getattr(iterator, "aclose", None)
                if closer is not None:
                    try:
                        await closer()
                    except Exception:  # noqa: S110 - the original failure matters more
                        pass
        if declared is not None and sent < declared:
            raise UsageError(
                f"the request body is shorter ({sent} bytes) than its Content-Length "
                f"({declared} bytes)"
            )
        if chunked and not conn.answered:
            conn.write(b"0\r\n\r\n")
        elif chunked:
            conn.keep_alive = False

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> HttpResponse:
        pool, conn, plan = await self._start(method, url, headers, content, streaming=False)
        try:
            timeout = self._read_timeout
            while conn.state < _DONE:
                await conn.wait(timeout)
            if conn.error is not None:
                raise conn.error
            status = conn.status
            headers_in = Headers(conn.headers)
            body = conn.take_body()
        except BaseException:
            pool.discard(conn)
            raise
        pool.release(conn)
        content_bytes = body[0] if len(body) == 1 else b"".join(body)
        if plan.decode and content_bytes:
            decoder = _decoder_for(headers_in)
            if decoder is not None:
                content_bytes = b"".join([*decoder.feed(content_bytes), *decoder.flush()])
        return HttpResponse(status, headers_in, content_bytes, url)

    def stream(
        self, method: str, url: str, headers: Mapping[str, str], content: Content = None
    ) -> _AioStream:
        return _AioStream(self, method, url, headers, content)

    async def aclose(self) -> None:
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            # Let the transports finish closing while the loop still runs.
            await asyncio.sleep(0)


class _AioStream:
    """``async with transport.stream(...) as response``."""

    __slots__ = ("_args", "_owner", "_response")

    def __init__(
        self,
        owner: AioTransport,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: Content,
    ) -> None:
        self._owner = owner
        self._args = (method, url, headers, content)
        self._response: AioStreamedResponse | None = None

    async def __aenter__(self) -> AioStreamedResponse:
        owner = self._owner
        method, url, headers, content = self._args
        pool, conn, plan = await owner._start(method, url, headers, content, streaming=True)
        try:
            while conn.state == _HEAD:
                await conn.wait(owner._read_timeout)
            if conn.error is not None:
                raise conn.error
        except BaseException:
            pool.discard(conn)
            raise
        self._response = AioStreamedResponse(pool, conn, url, plan.decode, owner._read_timeout)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


class AioStreamedResponse:
    """:class:`~.base.StreamedResponse` of the asyncio backend."""

    __slots__ = (
        "_conn",
        "_content",
        "_decode",
        "_pool",
        "_timeout",
        "headers",
        "status_code",
        "url",
    )

    def __init__(
        self, pool: _Pool, conn: _Connection, url: str, decode: bool, timeout: float
    ) -> None:
        self._pool: _Pool | None = pool
        self._conn = conn
        self._decode = decode
        self._timeout = timeout
        self._content: bytes | None = None
        self.status_code = conn.status
        self.headers: Mapping[str, str] = Headers(conn.headers)
        self.url = url

    def __repr__(self) -> str:
        return f"<StreamedResponse {self.status_code}>"

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        if self._content is not None:
            if self._content:
                yield self._content
            return
        if self._pool is None:
            raise UsageError("the response is closed; its body can no longer be read")
        conn = self._conn
        decoder = _decoder_for(self.headers) if self._decode else None
        try:
            while True:
                chunk = await conn.read_chunk(self._timeout)
                if chunk is None:
                    break
                if decoder is None:
                    yield chunk
                else:
                    for piece in decoder.feed(chunk, DECODED_CHUNK):
                        yield piece
            if decoder is not None:
                for piece in decoder.flush():
                    yield piece
        except BaseException:
            self._discard()
            raise
        self._release()

    async def aread(self) -> bytes:
        if self._content is None:
            self._content = b"".join([chunk async for chunk in self.aiter_bytes()])
        return self._content

    async def aclose(self) -> None:
        if self._pool is None:
            return
        conn = self._conn
        if conn.state == _DONE and not conn._body:
            self._release()
        else:
            self._discard()  # unread body: closing beats draining an unknown amount

    def _release(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.release(self._conn)

    def _discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.discard(self._conn)
