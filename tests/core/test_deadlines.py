"""Issue 12, item 3: a body that trickles in cannot hold a call open. Each attempt has a
limit on its total time (``Config.attempt_timeout``), and ``deadline`` bounds a whole
call — attempts, backoff, pauses and token refreshes — client-wide or per call.

Time is a FakeClock throughout: a "slow" server moves virtual time, the client's limits
strike when virtual time passes them, and no test waits for real."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from basecamp_client import (
    ApiError,
    AsyncBasecamp,
    Basecamp,
    Config,
    Hooks,
    NetworkError,
    OperationEnd,
    RateLimitError,
    UsageError,
)
from basecamp_client._core import UNSET
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.config import ATTEMPT_TIMEOUT_FACTOR

from .helpers import UA
from .rawserver import ThreadServer, read_head

pytestmark = pytest.mark.anyio

PROJECT = json.dumps({"id": 1, "name": "P"}).encode()


# -- settings -------------------------------------------------------------------------------


def test_attempt_timeout_is_a_small_multiple_of_timeout() -> None:
    assert ATTEMPT_TIMEOUT_FACTOR == 3
    assert Config(user_agent=UA).attempt_timeout == 90.0  # 3 x 30 s
    assert Config(user_agent=UA, timeout=3, connect_timeout=1).attempt_timeout == 9.0
    # never less than a connect and a read
    assert Config(user_agent=UA, timeout=1, connect_timeout=10).attempt_timeout == 11.0


@pytest.mark.parametrize("bad", [0, -1, True, "5", float("nan"), float("inf")])
def test_deadline_must_be_positive_seconds(bad: Any) -> None:
    with pytest.raises(UsageError, match="deadline must be a positive number"):
        Config(user_agent=UA, deadline=bad)
    client = AsyncBasecamp(access_token="t", user_agent=UA)
    with pytest.raises(UsageError, match="deadline must be a positive number"):
        client.for_account(1).with_options(deadline=bad)


def test_deadline_from_settings_and_environment() -> None:
    assert Config(user_agent=UA).deadline is None
    assert Config(user_agent=UA, deadline=20).deadline == 20.0
    env = {"BASECAMP_USER_AGENT": UA, "BASECAMP_DEADLINE": "12.5"}
    assert Config.from_env(env).deadline == 12.5
    with pytest.raises(UsageError, match="BASECAMP_DEADLINE must be a number"):
        Config.from_env({**env, "BASECAMP_DEADLINE": "soon"})
    with pytest.raises(UsageError, match="deadline must be a positive"):
        Config.from_env({**env, "BASECAMP_DEADLINE": "-1"})


def test_with_options_returns_a_view_of_the_same_type() -> None:
    client = AsyncBasecamp(access_token="t", user_agent=UA, deadline=30)
    account = client.for_account(7)
    fast = account.with_options(deadline=2)
    assert type(fast) is type(account)
    assert fast.account_id == 7
    assert fast._session.deadline == 2.0
    assert account._session.deadline is UNSET  # the original is unchanged: the client's
    assert fast.with_options()._session.deadline == 2.0  # nothing given: kept
    assert fast.with_options(deadline=None)._session.deadline is None
    with Basecamp(access_token="t", user_agent=UA) as sync:
        view = sync.for_account(7).with_options(deadline=3)
        assert type(view).__name__ == "SyncAccount"
        assert view._async._session.deadline == 3.0


# -- a raw socket that trickles its answer, one byte per virtual second --------------------


class Trickle:
    """A ThreadServer handler: sends a response head announcing ``length`` bytes at once,
    then one byte each time the test's driver allows it (a "virtual second")."""

    def __init__(self, length: int = 1000) -> None:
        self.length = length
        self.tick = threading.Semaphore(0)
        self.sent = threading.Semaphore(0)
        self.bytes_sent = 0
        self.requests = 0

    def __call__(self, server: ThreadServer, conn: socket.socket) -> None:
        if read_head(conn) is None:
            return
        self.requests += 1
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {self.length}\r\n\r\n"
        conn.sendall(head.encode())
        for _ in range(self.length):
            while not self.tick.acquire(timeout=0.05):
                if server.stopping.is_set():
                    return
            try:
                conn.sendall(b" ")
            except OSError:
                self.tick.release()  # the client hung up: the byte is for the next attempt
                return
            self.bytes_sent += 1
            self.sent.release()

    async def drive(self, clock: FakeClock) -> None:
        """Let one byte out, wait until it is on the wire, then one virtual second passes."""
        while True:
            self.tick.release()
            while not self.sent.acquire(blocking=False):
                await anyio.sleep(0.001)
            await clock.sleep(1.0)


