"""Credentials: static tokens, token providers, OAuth refresh (single-flight), custom auth."""

from __future__ import annotations

import logging

import anyio
import httpx
import pytest

from basecamp_client import (
    AuthError,
    OAuthRefreshingProvider,
    StaticToken,
    Token,
    TokenProvider,
    UsageError,
)
from basecamp_client._core.clock import FakeClock

from .helpers import CREATE, GET, Recorder, identity, json_response, make_client, session

pytestmark = pytest.mark.anyio


def bearer(request: httpx.Request) -> str:
    return request.headers.get("authorization", "")


class Refresher:
    """Issues token-1, token-2, ...; counts calls; can be slowed to widen races."""

    def __init__(self, clock: FakeClock, lifetime: float = 3600.0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.calls = 0

    async def __call__(self, old: Token) -> Token:
        self.calls += 1
        assert old.refresh_token == "refresh-0"
        for _ in range(5):
            await anyio.sleep(0)  # let other tasks pile up behind the lock
        return Token(
            access_token=f"token-{self.calls}", expires_at=self.clock.time() + self.lifetime
        )


async def test_static_token_is_sent_as_bearer() -> None:
    server = Recorder(lambda r: json_response(200, {}))
    async with make_client(server, access_token="abc") as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    assert bearer(server.requests[0]) == "Bearer abc"


async def test_token_provider_is_asked_for_each_request() -> None:
    class Rotating:
        n = 0

        async def get_token(self) -> str:
            self.n += 1
            return f"tok{self.n}"

        async def refresh(self) -> bool:
            return False

    provider = Rotating()
    assert isinstance(provider, TokenProvider)
    server = Recorder(lambda r: json_response(200, {}))
    async with make_client(server, token_provider=provider) as client:
        s = session(client)
        await s.call(GET, path={"id": 1}, decode=identity)
        await s.call(GET, path={"id": 2}, decode=identity)
    assert [bearer(r) for r in server.requests] == ["Bearer tok1", "Bearer tok2"]


async def test_oauth_provider_refreshes_shortly_before_expiry() -> None:
    clock = FakeClock()
    refresher = Refresher(clock)
    token = Token(access_token="token-0", refresh_token="refresh-0", expires_at=clock.time() + 600)
    provider = OAuthRefreshingProvider(token, refresher, refresh_buffer=60, clock=clock)
    assert await provider.get_token() == "token-0"
    clock.advance(539)
    assert await provider.get_token() == "token-0"
    clock.advance(2)  # now within 60 s of expiry
    assert await provider.get_token() == "token-1"
    assert refresher.calls == 1
    # The refresh token is kept when the refresher does not rotate it.
    assert provider.token.refresh_token == "refresh-0"


async def test_refresh_is_single_flight_across_20_tasks() -> None:
    clock = FakeClock()
    refresher = Refresher(clock)
    token = Token(access_token="token-0", refresh_token="refresh-0", expires_at=clock.time() + 10)
    provider = OAuthRefreshingProvider(token, refresher, clock=clock)
    server = Recorder(lambda r: json_response(200, {}))
    async with make_client(server, token_provider=provider, clock=clock) as client:
        s = session(client)
        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(lambda i=i: s.call(GET, path={"id": i}, decode=identity))
    assert refresher.calls == 1
    assert {bearer(r) for r in server.requests} == {"Bearer token-1"}
    assert server.count == 20


async def test_401_refreshes_once_for_20_concurrent_tasks_and_replays() -> None:
    clock = FakeClock()
    refresher = Refresher(clock)
    token = Token(access_token="token-0", refresh_token="refresh-0")  # no expiry known
    provider = OAuthRefreshingProvider(token, refresher, clock=clock)

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0)
        if bearer(request) == "Bearer token-0":
            return json_response(401, {"error": "expired"})
        return json_response(200, {"ok": True})

    server = Recorder(handler)  # type: ignore[arg-type]

    async def async_handler(request: httpx.Request) -> httpx.Response:
        server.requests.append(request)
        return await handler(request)

    results: list[object] = []
    async with make_client(async_handler, token_provider=provider, clock=clock) as client:  # type: ignore[arg-type]
        s = session(client)

        async def one(i: int) -> None:
            results.append(await s.call(GET, path={"id": i}, decode=identity))

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(one, i)
    assert refresher.calls == 1
    assert len(results) == 20
    assert sum(bearer(r) == "Bearer token-1" for r in server.requests) == 20


