"""The two public entry points: :class:`AsyncBasecamp` and its sync facade :class:`Basecamp`."""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._core.config import DEFAULT_BASE_URL, Config
from ._core.errors import UsageError
from ._core.runner import Runner
from ._core.session import AccountSession, ClientCore

if TYPE_CHECKING:
    from ._generated.account import AsyncAccount, SyncAccount


def _build_config(
    config: Config | None,
    access_token: str | None,
    token_provider: Any,
    auth: Any,
    user_agent: str | None,
    base_url: str | None,
    settings: dict[str, Any],
) -> Config:
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
        if user_agent is not None or base_url is not None or settings or access_token:
            raise UsageError("pass either config= or individual settings, not both")
        if config.access_token is not None:
            given.append("config.access_token")
    if len(given) != 1:
        raise UsageError(
            "give exactly one of access_token=, token_provider= or auth= "
            f"(got {', '.join(given) if given else 'none'})"
        )
    if config is not None:
        return config
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
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        token_provider: Any = None,
        auth: Any = None,
        user_agent: str | None = None,
        base_url: str | None = None,
        config: Config | None = None,
        transport: Any = None,
        **settings: Any,
    ) -> None:
        self.config = _build_config(
            config, access_token, token_provider, auth, user_agent, base_url, settings
        )
        self._core = ClientCore(self.config, transport=transport)

    def __repr__(self) -> str:
        return f"<AsyncBasecamp base_url={self.config.base_url!r}>"

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

    def for_account(self, account_id: int) -> AsyncAccount:
        """A client scoped to one account: every path is prefixed with ``/{account_id}``."""
        from ._generated.account import AsyncAccount

        return AsyncAccount(AccountSession(self._core, account_id))

    async def aclose(self) -> None:
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


class Basecamp:
    """Synchronous Basecamp client: the async client run on a private event loop thread.

    Safe to share between threads; usable in scripts, notebooks and worker processes.
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        token_provider: Any = None,
        auth: Any = None,
        user_agent: str | None = None,
        base_url: str | None = None,
        config: Config | None = None,
        transport: Any = None,
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
            **settings,
        )
        self.config = self._async.config
        self._runner = Runner()

    def __repr__(self) -> str:
        return f"<Basecamp base_url={self.config.base_url!r}>"

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

    def for_account(self, account_id: int) -> SyncAccount:
        from ._generated.account import SyncAccount

        return SyncAccount(self._async.for_account(account_id), self._runner)

    def close(self) -> None:
        try:
            self._runner.run(self._async.aclose)
        finally:
            self._runner.close()

    def __enter__(self) -> Basecamp:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
