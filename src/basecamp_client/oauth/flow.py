"""The pure half of OAuth 2 with Launchpad: URLs, request forms, response parsing.

Nothing here does I/O, so every rule (legacy versus standard field names, PKCE, how a
token response becomes a :class:`~basecamp_client._core.auth.Token`, how an error
response becomes a typed error) is testable without a server.

Launchpad speaks two dialects. Its documented, older one names the grant in a ``type``
field (``web_server`` to exchange a code, ``refresh`` to refresh); the standard one
(RFC 6749) uses ``grant_type`` and ``response_type`` and allows PKCE (RFC 7636).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import attrs

from .._core.auth import Token
from .._core.config import validate_base_url
from .._core.errors import UsageError
from .errors import (
    InvalidClientError,
    InvalidGrantError,
    OAuthError,
    OAuthResponseError,
    redact,
)

GrantStyle = Literal["legacy", "standard"]
GRANT_STYLES: tuple[GrantStyle, ...] = ("legacy", "standard")

LAUNCHPAD_URL = "https://launchpad.37signals.com"
AUTHORIZE_PATH = "/authorization/new"
TOKEN_PATH = "/authorization/token"  # noqa: S105  (a URL path, not a secret)
IDENTITY_PATH = "/authorization.json"


def check_endpoint(name: str, url: str) -> str:
    """An absolute https URL (plain http only on this machine), without query or credentials.

    The client's own base-URL rule, reported under the endpoint's name.
    """
    try:
        validate_base_url(url)
    except UsageError as exc:
        raise UsageError(exc.message.replace("base_url", name, 1)) from None
    return str(url)


def check_redirect_uri(url: str) -> str:
    parts = urlsplit(str(url))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(
            f"redirect_uri must be an absolute http(s) URL such as "
            f"http://localhost:8765/callback, got {url!r}"
        )
    if parts.fragment or parts.username or parts.password:
        raise UsageError("redirect_uri must not carry a fragment or credentials")
    return str(url)


def _authorize_url(value: str) -> str:
    return check_endpoint("authorize_url", value)


def _token_url(value: str) -> str:
    return check_endpoint("token_url", value)


def _identity_url(value: str) -> str:
    return check_endpoint("identity_url", value)


@attrs.frozen(kw_only=True)
class LaunchpadEndpoints:
    """Where Launchpad lives. Point all three elsewhere (``at(...)``) to test against a fake."""

    authorize_url: str = attrs.field(
        default=LAUNCHPAD_URL + AUTHORIZE_PATH, converter=_authorize_url
    )
    token_url: str = attrs.field(default=LAUNCHPAD_URL + TOKEN_PATH, converter=_token_url)
    identity_url: str = attrs.field(default=LAUNCHPAD_URL + IDENTITY_PATH, converter=_identity_url)

    @classmethod
    def at(cls, base_url: str) -> LaunchpadEndpoints:
        """The three endpoints under another origin, with Launchpad's paths."""
        base = check_endpoint("base_url", base_url).rstrip("/")
        return cls(
            authorize_url=base + AUTHORIZE_PATH,
            token_url=base + TOKEN_PATH,
            identity_url=base + IDENTITY_PATH,
        )


@attrs.frozen(kw_only=True)
class PkcePair:
    """A PKCE verifier (kept secret until the exchange) and its S256 challenge."""

    verifier: str = attrs.field(repr=False)
    challenge: str

    @classmethod
    def new(cls) -> PkcePair:
        return cls.from_verifier(secrets.token_urlsafe(64))

    @classmethod
    def from_verifier(cls, verifier: str) -> PkcePair:
        if not 43 <= len(verifier) <= 128:
            raise UsageError("a PKCE code_verifier must be 43 to 128 characters long")
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return cls(verifier=verifier, challenge=challenge)


def new_state() -> str:
    """An unguessable ``state`` value binding a callback to the login that started it."""
    return secrets.token_urlsafe(32)


def authorization_url(
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str | None = None,
    grant_style: GrantStyle = "legacy",
    authorize_url: str = LAUNCHPAD_URL + AUTHORIZE_PATH,
) -> str:
    """The URL to send the person's browser to."""
    params: dict[str, str] = {}
    if grant_style == "legacy":
        params["type"] = "web_server"
    else:
        params["response_type"] = "code"
    params.update(client_id=client_id, redirect_uri=redirect_uri, state=state)
    if code_challenge is not None:
        params.update(code_challenge=code_challenge, code_challenge_method="S256")
    return f"{authorize_url}?{urlencode(params)}"


