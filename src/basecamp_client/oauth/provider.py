"""Clients backed by a token file: the core's refreshing provider, wired to Launchpad
and writing refreshed tokens back to the file."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import attrs

from .._core.auth import OAuthRefreshingProvider, Token, TokenProvider
from .._core.clock import SYSTEM_CLOCK, Clock
from .errors import LOGIN_AGAIN, TokenFileError
from .launchpad import LaunchpadClient
from .token_file import StoredLogin, read_token_file, write_token_file

logger = logging.getLogger("basecamp_client.oauth")

Refresher = Callable[[Token], Awaitable[Token]]
OnRefresh = Callable[[Token], Awaitable[None] | None]

#: Refresh this long before the recorded expiry, so no request goes out with a token
#: that expires on the way.
DEFAULT_REFRESH_BUFFER = 300.0


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
    clock: Clock | None = None,
) -> TokenFileCredentials:
    """Read a token file written by ``login`` and build a refreshing provider on it.

    The client secret comes from ``client_secret``, else the file (when the login saved
    it), else ``$BASECAMP_CLIENT_SECRET``. Without one (and with Launchpad's legacy
    grant, which needs it), the token is used while it is valid; the refresh it then
    needs fails with a :class:`TokenFileError` saying how to supply the secret.
    Refreshed tokens are written back to the file atomically. Before refreshing, the
    file is read again: when another process sharing it has refreshed already, its
    token is adopted instead.
    """
    clock = clock or SYSTEM_CLOCK
    file = Path(path).expanduser()
    login = read_token_file(file)
    env = os.environ if environ is None else environ
    secret = client_secret or login.client_secret or env.get("BASECAMP_CLIENT_SECRET") or None
    cannot_refresh = not secret and login.grant_style == "legacy"
    launchpad = LaunchpadClient(
        client_id=login.client_id,
        client_secret=secret,
        redirect_uri=login.redirect_uri,
        endpoints=login.endpoints,
        grant_style=login.grant_style,
        transport=transport,
        clock=clock.time,
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
            and not on_disk.is_expired(refresh_buffer, now=clock.time())
        ):
            logger.info("adopted a token refreshed by another process")
            return on_disk
        if cannot_refresh:
            raise _no_secret(file, still_valid=not current.is_expired(now=clock.time()))
        return await launchpad.refresh(current)

    async def save(token: Token) -> None:
        await anyio.to_thread.run_sync(write_token_file, file, login.with_token(token))

    provider = OAuthRefreshingProvider(
        login.token, refresher, on_refresh=save, refresh_buffer=refresh_buffer, clock=clock
    )
    if not login.token.refresh_token:
        logger.warning("the token in %s cannot be refreshed; %s", file, LOGIN_AGAIN)
    return TokenFileCredentials(path=file, login=login, provider=provider, launchpad=launchpad)


def _no_secret(file: Path, *, still_valid: bool) -> TokenFileError:
    # Retryable while the token is still valid: the provider then keeps using it (with
    # a warning) and raises only once it has expired.
    return TokenFileError(
        f"no client secret to refresh the tokens in {str(file)!r}"
        + (" (the access token is about to expire)" if still_valid else ""),
        retryable=still_valid,
        hint="pass client_secret=, set BASECAMP_CLIENT_SECRET, or log in with --save-client-secret",
    )


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
