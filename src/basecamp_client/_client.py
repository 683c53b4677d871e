"""The two public entry points: :class:`AsyncBasecamp` and its sync facade :class:`Basecamp`."""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from ._core.auth import Auth, TokenProvider
from ._core.cache import CacheStore, SharedCacheStore
from ._core.clock import Clock
from ._core.config import DEFAULT_BASE_URL, Config
from ._core.core import ClientCore
from ._core.errors import UsageError
from ._core.hooks import Hooks
from ._core.runner import Runner, close_quietly
from ._core.session import AccountSession
from ._core.transport import is_http_transport

if TYPE_CHECKING:
    from ._generated.account import AsyncAccount, SyncAccount

_SETTINGS = frozenset(a.name for a in attrs.fields(Config)) - {
    "user_agent",
    "access_token",
    "base_url",
}


def _build_config(
    config: Config | None,
    access_token: str | None,
    token_provider: Any,
    auth: Any,
    user_agent: str | None,
    base_url: str | None,
    settings: dict[str, Any],
) -> Config:
    unknown = sorted(set(settings) - _SETTINGS)
    if unknown:
        raise UsageError(
            f"unknown setting(s): {', '.join(unknown)} (known: {', '.join(sorted(_SETTINGS))})"
        )
    given = [
        n
        for n, v in (
            ("access_token", access_token),
            ("token_provider", token_provider),
            ("auth", auth),
        )
        if v is not None
    ]
    if config is not None:
        if not isinstance(config, Config):
            raise UsageError(f"config must be a Config, got {type(config).__name__}")
        if user_agent is not None or base_url is not None or settings:
            raise UsageError(
                "pass either config= or individual settings, not both "
                "(use config.replace(...) to change a setting)"
            )
        if config.access_token is not None:
            given.append("config.access_token")
    if len(given) != 1:
        raise UsageError(
            "give exactly one of access_token=, token_provider= or auth= "
            f"(got {', '.join(given) if given else 'none'})"
        )
    if config is not None:
        return config if access_token is None else config.replace(access_token=access_token)
    return Config(
        user_agent=user_agent,  # type: ignore[arg-type]  # validated by Config
        access_token=access_token,
        base_url=base_url or DEFAULT_BASE_URL,
        **settings,
    )