def exchange_form(
    *,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str,
    code: str,
    code_verifier: str | None = None,
    grant_style: GrantStyle = "legacy",
) -> dict[str, str]:
    """The form body that trades a verification code for tokens."""
    form = _grant(grant_style, "web_server", "authorization_code")
    form.update(code=code, redirect_uri=redirect_uri)
    _add_client(form, client_id, client_secret, grant_style)
    if code_verifier is not None:
        form["code_verifier"] = code_verifier
    return form


def refresh_form(
    *,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str | None,
    refresh_token: str,
    grant_style: GrantStyle = "legacy",
) -> dict[str, str]:
    """The form body that trades a refresh token for a new access token."""
    form = _grant(grant_style, "refresh", "refresh_token")
    form["refresh_token"] = refresh_token
    if redirect_uri is not None and grant_style == "legacy":
        form["redirect_uri"] = redirect_uri
    _add_client(form, client_id, client_secret, grant_style)
    return form


def _grant(style: GrantStyle, legacy: str, standard: str) -> dict[str, str]:
    if style not in GRANT_STYLES:
        raise UsageError(f"grant_style must be 'legacy' or 'standard', got {style!r}")
    return {"type": legacy} if style == "legacy" else {"grant_type": standard}


def _add_client(form: dict[str, str], client_id: str, secret: str | None, style: str) -> None:
    form["client_id"] = client_id
    if secret:
        form["client_secret"] = secret
    elif style == "legacy":
        raise UsageError(
            "Launchpad's legacy token requests need the client secret: pass client_secret= "
            "(or set BASECAMP_CLIENT_SECRET)"
        )


def token_from_response(
    payload: Any, *, now: float, previous_refresh_token: str | None = None
) -> Token:
    """A :class:`Token` from a token endpoint's JSON; ``expires_in`` becomes ``expires_at``.

    Launchpad does not send a new refresh token on refresh: the previous one is kept.
    """
    if not isinstance(payload, Mapping):
        raise OAuthResponseError("the token response is not a JSON object")
    access = payload.get("access_token")
    if not isinstance(access, str) or not access:
        raise OAuthResponseError("the token response has no access_token")
    refresh = payload.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        refresh = previous_refresh_token
    token_type = payload.get("token_type")
    if not isinstance(token_type, str) or not token_type.strip():
        token_type = "Bearer"  # noqa: S105  (a scheme name)
    return Token(
        access_token=access,
        refresh_token=refresh,
        expires_at=_expires_at(payload.get("expires_in"), now),
        token_type=token_type.strip(),
    )


def _expires_at(expires_in: Any, now: float) -> float | None:
    if isinstance(expires_in, str):
        try:
            expires_in = float(expires_in)
        except ValueError:
            return None
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
        return None
    if not math.isfinite(expires_in) or expires_in < 0:
        return None
    return now + float(expires_in)


_GRANT_ERRORS = frozenset(
    {"invalid_grant", "authorization_expired", "expired_token", "invalid_token", "invalid_code"}
)
_CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


def decode_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise OAuthResponseError(f"the {what} response is not valid JSON") from None


def error_for_oauth_response(
    status: int,
    body: bytes,
    *,
    what: str,
    secrets: Iterable[str | None] = (),
    grant_hint: str | None = None,
) -> OAuthError:
    """The typed error for an unsuccessful Launchpad response. Pure; secrets redacted.

    ``what`` names the request (``"code exchange"``, ``"token refresh"``) in the message;
    ``grant_hint`` replaces the default hint of :class:`InvalidGrantError`.
    """
    hidden = list(secrets)
    if 300 <= status < 400:
        return OAuthResponseError(
            f"Launchpad answered the {what} with a redirect; redirects are not followed "
            "for requests that carry secrets",
            http_status=status,
        )
    try:
        payload: Any = json.loads(body) if body else None
    except ValueError:
        payload = None
    code = description = None
    if isinstance(payload, Mapping):
        raw_code = payload.get("error")
        raw_description = payload.get("error_description") or payload.get("message")
        code = raw_code.strip() if isinstance(raw_code, str) else None
        description = raw_description.strip() if isinstance(raw_description, str) else None
    detail = redact(": ".join(t for t in (code, description) if t), hidden)[:300]
    message = f"Launchpad refused the {what}" + (f" ({detail})" if detail else "")
    common: dict[str, Any] = {"http_status": status}
    normalized = (code or "").lower()
    if normalized in _GRANT_ERRORS:
        return InvalidGrantError(message, hint=grant_hint, **common)
    if normalized in _CLIENT_ERRORS:
        return InvalidClientError(message, **common)
    if status in (429, 500, 502, 503, 504):
        return OAuthError(
            message,
            retryable=True,
            hint="Launchpad is unavailable or busy; try again shortly",
            **common,
        )
    if status == 401:
        return OAuthError(message, hint=grant_hint, **common)
    return OAuthError(
        message,
        hint="check grant_style ('legacy' or 'standard') and the redirect URI",
        **common,
    )