COMBINATIONS = [("asyncio", "asyncio"), ("asyncio", "httpx"), ("trio", "auto"), ("trio", "httpx")]


@pytest.fixture(params=COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def combination(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(combination: tuple[str, str]) -> str:
    return combination[0]


async def trickled(
    combination: tuple[str, str], *, per_call: float | None = None, **settings: Any
) -> tuple[NetworkError, Trickle, float, FakeClock]:
    clock = FakeClock()
    trickle = Trickle()
    with ThreadServer(trickle) as server:
        async with AsyncBasecamp(
            access_token="t",
            user_agent=UA,
            base_url=server.url,
            http_backend=combination[1],
            clock=clock,
            random=lambda: 0.0,
            **settings,
        ) as bc:
            account = bc.for_account(1)
            if per_call is not None:
                account = account.with_options(deadline=per_call)
            start = clock.now()
            async with anyio.create_task_group() as tg:
                tg.start_soon(trickle.drive, clock)
                with pytest.raises(NetworkError) as info:
                    await account.projects.get(project_id=1)
                tg.cancel_scope.cancel()
            elapsed = clock.now() - start
    return info.value, trickle, elapsed, clock


async def test_a_trickling_body_ends_each_attempt_at_its_limit(
    combination: tuple[str, str],
) -> None:
    # timeout=3 as in the issue: each attempt may last 3 x 3 = 9 s in all.
    error, trickle, elapsed, _ = await trickled(combination, timeout=3, connect_timeout=1)
    assert "no complete answer within 9s, the limit for one attempt" in error.message
    assert error.attempts == 3  # GetProject's own retry budget
    assert trickle.requests == 3
    # 3 attempts of at most 9 s, with backoffs of 1 s and 2 s between them.
    assert elapsed <= 3 * 9 + 1 + 2 + 1
    assert trickle.bytes_sent <= 3 * (9 + 1)
    assert error.retryable


async def test_a_deadline_ends_a_trickling_call_within_the_bound(
    combination: tuple[str, str],
) -> None:
    error, trickle, elapsed, _ = await trickled(combination, timeout=3, deadline=5)
    assert error.message == "GetProject: no result within the call's deadline of 5s"
    assert "deadline=" in (error.hint or "")
    assert elapsed <= 5 + 1  # one virtual second per byte: the limit strikes at 5
    assert trickle.requests == 1
    assert error.attempts == 1
    assert error.request_sent


async def test_a_per_call_deadline_overrides_the_clients(combination: tuple[str, str]) -> None:
    error, _, elapsed, _ = await trickled(combination, timeout=60, deadline=300, per_call=4)
    assert "deadline of 4s" in error.message
    assert elapsed <= 4 + 1


# -- slow answers in virtual time (httpx MockTransport) ------------------------------------


def slow(clock: FakeClock, seconds: float, answer: httpx.Response | None = None) -> Any:
    """A handler that takes ``seconds`` of virtual time before it answers."""

    async def handle(request: httpx.Request) -> httpx.Response:
        handle.count += 1  # type: ignore[attr-defined]
        await clock.sleep(seconds)
        await anyio.sleep(0)  # a checkpoint, as a real socket read would be
        return answer if answer is not None else httpx.Response(200, content=PROJECT)

    handle.count = 0  # type: ignore[attr-defined]
    return handle


def mock_client(handler: Any, clock: FakeClock, **settings: Any) -> AsyncBasecamp:
    return AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        transport=httpx.MockTransport(handler),
        clock=clock,
        random=lambda: 0.0,
        **settings,
    )


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_slow_answer_within_the_limits_is_fine(anyio_backend: str) -> None:
    clock = FakeClock()
    handler = slow(clock, 80)
    async with mock_client(handler, clock) as bc:  # 90 s per attempt by default
        project = await bc.for_account(1).projects.get(project_id=1)
    assert project.id == 1
    assert handler.count == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_deadline_none_per_call_lifts_the_clients(anyio_backend: str) -> None:
    clock = FakeClock()
    handler = slow(clock, 100)
    async with mock_client(handler, clock, timeout=60, deadline=5) as bc:
        account = bc.for_account(1)
        with pytest.raises(NetworkError, match="deadline of 5s"):
            await account.projects.get(project_id=1)
        project = await account.with_options(deadline=None).projects.get(project_id=1)
    assert project.id == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_write_cut_by_the_attempt_limit_is_not_replayed(anyio_backend: str) -> None:
    clock = FakeClock()
    handler = slow(clock, 100, httpx.Response(201, json={"id": 9, "content": "x"}))
    async with mock_client(handler, clock, timeout=10) as bc:
        with pytest.raises(NetworkError) as info:
            await bc.for_account(1).todos.create(todolist_id=1, content="x")
    assert handler.count == 1
    assert "limit for one attempt" in info.value.message
    assert info.value.retryable is False
    assert "may have been processed" in (info.value.hint or "")


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_write_cut_by_the_deadline_says_it_may_have_arrived(anyio_backend: str) -> None:
    clock = FakeClock()
    handler = slow(clock, 100, httpx.Response(201, json={"id": 9, "content": "x"}))
    async with mock_client(handler, clock, deadline=5) as bc:
        with pytest.raises(NetworkError, match="deadline of 5s") as info:
            await bc.for_account(1).todos.create(todolist_id=1, content="x")
    assert info.value.retryable is False
    assert "may have been processed" in (info.value.hint or "")


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_deadline_covers_retries_and_backoff(anyio_backend: str) -> None:
    clock = FakeClock()
    calls: list[float] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now())
        return httpx.Response(503, json={"error": "busy"})

    async with mock_client(unavailable, clock, max_attempts=10, deadline=5) as bc:
        start = clock.now()
        with pytest.raises(ApiError) as info:
            await bc.for_account(1).projects.get(project_id=1)
    # attempts at 0, 1 and 3 s; the next (after 4 s more) would start past 5 s
    assert [t - start for t in calls] == [0.0, 1.0, 3.0]
    assert clock.now() - start == 3.0  # no pointless sleep before giving up
    assert info.value.http_status == 503
    assert "would start after the call's deadline of 5s" in (info.value.hint or "")


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_deadline_covers_a_retry_after(anyio_backend: str) -> None:
    clock = FakeClock()
    limited = Recorder429()
    async with mock_client(limited, clock, deadline=5) as bc:
        with pytest.raises(RateLimitError) as info:
            await bc.for_account(1).projects.get(project_id=1)
    assert limited.count == 1
    assert "deadline of 5s" in (info.value.hint or "")