class AsyncBasecamp:
    """Async Basecamp client. Use one per application; it pools connections.

    >>> async with AsyncBasecamp(access_token=..., user_agent="Acme (ops@acme.example)") as bc:
    ...     account = bc.for_account(123)
    ...     project = await account.projects.get(project_id=1)

    Credentials: exactly one of ``access_token=`` (a bearer token),
    ``token_provider=`` (a :class:`~basecamp_client.TokenProvider`, for example an
    :class:`~basecamp_client.OAuthRefreshingProvider`) or ``auth=`` (an object with
    ``async def apply(headers)``). Every other keyword is a :class:`Config` setting, or
    pass a whole ``config=``. ``transport=`` injects an httpx transport (tests,
    proxies); ``clock=`` replaces time (tests); ``cache_store=`` replaces the HTTP
    cache's storage; ``hooks=`` observes calls.
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        token_provider: TokenProvider | None = None,
        auth: Auth | None = None,
        user_agent: str | None = None,
        base_url: str | None = None,
        config: Config | None = None,
        transport: Any = None,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        cache_store: CacheStore | SharedCacheStore | None = None,
        random: Callable[[], float] | None = None,
        **settings: Any,
    ) -> None:
        self.config = _build_config(
            config, access_token, token_provider, auth, user_agent, base_url, settings
        )
        if transport is not None and not is_http_transport(transport):
            raise UsageError(
                f"transport must be an httpx async transport, got {type(transport).__name__}"
            )
        if hooks is not None and not isinstance(hooks, Hooks):
            raise UsageError(f"hooks must be a Hooks(...) object, got {type(hooks).__name__}")
        if cache_store is not None and not isinstance(cache_store, (CacheStore, SharedCacheStore)):
            raise UsageError(
                "cache_store must have get(), set(), delete() and clear() methods, "
                "or be a shared store such as RedisCacheStore"
            )
        self._core = ClientCore(
            self.config,
            transport=transport,
            token_provider=token_provider,
            auth=auth,
            hooks=hooks,
            clock=clock,
            cache_store=cache_store,
            random=random,
        )

    @classmethod
    def from_env(cls, **kwargs: Any) -> AsyncBasecamp:
        """A client configured from ``BASECAMP_*`` variables (see :meth:`Config.from_env`).

        Keyword arguments that are settings override the environment; the others
        (``token_provider=``, ``hooks=``, ...) are passed to the constructor.
        """
        config, rest = _config_from_env(kwargs)
        return cls(config=config, **rest)

    def __repr__(self) -> str:
        state = " closed" if self._core.closed else ""
        return f"<AsyncBasecamp base_url={self.config.base_url!r}{state}>"

    @classmethod
    def from_token_file(
        cls,
        path: str | os.PathLike[str],
        *,
        client_secret: str | None = None,
        oauth_transport: Any = None,
        **settings: Any,
    ) -> AsyncBasecamp:
        """A client using (and refreshing) the tokens ``python -m basecamp_client login`` saved.

        Refreshed tokens are written back to the file atomically. The client secret
        comes from ``client_secret``, the file, or ``$BASECAMP_CLIENT_SECRET``;
        ``oauth_transport`` (default: ``transport``) carries the refresh requests.
        """
        from .oauth.provider import client_settings_from_token_file

        return cls(
            **client_settings_from_token_file(
                path, client_secret=client_secret, oauth_transport=oauth_transport, **settings
            )
        )

    @property
    def cache(self) -> CacheStore | None:
        """The HTTP cache's in-process store (``None`` when caching is off); with a
        shared store such as RedisCacheStore, the memory cache in front of it."""
        return self._core.cache

    def for_account(self, account_id: int | None = None) -> AsyncAccount:
        """A client scoped to one account: every path is prefixed with ``/{account_id}``.

        Without an argument, the configured ``account_id`` (``BASECAMP_ACCOUNT_ID``).
        """
        from ._generated.account import AsyncAccount

        return AsyncAccount(AccountSession(self._core, _account_id(self.config, account_id)))

    async def aclose(self) -> None:
        """Close the connection pool (idempotent)."""
        await self._core.aclose()

    async def __aenter__(self) -> AsyncBasecamp:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


_CONFIG_FIELDS = frozenset(a.name for a in attrs.fields(Config))


def _config_from_env(kwargs: dict[str, Any]) -> tuple[Config, dict[str, Any]]:
    """Split keyword arguments into Config settings (applied over the environment) and
    the rest (constructor arguments)."""
    settings = {k: v for k, v in kwargs.items() if k in _CONFIG_FIELDS}
    rest = {k: v for k, v in kwargs.items() if k not in _CONFIG_FIELDS}
    return Config.from_env(**settings), rest


def _account_id(config: Config, account_id: int | None) -> int:
    if account_id is None:
        if config.account_id is None:
            raise UsageError(
                "for_account() needs an account id (or set account_id= / BASECAMP_ACCOUNT_ID)"
            )
        return config.account_id
    return account_id


_SYNC_CLIENTS: weakref.WeakSet[Basecamp] = weakref.WeakSet()


class Basecamp:
    """Synchronous Basecamp client: the async client run on a private event loop thread.

    Takes the same arguments as :class:`AsyncBasecamp`. Safe to share between threads;
    usable in scripts, notebooks (inside a running event loop) and forked worker
    processes. The loop thread starts on the first call.
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        token_provider: TokenProvider | None = None,
        auth: Auth | None = None,
        user_agent: str | None = None,
        base_url: str | None = None,
        config: Config | None = None,
        transport: Any = None,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        cache_store: CacheStore | SharedCacheStore | None = None,
        random: Callable[[], float] | None = None,
        **settings: Any,
    ) -> None:
        self._async = AsyncBasecamp(
            access_token=access_token,
            token_provider=token_provider,
            auth=auth,
            user_agent=user_agent,
            base_url=base_url,
            config=config,
            transport=transport,
            hooks=hooks,
            clock=clock,
            cache_store=cache_store,
            random=random,
            **settings,
        )
        self.config = self._async.config
        self._runner = Runner()
        _SYNC_CLIENTS.add(self)

    @classmethod
    def from_env(cls, **kwargs: Any) -> Basecamp:
        """A client configured from ``BASECAMP_*`` variables (see :meth:`Config.from_env`)."""
        config, rest = _config_from_env(kwargs)
        return cls(config=config, **rest)

    def __repr__(self) -> str:
        state = " closed" if self._async._core.closed else ""
        return f"<Basecamp base_url={self.config.base_url!r}{state}>"

    @classmethod
    def from_token_file(
        cls,
        path: str | os.PathLike[str],
        *,
        client_secret: str | None = None,
        oauth_transport: Any = None,
        **settings: Any,
    ) -> Basecamp:
        """The sync twin of :meth:`AsyncBasecamp.from_token_file`."""
        from .oauth.provider import client_settings_from_token_file

        return cls(
            **client_settings_from_token_file(
                path, client_secret=client_secret, oauth_transport=oauth_transport, **settings
            )
        )

    @property
    def cache(self) -> CacheStore | None:
        """The HTTP cache's store (``None`` when caching is off)."""
        return self._async.cache

    def for_account(self, account_id: int | None = None) -> SyncAccount:
        """A client scoped to one account: every path is prefixed with ``/{account_id}``."""
        from ._generated.account import SyncAccount

        return SyncAccount(self._async.for_account(account_id), self._runner)

    def close(self) -> None:
        """Close the connection pool and stop the loop thread (idempotent)."""
        runner = self._runner
        try:
            if runner.loop is not None:
                runner.run(self._async.aclose)
            else:
                self._async._core._closed = True
        finally:
            runner.close()

    def __enter__(self) -> Basecamp:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _close_sync_clients_at_exit() -> None:
    close_quietly(client.close for client in list(_SYNC_CLIENTS))


atexit.register(_close_sync_clients_at_exit)
