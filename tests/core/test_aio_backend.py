"""The asyncio HTTP/1.1 backend against scripted servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import socket
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from basecamp_client import NetworkError, UsageError
from basecamp_client._core.transport import aio_backend
from basecamp_client._core.transport.aio_backend import AioTransport, split_url

from .rawserver import RawServer, read_request, response

pytestmark = pytest.mark.anyio

H = {"User-Agent": "tests (t@example.com)", "Accept": "application/json"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # this backend is asyncio's own


def aio(**options: Any) -> AioTransport:
    settings: dict[str, Any] = {
        "timeout": 5.0,
        "connect_timeout": 5.0,
        "max_connections": 10,
        "max_keepalive_connections": 5,
    }
    settings.update(options)
    return AioTransport(**settings)


def scripted(*replies: bytes, close: bool = False) -> Any:
    """A handler answering successive requests on a connection with ``replies``."""

    async def handler(server: RawServer, reader: Any, writer: Any) -> None:
        for reply in replies:
            request = await read_request(reader)
            if request is None:
                return
            server.requests.append(request)
            writer.write(reply)
            await writer.drain()
        if close:
            writer.close()
        else:
            await reader.read()  # hold the connection until the client lets go

    return handler


# -- requests and keep-alive ----------------------------------------------------------------


async def test_keep_alive_reuses_one_connection() -> None:
    async with RawServer() as server:
        http = aio()
        for _ in range(5):
            r = await http.send("GET", f"{server.url}/a?x=1", H)
            assert r.status_code == 200
            assert r.content == b'{"ok": true}'
            assert r.headers["CONTENT-TYPE"] == "application/json"
        await http.aclose()
    assert server.connections == 1
    first = server.requests[0]
    assert first.target == "/a?x=1"
    assert first.headers["host"] == f"127.0.0.1:{server.port}"
    assert "content-length" not in first.headers  # a GET without a body says nothing


async def test_request_framing_for_bytes_and_empty_writes() -> None:
    async with RawServer() as server:
        http = aio()
        await http.send("POST", f"{server.url}/p", H, b'{"a":1}')
        await http.send("POST", f"{server.url}/p", H)  # no body: Content-Length: 0
        await http.send("PUT", f"{server.url}/p", {**H, "Content-Length": "999"}, b"xy")
        await http.aclose()
    post, empty, put = server.requests
    assert post.body == b'{"a":1}'
    assert post.headers["content-length"] == "7"
    assert empty.headers["content-length"] == "0"
    assert put.headers["content-length"] == "2"  # computed from the bytes, not trusted


async def test_header_injection_and_odd_urls() -> None:
    http = aio()
    with pytest.raises(UsageError, match="line breaks"):
        await http.send("GET", "http://127.0.0.1:1/", {"X-Evil": "a\r\nHost: other"})
    with pytest.raises(UsageError, match="only http"):
        await http.send("GET", "ftp://example.com/", H)
    with pytest.raises(UsageError, match="invalid request URL"):
        await http.send("GET", "http://user@127.0.0.1/", H)
    await http.aclose()
    origin, target = split_url("https://Example.COM:443/a b/ü?q=1 2#frag")
    assert origin.key == ("https", "example.com", 443)
    assert origin.host_header == "example.com"
    assert target == "/a%20b/%C3%BC?q=1%202"
    assert split_url("http://[::1]:8080?x")[1] == "/?x"
    assert split_url("http://[::1]:8080?x")[0].host_header == "[::1]:8080"


async def test_repeated_headers_are_joined_and_lookups_ignore_case() -> None:
    reply = response(
        200,
        b"[]",
        [("Link", '<http://a/2>; rel="next"'), ("link", '<http://a/9>; rel="last"')],
    )
    async with RawServer(scripted(reply)) as server:
        http = aio()
        r = await http.send("GET", server.url, H)
        await http.aclose()
    assert r.headers["Link"] == '<http://a/2>; rel="next", <http://a/9>; rel="last"'
    assert r.headers.get("LINK") == r.headers["link"]
    assert "link" in r.headers
    assert "missing" not in r.headers


# -- response framing ----------------------------------------------------------------------


async def test_chunked_response_with_extensions_and_trailers_byte_by_byte() -> None:
    wire = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )

    async def dribble(server: RawServer, reader: Any, writer: Any) -> None:
        for _ in range(2):
            await read_request(reader)
            for i in range(len(wire)):
                writer.write(wire[i : i + 1])
                await writer.drain()
                await asyncio.sleep(0)
        await reader.read()

    async with RawServer(dribble) as server:
        http = aio()
        assert (await http.send("GET", server.url, H)).content == b"hello world"
        assert (await http.send("GET", server.url, H)).content == b"hello world"
        await http.aclose()
    assert server.connections == 1


async def test_close_delimited_and_http10_responses_are_not_reused() -> None:
    async def until_close(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
        await writer.drain()
        writer.close()

    async with RawServer(until_close) as server:
        http = aio()
        assert (await http.send("GET", server.url, H)).content == b"all of it"
        assert (await http.send("GET", server.url, H)).content == b"all of it"
        await http.aclose()
    assert server.connections == 2


async def test_http10_keep_alive_is_honoured() -> None:
    reply = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"
    async with RawServer(scripted(reply, reply)) as server:
        http = aio()
        for _ in range(2):
            assert (await http.send("GET", server.url, H)).content == b"ok"
        await http.aclose()
    assert server.connections == 1


async def test_connection_close_from_either_side_is_honoured() -> None:
    close = response(200, b"x", [("Connection", "close")])
    async with RawServer(scripted(close, close)) as server:
        http = aio()
        await http.send("GET", server.url, H)
        await http.send("GET", server.url, H)
        assert http._pool is not None
        assert http._pool.total == 0
        await http.aclose()
    assert server.connections == 2
    async with RawServer() as server:
        http = aio()
        await http.send("GET", server.url, {**H, "Connection": "close"})
        await http.send("GET", server.url, H)
        await http.aclose()
    assert server.connections == 2


@pytest.mark.parametrize("status", [204, 304])
async def test_bodyless_statuses_and_head(status: int) -> None:
    # A 304 and a HEAD answer carry the length of the body they do not send.
    bodyless = response(status, b"", [("Content-Length", "1234")], length=False)
    after = response(200, b"next")
    async with RawServer(scripted(bodyless, bodyless, after)) as server:
        http = aio()
        first = await http.send("GET", server.url, H)
        head = await http.send("HEAD", server.url, H)
        assert (first.status_code, first.content) == (status, b"")
        assert head.content == b""
        assert (await http.send("GET", server.url, H)).content == b"next"
        await http.aclose()
    assert server.connections == 1


async def test_interim_responses_are_skipped() -> None:
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
    reply += response(201, b"made")
    async with RawServer(scripted(reply)) as server:
        http = aio()
        r = await http.send("POST", server.url, H, b"x")
        await http.aclose()
    assert (r.status_code, r.content) == (201, b"made")


def _deflate(data: bytes, *, raw: bool) -> bytes:
    obj = zlib.compressobj(wbits=-15 if raw else 15)
    return obj.compress(data) + obj.flush()


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "gzip-multi"])
async def test_compressed_responses_are_decoded(coding: str) -> None:
    data = b'{"name": "compressed"}' * 500
    if coding == "gzip":
        body, header = gzip.compress(data), "gzip"
    elif coding == "gzip-multi":
        body, header = gzip.compress(data[:3000]) + gzip.compress(data[3000:]), "gzip"
    else:
        body, header = _deflate(data, raw=coding == "raw-deflate"), "deflate"
    reply = response(200, body, [("Content-Encoding", header)])
    async with RawServer(scripted(reply, reply)) as server:
        http = aio()
        asked = {**H, "Accept-Encoding": "gzip, deflate"}
        assert (await http.send("GET", server.url, asked)).content == data
        async with http.stream("GET", server.url, asked) as streamed:
            chunks = [c async for c in streamed.aiter_bytes()]
        await http.aclose()
    assert b"".join(chunks) == data


async def test_no_decoding_unless_asked_and_bad_gzip_is_a_network_error() -> None:
    packed = gzip.compress(b"data")
    replies = (
        response(200, packed, [("Content-Encoding", "gzip")]),
        response(200, b"not gzip at all", [("Content-Encoding", "gzip")]),
        response(200, b"opaque", [("Content-Encoding", "br")]),
    )
    async with RawServer(scripted(*replies)) as server:
        http = aio()
        assert (await http.send("GET", server.url, H)).content == packed
        asked = {**H, "Accept-Encoding": "gzip, deflate"}
        with pytest.raises(NetworkError, match="decompressed") as info:
            await http.send("GET", server.url, asked)
        assert info.value.request_sent
        assert (await http.send("GET", server.url, asked)).content == b"opaque"
        await http.aclose()


# -- malformed responses ----------------------------------------------------------------------

MALFORMED = {
    "not http": b"SMTP ready\r\n\r\n",
    "bad status": b"HTTP/1.1 2xx OK\r\n\r\n",
    "header without colon": b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
    "space before colon": b"HTTP/1.1 200 OK\r\nName : value\r\n\r\n",
    "folded header": b"HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n",
    "bad length": b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
    "two lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "chunk without crlf": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
    "gzip transfer coding": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "switching protocols": b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
    "nul": b"HTTP/1.1 200 OK\r\nA: \x00\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 200 + b"\r\n",
    "head too large": b"HTTP/1.1 200 OK\r\nA: " + b"x" * 70_000,
    "short body": b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_malformed_responses_are_network_errors(name: str) -> None:
    async with RawServer(scripted(MALFORMED[name], close=True)) as server:
        http = aio()
        with pytest.raises(NetworkError) as info:
            await http.send("GET", server.url, H)
        assert info.value.request_sent
        assert http._pool is not None
        assert http._pool.total == 0  # the connection was dropped, not pooled
        await http.aclose()


# -- failures and request_sent -------------------------------------------------------------


async def test_refused_connection_was_not_sent() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    http = aio()
    with pytest.raises(NetworkError, match="could not connect") as info:
        await http.send("POST", f"http://127.0.0.1:{port}/", H, b"x")
    assert not info.value.request_sent
    assert info.value.retryable
    await http.aclose()


async def test_unknown_host_was_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    http = aio()
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", no_such_host)
    with pytest.raises(NetworkError, match="Name or service not known") as info:
        await http.send("GET", "http://nowhere.invalid/", H)
    assert not info.value.request_sent
    await http.aclose()


async def test_connect_timeout_was_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def hang(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(60)

    monkeypatch.setattr(loop, "create_connection", hang)
    http = aio(connect_timeout=0.01)
    with pytest.raises(NetworkError, match="timed out") as info:
        await http.send("GET", "http://127.0.0.1:9/", H)
    assert not info.value.request_sent
    assert http._pool is not None
    assert http._pool.total == 0
    await http.aclose()


async def test_reset_after_the_request_was_sent() -> None:
    async def swallow(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.transport.abort()

    async with RawServer(swallow) as server:
        http = aio()
        with pytest.raises(NetworkError, match="without answering") as info:
            await http.send("POST", server.url, H, b"payload")
        assert info.value.request_sent
        await http.aclose()


async def test_reset_in_the_middle_of_the_body() -> None:
    async with RawServer(
        scripted(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart", close=True)
    ) as server:
        http = aio()
        with pytest.raises(NetworkError, match="before the response was complete") as info:
            await http.send("GET", server.url, H)
        assert info.value.request_sent
        await http.aclose()


async def test_read_timeout() -> None:
    async def silent(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        await reader.read()

    async with RawServer(silent) as server:
        http = aio(timeout=0.05)
        with pytest.raises(NetworkError, match="read timeout") as info:
            await http.send("GET", server.url, H)
        assert info.value.request_sent
        await http.aclose()


async def test_slow_upload_does_not_eat_into_the_read_timeout() -> None:
    async def trickle() -> AsyncIterator[bytes]:
        for _ in range(4):
            await asyncio.sleep(0.04)
            yield b"part"

    async with RawServer() as server:
        http = aio(timeout=0.1)
        response_ = await http.send("PUT", server.url, H, trickle())  # 0.16 s to send
        assert response_.status_code == 200
        await http.aclose()
    assert server.requests[0].body == b"part" * 4


async def test_stale_idle_connection_is_replaced() -> None:
    async def once_then_close(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(response(200, b"ok"))
        await writer.drain()
        writer.close()  # keep-alive promised, then dropped while idle

    async with RawServer(once_then_close) as server:
        http = aio()
        assert (await http.send("POST", server.url, H, b"1")).content == b"ok"
        await asyncio.sleep(0.01)  # the close reaches the client while the connection idles
        assert (await http.send("POST", server.url, H, b"2")).content == b"ok"
        await http.aclose()
    assert server.connections == 2


async def test_closed_peer_detected_before_the_loop_notices() -> None:
    # The peer's FIN is in the socket, but the loop has not run the read callback yet:
    # the pool's readability check still refuses the connection.
    async with RawServer() as server:
        http = aio()
        await http.send("GET", server.url, H)
        pool = http._pool
        assert pool is not None
        (conn,) = pool._idle[("http", "127.0.0.1", server.port)]
        assert conn.transport is not None
        conn.transport.pause_reading()  # the loop will not look at this socket
        for writer in server.writers:
            writer.transport.abort()
        await asyncio.sleep(0.02)
        assert not conn.closed
        assert (await http.send("GET", server.url, H)).status_code == 200
        await http.aclose()
    assert server.connections == 2


async def test_expired_idle_connection_is_not_reused() -> None:
    async with RawServer() as server:
        http = aio(keepalive_expiry=0.01)
        await http.send("GET", server.url, H)
        await asyncio.sleep(0.03)
        await http.send("GET", server.url, H)
        await http.aclose()
    assert server.connections == 2


# -- the pool ------------------------------------------------------------------------------


def gated(server: RawServer) -> asyncio.Event:
    return server.state.setdefault("gate", asyncio.Event())  # type: ignore[no-any-return]


async def wait_for_gate(server: RawServer, reader: Any, writer: Any) -> None:
    while (request := await read_request(reader)) is not None:
        server.requests.append(request)
        await gated(server).wait()
        writer.write(response(200, b"late"))
        await writer.drain()


async def test_pool_never_exceeds_max_connections() -> None:
    async with RawServer(wait_for_gate) as server:
        http = aio(max_connections=2, max_keepalive_connections=2)
        tasks = [asyncio.ensure_future(http.send("GET", server.url, H)) for _ in range(6)]
        await asyncio.sleep(0.05)
        assert server.open_connections == 2
        gated(server).set()
        results = await asyncio.gather(*tasks)
        assert [r.content for r in results] == [b"late"] * 6
        assert server.max_open == 2
        assert server.connections == 2  # waiters were handed the pooled connections
        await http.aclose()


async def test_pool_timeout_was_not_sent() -> None:
    async with RawServer(wait_for_gate) as server:
        http = aio(max_connections=1, pool_timeout=0.05)
        first = asyncio.ensure_future(http.send("GET", server.url, H))
        await asyncio.sleep(0.01)
        with pytest.raises(NetworkError, match="pool timeout") as info:
            await http.send("POST", server.url, H, b"x")
        assert not info.value.request_sent
        gated(server).set()
        assert (await first).content == b"late"
        assert len(server.requests) == 1
        await http.aclose()


async def test_idle_connections_of_other_origins_make_room() -> None:
    async with RawServer() as a, RawServer() as b:
        http = aio(max_connections=1, max_keepalive_connections=1)
        await http.send("GET", a.url, H)
        await http.send("GET", b.url, H)  # closes a's idle connection for room
        await http.send("GET", a.url, H)
        await http.aclose()
    assert (a.connections, b.connections) == (2, 1)


async def test_cancelled_request_never_returns_a_half_read_connection() -> None:
    async def half(server: RawServer, reader: Any, writer: Any) -> None:
        while (request := await read_request(reader)) is not None:
            if request.target == "/slow":
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            else:
                writer.write(response(200, b"fine"))
            await writer.drain()

    async with RawServer(half) as server:
        http = aio(max_connections=1)
        task = asyncio.ensure_future(http.send("GET", f"{server.url}/slow", H))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert http._pool is not None
        assert http._pool.total == 0
        assert (await http.send("GET", f"{server.url}/fast", H)).content == b"fine"
        await http.aclose()
    assert server.connections == 2


async def test_cancelled_waiter_gives_its_turn_back() -> None:
    async with RawServer(wait_for_gate) as server:
        http = aio(max_connections=1)
        first = asyncio.ensure_future(http.send("GET", server.url, H))
        await asyncio.sleep(0.01)
        waiting = asyncio.ensure_future(http.send("GET", server.url, H))
        await asyncio.sleep(0.01)
        waiting.cancel()
        gated(server).set()
        await first
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert (await http.send("GET", server.url, H)).content == b"late"
        await http.aclose()
    assert server.connections == 1


async def test_closed_transport_refuses_requests() -> None:
    http = aio()
    await http.aclose()
    with pytest.raises(UsageError, match="closed"):
        await http.send("GET", "http://127.0.0.1:1/", H)


# -- streaming ---------------------------------------------------------------------------------

MB = 1024 * 1024


async def test_large_download_streams_with_bounded_buffering() -> None:
    size = 24 * MB
    block = bytes(range(256)) * 256  # 64 KiB

    async def big(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
        for _ in range(size // len(block)):
            writer.write(block)
            await writer.drain()
        await reader.read()

    async with RawServer(big) as server:
        http = aio()
        received = 0
        most_buffered = 0
        largest = 0
        paused = False
        async with http.stream("GET", server.url, H) as streamed:
            assert streamed.status_code == 200
            async for chunk in streamed.aiter_bytes():
                received += len(chunk)
                largest = max(largest, len(chunk))
                conn = streamed._conn  # type: ignore[attr-defined]
                most_buffered = max(most_buffered, conn._buffered)
                paused = paused or conn._read_paused
                if received % (4 * MB) < len(chunk):
                    await asyncio.sleep(0.005)  # a slow consumer
        assert received == size
        assert paused  # the slow consumer held the socket back
        assert most_buffered <= aio_backend.HIGH_WATER + 256 * 1024
        assert largest <= 256 * 1024
        assert http._pool is not None
        assert http._pool.idle_count == 1  # read to the end: kept for reuse
        await http.aclose()


async def test_large_upload_streams_with_flow_control() -> None:
    size = 24 * MB

    async def slow_reader(server: RawServer, reader: Any, writer: Any) -> None:
        request = await read_request(reader, body=False)
        assert request is not None
        server.requests.append(request)
        got = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            n = int(line, 16)
            if n == 0:
                await reader.readuntil(b"\r\n")
                break
            got += len(await reader.readexactly(n))
            await reader.readexactly(2)
            if got % (2 * MB) < n:
                await asyncio.sleep(0.002)
        writer.write(response(200, str(got).encode()))
        await writer.drain()
        await reader.read()

    most_queued = 0

    async def body(transport: AioTransport) -> AsyncIterator[bytes]:
        nonlocal most_queued
        block = b"u" * (256 * 1024)
        for _ in range(size // len(block)):
            pool = transport._pool
            if pool is not None:
                for conn in pool._all:
                    if conn.transport is not None:
                        queued = conn.transport.get_write_buffer_size()
                        most_queued = max(most_queued, queued)
            yield block

    async with RawServer(slow_reader) as server:
        http = aio()
        r = await http.send("PUT", server.url, H, body(http))
        await http.aclose()
    assert r.content == str(size).encode()
    assert server.requests[0].headers["transfer-encoding"] == "chunked"
    assert most_queued <= 2 * MB


async def test_streamed_body_with_content_length_and_mismatches() -> None:
    async def parts(*chunks: bytes) -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async with RawServer() as server:
        http = aio()
        sized = {**H, "Content-Length": "6"}
        await http.send("POST", server.url, sized, parts(b"abc", b"", b"def"))
        with pytest.raises(UsageError, match="longer"):
            await http.send("POST", server.url, sized, parts(b"abcdefg"))
        with pytest.raises(UsageError, match="shorter"):
            await http.send("POST", server.url, sized, parts(b"ab"))
        with pytest.raises(UsageError, match="must yield bytes"):
            await http.send("POST", server.url, H, parts("text"))  # type: ignore[arg-type]
        await http.aclose()
    assert server.requests[0].body == b"abcdef"
    assert server.requests[0].headers["content-length"] == "6"
    assert "transfer-encoding" not in server.requests[0].headers


async def test_write_timeout_when_the_server_stops_reading() -> None:
    async def deaf(server: RawServer, reader: Any, writer: Any) -> None:
        await asyncio.sleep(10)

    async def endless() -> AsyncIterator[bytes]:
        block = b"z" * (1024 * 1024)
        for _ in range(256):
            yield block

    async with RawServer(deaf) as server:
        http = aio(timeout=0.1)
        with pytest.raises(NetworkError, match="write timeout") as info:
            await http.send("PUT", server.url, H, endless())
        assert info.value.request_sent
        await http.aclose()


async def test_an_early_answer_stops_the_upload() -> None:
    async def refuse(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader, body=False)
        writer.write(response(413, b"too big", [("Connection", "close")]))
        await writer.drain()
        writer.close()

    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(10_000):
            sent += 1
            await asyncio.sleep(0.001)
            yield b"x" * 65536

    async with RawServer(refuse) as server:
        http = aio()
        r = await http.send("PUT", server.url, H, endless())
        await http.aclose()
    assert r.status_code == 413
    assert sent < 10_000


async def test_stream_aread_aclose_and_partial_reads() -> None:
    replies = (
        response(200, b"x" * 100_000),
        response(200, b"y" * 100_000),
        response(200, b"after"),
    )
    async with RawServer(scripted(*replies)) as server:
        http = aio()
        async with http.stream("GET", server.url, H) as streamed:
            assert await streamed.aread() == b"x" * 100_000
            assert await streamed.aread() == b"x" * 100_000
            assert [c async for c in streamed.aiter_bytes()] == [b"x" * 100_000]
        async with http.stream("GET", server.url, H) as streamed:
            async for _chunk in streamed.aiter_bytes():
                break  # leave most of the body unread: the connection must go
        assert (await http.send("GET", server.url, H)).status_code == 200
        await http.aclose()
    assert server.connections == 2


async def test_a_second_event_loop_gets_fresh_connections() -> None:
    async with RawServer() as server:
        http = aio()
        await http.send("GET", server.url, H)
        old_pool = http._pool

    # The first loop is still running here: a second one cannot share the pool.
    import threading

    outcome: list[BaseException | None] = []

    def elsewhere() -> None:
        async def go() -> None:
            await http.send("GET", "http://127.0.0.1:1/", H)

        try:
            asyncio.run(go())
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert isinstance(outcome[0], UsageError)
    assert http._pool is old_pool
    await http.aclose()
