"""Issue 12, item 5: a token refresh that fails under load is attempted once; every waiter
gets the same typed error; a later call tries again only after the cool-down."""

from __future__ import annotations

import logging

import anyio
import httpx
import pytest

from basecamp_client import AuthError, BasecampError, NetworkError, Token
from basecamp_client._core.auth import REFRESH_COOLDOWN, OAuthRefreshingProvider
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.single_flight import SingleFlight

from .helpers import GET, Recorder, identity, json_response, make_client, session

pytestmark = pytest.mark.anyio


def bearer(request: httpx.Request) -> str:
    return request.headers.get("authorization", "")


class FailingRefresher:
    """Fails (slowly enough for every other task to queue behind it) until told to
    succeed; counts its calls."""

    def __init__(self, clock: FakeClock, error: Exception) -> None:
        self.clock = clock
        self.error: Exception | None = error
        self.calls = 0

    async def __call__(self, old: Token) -> Token:
        self.calls += 1
        for _ in range(10):
            await anyio.sleep(0)
        if self.error is not None:
            raise self.error
        return Token(access_token=f"token-{self.calls}", expires_at=self.clock.time() + 3600)


def revoked() -> AuthError:
    return AuthError("token refresh refused: invalid_grant", http_status=400)


async def twenty(call: object) -> list[object]:
    outcomes: list[object] = []

    async def one() -> None:
        try:
            outcomes.append(await call())  # type: ignore[operator]
        except BasecampError as exc:
            outcomes.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(one)
    return outcomes


def same_error(outcomes: list[object]) -> BasecampError:
    assert len(outcomes) == 20
    assert all(isinstance(o, AuthError) for o in outcomes), outcomes
    first = outcomes[0]
    assert isinstance(first, AuthError)
    for other in outcomes:
        assert isinstance(other, AuthError)
        assert (type(other), other.code, other.message, other.http_status) == (
            type(first),
            first.code,
            first.message,
            first.http_status,
        )
    return first


async def test_twenty_401s_and_a_failing_refresh_make_one_attempt() -> None:
    clock = FakeClock()
    refresher = FailingRefresher(clock, revoked())
    provider = OAuthRefreshingProvider(
        Token(access_token="token-0", refresh_token="refresh-0"), refresher, clock=clock
    )
    server = Recorder(lambda request: json_response(401, {"error": "expired"}))
    async with make_client(server, token_provider=provider, clock=clock) as client:
        s = session(client)
        outcomes = await twenty(lambda: s.call(GET, path={"id": 1}, decode=identity))
    error = same_error(outcomes)
    assert "invalid_grant" in error.message
    assert refresher.calls == 1
    assert server.count == 20  # each request once; none replayed
    assert len({id(o) for o in outcomes}) == 20  # copies: no shared traceback


@pytest.mark.parametrize(
    "failure",
    [revoked(), NetworkError("launchpad unreachable"), RuntimeError("boom")],
    ids=["revoked", "network", "unexpected"],
)
async def test_twenty_calls_on_an_expired_token_make_one_refresh_attempt(
    failure: Exception,
) -> None:
    clock = FakeClock()
    refresher = FailingRefresher(clock, failure)
    expired = Token(access_token="token-0", refresh_token="r", expires_at=clock.time() - 1)
    provider = OAuthRefreshingProvider(expired, refresher, clock=clock)
    server = Recorder(lambda request: json_response(200, {}))
    async with make_client(server, token_provider=provider, clock=clock) as client:
        s = session(client)
        outcomes = await twenty(lambda: s.call(GET, path={"id": 1}, decode=identity))
    if isinstance(failure, NetworkError):
        assert all(type(o) is NetworkError for o in outcomes)
        assert len({str(o) for o in outcomes}) == 1
    else:
        same_error(outcomes)
    assert refresher.calls == 1
    assert server.count == 0  # no request without a valid token


