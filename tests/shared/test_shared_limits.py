"""Limits shared across processes through a real Redis (issue 15).

Each "process" here is a client of its own (its own connection pool and Throttle), on
one real ``redis-server`` started by the test suite; the proof with real worker
processes is in ``test_many_processes.py``. Waits are taken from the answers of the
Lua script (computed on Redis's clock), never slept for real.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, Config, UsageError
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.shared_limits import RedisLimits, default_key
from basecamp_client._core.window import padded
from basecamp_client.testing import FakeBasecamp

from ..core.helpers import UA
from ..core.vclock import VirtualClock
from ..redis_server import RedisServer

_keys = itertools.count()


def new_key() -> str:
    return f"tests:{os.getpid()}:{next(_keys)}"


def limits(server: RedisServer, key: str, *, max_retry_after: float = 120.0) -> RedisLimits:
    return RedisLimits(server.url, key, max_retry_after=max_retry_after)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # redis-py's async client is asyncio-only (trio: see below)


@pytest.mark.anyio
async def test_two_processes_share_one_window(redis_server: RedisServer) -> None:
    key = new_key()
    a, b = limits(redis_server, key), limits(redis_server, key)
    waits = []
    for one in (a, b, a, b, a, b, a):
        answer = await one.acquire(window=(3, 1.0), not_before=0.0, pause=0.0)
        assert answer is not None
        waits.append(answer[0])
    period = 1.0  # the Throttle passes its padded period; here the raw figure
    # 3 now, 3 one period later, 1 two periods later, whoever asks (to the ms, as the
    # calls themselves take a little real time).
    expected = [0, 0, 0, period, period, period, 2 * period]
    assert waits == pytest.approx(expected, abs=0.2)
    await a.aclose()
    await b.aclose()


@pytest.mark.anyio
async def test_a_pause_reaches_the_other_processes_capped(redis_server: RedisServer) -> None:
    key = new_key()
    a = limits(redis_server, key, max_retry_after=60.0)
    b = limits(redis_server, key, max_retry_after=60.0)
    await a.publish_pause(99999.0)  # a poisonous Retry-After: capped at 60 s
    answer = await b.acquire(window=None, not_before=0.0, pause=0.0)
    assert answer is not None
    wait, paused = answer
    assert wait == pytest.approx(60.0, abs=0.2)
    assert paused == pytest.approx(60.0, abs=0.2)
    # A process that accepts less never waits longer than it accepts.
    c = limits(redis_server, key, max_retry_after=5.0)
    answer = await c.acquire(window=(10, 2.0), not_before=0.0, pause=0.0)
    assert answer is not None
    assert answer[0] == pytest.approx(5.0, abs=0.2)
    for one in (a, b, c):
        await one.aclose()


@pytest.mark.anyio
async def test_the_window_resumes_after_the_pause_paced(redis_server: RedisServer) -> None:
    key = new_key()
    a, b = limits(redis_server, key), limits(redis_server, key)
    answer = await a.acquire(window=(2, 1.0), not_before=0.0, pause=3.0)
    assert answer is not None
    starts = [answer[0]]
    for one in (b, a, b):
        answer = await one.acquire(window=(2, 1.0), not_before=0.0, pause=0.0)
        assert answer is not None
        starts.append(answer[0])
    # Two at the pause's end, then two one period later: not all four at once.
    assert starts == pytest.approx([3.0, 3.0, 4.0, 4.0], abs=0.2)
    await a.aclose()
    await b.aclose()


@pytest.mark.anyio
async def test_pauses_are_announced_to_listening_processes(redis_server: RedisServer) -> None:
    key = new_key()
    a, b = limits(redis_server, key), limits(redis_server, key)
    heard: list[float] = []
    b.listen(heard.append)
    await b.acquire(window=None, not_before=0.0, pause=0.0)  # starts b's listener
    with anyio.fail_after(5):
        while True:  # the subscription is made in the background
            await a.publish_pause(4.0)
            if heard:
                break
            await anyio.sleep(0.01)
    assert heard[0] == pytest.approx(4.0, abs=0.2)
    await a.aclose()
    await b.aclose()


def fake_client(
    fake: FakeBasecamp, key: str, server_url: str, clock: Any = None, **settings: Any
) -> AsyncBasecamp:
    return AsyncBasecamp(
        access_token="any",
        user_agent=UA,
        transport=fake.transport(),
        clock=clock or FakeClock(),
        random=lambda: 0.0,
        shared_limits=server_url,
        shared_limits_key=key,
        **settings,
    )


class RealPlusVirtual(VirtualClock):
    """Real time plus skipped waits. Redis's clock runs in real time, so the clients and
    the fake must see real time pass too; the waits themselves are skipped the way
    :class:`VirtualClock` skips them (all sleepers asleep: jump to the earliest)."""

    def __init__(self) -> None:
        super().__init__()
        self._real0 = time.monotonic()

    def now(self) -> float:
        return self._now + time.monotonic() - self._real0

    monotonic = now

    def time(self) -> float:
        return 1_767_225_600.0 + self.now()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        event = anyio.Event()
        heapq.heappush(self._sleepers, (self.now() + seconds, next(self._seq), event))
        self._maybe_advance()
        await event.wait()

    def _maybe_advance(self) -> None:
        sleepers = self._sleepers
        if not sleepers or len(sleepers) < self._active:
            return
        self._now += max(sleepers[0][0] - self.now(), 0.0)
        now = self.now()
        while sleepers and sleepers[0][0] <= now:
            heapq.heappop(sleepers)[2].set()


@pytest.mark.anyio
async def test_clients_share_the_window_end_to_end(redis_server: RedisServer) -> None:
    # Two clients ("processes") with rate_limit=(10, 2) each and one shared window, ten
    # concurrent GETs each: the fake (10 per 2 s) never answers 429, and the second
    # client's burst goes one period after the first's. Waits are skipped, not slept.
    clock = RealPlusVirtual()
    fake = FakeBasecamp(clock=clock)  # type: ignore[arg-type]
    fake.faults.rate_limit(10, per=2.0)
    project = fake.add_project("Shared")
    key = new_key()
    one = fake_client(fake, key, redis_server.url, clock, rate_limit=(10, 2.0))
    two = fake_client(fake, key, redis_server.url, clock, rate_limit=(10, 2.0))
    async with one, two:
        for client in (one, two):
            account = client.for_account(fake.account_id)
            await clock.run(
                [lambda a=account: a.projects.get(project_id=project) for _ in range(10)]
            )
    statuses = [r.status for r in fake.requests]
    assert statuses.count(429) == 0
    assert len(statuses) == 20
    times = [r.at for r in fake.requests]
    assert max(times[:10]) - times[0] < 0.5
    assert min(times[10:]) - times[0] == pytest.approx(padded(2.0), abs=0.05)


@pytest.mark.anyio
async def test_redis_killed_mid_run_falls_back_and_warns_once(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeBasecamp()
    project = fake.add_project("Fallback")
    client = fake_client(fake, new_key(), own_redis.url, rate_limit=(1000, 1.0))
    link = client._core.throttle._shared.link  # type: ignore[union-attr]
    account = client.for_account(fake.account_id)
    caplog.set_level(logging.WARNING, logger="basecamp_client")
    async with client:
        for _ in range(5):
            await account.projects.get(project_id=project)
        assert link.available
        own_redis.kill()
        for _ in range(20):  # every call completes, on the per-process limits
            await account.projects.get(project_id=project)
        assert not link.available
        warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(warnings) == 1
        assert "each process uses its own limits" in warnings[0].getMessage()
        # Redis comes back: the next try (here at once) shares again.
        own_redis.start()
        link.retry_interval = 0.0
        link._down_until = 0.0
        await account.projects.get(project_id=project)
        assert link.available
        assert not link._down
        assert any("answers again" in r.getMessage() for r in caplog.records)
    assert len(fake.requests) == 26


class Silent:
    """A TCP server that accepts connections and never answers (a hung Redis)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


