"""The client a command uses, configured exactly as the SDK reads its settings.

``BASECAMP_TOKEN`` (with the other ``BASECAMP_*`` variables) wins; without it, the
token file ``basecamp login`` wrote (``$BASECAMP_TOKEN_FILE``, else
``~/.config/basecamp-client/token.json``) supplies the credentials, refreshed and
written back when they expire. The account: ``--account``, else
``BASECAMP_ACCOUNT_ID``, else the one the login chose.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from .._client import AsyncBasecamp
from .._core.config import Config
from .._core.errors import AuthError, UsageError
from ..oauth.token_file import StoredLogin, default_token_file


@attrs.frozen
class Opened:
    client: AsyncBasecamp
    account_id: int


def open_client(account: int | None, environ: Mapping[str, str] | None = None) -> Opened:
    env = os.environ if environ is None else environ
    config = Config.from_env(env)
    if config.access_token is not None:
        client = AsyncBasecamp(config=config)
        return Opened(client, _account(account, config, None))
    path = default_token_file(env)
    if not path.exists():
        raise AuthError(
            "no credentials: BASECAMP_TOKEN is not set and there is no token file at "
            f"{str(path)!r}",
            hint="run `basecamp login`, or set BASECAMP_TOKEN",
        )
    from ..oauth.provider import open_token_file

    credentials = open_token_file(path, environ=env)
    client = AsyncBasecamp(config=config, token_provider=credentials.provider)
    return Opened(client, _account(account, config, credentials.login))


def _account(given: int | None, config: Config, login: StoredLogin | None) -> int:
    if given is not None:
        return given
    if config.account_id is not None:
        return config.account_id
    if login is not None and login.account_id is not None:
        return login.account_id
    known = ""
    if login is not None and login.accounts:
        known = "; this login reaches " + ", ".join(
            f"{a_id} ({name or 'unnamed'})" for a_id, name in login.accounts
        )
    raise UsageError(
        f"no account chosen{known}",
        hint="pass --account ID or set BASECAMP_ACCOUNT_ID",
    )