async def test_after_a_failure_the_next_refresh_waits_for_the_cooldown() -> None:
    clock = FakeClock()
    refresher = FailingRefresher(clock, revoked())
    expired = Token(access_token="token-0", refresh_token="r", expires_at=clock.time() - 1)
    provider = OAuthRefreshingProvider(expired, refresher, clock=clock)
    with pytest.raises(AuthError):
        await provider.get_token()
    clock.advance(REFRESH_COOLDOWN - 0.5)
    with pytest.raises(AuthError, match="invalid_grant"):
        await provider.get_token()  # within the cool-down: the same error, no new attempt
    with pytest.raises(AuthError):
        await provider.refresh()  # the 401 path too
    assert refresher.calls == 1
    clock.advance(0.5)
    refresher.error = None  # Launchpad is back
    assert await provider.get_token() == "token-2"
    assert refresher.calls == 2


async def test_a_passing_failure_keeps_the_valid_token_and_is_not_retried_per_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    refresher = FailingRefresher(clock, NetworkError("launchpad unreachable", retryable=True))
    soon = Token(access_token="token-0", refresh_token="r", expires_at=clock.time() + 30)
    provider = OAuthRefreshingProvider(soon, refresher, clock=clock)
    server = Recorder(lambda request: json_response(200, {"ok": True}))
    with caplog.at_level(logging.WARNING, logger="basecamp_client.auth"):
        async with make_client(server, token_provider=provider, clock=clock) as client:
            s = session(client)
            outcomes = await twenty(lambda: s.call(GET, path={"id": 1}, decode=identity))
            assert outcomes == [{"ok": True}] * 20
            assert refresher.calls == 1
            for _ in range(5):  # within the cool-down: no new attempt at all
                await s.call(GET, path={"id": 1}, decode=identity)
            assert refresher.calls == 1
            clock.advance(REFRESH_COOLDOWN)
            await s.call(GET, path={"id": 1}, decode=identity)
            assert refresher.calls == 2
    assert {bearer(r) for r in server.requests} == {"Bearer token-0"}
    assert caplog.text.count("token refresh failed") == 2  # once per attempt, not per call


async def test_a_cancelled_refresh_leaves_no_outcome_behind() -> None:
    clock = FakeClock()
    flight: SingleFlight[str] = SingleFlight(clock, cooldown=REFRESH_COOLDOWN)
    started = anyio.Event()
    calls = 0

    async def hang() -> str:
        nonlocal calls
        calls += 1
        started.set()
        await anyio.sleep_forever()
        return "never"

    async def ok() -> str:
        nonlocal calls
        calls += 1
        return "fresh"

    async with anyio.create_task_group() as tg:
        tg.start_soon(flight.run, hang)
        await started.wait()
        tg.cancel_scope.cancel()
    assert await flight.run(ok) == "fresh"  # the next caller makes its own attempt
    assert calls == 2


class FlakyProvider:
    """An application's own provider: refresh() fails; counts calls."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.refreshes = 0

    async def get_token(self) -> str:
        return "app-token"

    async def refresh(self) -> bool:
        self.refreshes += 1
        for _ in range(10):
            await anyio.sleep(0)
        raise self.error


@pytest.mark.parametrize("error", [revoked(), RuntimeError("db down")], ids=["typed", "raw"])
async def test_any_token_provider_gets_one_refresh_for_concurrent_401s(error: Exception) -> None:
    provider = FlakyProvider(error)
    server = Recorder(lambda request: json_response(401, {"error": "expired"}))
    async with make_client(server, token_provider=provider) as client:
        s = session(client)
        outcomes = await twenty(lambda: s.call(GET, path={"id": 1}, decode=identity))
    first = same_error(outcomes)
    if isinstance(error, RuntimeError):
        assert first.message == "the token provider's refresh() failed: RuntimeError"
        assert "db down" not in str(first)
    assert provider.refreshes == 1


async def test_a_provider_that_raises_gives_a_typed_error() -> None:
    class Broken:
        async def get_token(self) -> str:
            raise KeyError("token")

        async def refresh(self) -> bool:
            return False

    class BrokenAuth:
        async def apply(self, headers: dict[str, str]) -> None:
            raise ValueError("no session")

    server = Recorder(lambda request: json_response(200, {}))
    for credentials in ({"token_provider": Broken()}, {"auth": BrokenAuth()}):
        async with make_client(server, **credentials) as client:
            with pytest.raises(AuthError, match=r"\(\) failed: (KeyError|ValueError)"):
                await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 0
