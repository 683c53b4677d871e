"""What every backend promises beyond single responses: pools, timeouts, cancellation,
writes never sent twice, the response size cap in bounded memory, event loops."""

from __future__ import annotations

import asyncio
import gc
import threading
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from basecamp_client import (
    AsyncBasecamp,
    Basecamp,
    Config,
    NetworkError,
    ResponseTooLargeError,
    UsageError,
)
from basecamp_client._core.clock import FakeClock

from .conftest import H, make_transport
from .wire import Close, Hang, Reset, Script, Stall, WireServer, response

pytestmark = pytest.mark.anyio

UA = "tests (t@example.com)"
TODO = b'{"id": 9, "content": "made"}'
MiB = 1024 * 1024


# -- connections --------------------------------------------------------------------------


async def test_keep_alive_reuses_one_connection(backend: str, wire: WireServer) -> None:
    wire.script("*", Script([response(200, b"ok")]))
    http = make_transport(backend)
    for i in range(5):
        assert (await http.send("GET", f"{wire.url}/a?n={i}", H)).content == b"ok"
    await http.aclose()
    assert wire.connections == 1
    assert wire.seen[0].headers["host"] == f"127.0.0.1:{wire.port}"


async def test_request_targets_go_out_as_given(backend: str, wire: WireServer) -> None:
    # A pre-signed storage URL must not be re-encoded: escapes are kept as they are.
    # Characters that cannot appear in a request line are percent-encoded.
    wire.script("*", Script([response(200, b"ok")]))
    http = make_transport(backend)
    await http.send("GET", f"{wire.url}/a%41/b?x=%41%2f&y=a+b&sig=Zm9v%3D", H)
    await http.send("GET", f"{wire.url}/c d/é?q=ü v", H)
    await http.aclose()
    assert [s.target for s in wire.seen] == [
        "/a%41/b?x=%41%2f&y=a+b&sig=Zm9v%3D",
        "/c%20d/%C3%A9?q=%C3%BC%20v",
    ]


@pytest.mark.parametrize(
    ("url", "headers", "message"),
    [
        ("/x", {"X-Token": "a\r\nX-Evil: 1"}, "cannot be sent"),
        ("/x", {"X-Token": "a\x00b"}, "cannot be sent"),
        ("/x", {"X-Name": "café"}, "cannot be sent"),
        ("/x", {"Bad Name": "v"}, "header name"),
        ("ftp://example.test/x", {}, "only http:// and https://"),
        ("http://", {}, "invalid request URL"),
        ("http://a b/x", {}, "invalid request URL"),
        ("http://example.test:99999/x", {}, "invalid request URL"),
    ],
)
async def test_requests_no_backend_can_send_are_usage_errors(
    backend: str, wire: WireServer, url: str, headers: dict[str, str], message: str
) -> None:
    http = make_transport(backend)
    target = wire.url + url if url.startswith("/") else url
    with pytest.raises(UsageError, match=message) as info:
        await http.send("GET", target, {**H, **headers})
    await http.aclose()
    assert "Evil" not in str(info.value)  # header values are never quoted
    assert wire.connections == 0


async def test_headers_read_alike(backend: str, wire: WireServer) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nLink: <https://x/2>; rel=next\r\nLINK: <https://x/9>; rel=last\r\n"
        b"X-Latin: caf\xe9\r\nX-Utf8: \xe2\x82\xac\r\nContent-Length: 0\r\n\r\n"
    )
    wire.script("/h", Script([head]))
    http = make_transport(backend)
    got = await http.send("GET", f"{wire.url}/h", H)
    await http.aclose()
    assert got.headers["link"] == "<https://x/2>; rel=next, <https://x/9>; rel=last"
    assert got.headers.get("X-LATIN") == "café"
    assert got.headers.get("x-utf8") == "€"
    assert got.headers.get("x-missing") is None
    assert "x-latin" in got.headers
    assert "content-length" in list(got.headers)


