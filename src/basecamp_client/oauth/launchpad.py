"""Talking to Launchpad: exchange a code, refresh a token, read ``authorization.json``.

Requests go through the client's HTTP seam (:mod:`basecamp_client._core.transport`),
which never follows redirects. Each call opens its own short-lived connection pool:
these requests happen once per login and once per refresh (every two weeks with
Launchpad's defaults), so there is nothing worth pooling and no pool to close or to tie
to one event loop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import attrs

from .._core.auth import Token
from .._core.clock import SYSTEM_CLOCK
from .._core.config import ATTEMPT_TIMEOUT_FACTOR, SDK_PRODUCT
from .._core.deadlines import TimeLimit
from .._core.errors import UsageError
from .._core.header_text import check_field_value
from .._core.transport import HttpResponse, Transport, choose_backend, open_transport
from .errors import OAuthResponseError
from .flow import (
    GRANT_STYLES,
    GrantStyle,
    LaunchpadEndpoints,
    PkcePair,
    authorization_url,
    check_redirect_uri,
    decode_json,
    error_for_oauth_response,
    exchange_form,
    new_state,
    refresh_form,
    token_from_response,
)
from .identity import Authorization, parse_authorization

logger = logging.getLogger("basecamp_client.oauth")

#: Token responses are a few hundred bytes; anything near this cap is not one.
MAX_TOKEN_RESPONSE = 64 * 1024
#: ``authorization.json`` grows with the number of accounts; still small.
MAX_IDENTITY_RESPONSE = 1024 * 1024

_EXCHANGE_HINT = (
    "the verification code is invalid, expired or already used (codes are single-use "
    "and short-lived): start the login again"
)


def _style(_inst: Any, _attr: Any, value: Any) -> None:
    if value not in GRANT_STYLES:
        raise UsageError(f"grant_style must be 'legacy' or 'standard', got {value!r}")


def _header_text(_inst: Any, attr: Any, value: Any) -> None:
    if value is not None:
        if not isinstance(value, str):
            raise UsageError(f"{attr.name} must be a string, got {type(value).__name__}")
        check_field_value(attr.name, value)


def _non_empty(_inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{attr.name} must be a non-empty string")


@attrs.frozen(kw_only=True)
class AuthorizationRequest:
    """One login attempt: the URL to open, and what the callback must be checked against."""

    url: str
    state: str = attrs.field(repr=False)
    code_verifier: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class LaunchpadClient:
    """An OAuth client registered with Launchpad (an "integration").

    >>> launchpad = LaunchpadClient(client_id="…", client_secret="…",
    ...                             redirect_uri="http://localhost:8765/callback")
    >>> request = launchpad.start_authorization()     # send the browser to request.url
    >>> token = await launchpad.exchange_code(code, code_verifier=request.code_verifier)
    >>> token = await launchpad.refresh(token)        # when it expires
    >>> who = await launchpad.fetch_authorization(token)

    ``grant_style="legacy"`` (the default) sends Launchpad's documented ``type=…`` fields;
    ``"standard"`` sends RFC 6749 ``grant_type``/``response_type`` and uses PKCE unless
    ``pkce=False``. ``transport`` is an httpx transport, for tests and proxies.
    """

    client_id: str = attrs.field(validator=_non_empty)
    client_secret: str | None = attrs.field(default=None, repr=False)
    redirect_uri: str = attrs.field(converter=check_redirect_uri)
    endpoints: LaunchpadEndpoints = attrs.field(factory=LaunchpadEndpoints)
    grant_style: GrantStyle = attrs.field(default="legacy", validator=_style)
    pkce: bool | None = None
    user_agent: str | None = attrs.field(default=None, validator=_header_text)
    timeout: float = 30.0
    max_response_bytes: int = MAX_TOKEN_RESPONSE
    transport: Any = attrs.field(default=None, repr=False, eq=False)
    clock: Callable[[], float] = attrs.field(default=time.time, repr=False, eq=False)

    @property
    def uses_pkce(self) -> bool:
        return self.grant_style == "standard" if self.pkce is None else self.pkce

    # -- the browser step -------------------------------------------------------------

    def start_authorization(self, *, state: str | None = None) -> AuthorizationRequest:
        """A fresh ``state`` (and PKCE pair when enabled) and the URL that carries them."""
        state = state or new_state()
        pkce = PkcePair.new() if self.uses_pkce else None
        url = authorization_url(
            client_id=self.client_id,
            redirect_uri=self.redirect_uri,
            state=state,
            code_challenge=pkce.challenge if pkce else None,
            grant_style=self.grant_style,
            authorize_url=self.endpoints.authorize_url,
        )
        return AuthorizationRequest(
            url=url, state=state, code_verifier=pkce.verifier if pkce else None
        )

    # -- the token endpoint -----------------------------------------------------------

    async def exchange_code(self, code: str, *, code_verifier: str | None = None) -> Token:
        """Trade the verification code from the callback for tokens."""
        if not code:
            raise UsageError("the verification code is empty")
        form = exchange_form(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            code=code,
            code_verifier=code_verifier,
            grant_style=self.grant_style,
        )
        payload = await self._token_request(
            form, what="code exchange", hint=_EXCHANGE_HINT, hidden=(code, code_verifier)
        )
        logger.info("exchanged a verification code for tokens")
        return token_from_response(payload, now=self.clock())

    async def refresh(self, token: Token | str) -> Token:
        """A new access token from a refresh token (given alone or inside a ``Token``).

        The refresh token is kept when Launchpad does not send a new one.
        """
        refresh_token = token.refresh_token if isinstance(token, Token) else token
        if not refresh_token:
            raise UsageError("this token has no refresh token; log in again to get one")
        form = refresh_form(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            refresh_token=refresh_token,
            grant_style=self.grant_style,
        )
        payload = await self._token_request(form, what="token refresh", hint=None, hidden=())
        logger.info("refreshed the access token")
        return token_from_response(payload, now=self.clock(), previous_refresh_token=refresh_token)

    async def _token_request(
        self,
        form: Mapping[str, str],
        *,
        what: str,
        hint: str | None,
        hidden: tuple[str | None, ...],
    ) -> Any:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": self._user_agent(),
        }
        body = urlencode(form).encode("ascii")
        response = await self._send(
            "POST", self.endpoints.token_url, headers, body, self.max_response_bytes, what
        )
        if response.status_code != 200:
            secrets = (*hidden, self.client_secret, form.get("refresh_token"))
            raise error_for_oauth_response(
                response.status_code, response.content, what=what, secrets=secrets, grant_hint=hint
            )
        return decode_json(response.content, what)

    # -- authorization.json -----------------------------------------------------------

    async def fetch_authorization(self, token: Token | str) -> Authorization:
        """Who authorized, and which accounts (with their product) they can use."""
        access = token.access_token if isinstance(token, Token) else token
        headers = {
            "Authorization": "Bearer " + access,
            "Accept": "application/json",
            "User-Agent": self._user_agent(),
        }
        limit = max(self.max_response_bytes, MAX_IDENTITY_RESPONSE)
        what = "authorization.json request"
        response = await self._send("GET", self.endpoints.identity_url, headers, None, limit, what)
        if response.status_code != 200:
            raise error_for_oauth_response(
                response.status_code,
                response.content,
                what=what,
                secrets=(access,),
                grant_hint="the access token was rejected: refresh it, or log in again",
            )
        return parse_authorization(decode_json(response.content, what))

    # -- plumbing ---------------------------------------------------------------------

    def _user_agent(self) -> str:
        return f"{self.user_agent} {SDK_PRODUCT}" if self.user_agent else SDK_PRODUCT

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        limit: int,
        what: str,
    ) -> HttpResponse:
        http = open_transport(
            choose_backend("auto", injected=self.transport is not None),
            timeout=self.timeout,
            connect_timeout=min(self.timeout, 10.0),
            max_connections=1,
            max_keepalive_connections=1,
            transport=self.transport,
        )
        # `timeout` bounds each wait; this bounds the whole exchange, so a Launchpad that
        # trickles its answer cannot hold a refresh (and every request queued behind it).
        total = ATTEMPT_TIMEOUT_FACTOR * self.timeout
        try:
            with TimeLimit(SYSTEM_CLOCK, total, f"the {what} took longer than {total:g}s"):
                response = await _exchange(http, method, url, headers, body, limit, what)
        finally:
            await http.aclose()
        return response


async def _exchange(
    http: Transport,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    limit: int,
    what: str,
) -> HttpResponse:
    async with http.stream(method, url, headers, body) as streamed:
        # Read at most ``limit`` bytes: a hostile or broken endpoint must not be able to
        # make the client buffer an arbitrarily large answer.
        if _declared_size(streamed.headers) > limit:
            raise _too_big(what, limit, streamed.status_code)
        chunks: list[bytes] = []
        size = 0
        async for chunk in streamed.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_big(what, limit, streamed.status_code)
            chunks.append(chunk)
        return HttpResponse(
            status_code=streamed.status_code,
            headers=streamed.headers,
            content=b"".join(chunks),
            url=streamed.url,
        )


def _declared_size(headers: Mapping[str, str]) -> int:
    try:
        return int(headers.get("content-length") or 0)
    except ValueError:
        return 0


def _too_big(what: str, limit: int, status: int) -> OAuthResponseError:
    return OAuthResponseError(
        f"the {what} response is larger than {limit} bytes; refused", http_status=status
    )
