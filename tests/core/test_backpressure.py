"""Client-wide back-pressure: a 429 pauses everyone; the rate-limit window; in-flight cap."""

from __future__ import annotations

import anyio
import httpx
import pytest

from basecamp_client import RateLimitError
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.throttle import Throttle
from basecamp_client._core.window import padded

from .helpers import GET, Recorder, identity, json_response, make_client, session
from .vclock import VirtualClock

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


@pytest.mark.parametrize("header", ["99999", "1e308", "Fri, 31 Dec 9999 23:59:59 GMT"])
async def test_a_poisonous_retry_after_pauses_the_client_no_longer_than_accepted(
    header: str,
) -> None:
    # One 429 asking for 27.8 hours (or for ever): that call fails at once (as
    # documented), and the client holds every other call, for every account, for
    # max_retry_after at most.
    clock = FakeClock()
    answers = iter([json_response(429, {}, **{"Retry-After": header})])
    server = Recorder(lambda r: next(answers, json_response(200, {"ok": True})), clock)
    async with make_client(server, clock=clock, max_retry_after=60) as client:
        with pytest.raises(RateLimitError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
        assert clock.sleeps == []
        assert info.value.retry_after is not None
        assert info.value.retry_after >= 99999
        assert "failed at once" in (info.value.hint or "")
        assert "at most 60s" in (info.value.hint or "")
        # Another account's call waits out the capped pause, then is sent.
        result = await session(client, account_id=7).call(GET, path={"id": 2}, decode=identity)
    assert result == {"ok": True}
    assert server.count == 2
    assert server.times[1] - server.times[0] == pytest.approx(60)
    assert client._core.throttle.pause_until == 0.0


@pytest.mark.parametrize(
    "header",
    ["0", "-5", "soon", "1e400", "nan", "Wed, 31 Dec 2025 23:00:00 GMT", "  "],
)
async def test_a_retry_after_that_asks_for_no_wait_falls_back_to_backoff(header: str) -> None:
    clock = FakeClock()
    answers = iter([json_response(429, {}, **{"Retry-After": header})])
    server = Recorder(lambda r: next(answers, json_response(200, {"ok": True})), clock)
    async with make_client(server, clock=clock) as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    # Not retried immediately: the first backoff step (base delay 1 s, no jitter here).
    assert server.times[1] - server.times[0] == pytest.approx(1.0)


async def test_pause_without_retry_after_uses_backoff() -> None:
    clock = FakeClock()
    server = Recorder(lambda r: json_response(429, {}), clock)
    async with make_client(server, clock=clock, max_attempts=2) as client:
        with pytest.raises(RateLimitError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.times[1] - server.times[0] >= 1.0


async def test_rate_limit_paces_requests_in_a_sliding_window() -> None:
    clock = VirtualClock()
    server = Recorder(lambda r: json_response(200, {}), clock)
    async with make_client(server, clock=clock, rate_limit=(5, 1.0)) as client:
        s = session(client)
        await clock.run(
            [lambda i=i: s.call(GET, path={"id": i}, decode=identity) for i in range(20)]
        )
    times = sorted(server.times)
    # Never more than 5 started in any 1 s (plus the margin): four bursts of five.
    for i in range(len(times) - 5):
        assert times[i + 5] - times[i] >= padded(1.0) - 1e-9
    assert times[-1] - times[0] == pytest.approx(3 * padded(1.0))


async def test_rate_limit_window_frees_up_over_time() -> None:
    clock = FakeClock()
    throttle = Throttle(clock, rate_limit=(2, 1.0))
    await throttle.acquire()
    await throttle.acquire()
    assert clock.sleeps == []
    await throttle.acquire()
    assert clock.sleeps == [pytest.approx(padded(1.0))]
    clock.advance(10)
    for _ in range(2):
        await throttle.acquire()
    assert len(clock.sleeps) == 1  # the window moved on: no wait


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
    async with make_client(probe, **settings) as client:
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


class LateClock(FakeClock):
    """A loop that wakes its sleepers late (a starved process)."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + 0.3 if seconds > 0 else seconds)


async def test_a_start_woken_too_late_is_reserved_again() -> None:
    # Waking 0.3 s after its reserved start (more than the 0.1 s margin), a request
    # could land in the next window of the server: the throttle books it again at the
    # time it really starts.
    clock = LateClock()
    throttle = Throttle(clock, rate_limit=(2, 1.0))
    await throttle.acquire()
    await throttle.acquire()
    await throttle.acquire()  # reserved at +1.1, woke at +1.4
    starts = list(throttle._window._starts)  # type: ignore[union-attr]
    assert starts == [pytest.approx(1_001.1), pytest.approx(1_001.4)]
