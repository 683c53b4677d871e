"""A token provider that refreshes before expiry, and the one backed by a token file.

:class:`RefreshingTokenProvider` is an interim stand-in for the core's
``OAuthRefreshingProvider(token, refresher, on_refresh=…)`` with the same constructor
shape; :func:`open_token_file` is the only place that builds one, so switching over is
a one-line change there.
"""

from __future__ import annotations

import inspect
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import attrs

from .._core.auth import Token, TokenProvider
from .._core.errors import BasecampError
from .errors import LOGIN_AGAIN, TokenFileError
from .launchpad import LaunchpadClient
from .token_file import StoredLogin, read_token_file, write_token_file

logger = logging.getLogger("basecamp_client.oauth")

Refresher = Callable[[Token], Awaitable[Token]]
OnRefresh = Callable[[Token], Awaitable[None] | None]

#: Refresh this long before the recorded expiry, so no request goes out with a token
#: that expires on the way.
DEFAULT_REFRESH_BUFFER = 300.0


class RefreshingTokenProvider:
    """Hands out the current access token, refreshing it shortly before it expires.

    Concurrent callers share one refresh (single flight). After a successful refresh
    ``on_refresh(token)`` (sync or async) is called, e.g. to save the new token; its
    failure is logged, not raised, since the new token works either way.
    """

    def __init__(
        self,
        token: Token,
        refresher: Refresher,
        *,
        on_refresh: OnRefresh | None = None,
        refresh_buffer: float = DEFAULT_REFRESH_BUFFER,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self._refresher = refresher
        self._on_refresh = on_refresh
        self._buffer = refresh_buffer
        self._clock = clock
        self._lock = anyio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(expires_at={self._token.expires_at!r})"

    @property
    def token(self) -> Token:
        return self._token

    async def get_token(self) -> str:
        token = self._token
        if token.refresh_token and token.is_expired(self._buffer, now=self._clock()):
            async with self._lock:
                if self._token is token:
                    try:
                        await self._refresh_locked()
                    except BasecampError as exc:
                        # Still inside its lifetime: a Launchpad hiccup should not
                        # fail requests the old token can still make.
                        if not exc.retryable or token.is_expired(now=self._clock()):
                            raise
                        logger.warning(
                            "token refresh failed (%s); using the current token until it expires",
                            exc.code,
                        )
        return self._token.access_token

    async def refresh(self) -> bool:
        stale = self._token
        if not stale.refresh_token:
            return False
        async with self._lock:
            if self._token is not stale:
                return True  # another caller refreshed while this one waited
            await self._refresh_locked()
        return True

    async def _refresh_locked(self) -> None:
        new = await self._refresher(self._token)
        self._token = new
        if self._on_refresh is None:
            return
        try:
            result = self._on_refresh(new)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            logger.error("saving the refreshed token failed: %s", type(exc).__name__)


@attrs.frozen(kw_only=True)
class TokenFileCredentials:
    """A token file opened for use: its contents and a provider that keeps it fresh."""

    path: Path
    login: StoredLogin
    provider: TokenProvider
    launchpad: LaunchpadClient


def open_token_file(
    path: str | os.PathLike[str],
    *,
    client_secret: str | None = None,
    transport: Any = None,
    refresh_buffer: float = DEFAULT_REFRESH_BUFFER,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
) -> TokenFileCredentials:
    """Read a token file written by ``login`` and build a refreshing provider on it.

    The client secret comes from ``client_secret``, else the file (when the login saved
    it), else ``$BASECAMP_CLIENT_SECRET``; without one the token cannot be refreshed, so
    that is an error now rather than in two weeks. Refreshed tokens are written back to
    the file atomically. Before refreshing, the file is read again: when another process
    sharing it has refreshed already, its token is adopted instead.
    """
    file = Path(path).expanduser()
    login = read_token_file(file)
    env = os.environ if environ is None else environ
    secret = client_secret or login.client_secret or env.get("BASECAMP_CLIENT_SECRET") or None
    if login.token.refresh_token and not secret:
        raise TokenFileError(
            f"no client secret to refresh the tokens in {str(file)!r}",
            hint="pass client_secret=, set BASECAMP_CLIENT_SECRET, or log in with "
            "--save-client-secret",
        )
    launchpad = LaunchpadClient(
        client_id=login.client_id,
        client_secret=secret,
        redirect_uri=login.redirect_uri,
        endpoints=login.endpoints,
        grant_style=login.grant_style,
        transport=transport,
        clock=clock,
    )

    def latest_on_disk() -> Token | None:
        try:
            return read_token_file(file).token
        except TokenFileError:
            return None

    async def refresher(current: Token) -> Token:
        on_disk = await anyio.to_thread.run_sync(latest_on_disk)
        if (
            on_disk is not None
            and on_disk.access_token != current.access_token
            and not on_disk.is_expired(refresh_buffer, now=clock())
        ):
            logger.info("adopted a token refreshed by another process")
            return on_disk
        return await launchpad.refresh(current)

    async def save(token: Token) -> None:
        await anyio.to_thread.run_sync(write_token_file, file, login.with_token(token))

    provider = RefreshingTokenProvider(
        login.token, refresher, on_refresh=save, refresh_buffer=refresh_buffer, clock=clock
    )
    if not login.token.refresh_token:
        logger.warning("the token in %s cannot be refreshed; %s", file, LOGIN_AGAIN)
    return TokenFileCredentials(path=file, login=login, provider=provider, launchpad=launchpad)


def client_settings_from_token_file(
    path: str | os.PathLike[str],
    *,
    client_secret: str | None = None,
    oauth_transport: Any = None,
    **settings: Any,
) -> dict[str, Any]:
    """The keyword arguments of a client built by ``from_token_file``: ``settings`` plus
    the refreshing ``token_provider`` and, unless given, the file's ``account_id``."""
    credentials = open_token_file(
        path,
        client_secret=client_secret,
        transport=oauth_transport if oauth_transport is not None else settings.get("transport"),
    )
    if credentials.login.account_id is not None and settings.get("config") is None:
        settings.setdefault("account_id", credentials.login.account_id)
    return {**settings, "token_provider": credentials.provider}
