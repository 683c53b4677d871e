"""LaunchpadClient against httpx.MockTransport: what is sent, and how answers are read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs

import httpx
import pytest

from basecamp_client import NetworkError, UsageError
from basecamp_client.oauth import (
    InvalidClientError,
    InvalidGrantError,
    LaunchpadClient,
    LaunchpadEndpoints,
    OAuthError,
    OAuthResponseError,
    Token,
    parse_authorization,
)

from .reference import examples

pytestmark = pytest.mark.anyio

SECRET = "client-secret-XYZ-123"
IDENTITY = {
    "expires_at": "2026-02-16T12:00:00-06:00",
    "identity": {"id": 7, "first_name": "Ada", "last_name": "L", "email_address": "ada@x.example"},
    "accounts": [
        {"product": "bc3", "id": 11, "name": "Acme", "href": "https://3.basecampapi.com/11"},
        {"product": "hey", "id": 12, "name": "Mail"},
        {"product": "bc3", "name": "no id"},
        "junk",
    ],
}


def client(
    handler: Callable[[httpx.Request], httpx.Response], **kw: object
) -> tuple[LaunchpadClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    settings: dict[str, object] = {
        "client_id": "cid",
        "client_secret": SECRET,
        "redirect_uri": "http://localhost:8765/callback",
        "transport": httpx.MockTransport(record),
        "clock": lambda: 5000.0,
        "user_agent": "Acme Sync (ops@acme.example)",
    }
    settings.update(kw)
    return LaunchpadClient(**settings), seen  # type: ignore[arg-type]


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def ok_token(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": "acc-1", "refresh_token": "ref-1", "expires_in": 1209600}
    )


async def test_exchange_with_legacy_fields() -> None:
    launchpad, seen = client(ok_token)
    token = await launchpad.exchange_code("the-code")
    assert token == Token(access_token="acc-1", refresh_token="ref-1", expires_at=5000.0 + 1209600)
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "https://launchpad.37signals.com/authorization/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["user-agent"].startswith("Acme Sync (ops@acme.example) basecamp-client")
    assert form(request) == {
        "type": "web_server",
        "code": "the-code",
        "redirect_uri": "http://localhost:8765/callback",
        "client_id": "cid",
        "client_secret": SECRET,
    }


async def test_refresh_with_standard_fields_keeps_the_refresh_token() -> None:
    launchpad, seen = client(
        lambda r: httpx.Response(200, json={"access_token": "acc-2", "expires_in": 60}),
        grant_style="standard",
    )
    token = await launchpad.refresh(Token(access_token="old", refresh_token="ref-1"))
    assert token.access_token == "acc-2"
    assert token.refresh_token == "ref-1"
    assert token.expires_at == 5060.0
    assert form(seen[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "ref-1",
        "client_id": "cid",
        "client_secret": SECRET,
    }
    with pytest.raises(UsageError, match="no refresh token"):
        await launchpad.refresh(Token(access_token="x"))


async def test_legacy_refresh_fields() -> None:
    launchpad, seen = client(ok_token)
    await launchpad.refresh("ref-9")
    assert form(seen[0])["type"] == "refresh"
    assert form(seen[0])["refresh_token"] == "ref-9"


async def test_start_authorization_makes_fresh_state_and_pkce() -> None:
    launchpad, _ = client(ok_token, grant_style="standard")
    first, second = launchpad.start_authorization(), launchpad.start_authorization()
    assert first.state != second.state
    assert len(first.state) >= 32
    assert first.code_verifier
    assert first.code_verifier not in first.url
    assert "code_challenge=" in first.url
    assert first.code_verifier not in repr(first)
    legacy, _ = client(ok_token)
    assert legacy.start_authorization().code_verifier is None
    assert "type=web_server" in legacy.start_authorization().url


async def test_grant_errors_are_typed_with_hints_and_never_echo_secrets() -> None:
    def reject(request: httpx.Request) -> httpx.Response:
        sent = form(request)
        echoed = f"bad {sent.get('code') or sent.get('refresh_token')} for {SECRET}"
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": echoed})

    launchpad, _ = client(reject)
    with pytest.raises(InvalidGrantError) as info:
        await launchpad.exchange_code("the-code")
    text = str(info.value) + repr(info.value) + str(info.value.body)
    assert "the-code" not in text
    assert SECRET not in text
    assert "start the login again" in (info.value.hint or "")

    with pytest.raises(InvalidGrantError) as info:
        await launchpad.refresh("ref-secret-1")
    assert "ref-secret-1" not in str(info.value)
    assert "login" in (info.value.hint or "")


async def test_bad_client() -> None:
    launchpad, _ = client(lambda r: httpx.Response(401, json={"error": "invalid_client"}))
    with pytest.raises(InvalidClientError):
        await launchpad.exchange_code("c")


async def test_redirects_are_not_followed() -> None:
    launchpad, seen = client(
        lambda r: httpx.Response(307, headers={"location": "https://evil.example/token"})
    )
    with pytest.raises(OAuthResponseError, match="redirect"):
        await launchpad.exchange_code("c")
    assert len(seen) == 1


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b'{"access_token": "' + b"a" * 70000 + b'"}'),
        httpx.Response(200, headers={"content-length": "999999999"}, content=b"{}"),
    ],
)
async def test_oversized_token_responses_are_refused(response: httpx.Response) -> None:
    launchpad, _ = client(lambda r: response)
    with pytest.raises(OAuthResponseError, match="larger than"):
        await launchpad.exchange_code("c")


async def test_an_endless_token_response_is_cut_off_while_streaming() -> None:
    """The cap holds while reading: an answer with no Content-Length that never ends is
    refused after about the limit, not buffered."""
    produced = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal produced
        while True:
            produced += 4096
            yield b"x" * 4096

    launchpad, _ = client(lambda r: httpx.Response(200, content=endless()))
    with pytest.raises(OAuthResponseError, match="larger than"):
        await launchpad.exchange_code("c")
    assert produced <= 64 * 1024 + 2 * 4096


async def test_non_json_and_server_errors() -> None:
    launchpad, _ = client(lambda r: httpx.Response(200, text="<html>hi</html>"))
    with pytest.raises(OAuthResponseError, match="not valid JSON"):
        await launchpad.exchange_code("c")
    launchpad, _ = client(lambda r: httpx.Response(502, text="bad gateway"))
    with pytest.raises(OAuthError) as info:
        await launchpad.refresh("r")
    assert info.value.retryable


async def test_network_failure_is_a_network_error() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    launchpad, _ = client(fail)
    with pytest.raises(NetworkError):
        await launchpad.exchange_code("c")


async def test_fetch_authorization() -> None:
    launchpad, seen = client(
        lambda r: httpx.Response(200, json=IDENTITY),
        endpoints=LaunchpadEndpoints.at("http://127.0.0.1:1"),
    )
    authorization = await launchpad.fetch_authorization(Token(access_token="acc-1"))
    assert seen[0].headers["authorization"] == "Bearer acc-1"
    assert str(seen[0].url) == "http://127.0.0.1:1/authorization.json"
    assert authorization.identity.name == "Ada L"
    assert [a.id for a in authorization.accounts] == [11, 12]
    assert [a.id for a in authorization.basecamp_accounts] == [11]
    assert authorization.expires_at is not None
    assert authorization.expires_at.year == 2026


async def test_fetch_authorization_rejected_token() -> None:
    launchpad, _ = client(lambda r: httpx.Response(401, json={"error": "invalid_token"}))
    with pytest.raises(InvalidGrantError) as info:
        await launchpad.fetch_authorization("acc-x")
    assert "acc-x" not in str(info.value)


def test_documented_authorization_json_parses() -> None:
    documented = [p for p in examples("authentication") if "identity" in p]
    assert documented
    for payload in documented:
        authorization = parse_authorization(payload)
        assert authorization.identity.id == payload["identity"]["id"]
        assert [a.id for a in authorization.accounts] == [a["id"] for a in payload["accounts"]]
        assert all(a.product == "bc3" for a in authorization.basecamp_accounts)


def test_client_repr_hides_the_secret_and_validates() -> None:
    launchpad, _ = client(ok_token)
    assert SECRET not in repr(launchpad)
    with pytest.raises(UsageError, match="redirect_uri"):
        LaunchpadClient(client_id="c", redirect_uri="not a url")
    with pytest.raises(UsageError, match="grant_style"):
        LaunchpadClient(client_id="c", redirect_uri="http://localhost:1/", grant_style="x")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="client_id"):
        LaunchpadClient(client_id=" ", redirect_uri="http://localhost:1/")