async def test_401_after_refresh_raises_auth_error_without_looping() -> None:
    clock = FakeClock()
    refresher = Refresher(clock)
    provider = OAuthRefreshingProvider(
        Token(access_token="token-0", refresh_token="refresh-0"), refresher, clock=clock
    )
    server = Recorder(lambda r: json_response(401, {"error": "revoked"}))
    async with make_client(server, token_provider=provider, clock=clock) as client:
        with pytest.raises(AuthError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 2  # the original and one replay
    assert refresher.calls == 1
    assert info.value.code == "auth_required"
    assert info.value.http_status == 401


async def test_401_with_a_static_token_is_not_replayed() -> None:
    server = Recorder(lambda r: json_response(401, {}))
    async with make_client(server) as client:
        with pytest.raises(AuthError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 1


async def test_401_replay_is_allowed_for_non_idempotent_posts() -> None:
    clock = FakeClock()
    provider = OAuthRefreshingProvider(
        Token(access_token="token-0", refresh_token="refresh-0"), Refresher(clock), clock=clock
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if bearer(request) == "Bearer token-0":
            return json_response(401, {})
        return json_response(201, {"id": 5})

    server = Recorder(handler)
    async with make_client(server, token_provider=provider, clock=clock) as client:
        assert await session(client).call(CREATE, body={"a": 1}, decode=identity) == {"id": 5}
    assert server.count == 2


async def test_on_refresh_sync_and_async_callbacks_receive_the_new_token() -> None:
    clock = FakeClock()
    seen: list[str] = []

    async def persist(token: Token) -> None:
        seen.append("async:" + token.access_token)

    for callback in (lambda t: seen.append("sync:" + t.access_token), persist):
        provider = OAuthRefreshingProvider(
            Token(access_token="token-0", refresh_token="refresh-0", expires_at=clock.time()),
            Refresher(clock),
            on_refresh=callback,
            clock=clock,
        )
        await provider.get_token()
    assert seen == ["sync:token-1", "async:token-1"]


async def test_failing_on_refresh_is_logged_and_the_token_still_used(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()

    def broken(token: Token) -> None:
        raise OSError("disk full")

    provider = OAuthRefreshingProvider(
        Token(access_token="token-0", refresh_token="refresh-0", expires_at=clock.time()),
        Refresher(clock),
        on_refresh=broken,
        clock=clock,
    )
    with caplog.at_level(logging.ERROR, logger="basecamp_client"):
        assert await provider.get_token() == "token-1"
    assert "on_refresh callback failed" in caplog.text


async def test_refresher_failure_is_an_auth_error_once_expired() -> None:
    clock = FakeClock()

    async def broken(token: Token) -> Token:
        raise RuntimeError("launchpad down")

    expired = Token(access_token="token-0", refresh_token="r", expires_at=clock.time() - 1)
    provider = OAuthRefreshingProvider(expired, broken, clock=clock)
    with pytest.raises(AuthError, match="token refresh failed: RuntimeError"):
        await provider.get_token()


async def test_refresher_failure_before_expiry_keeps_the_current_token() -> None:
    clock = FakeClock()

    async def broken(token: Token) -> Token:
        raise RuntimeError("launchpad down")

    soon = Token(access_token="token-0", refresh_token="r", expires_at=clock.time() + 30)
    provider = OAuthRefreshingProvider(soon, broken, clock=clock)
    assert await provider.get_token() == "token-0"


async def test_refresher_must_return_a_token() -> None:
    clock = FakeClock()

    async def wrong(token: Token) -> Token:
        return "not a token"  # type: ignore[return-value]

    provider = OAuthRefreshingProvider(
        Token(access_token="t", refresh_token="r", expires_at=clock.time() - 1), wrong, clock=clock
    )
    with pytest.raises(UsageError, match="not a Token"):
        await provider.get_token()


async def test_custom_auth_sets_headers_and_can_refresh() -> None:
    class SessionAuth:
        def __init__(self) -> None:
            self.cookie = "s=1"
            self.refreshed = 0

        async def apply(self, headers: dict[str, str]) -> None:
            headers["Cookie"] = self.cookie

        async def refresh(self) -> bool:
            self.refreshed += 1
            self.cookie = "s=2"
            return True

    auth = SessionAuth()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("cookie") == "s=1":
            return json_response(401, {})
        return json_response(200, {"ok": True})

    server = Recorder(handler)
    async with make_client(server, auth=auth) as client:
        assert await session(client).call(GET, path={"id": 1}, decode=identity) == {"ok": True}
    assert auth.refreshed == 1
    assert [r.headers["cookie"] for r in server.requests] == ["s=1", "s=2"]
    assert "authorization" not in server.requests[0].headers


async def test_custom_auth_without_refresh_gets_auth_error() -> None:
    class HeaderAuth:
        async def apply(self, headers: dict[str, str]) -> None:
            headers["Authorization"] = "Bearer custom"

    server = Recorder(lambda r: json_response(401, {}))
    async with make_client(server, auth=HeaderAuth()) as client:
        with pytest.raises(AuthError):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.count == 1


async def test_static_token_provider_class() -> None:
    provider = StaticToken("xyz")
    assert await provider.get_token() == "xyz"
    assert await provider.refresh() is False
    assert repr(provider) == "StaticToken(***)"


def test_exactly_one_credential_is_required() -> None:
    from basecamp_client import AsyncBasecamp

    from .helpers import UA

    with pytest.raises(UsageError, match="exactly one"):
        AsyncBasecamp(user_agent=UA)
    with pytest.raises(UsageError, match="exactly one"):
        AsyncBasecamp(user_agent=UA, access_token="a", token_provider=StaticToken("b"))
    with pytest.raises(UsageError, match="get_token"):
        AsyncBasecamp(user_agent=UA, token_provider=object())  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="apply"):
        AsyncBasecamp(user_agent=UA, auth=object())  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="non-empty"):
        AsyncBasecamp(user_agent=UA, access_token="  ")
    with pytest.raises(UsageError, match="line break"):
        AsyncBasecamp(user_agent=UA, access_token="abc\r\nX-Evil: 1")


def test_oauth_provider_validates_its_arguments() -> None:
    async def refresher(token: Token) -> Token:
        return token

    with pytest.raises(UsageError):
        OAuthRefreshingProvider("token", refresher)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        OAuthRefreshingProvider(Token(access_token="a"), refresher, refresh_buffer=-1)
    with pytest.raises(UsageError):
        OAuthRefreshingProvider(Token(access_token="a"), "nope")  # type: ignore[arg-type]