@pytest.mark.anyio
async def test_a_hung_redis_costs_one_short_timeout_then_is_left_alone(
    silent: Silent, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeBasecamp()
    project = fake.add_project("Hung")
    client = fake_client(fake, new_key(), f"redis://127.0.0.1:{silent.port}/0")
    link = client._core.throttle._shared.link  # type: ignore[union-attr]
    link.timeout = 0.1  # the default is 0.5 s; the mechanism is the same
    caplog.set_level(logging.WARNING, logger="basecamp_client")
    async with client:
        with anyio.fail_after(5):
            for _ in range(10):
                await client.for_account(fake.account_id).projects.get(project_id=project)
    assert not link.available
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
    assert len(fake.requests) == 10


@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_under_trio_shared_limits_is_a_usage_error(redis_server: RedisServer) -> None:
    fake = FakeBasecamp()
    project = fake.add_project("Trio")
    async with fake_client(fake, new_key(), redis_server.url) as client:
        with pytest.raises(UsageError, match="trio"):
            await client.for_account(fake.account_id).projects.get(project_id=project)
    assert fake.requests == []


def test_the_sync_client_shares_limits_and_survives_a_fork(redis_server: RedisServer) -> None:
    fake = FakeBasecamp()
    project = fake.add_project("Fork")
    key = new_key()
    with (
        fake.serve(server="stdlib") as served,
        Basecamp(
            access_token="any",
            user_agent=UA,
            base_url=served.base_url,
            shared_limits=redis_server.url,
            shared_limits_key=key,
            rate_limit=(100, 1.0),
        ) as client,
    ):
        account = client.for_account(fake.account_id)
        account.projects.get(project_id=project)  # the parent's Redis pool exists now
        pid = os.fork()
        if pid == 0:  # the child: a fresh loop, a fresh Redis pool, the same window
            code = 1
            try:
                account.projects.get(project_id=project)
                link = client._async._core.throttle._shared.link  # type: ignore[union-attr]
                code = 0 if link.available else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        account.projects.get(project_id=project)  # the parent's pool still works
    window = redis_server.command("LLEN", f"{{{key}}}:window")
    assert window == b":3\r\n"  # three reservations: parent, child, parent


def test_settings_and_environment() -> None:
    config = Config.from_env(
        {
            "BASECAMP_USER_AGENT": UA,
            "BASECAMP_SHARED_LIMITS": "redis://:hunter2@cache.internal:6379/2",
            "BASECAMP_SHARED_LIMITS_KEY": "acme-reports",
            "BASECAMP_RATE_LIMIT": "10/2",
        }
    )
    assert config.shared_limits == "redis://:hunter2@cache.internal:6379/2"
    assert config.shared_limits_key == "acme-reports"
    assert "hunter2" not in repr(config)
    assert "redis://:***@cache.internal:6379/2" in repr(config)
    with pytest.raises(UsageError, match="Redis URL"):
        Config(user_agent=UA, shared_limits="http://localhost:6379")
    with pytest.raises(UsageError, match="shared_limits_key"):
        Config(user_agent=UA, shared_limits_key="has space")
    assert default_key("https://3.basecampapi.com") == "basecamp-client:https://3.basecampapi.com"


def test_missing_redis_py_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(UsageError, match=r"basecamp-client\[redis\]"):
        AsyncBasecamp(access_token="x", user_agent=UA, shared_limits="redis://localhost/0")


def test_nothing_redis_is_imported_unless_used() -> None:
    import subprocess

    code = (
        "import sys; from basecamp_client import AsyncBasecamp, Basecamp;"
        "AsyncBasecamp(access_token='x', user_agent='t (t@example.com)');"
        "Basecamp(access_token='x', user_agent='t (t@example.com)', rate_limit=(5, 1));"
        "print(sorted(m for m in sys.modules if m == 'redis' or m.startswith('redis.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def command_calls(server: RedisServer) -> dict[str, int]:
    info = server.command("INFO", "commandstats").decode()
    calls = {}
    for line in info.splitlines():
        if line.startswith("cmdstat_"):
            name, _, stats = line.partition(":")
            calls[name.removeprefix("cmdstat_")] = int(stats.split(",")[0].split("=")[1])
    return calls


@pytest.mark.anyio
async def test_one_round_trip_per_request(own_redis: RedisServer) -> None:
    fake = FakeBasecamp()
    project = fake.add_project("Round trips")
    async with fake_client(fake, new_key(), own_redis.url, rate_limit=(1000, 1.0)) as client:
        account = client.for_account(fake.account_id)
        await account.projects.get(project_id=project)  # loads the script, subscribes
        before = command_calls(own_redis)
        for _ in range(25):
            await account.projects.get(project_id=project)
        after = command_calls(own_redis)
    used = {
        name: after.get(name, 0) - before.get(name, 0)
        for name in after
        if after.get(name, 0) != before.get(name, 0) and name != "info"
    }
    # The only command sent is the script (what it runs inside Redis is counted too,
    # but costs no round trip).
    inside = {"time", "get", "set", "llen", "lindex", "rpush", "ltrim", "pexpire", "publish", "del"}
    assert set(used) - inside == {"evalsha"}
    assert used["evalsha"] == 25
