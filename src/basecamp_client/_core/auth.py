"""Credentials: a static token, a provider that can refresh, or a custom auth object.

This module defines the contracts (:class:`Token`, :class:`TokenProvider`,
:class:`Auth`) and the refreshing OAuth provider. The Launchpad HTTP calls that obtain
and refresh tokens live elsewhere and plug in as the provider's ``refresher``.

The core never keeps a token anywhere but in the ``Authorization`` header it sends;
what it remembers about a credential (for the HTTP cache) is a one-way fingerprint.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

import attrs

from .clock import SYSTEM_CLOCK, Clock
from .errors import AuthError, BasecampError, UsageError
from .header_text import check_visible
from .single_flight import SingleFlight

logger = logging.getLogger("basecamp_client.auth")


@attrs.frozen(kw_only=True)
class Token:
    """An OAuth access token with its refresh token and expiry (Unix time, seconds).

    Neither token appears in the repr.
    """

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_at: float | None = None
    token_type: str = "Bearer"  # noqa: S105  (a scheme name, not a secret)

    def is_expired(self, buffer: float = 0.0, *, now: float | None = None) -> bool:
        """True when the token expires within ``buffer`` seconds (never, without expiry)."""
        if self.expires_at is None:
            return False
        current = SYSTEM_CLOCK.time() if now is None else now
        return current + buffer >= self.expires_at


@runtime_checkable
class TokenProvider(Protocol):
    """Supplies bearer tokens; may be able to refresh them after a 401."""

    async def get_token(self) -> str:
        """The access token to send now (refreshing first if it is about to expire)."""
        ...

    async def refresh(self) -> bool:
        """Try to obtain a new token; ``False`` when this provider cannot refresh."""
        ...


@runtime_checkable
class Auth(Protocol):
    """A custom way to authenticate: set whatever headers the request needs.

    ``apply`` receives the request's headers (a plain ``dict``) and adds to them. An
    auth object may also define ``async def refresh(self) -> bool``; the client calls
    it once after a 401 and replays the request when it returns ``True``.
    """

    async def apply(self, headers: dict[str, str]) -> None: ...


class StaticToken:
    """A fixed access token that cannot be refreshed."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = check_token(token)

    def __repr__(self) -> str:
        return "StaticToken(***)"

    async def get_token(self) -> str:
        return self._token

    async def refresh(self) -> bool:
        return False


def check_token(token: object, what: str = "access token") -> str:
    """``token`` if it can travel in an ``Authorization`` header; else a
    :class:`UsageError` (which never quotes the token)."""
    if not isinstance(token, str) or not token.strip():
        raise UsageError(f"{what} must be a non-empty string")
    return check_visible(what, token, secret=True)


Refresher = Callable[[Token], Awaitable[Token]]
OnRefresh = Callable[[Token], Any]

#: Seconds after a failed refresh during which no new refresh is attempted: calls in
#: that window get the failure at once (or, while the current token is still valid and
#: the failure was passing, go ahead with the current token).
REFRESH_COOLDOWN = 10.0


class OAuthRefreshingProvider:
    """Bearer tokens that refresh themselves shortly before they expire.

    ``refresher(token)`` obtains a new :class:`Token` (for Basecamp: a Launchpad refresh
    request). It runs at most once at a time, however many tasks ask for a token: the
    first caller refreshes, the others wait for its result — a new token, or the same
    error. After a failed refresh no new one is tried for ``REFRESH_COOLDOWN`` (10 s):
    calls in that window get the failure at once. ``on_refresh(new_token)``
    (sync or async) is called after each refresh so the application can persist the new
    token; if it fails, the failure is logged and the new token is still used.

    A refresh that fails for a passing reason (network, Launchpad outage) while the
    current token is still valid is logged and the current token is used; a revoked
    grant, or any failure once the token has expired, is raised. A token without a
    refresh token is used as it is until the API rejects it.
    """

    def __init__(
        self,
        token: Token,
        refresher: Refresher,
        *,
        on_refresh: OnRefresh | None = None,
        refresh_buffer: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(token, Token):
            raise UsageError("OAuthRefreshingProvider needs a Token as its first argument")
        check_token(token.access_token)
        if not callable(refresher):
            raise UsageError("refresher must be an async callable taking the current Token")
        if isinstance(refresh_buffer, bool) or refresh_buffer < 0:
            raise UsageError(f"refresh_buffer must be >= 0 seconds, got {refresh_buffer!r}")
        self._token = token
        self._refresher = refresher
        self._on_refresh = on_refresh
        self._buffer = float(refresh_buffer)
        self._clock = clock or SYSTEM_CLOCK
        self._flight: SingleFlight[None] = SingleFlight(self._clock, cooldown=REFRESH_COOLDOWN)
        self._generation = 0
        #: Number of completed refreshes (for observability and tests).
        self.refresh_count = 0

    def __repr__(self) -> str:
        return f"OAuthRefreshingProvider(expires_at={self._token.expires_at!r}, token=***)"

    @property
    def token(self) -> Token:
        """The current token (as last obtained or refreshed)."""
        return self._token

    def _expiring(self) -> bool:
        expires_at = self._token.expires_at
        return expires_at is not None and self._clock.time() + self._buffer >= expires_at

    async def get_token(self) -> str:
        if self._token.refresh_token is not None and self._expiring():
            try:
                await self._flight.run(self._refresh_if_expiring)
            except BasecampError as exc:
                # A passing outage should not fail requests the current token can still
                # make; a revoked grant is reported at once.
                if not exc.retryable or self._token.is_expired(now=self._clock.time()):
                    raise
        return self._token.access_token

    async def _refresh_if_expiring(self) -> None:
        if not self._expiring():
            return  # refreshed by a refresh() that ran while this call waited
        try:
            await self._refresh_locked()
        except BasecampError as exc:
            if exc.retryable and not self._token.is_expired(now=self._clock.time()):
                logger.warning(
                    "token refresh failed (%s); using the current token until it expires",
                    exc.code,
                )
            raise

    async def refresh(self) -> bool:
        """Refresh now (after a 401). Callers that queued behind a refresh share its
        outcome instead of refreshing again; within ``REFRESH_COOLDOWN`` of a failed
        refresh the failure is raised again without a new attempt. ``False`` when the
        token has no refresh token."""
        if self._token.refresh_token is None:
            return False
        await self._flight.run(self._refresh_locked)
        return True

    async def _refresh_locked(self) -> None:
        try:
            new = await self._refresher(self._token)
        except BasecampError:
            raise
        except Exception as exc:
            # An unexpected failure of the application's refresher is treated as
            # passing (retryable): the current token stays in use while it is valid.
            raise AuthError(
                f"token refresh failed: {type(exc).__name__}",
                retryable=True,
                hint="the refresher raised an unexpected error; if it persists, log in again",
            ) from exc
        if not isinstance(new, Token):
            raise UsageError(f"the refresher returned {type(new).__name__}, not a Token")
        check_token(new.access_token)
        if new.refresh_token is None and self._token.refresh_token is not None:
            # Launchpad does not always rotate refresh tokens; keep the one we have.
            new = attrs.evolve(new, refresh_token=self._token.refresh_token)
        self._token = new
        self._generation += 1
        self.refresh_count += 1
        if self._on_refresh is not None:
            try:
                result = self._on_refresh(new)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception("on_refresh callback failed; the new token is used anyway")


def fingerprint(*parts: str) -> str:
    """A short one-way digest identifying a credential (never the credential itself)."""
    digest = hashlib.sha256(b"basecamp-client-credential\x00")
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]