class Recorder429:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        return httpx.Response(429, headers={"Retry-After": "10"})


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_deadline_covers_a_slow_token_refresh(anyio_backend: str) -> None:
    clock = FakeClock()

    class SlowProvider:
        async def get_token(self) -> str:
            await clock.sleep(60)
            await anyio.sleep(0)
            return "late-token"

        async def refresh(self) -> bool:
            return False

    requests: list[httpx.Request] = []
    async with AsyncBasecamp(
        token_provider=SlowProvider(),
        user_agent=UA,
        transport=httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(200)),
        clock=clock,
        deadline=5,
    ) as bc:
        with pytest.raises(NetworkError, match="deadline of 5s") as info:
            await bc.for_account(1).projects.get(project_id=1)
    assert requests == []
    assert info.value.request_sent is False
    assert info.value.retryable


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_deadline_bounds_each_page_of_a_list(anyio_backend: str) -> None:
    clock = FakeClock()
    base = "https://3.basecampapi.com/1/projects.json"

    async def pages(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        await clock.sleep(3)  # every page takes 3 s: 4 pages take 12, each within 5
        await anyio.sleep(0)
        headers = {"Link": f'<{base}?page={page + 1}>; rel="next"'} if page < 4 else {}
        return httpx.Response(200, json=[{"id": page, "name": "P"}], headers=headers)

    async with mock_client(pages, clock, deadline=5) as bc:
        projects = await bc.for_account(1).projects.list()
    assert [p.id for p in projects] == [1, 2, 3, 4]


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_deadline_error_reaches_the_operation_hooks(anyio_backend: str) -> None:
    clock = FakeClock()
    ends: list[OperationEnd] = []
    async with mock_client(
        slow(clock, 100), clock, deadline=5, hooks=Hooks(on_operation_end=ends.append)
    ) as bc:
        with pytest.raises(NetworkError):
            await bc.for_account(1).projects.get(project_id=1)
    assert len(ends) == 1
    assert isinstance(ends[0].error, NetworkError)


def test_the_sync_client_carries_the_per_call_deadline() -> None:
    clock = FakeClock()
    with Basecamp(
        access_token="t",
        user_agent=UA,
        transport=httpx.MockTransport(slow(clock, 100)),
        clock=clock,
        timeout=60,
    ) as bc:
        account = bc.for_account(1)
        with pytest.raises(NetworkError, match="deadline of 3s"):
            account.with_options(deadline=3).projects.get(project_id=1)
        assert account.projects.get(project_id=1).id == 1  # no deadline on the original


# -- uploads and downloads ------------------------------------------------------------------


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_an_uploads_attempt_limit_starts_once_its_body_is_sent(anyio_backend: str) -> None:
    clock = FakeClock()

    async def slow_source() -> AsyncIterator[bytes]:
        for _ in range(10):
            await clock.sleep(20)  # 200 s to produce the body: longer than the 30 s limit
            yield b"x" * 100

    answers = iter([0.0, 100.0])

    async def server(request: httpx.Request) -> httpx.Response:
        body = b"".join([chunk async for chunk in request.stream])  # type: ignore[union-attr]
        assert len(body) == 1000
        await clock.sleep(next(answers))  # then the answer: at once, or 100 s late
        await anyio.sleep(0)
        return httpx.Response(200, json={"id": 1, "attachable_sgid": "s", "filename": "f"})

    async with mock_client(server, clock, timeout=10) as bc:  # 30 s per attempt
        attachments = bc.for_account(1).attachments
        attachment = await attachments.upload(slow_source(), name="f.bin", size=1000)
        assert attachment.attachable_sgid == "s"
        with pytest.raises(NetworkError, match="limit for one attempt"):
            await attachments.upload(b"x" * 1000, name="f.bin")


class SlowChunks(httpx.AsyncByteStream):
    def __init__(self, clock: FakeClock, chunks: int, every: float) -> None:
        self.clock, self.chunks, self.every = clock, chunks, every

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            await self.clock.sleep(self.every)
            await anyio.sleep(0)
            yield b"d" * 1000


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_long_download_body_is_bounded_only_by_a_deadline(anyio_backend: str) -> None:
    clock = FakeClock()
    url = "https://3.basecampapi.com/1/blobs/k/download/f.bin"

    def serve(request: httpx.Request) -> httpx.Response:
        # 50 chunks, 10 s apart: 500 s for the body, far beyond the 90 s attempt limit
        return httpx.Response(200, stream=SlowChunks(clock, 50, 10.0))

    async with mock_client(serve, clock) as bc:
        data = await bc.for_account(1).downloads.read(url)
        assert len(data) == 50_000
        start = clock.now()
        with pytest.raises(NetworkError, match="deadline of 60s") as info:
            await bc.for_account(1).with_options(deadline=60).downloads.read(url)
        assert clock.now() - start <= 60 + 10
    assert "bytes of the file" in info.value.message


# -- Launchpad: a trickling token endpoint cannot hold a refresh ---------------------------


def trickle_in_real_time(server: ThreadServer, conn: socket.socket) -> None:
    """One byte every 20 ms, forever: each read is quick, the whole never ends."""
    if read_head(conn) is None:
        return
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\n")
    while not server.stopping.wait(0.02):
        conn.sendall(b" ")


async def test_a_trickling_launchpad_ends_the_refresh(combination: tuple[str, str]) -> None:
    from basecamp_client.oauth import LaunchpadClient
    from basecamp_client.oauth.flow import LaunchpadEndpoints

    with ThreadServer(trickle_in_real_time) as server:
        # timeout=0.25: each wait 0.25 s, the whole exchange 3 x 0.25 = 0.75 s (real time).
        launchpad = LaunchpadClient(
            client_id="id",
            client_secret="secret-value",
            redirect_uri="http://localhost:8765/callback",
            endpoints=LaunchpadEndpoints.at(server.url),
            timeout=0.25,
        )
        with pytest.raises(NetworkError, match=r"token refresh took longer than 0.75s"):
            await launchpad.refresh("refresh-token-value")
