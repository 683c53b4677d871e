"""Refreshing before expiry, single flight, and write-back to the token file."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import attrs
import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core.clock import FakeClock
from basecamp_client.oauth import (
    InvalidGrantError,
    LaunchpadEndpoints,
    OAuthError,
    OAuthRefreshingProvider,
    StoredLogin,
    Token,
    TokenFileError,
    open_token_file,
    read_token_file,
    write_token_file,
)

from ..core.example_service import AsyncProjectsService

UA = "oauth tests (tests@example.com)"
NOW = 1_000_000.0
BUFFER = 300.0  # refresh this long before expiry, as open_token_file does


class Clock(FakeClock):
    """Wall time starting at NOW; ``set(t)`` jumps to wall time ``t``."""

    def __init__(self, now: float = NOW) -> None:
        super().__init__(start=0.0, wall=now)

    def set(self, wall: float) -> None:
        self.advance(wall - self.time())


class Refresher:
    """Counts calls; each returns the next numbered token, after yielding control."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error

    async def __call__(self, token: Token) -> Token:
        self.calls += 1
        await anyio.sleep(0)  # let concurrent callers pile up on the lock
        await anyio.sleep(0)
        if self.error is not None:
            raise self.error
        return Token(
            access_token=f"acc-{self.calls + 1}",
            refresh_token=token.refresh_token,
            expires_at=NOW + 3600,
        )


def expiring(seconds_left: float, refresh: str | None = "ref-1") -> Token:
    return Token(access_token="acc-1", refresh_token=refresh, expires_at=NOW + seconds_left)


@pytest.mark.anyio
async def test_fresh_token_is_used_as_is() -> None:
    refresher = Refresher()
    provider = OAuthRefreshingProvider(
        expiring(3600), refresher, clock=Clock(), refresh_buffer=BUFFER
    )
    assert await provider.get_token() == "acc-1"
    assert refresher.calls == 0


@pytest.mark.anyio
async def test_refresh_before_expiry_is_single_flight() -> None:
    refresher = Refresher()
    saved: list[Token] = []
    provider = OAuthRefreshingProvider(
        expiring(100), refresher, on_refresh=saved.append, refresh_buffer=300, clock=Clock()
    )
    results: list[str] = []

    async def use() -> None:
        results.append(await provider.get_token())

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(use)
    assert results == ["acc-2"] * 10
    assert refresher.calls == 1
    assert [t.access_token for t in saved] == ["acc-2"]


@pytest.mark.anyio
async def test_refresh_after_401_is_single_flight() -> None:
    refresher = Refresher()
    provider = OAuthRefreshingProvider(
        expiring(3600), refresher, clock=Clock(), refresh_buffer=BUFFER
    )
    outcomes: list[bool] = []

    async def after_401() -> None:
        outcomes.append(await provider.refresh())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(after_401)
    assert outcomes == [True] * 5
    assert refresher.calls == 1
    assert await provider.get_token() == "acc-2"


@pytest.mark.anyio
async def test_without_refresh_token() -> None:
    refresher = Refresher()
    provider = OAuthRefreshingProvider(
        expiring(-10, refresh=None), refresher, clock=Clock(), refresh_buffer=BUFFER
    )
    assert await provider.refresh() is False
    assert await provider.get_token() == "acc-1"  # the API will say 401; nothing to do here
    assert refresher.calls == 0