async def test_http10_connections_are_not_reused(backend: str, wire: WireServer) -> None:
    chunked = b"2\r\nok\r\n0\r\n\r\n"
    wire.script(
        "/te",
        Script(
            [
                b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
                + chunked
            ]
        ),
    )
    wire.script(
        "/ka", Script([b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"])
    )
    http = make_transport(backend)
    assert (await http.send("GET", f"{wire.url}/te", H)).content == b"ok"
    assert (await http.send("GET", f"{wire.url}/ka", H)).content == b"ok"
    assert (await http.send("GET", f"{wire.url}/canary", H)).content == b"canary"
    await http.aclose()
    assert wire.connections == 3


async def test_a_broken_reused_connection_is_not_retried_by_the_library(
    backend: str, wire: WireServer
) -> None:
    # The first request leaves a pooled connection; the server closes it as soon as the
    # second request arrived. aiohttp would quietly send that GET again on a new
    # connection: the SDK's retry loop, which counts attempts, decides instead.
    wire.script("/first", Script([response(200, b"ok")]))
    wire.script("/second", Script([Close()]))
    http = make_transport(backend)
    await http.send("GET", f"{wire.url}/first", H)
    with pytest.raises(NetworkError) as info:
        await http.send("GET", f"{wire.url}/second", H)
    await http.aclose()
    assert info.value.request_sent
    assert [s.path for s in wire.seen] == ["/first", "/second"]


async def test_waiting_for_a_free_connection_times_out_unsent(
    backend: str, wire: WireServer
) -> None:
    wire.script("/busy", Script([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", Hang()]))
    http = make_transport(backend, max_connections=1, timeout=0.3, connect_timeout=0.3)
    async with http.stream("GET", f"{wire.url}/busy", H) as held:
        assert held.status_code == 200
        with pytest.raises(NetworkError) as info:
            await http.send("GET", f"{wire.url}/canary", H)
    await http.aclose()
    assert not info.value.request_sent
    assert [s.path for s in wire.seen] == ["/busy"]


async def test_a_cancelled_request_leaves_no_half_read_connection(
    backend: str, wire: WireServer
) -> None:
    wire.script("/slow", Script([b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", Hang()]))
    http = make_transport(backend)
    with anyio.move_on_after(0.2):
        await http.send("GET", f"{wire.url}/slow", H)
    canary = await http.send("GET", f"{wire.url}/canary", H)
    await http.aclose()
    assert canary.content == b"canary"
    assert wire.connections == 2


async def test_a_closed_transport_refuses_requests(backend: str, wire: WireServer) -> None:
    http = make_transport(backend)
    assert (await http.send("GET", f"{wire.url}/canary", H)).status_code == 200
    await http.aclose()
    await http.aclose()  # idempotent
    with pytest.raises(UsageError, match="closed"):
        await http.send("GET", f"{wire.url}/canary", H)


# -- request bodies -------------------------------------------------------------------------


async def _zeros(total: int, step: int = 256 * 1024) -> AsyncIterator[bytes]:
    block = bytes(step)
    for _ in range(total // step):
        yield block


async def test_a_server_that_stops_reading_times_the_upload_out(
    backend: str, wire: WireServer
) -> None:
    wire.script("/upload", Script([Stall()], read_body=False))
    http = make_transport(backend, timeout=0.5)
    size = 256 * MiB
    with pytest.raises(NetworkError, match="timed out sending the request body") as info:
        await http.send(
            "PUT", f"{wire.url}/upload", {**H, "Content-Length": str(size)}, _zeros(size)
        )
    await http.aclose()
    assert info.value.request_sent


async def test_an_early_answer_is_delivered(backend: str, wire: WireServer) -> None:
    wire.script("/upload", Script([response(413, b"too big"), Close()], read_body=False))
    http = make_transport(backend)
    size = 64 * MiB
    got = await http.send(
        "PUT", f"{wire.url}/upload", {**H, "Content-Length": str(size)}, _zeros(size)
    )
    canary = await http.send("GET", f"{wire.url}/canary", H)
    await http.aclose()
    assert (got.status_code, got.content) == (413, b"too big")
    assert canary.content == b"canary"


async def test_a_body_that_breaks_its_content_length_is_a_usage_error(
    backend: str, wire: WireServer
) -> None:
    wire.script("*", Script([response(200, b"ok")]))
    http = make_transport(backend)
    with pytest.raises(UsageError, match="longer than its Content-Length"):
        await http.send(
            "PUT", f"{wire.url}/long", {**H, "Content-Length": "1000"}, _zeros(4096, 2048)
        )
    with pytest.raises(UsageError, match="shorter"):
        await http.send(
            "PUT", f"{wire.url}/short", {**H, "Content-Length": "5000"}, _zeros(4096, 2048)
        )
    assert (await http.send("GET", f"{wire.url}/canary", H)).content == b"canary"
    await http.aclose()


# -- a write is never sent twice ------------------------------------------------------------

# Each server behaviour after reading the whole POST: the create may have happened.
AFTER_THE_REQUEST = {
    "closes": Script([Close()]),
    "resets": Script([Reset()]),
    "answers_half": Script([b'HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{"id"', Close()]),
    "sends_half_a_head": Script([b"HTTP/1.1 201 Cre", Reset()]),
    "hangs": Script([Hang()]),
}


@pytest.mark.parametrize("behaviour", list(AFTER_THE_REQUEST))
async def test_a_create_whose_answer_is_lost_is_sent_once(
    backend: str, wire: WireServer, behaviour: str
) -> None:
    wire.script("*", AFTER_THE_REQUEST[behaviour])
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        base_url=wire.url,
        http_backend=backend,
        timeout=0.5,
        clock=clock,
    ) as bc:
        with pytest.raises(NetworkError) as info:
            await bc.for_account(1).todos.create(todolist_id=3, content="once")
    assert info.value.request_sent
    assert "may have been processed" in str(info.value)
    assert [s.method for s in wire.seen] == ["POST"]
    assert clock.sleeps == []


def test_a_sync_create_whose_answer_is_lost_is_sent_once(wire: WireServer) -> None:
    wire.script("*", AFTER_THE_REQUEST["closes"])
    with (
        Basecamp(access_token="t", user_agent=UA, base_url=wire.url) as bc,
        pytest.raises(NetworkError) as info,
    ):
        bc.for_account(1).todos.create(todolist_id=3, content="once")
    assert info.value.request_sent
    assert [s.method for s in wire.seen] == ["POST"]


async def test_a_create_that_could_not_connect_is_retried(backend: str) -> None:
    with WireServer() as closed:
        url = closed.url  # nothing listens there once the server is gone
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=url, http_backend=backend, clock=clock
    ) as bc:
        with pytest.raises(NetworkError) as info:
            await bc.for_account(1).todos.create(todolist_id=3, content="never arrived")
    assert not info.value.request_sent
    assert info.value.attempts == 3
    assert len(clock.sleeps) == 2


# -- the response size cap ----------------------------------------------------------------

CAP = 4 * MiB


def _bomb(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MiB)
    return b"".join([*(c.compress(block) for _ in range(size // MiB)), c.flush()])


def _endless_chunks() -> Script:
    chunk = b"40000\r\n" + b"x" * 0x40000 + b"\r\n"
    steps: list[Any] = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"]
    steps += [chunk] * 2400  # 600 MiB, unless the client stops reading first
    return Script([*steps, b"0\r\n\r\n"])


SIZE_CASES = {
    "announces_2_gib": Script(
        [b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n" + b"x" * 65536, Hang()]
    ),
    "streams_600_mib_chunked": _endless_chunks(),
    "gzip_bomb_1_gib": Script([response(200, _bomb(1024 * MiB), [("Content-Encoding", "gzip")])]),
}


@pytest.mark.parametrize("case", list(SIZE_CASES))
async def test_a_huge_answer_is_refused_in_bounded_memory(
    backend: str, wire: WireServer, case: str
) -> None:
    wire.script("/huge", SIZE_CASES[case])
    http = make_transport(backend, max_response_bytes=CAP)
    await http.send("GET", f"{wire.url}/canary", H)  # connection and imports warmed up
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError) as info:
            await http.send("GET", f"{wire.url}/huge", H)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (await http.send("GET", f"{wire.url}/canary", H)).content == b"canary"
    await http.aclose()
    assert peak < 2 * CAP + MiB, f"peak {peak / MiB:.1f} MiB with a {CAP / MiB:.0f} MiB cap"
    assert info.value.limit == CAP
    assert info.value.request_sent
    assert not info.value.retryable
    assert info.value.code == "response_too_large"


async def test_the_cap_is_a_client_setting_and_never_retried(
    backend: str, wire: WireServer
) -> None:
    wire.script("*", Script([response(200, b'{"id": 1, "name": "' + b"x" * 5000 + b'"}')]))
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        base_url=wire.url,
        http_backend=backend,
        max_response_bytes=4096,
        clock=clock,
    ) as bc:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes") as info:
            await bc.for_account(1).projects.get(project_id=1)
    assert info.value.operation_id == "GetProject"
    assert info.value.attempts == 1
    assert len(wire.seen) == 1
    assert clock.sleeps == []


def test_the_cap_from_the_environment() -> None:
    env = {"BASECAMP_USER_AGENT": UA, "BASECAMP_MAX_RESPONSE_BYTES": "1048576"}
    assert Config.from_env(env).max_response_bytes == MiB
    assert Config(user_agent=UA).max_response_bytes == 32 * MiB
    with pytest.raises(UsageError, match="BASECAMP_MAX_RESPONSE_BYTES must be a number"):
        Config.from_env({**env, "BASECAMP_MAX_RESPONSE_BYTES": "lots"})
    with pytest.raises(UsageError, match="max_response_bytes must be a positive integer"):
        Config(user_agent=UA, max_response_bytes=0)


# -- event loops (aiohttp sessions belong to one) ------------------------------------------


def test_a_second_asyncio_run_gets_a_fresh_session(wire: WireServer) -> None:
    http = make_transport("aiohttp")

    async def once() -> bytes:
        return (await http.send("GET", f"{wire.url}/canary", H)).content

    assert asyncio.run(once()) == b"canary"
    # The first loop closed its session as it ended: its connection is gone.
    assert wire.wait_open_connections(0)
    assert asyncio.run(once()) == b"canary"
    assert wire.connections == 2
    asyncio.run(http.aclose())


def test_a_loop_closed_without_cleanup_leaves_no_noise(
    wire: WireServer, capfd: pytest.CaptureFixture[str]
) -> None:
    http = make_transport("aiohttp")

    async def once() -> bytes:
        return (await http.send("GET", f"{wire.url}/canary", H)).content

    loop = asyncio.new_event_loop()
    assert loop.run_until_complete(once()) == b"canary"
    loop.close()  # without shutting its async generators down
    assert asyncio.run(once()) == b"canary"
    asyncio.run(http.aclose())
    gc.collect()
    assert "Unclosed" not in capfd.readouterr().err


def test_one_transport_on_two_running_loops_is_refused(wire: WireServer) -> None:
    http = make_transport("aiohttp")
    started, release = threading.Event(), threading.Event()

    async def hold() -> None:
        await http.send("GET", f"{wire.url}/canary", H)
        started.set()
        while not release.is_set():
            await asyncio.sleep(0.01)

    thread = threading.Thread(target=lambda: asyncio.run(hold()))
    thread.start()
    try:
        assert started.wait(5)

        async def other() -> None:
            await http.send("GET", f"{wire.url}/canary", H)

        with pytest.raises(UsageError, match="another running event loop"):
            asyncio.run(other())
    finally:
        release.set()
        thread.join(5)
