"""The pure OAuth pieces: URLs, forms, token parsing, error mapping."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from basecamp_client import AuthError, UsageError
from basecamp_client.oauth import (
    InvalidClientError,
    InvalidGrantError,
    LaunchpadEndpoints,
    OAuthError,
    OAuthResponseError,
    PkcePair,
    authorization_url,
    error_for_oauth_response,
    exchange_form,
    refresh_form,
    token_from_response,
)

from .reference import examples


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_legacy_authorization_url() -> None:
    url = authorization_url(
        client_id="abc", redirect_uri="http://localhost:8765/callback", state="st&te"
    )
    assert url.startswith("https://launchpad.37signals.com/authorization/new?")
    assert query_of(url) == {
        "type": "web_server",
        "client_id": "abc",
        "redirect_uri": "http://localhost:8765/callback",
        "state": "st&te",
    }


def test_standard_authorization_url_with_pkce() -> None:
    pkce = PkcePair.new()
    url = authorization_url(
        client_id="abc",
        redirect_uri="https://app.example/cb",
        state="s",
        code_challenge=pkce.challenge,
        grant_style="standard",
        authorize_url="http://127.0.0.1:9/authorization/new",
    )
    q = query_of(url)
    assert q["response_type"] == "code"
    assert "type" not in q
    assert q["code_challenge_method"] == "S256"
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert q["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert pkce.verifier not in url
    assert pkce.verifier not in repr(pkce)


def test_pkce_rfc7636_example() -> None:
    # Appendix B of RFC 7636.
    pair = PkcePair.from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert pair.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    with pytest.raises(UsageError):
        PkcePair.from_verifier("short")


def test_exchange_forms() -> None:
    legacy = exchange_form(
        client_id="id", client_secret="sec", redirect_uri="http://localhost:1/cb", code="c0de"
    )
    assert legacy == {
        "type": "web_server",
        "code": "c0de",
        "redirect_uri": "http://localhost:1/cb",
        "client_id": "id",
        "client_secret": "sec",
    }
    standard = exchange_form(
        client_id="id",
        client_secret=None,
        redirect_uri="http://localhost:1/cb",
        code="c0de",
        code_verifier="v" * 43,
        grant_style="standard",
    )
    assert standard["grant_type"] == "authorization_code"
    assert standard["code_verifier"] == "v" * 43
    assert "client_secret" not in standard
    assert "type" not in standard
    with pytest.raises(UsageError, match="client secret"):
        exchange_form(client_id="id", client_secret=None, redirect_uri="http://x/cb", code="c")


def test_refresh_forms() -> None:
    legacy = refresh_form(
        client_id="id", client_secret="sec", redirect_uri="http://localhost:1/cb", refresh_token="r"
    )
    assert legacy == {
        "type": "refresh",
        "refresh_token": "r",
        "redirect_uri": "http://localhost:1/cb",
        "client_id": "id",
        "client_secret": "sec",
    }
    standard = refresh_form(
        client_id="id",
        client_secret="sec",
        redirect_uri="http://localhost:1/cb",
        refresh_token="r",
        grant_style="standard",
    )
    assert standard == {
        "grant_type": "refresh_token",
        "refresh_token": "r",
        "client_id": "id",
        "client_secret": "sec",
    }
    with pytest.raises(UsageError, match="grant_style"):
        refresh_form(
            client_id="i",
            client_secret="s",
            redirect_uri=None,
            refresh_token="r",
            grant_style="modern",  # type: ignore[arg-type]
        )


TOKEN_RESPONSE = {
    "access_token": "BAhbB0kiAbB7ImFjY2Vzcy10b2tlbiJ9...",
    "token_type": "Bearer",
    "expires_in": 1209600,
    "refresh_token": "BAhbB0kiAbB7InJlZnJlc2gtdG9rZW4ifQ...",
}


def test_token_from_response() -> None:
    token = token_from_response(TOKEN_RESPONSE, now=1000.0)
    assert token.access_token == TOKEN_RESPONSE["access_token"]
    assert token.refresh_token == TOKEN_RESPONSE["refresh_token"]
    assert token.expires_at == 1000.0 + 1209600
    assert token.token_type == "Bearer"
    assert "BAhb" not in repr(token)
    assert not token.is_expired(now=1000.0 + 1209600 - 61, buffer=60)
    assert token.is_expired(now=1000.0 + 1209600 - 59, buffer=60)


def test_documented_token_responses_parse() -> None:
    documented = [p for p in examples("authentication") if "access_token" in p]
    assert documented
    for payload in documented:
        token = token_from_response(payload, now=0.0)
        assert token.access_token == payload["access_token"]
        assert token.expires_at == float(payload["expires_in"])


def test_refresh_response_keeps_the_refresh_token() -> None:
    token = token_from_response(
        {"access_token": "new", "expires_in": "100"}, now=0.0, previous_refresh_token="old-r"
    )
    assert token.refresh_token == "old-r"
    assert token.expires_at == 100.0
    assert token_from_response({"access_token": "a", "expires_in": True}, now=0).expires_at is None


@pytest.mark.parametrize("payload", [[], {"token_type": "Bearer"}, {"access_token": ""}])
def test_unusable_token_responses(payload: object) -> None:
    with pytest.raises(OAuthResponseError):
        token_from_response(payload, now=0.0)


def test_error_mapping() -> None:
    body = json.dumps({"error": "invalid_grant", "error_description": "code c0de expired"})
    err = error_for_oauth_response(400, body.encode(), what="code exchange", secrets=["c0de"])
    assert isinstance(err, InvalidGrantError)
    assert isinstance(err, AuthError)
    assert "c0de" not in str(err)
    assert "***" in str(err)
    assert "login" in (err.hint or "")
    assert err.exit_code == 3

    err = error_for_oauth_response(401, b'{"error":"invalid_client"}', what="token refresh")
    assert isinstance(err, InvalidClientError)
    assert "client secret" in (err.hint or "")

    err = error_for_oauth_response(302, b"", what="token refresh")
    assert isinstance(err, OAuthResponseError)
    assert "redirect" in err.message

    err = error_for_oauth_response(503, b"<html>down</html>", what="token refresh")
    assert type(err) is OAuthError
    assert err.retryable
    assert err.http_status == 503

    err = error_for_oauth_response(
        400, b'{"error":"authorization_expired"}', what="token refresh", grant_hint="again!"
    )
    assert isinstance(err, InvalidGrantError)
    assert err.hint == "again!"

    err = error_for_oauth_response(400, b'{"error":"unsupported_grant_type"}', what="x")
    assert type(err) is OAuthError
    assert "grant_style" in (err.hint or "")


def test_endpoints_must_be_https_or_local() -> None:
    assert LaunchpadEndpoints().token_url == "https://launchpad.37signals.com/authorization/token"
    local = LaunchpadEndpoints.at("http://127.0.0.1:9000/")
    assert local.identity_url == "http://127.0.0.1:9000/authorization.json"
    with pytest.raises(UsageError, match="plain http"):
        LaunchpadEndpoints(token_url="http://launchpad.example/authorization/token")
    with pytest.raises(UsageError, match="query"):
        LaunchpadEndpoints.at("https://launchpad.example/?x=1")


def test_the_reference_directory_can_be_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from . import reference

    monkeypatch.setenv("BASECAMP_REFERENCE_DIR", "/elsewhere/reference")
    try:
        moved = importlib.reload(reference).EXAMPLES
        assert str(moved) == "/elsewhere/reference/bc3-api-examples.json"
    finally:
        monkeypatch.delenv("BASECAMP_REFERENCE_DIR")
        importlib.reload(reference)
