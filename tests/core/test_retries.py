"""Retries end to end: the client re-sends exactly when the rules allow, on a fake clock."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from basecamp_client import ApiError, NetworkError, NotFoundError, RateLimitError, ValidationError
from basecamp_client._core.clock import FakeClock

from .helpers import (
    CREATE,
    CREATE_IDEMPOTENT,
    DELETE,
    GET,
    GET_FIVE_TRIES,
    UPDATE,
    Recorder,
    identity,
    json_response,
    make_client,
    session,
)

pytestmark = pytest.mark.anyio


def failing_then_ok(*statuses: int, headers: dict[str, str] | None = None) -> Recorder:
    remaining = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        if remaining:
            return json_response(remaining.pop(0), {"error": "nope"}, **(headers or {}))
        return json_response(200, {"ok": True})

    return Recorder(handler)


async def test_get_retries_transient_statuses_with_doubling_backoff() -> None:
    clock = FakeClock()
    server = failing_then_ok(503, 502)
    async with make_client(server, clock=clock) as client:
        result = await session(client).call(GET, path={"id": 1}, decode=identity)
    assert result == {"ok": True}
    assert server.count == 3
    assert clock.sleeps == [1.0, 2.0]


async def test_get_gives_up_after_max_attempts_with_typed_error() -> None:
    clock = FakeClock()
    server = failing_then_ok(500, 500, 500, 500)
    async with make_client(server, clock=clock) as client:
        with pytest.raises(ApiError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 3
    assert info.value.http_status == 500
    assert info.value.attempts == 3
    assert info.value.retryable


async def test_jitter_comes_from_the_injected_randomness() -> None:
    clock = FakeClock()
    server = failing_then_ok(503, 503, 503, 503)
    async with make_client(server, clock=clock, random=lambda: 0.5) as client:
        await session(client).call(GET_FIVE_TRIES, path={"id": 1}, decode=identity)
    assert clock.sleeps == [1.125, 2.25, 4.5, 9.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_non_idempotent_post_is_never_replayed_after_a_5xx(status: int) -> None:
    server = failing_then_ok(status)
    async with make_client(server) as client:
        with pytest.raises(ApiError) as info:
            await session(client).call(CREATE, body={"name": "x"}, decode=identity)
    assert server.count == 1
    assert not info.value.retryable  # the write may have happened
    assert "check before resending" in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_idempotent_post_put_delete_are_replayed_after_a_5xx(status: int) -> None:
    for operation, body in ((CREATE_IDEMPOTENT, {"a": 1}), (UPDATE, {"a": 1}), (DELETE, None)):
        server = failing_then_ok(status)
        async with make_client(server) as client:
            s = session(client)
            if body is None:
                await s.call_empty(operation, path={"id": 1})
            else:
                await s.call(operation, path={"id": 1}, body=body, decode=identity)
        assert server.count == 2, operation.id


async def test_non_idempotent_post_is_retried_on_429() -> None:
    clock = FakeClock()
    server = failing_then_ok(429, headers={"Retry-After": "3"})
    async with make_client(server, clock=clock) as client:
        await session(client).call(CREATE, body={"name": "x"}, decode=identity)
    assert server.count == 2
    assert 3.0 in clock.sleeps
    # The replayed body is identical.
    assert server.requests[0].content == server.requests[1].content


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_not_retried(status: int) -> None:
    server = failing_then_ok(status, status)
    async with make_client(server) as client:
        with pytest.raises(Exception):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 1


async def test_retry_after_seconds_and_http_date_are_honoured() -> None:
    clock = FakeClock()
    when = email.utils.formatdate(clock.time() + 42, usegmt=True)
    server = failing_then_ok(503, 503, headers={"Retry-After": when})
    async with make_client(server, clock=clock) as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    assert clock.sleeps[0] == pytest.approx(42.0, abs=1.0)


async def test_retry_after_beyond_maximum_raises_at_once() -> None:
    clock = FakeClock()
    server = failing_then_ok(429, headers={"Retry-After": "3600"})
    async with make_client(server, clock=clock, max_retry_after=60) as client:
        with pytest.raises(RateLimitError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert info.value.retry_after == 3600
    assert server.count == 1
    assert clock.sleeps == []  # did not sleep for an hour
    assert "max_retry_after" in (info.value.hint or "")


async def test_rate_limit_error_after_exhausting_attempts() -> None:
    server = failing_then_ok(429, 429, 429, headers={"Retry-After": "1"})
    async with make_client(server) as client:
        with pytest.raises(RateLimitError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert info.value.retry_after == 1.0
    assert info.value.retryable
    assert server.count == 3


async def test_config_overrides_operation_metadata() -> None:
    clock = FakeClock()
    server = failing_then_ok(503, 503, 503, 503, 503)
    async with make_client(server, clock=clock, max_attempts=6, base_delay=0.25) as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 6
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0]


async def test_max_attempts_one_disables_retries() -> None:
    server = failing_then_ok(503)
    async with make_client(server, max_attempts=1) as client:
        with pytest.raises(ApiError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 1


def raising(exc: Exception, times: int = 1) -> Recorder:
    state = {"left": times}

    def handler(request: httpx.Request) -> httpx.Response:
        if state["left"]:
            state["left"] -= 1
            raise exc
        return json_response(200, {"ok": True})

    return Recorder(handler)


async def test_connect_errors_are_retried_even_for_non_idempotent_posts() -> None:
    server = raising(httpx.ConnectError("refused"))
    async with make_client(server) as client:
        assert await session(client).call(CREATE, body={"a": 1}, decode=identity) == {"ok": True}
    assert server.count == 2


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed"), httpx.ReadError("x")]
)
async def test_errors_after_sending_are_not_retried_for_non_idempotent_posts(
    exc: Exception,
) -> None:
    server = raising(exc)
    async with make_client(server) as client:
        with pytest.raises(NetworkError) as info:
            await session(client).call(CREATE, body={"a": 1}, decode=identity)
    assert server.count == 1
    assert info.value.request_sent
    assert not info.value.retryable
    assert info.value.operation_id == "CreateThing"


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ReadError("reset")]
)
async def test_network_errors_are_retried_for_reads(exc: Exception) -> None:
    server = raising(exc, times=2)
    async with make_client(server) as client:
        assert await session(client).call(GET, path={"id": 1}, decode=identity) == {"ok": True}
    assert server.count == 3


async def test_network_error_after_all_attempts() -> None:
    server = raising(httpx.ConnectError("refused"), times=10)
    async with make_client(server) as client:
        with pytest.raises(NetworkError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert info.value.attempts == 3
    assert not info.value.request_sent
    assert info.value.code == "network"


async def test_404_and_validation_errors_are_immediate() -> None:
    server = Recorder(lambda r: json_response(404, {"error": "gone"}))
    async with make_client(server) as client:
        with pytest.raises(NotFoundError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 1
    server = Recorder(lambda r: json_response(422, {"name": ["can't be blank"]}))
    async with make_client(server) as client:
        with pytest.raises(ValidationError):
            await session(client).call(CREATE, body={"name": ""}, decode=identity)
    assert server.count == 1


async def test_a_quota_429_is_not_retried_but_a_rate_limit_is() -> None:
    # embeds.create leaves 429 out of its retryOn: more than 100 new embeds an hour answer
    # 429 without Retry-After for the rest of the hour, which no retry can outwait.
    def embeds(*statuses: int, **headers: str) -> Recorder:
        remaining = list(statuses)

        def handler(request: httpx.Request) -> httpx.Response:
            if remaining:
                return json_response(remaining.pop(0), {"error": "slow down"}, **headers)
            embed = {"sgid": "s", "url": "https://example.com/v", "status": "pending"}
            return json_response(200, embed)

        return Recorder(handler)

    clock = FakeClock()
    quota = embeds(429)
    async with make_client(quota, clock=clock) as client:
        with pytest.raises(RateLimitError) as info:
            await client.for_account(99).embeds.create(url="https://example.com/v")
        # Other requests are not held back: the quota is this operation's alone.
        assert client._core.throttle.pause_until == 0
    assert quota.count == 1
    assert clock.sleeps == []
    assert not info.value.retryable
    assert "quota" in str(info.value.hint)
    limited = embeds(429, **{"Retry-After": "3"})
    async with make_client(limited, clock=clock) as client:
        embed = await client.for_account(99).embeds.create(url="https://example.com/v")
    assert embed.status == "pending"
    assert limited.count == 2
    assert clock.sleeps == [3.0]
