"""Client-wide back-pressure: a 429 pauses everyone; token bucket; in-flight cap."""

from __future__ import annotations

import anyio
import httpx
import pytest

from basecamp_client import RateLimitError
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.throttle import Throttle

from .helpers import GET, Recorder, identity, json_response, make_client, session

pytestmark = pytest.mark.anyio


async def test_a_429_pauses_every_task_of_the_client() -> None:
    clock = FakeClock()
    pause_end: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if not pause_end:
            pause_end.append(clock.now() + 10)
            return json_response(429, {}, **{"Retry-After": "10"})
        if clock.now() < pause_end[0]:
            return json_response(429, {}, **{"Retry-After": "10"})
        return json_response(200, {"ok": True})

    server = Recorder(handler, clock)
    results: list[object] = []
    async with make_client(server, clock=clock) as client:
        s = session(client)

        async def one(i: int) -> None:
            results.append(await s.call(GET, path={"id": i}, decode=identity))

        async with anyio.create_task_group() as tg:
            for i in range(50):
                tg.start_soon(one, i)

    assert len(results) == 50
    during_pause = [t for t in server.times if t < pause_end[0]]
    # Only the request that met the 429 reached the server before the pause ended;
    # without the shared pause, all 50 would, and each would get its own 429.
    assert len(during_pause) == 1
    assert server.count == 51
    assert all(t >= pause_end[0] for t in server.times[1:])


async def test_a_pause_longer_than_accepted_fails_other_tasks_fast() -> None:
    clock = FakeClock()
    server = Recorder(lambda r: json_response(429, {}, **{"Retry-After": "600"}), clock)
    async with make_client(server, clock=clock, max_retry_after=60) as client:
        s = session(client)
        with pytest.raises(RateLimitError):
            await s.call(GET, path={"id": 1}, decode=identity)
        # The client is now paused for ~600 s: the next call fails without a request.
        with pytest.raises(RateLimitError) as info:
            await s.call(GET, path={"id": 2}, decode=identity)
    assert server.count == 1
    assert info.value.retry_after == pytest.approx(600)
    assert clock.sleeps == []


async def test_pause_without_retry_after_uses_backoff() -> None:
    clock = FakeClock()
    server = Recorder(lambda r: json_response(429, {}), clock)
    async with make_client(server, clock=clock, max_attempts=2) as client:
        with pytest.raises(RateLimitError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.times[1] - server.times[0] >= 1.0


async def test_token_bucket_paces_requests() -> None:
    clock = FakeClock()
    server = Recorder(lambda r: json_response(200, {}), clock)
    async with make_client(server, clock=clock, rate_limit=(5, 1.0)) as client:
        s = session(client)
        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(lambda i=i: s.call(GET, path={"id": i}, decode=identity))
    start = server.times[0]
    # Never more than 5 + 5/s * elapsed requests by any moment.
    for n, t in enumerate(sorted(server.times), start=1):
        assert n <= 5 + 5 * (t - start) + 1e-9
    assert max(server.times) - start >= 3.0 - 1e-9  # 15 beyond the burst at 5/s


async def test_token_bucket_refills_over_time() -> None:
    clock = FakeClock()
    bucket = Throttle(clock, rate_limit=(2, 1.0))
    await bucket.acquire()
    await bucket.acquire()
    assert clock.sleeps == []
    await bucket.acquire()
    assert clock.sleeps == [pytest.approx(0.5)]
    clock.advance(10)
    for _ in range(2):
        await bucket.acquire()
    assert len(clock.sleeps) == 1  # the bucket refilled (capped at its capacity)


class ConcurrencyProbe:
    """A handler that records how many requests were in flight at once."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await anyio.sleep(0)
        await anyio.sleep(0)
        self.in_flight -= 1
        return json_response(200, {})


async def run_many(probe: ConcurrencyProbe, n: int = 20, **settings: object) -> None:
    async with make_client(probe, **settings) as client:  # type: ignore[arg-type]
        s = session(client)
        async with anyio.create_task_group() as tg:
            for i in range(n):
                tg.start_soon(lambda i=i: s.call(GET, path={"id": i}, decode=identity))


async def test_max_in_flight_caps_concurrency() -> None:
    probe = ConcurrencyProbe()
    await run_many(probe, max_in_flight=3)
    assert probe.peak == 3


async def test_without_cap_requests_do_overlap() -> None:
    probe = ConcurrencyProbe()
    await run_many(probe)
    assert probe.peak > 3
