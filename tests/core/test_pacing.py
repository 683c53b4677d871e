"""Pacing against the server's limit (issue 12, item 6), on virtual time.

The fake Basecamp counts requests in fixed windows (``rate_limit(10, per=2)``: the 11th
request of a window gets 429 with ``Retry-After`` = what is left of it). Forty
concurrent GETs:

* with ``rate_limit=(10, 2.0)`` no request gets a 429: never more than 10 start in any
  2 s (plus the safety margin);
* with default settings the first 10 pass and 30 get 429; the pause then releases the
  30 waiting tasks at the rate the server accepted (10 per pause length), so none of
  them meets another 429 and none of the 40 calls fails.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client._core.window import SlidingWindow, padded
from basecamp_client.testing import FakeBasecamp

from .helpers import UA
from .vclock import VirtualClock

pytestmark = pytest.mark.anyio

CALLS = 40


class Latency(httpx.AsyncBaseTransport):
    """The network between client and fake: every request takes ``seconds`` to arrive,
    so concurrent requests are all in flight before the first answer (in process, the
    fake would otherwise answer each before the next task even starts)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, clock: VirtualClock, seconds: float):
        self.inner = inner
        self.clock = clock
        self.seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.clock.sleep(self.seconds)
        return await self.inner.handle_async_request(request)


LATENCY = 0.05


def fake_limited(clock: VirtualClock) -> FakeBasecamp:
    fake = FakeBasecamp(clock=clock)  # type: ignore[arg-type]
    fake.faults.rate_limit(10, per=2.0)
    return fake


async def forty_gets(fake: FakeBasecamp, clock: VirtualClock, **settings: Any) -> list[Any]:
    async with AsyncBasecamp(
        access_token="any",
        user_agent=UA,
        transport=Latency(fake.transport(), clock, LATENCY),
        clock=clock,
        random=lambda: 0.0,
        **settings,
    ) as client:
        account = client.for_account(fake.account_id)
        project_id = fake.add_project("Pacing")
        return await clock.run(
            [lambda: account.projects.get(project_id=project_id) for _ in range(CALLS)]
        )


def most_in_any_window(times: list[float], period: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + period) for t in times)


async def test_a_rate_limit_equal_to_the_servers_draws_no_429() -> None:
    clock = VirtualClock()
    fake = fake_limited(clock)
    results = await forty_gets(fake, clock, rate_limit=(10, 2.0))
    assert not [r for r in results if isinstance(r, Exception)]
    statuses = [r.status for r in fake.requests]
    assert statuses.count(429) == 0
    assert len(statuses) == CALLS
    times = [r.at for r in fake.requests]
    assert most_in_any_window(times, 2.0) == 10
    # Paced, not slowed down: four windows of 10 (each 2 s plus the 0.2 s margin).
    assert sorted(set(times)) == pytest.approx([times[0] + k * padded(2.0) for k in range(4)])


async def test_default_settings_pace_the_tasks_held_by_a_429() -> None:
    clock = VirtualClock()
    fake = fake_limited(clock)
    results = await forty_gets(fake, clock)
    assert not [r for r in results if isinstance(r, Exception)]
    statuses = [r.status for r in fake.requests]
    # Only the first burst meets the limit: 10 pass, 30 are told to wait 2 s...
    assert statuses.count(429) == 30
    assert len(statuses) - statuses.count(429) == CALLS  # 200s, then 304s (cached)
    assert statuses[:40].count(429) == 30
    # ...and after the pause (2 s from the 429s) the 30 go out 10 per 2 s (+ margin),
    # never 11 in a window.
    first = fake.requests[0].at
    later = [r.at for r in fake.requests[40:]]
    assert sorted(set(later)) == pytest.approx(
        [first + 2.0 + LATENCY + k * padded(2.0) for k in range(3)]
    )
    assert most_in_any_window(later, 2.0) == 10


async def test_before_the_fix_a_token_bucket_would_burst_into_the_window() -> None:
    # The arithmetic the window replaces: after a full bucket of 10, a bucket refilling
    # at 10/2 s lets the 11th request go 0.2 s later, inside the server's window.
    window = SlidingWindow(10, 2.0)
    starts = [window.reserve(0.0) for _ in range(11)]
    assert starts[:10] == [0.0] * 10
    assert starts[10] == 2.0


def test_window_reservations_keep_every_window_at_count() -> None:
    window = SlidingWindow(3, 1.0)
    starts = [window.reserve(t) for t in (0.0, 0.1, 0.2, 0.3, 0.35, 1.05, 5.0)]
    assert starts == [0.0, 0.1, 0.2, 1.0, 1.1, 1.2, 5.0]
    assert most_in_any_window(starts, 1.0) == 3
    assert not window.idle(5.5)
    assert window.idle(6.0)