@pytest.mark.anyio
async def test_launchpad_outage_falls_back_while_the_token_lives(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    outage = OAuthError("down", retryable=True)
    provider = OAuthRefreshingProvider(
        expiring(100), Refresher(outage), clock=clock, refresh_buffer=BUFFER
    )
    assert await provider.get_token() == "acc-1"
    assert "refresh failed" in caplog.text
    clock.set(NOW + 101)  # now really expired: the failure surfaces
    with pytest.raises(OAuthError):
        await provider.get_token()


@pytest.mark.anyio
async def test_revoked_refresh_token_raises() -> None:
    provider = OAuthRefreshingProvider(
        expiring(100), Refresher(InvalidGrantError("revoked")), clock=Clock(), refresh_buffer=BUFFER
    )
    with pytest.raises(InvalidGrantError):
        await provider.get_token()


@pytest.mark.anyio
async def test_failing_write_back_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def broken(token: Token) -> None:
        raise OSError("disk full")

    provider = OAuthRefreshingProvider(
        expiring(0), Refresher(), on_refresh=broken, clock=Clock(), refresh_buffer=BUFFER
    )
    assert await provider.get_token() == "acc-2"
    assert "on_refresh callback failed" in caplog.text
    assert "acc-2" not in caplog.text


# -- backed by a token file ---------------------------------------------------------------

STORED = StoredLogin(
    token=expiring(100),
    client_id="cid",
    redirect_uri="http://localhost:8765/callback",
    endpoints=LaunchpadEndpoints.at("http://127.0.0.1:9"),
    account_id=42,
)


class FakeToken:
    """A Launchpad token endpoint (and an API) in one MockTransport."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.api_auth: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/authorization/token":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            self.forms.append(form)
            return httpx.Response(
                200, json={"access_token": f"acc-new-{len(self.forms)}", "expires_in": 7200}
            )
        self.api_auth.append(request.headers.get("authorization"))
        return httpx.Response(200, json={"id": 1, "name": "HQ"})


@pytest.mark.anyio
async def test_token_file_refresh_writes_back(tmp_path: Path) -> None:
    path = write_token_file(tmp_path / "t.json", STORED)
    fake = FakeToken()
    credentials = open_token_file(
        path,
        client_secret="sec",
        transport=httpx.MockTransport(fake),
        clock=Clock(),
        environ={},
    )
    assert await credentials.provider.get_token() == "acc-new-1"
    assert fake.forms[0]["type"] == "refresh"
    assert fake.forms[0]["refresh_token"] == "ref-1"
    assert fake.forms[0]["client_secret"] == "sec"
    saved = read_token_file(path)
    assert saved.token.access_token == "acc-new-1"
    assert saved.token.refresh_token == "ref-1"  # kept: Launchpad sends none on refresh
    assert saved.token.expires_at == NOW + 7200
    assert saved.account_id == 42
    assert saved.client_secret is None
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json"]


@pytest.mark.anyio
async def test_a_token_refreshed_by_another_process_is_adopted(tmp_path: Path) -> None:
    path = write_token_file(tmp_path / "t.json", STORED)
    fake = FakeToken()
    credentials = open_token_file(
        path, client_secret="sec", transport=httpx.MockTransport(fake), clock=Clock(), environ={}
    )
    other = Token(access_token="acc-other", refresh_token="ref-1", expires_at=NOW + 7200)
    write_token_file(path, STORED.with_token(other))
    assert await credentials.provider.get_token() == "acc-other"
    assert fake.forms == []


def test_the_secret_comes_from_the_argument_the_file_or_the_environment(tmp_path: Path) -> None:
    path = write_token_file(tmp_path / "t.json", STORED)
    assert open_token_file(path, environ={}).launchpad.client_secret is None
    env = open_token_file(path, environ={"BASECAMP_CLIENT_SECRET": "from-env"})
    assert env.launchpad.client_secret == "from-env"
    write_token_file(path, attrs.evolve(STORED, client_secret="from-file"))
    assert open_token_file(path, environ={}).launchpad.client_secret == "from-file"
    assert open_token_file(path, client_secret="arg", environ={}).launchpad.client_secret == "arg"


@pytest.mark.anyio
async def test_without_a_secret_the_token_serves_until_a_refresh_is_needed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    valid = Token(access_token="acc-1", refresh_token="ref-1", expires_at=NOW + 3600)
    path = write_token_file(tmp_path / "t.json", STORED.with_token(valid))
    fake = FakeToken()
    credentials = open_token_file(
        path, transport=httpx.MockTransport(fake), clock=clock, environ={}
    )
    assert await credentials.provider.get_token() == "acc-1"  # valid: no secret needed

    clock.set(NOW + 3600 - 60)  # inside the refresh window, still valid: kept, with a warning
    assert await credentials.provider.get_token() == "acc-1"
    assert "token_file" in caplog.text

    clock.set(NOW + 3600 + 1)  # expired: the refresh it needs fails, saying what to do
    with pytest.raises(TokenFileError, match="no client secret") as info:
        await credentials.provider.get_token()
    assert not info.value.retryable
    assert "BASECAMP_CLIENT_SECRET" in (info.value.hint or "")
    assert fake.forms == []  # nothing was sent to Launchpad without the secret


def test_from_token_file_builds_both_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASECAMP_CLIENT_SECRET", "sec")
    path = write_token_file(tmp_path / "t.json", STORED)
    async_client = AsyncBasecamp.from_token_file(path, user_agent=UA)
    assert async_client.config.account_id == 42
    assert async_client.config.access_token is None
    with Basecamp.from_token_file(str(path), user_agent=UA, account_id=7) as sync_client:
        assert sync_client.config.account_id == 7
    with pytest.raises(TokenFileError):
        AsyncBasecamp.from_token_file(tmp_path / "missing.json", user_agent=UA)


@pytest.mark.anyio
async def test_from_token_file_end_to_end(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = write_token_file(tmp_path / "t.json", STORED)
    fake = FakeToken()
    async with AsyncBasecamp.from_token_file(
        path, client_secret="sec", user_agent=UA, transport=httpx.MockTransport(fake)
    ) as bc:
        projects = AsyncProjectsService(bc.for_account(42)._session)
        assert (await projects.get(project_id=1)).name == "HQ"
    assert fake.api_auth == ["Bearer acc-new-1"]
    assert json.loads(path.read_text())["token"]["access_token"] == "acc-new-1"
    assert "acc-new-1" not in caplog.text
