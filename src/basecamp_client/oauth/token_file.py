"""The token file ``login`` writes and ``from_token_file`` reads and refreshes.

A JSON document, readable by its owner only. It is never written in place: a new file
is created with mode 0600 from its first byte (``O_CREAT | O_EXCL``, so there is no
moment when it is readable by others and no following of a planted file), filled,
flushed to disk, then renamed over the old one, so a reader sees either the old
tokens or the new ones, never half of each.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._core.auth import Token
from .errors import TokenFileError
from .flow import GRANT_STYLES, GrantStyle, LaunchpadEndpoints

logger = logging.getLogger("basecamp_client.oauth")

FORMAT = "basecamp-client/token-file"
VERSION = 1
MAX_TOKEN_FILE = 1024 * 1024
_KNOWN_KEYS = frozenset(
    {
        "format",
        "version",
        "token",
        "client",
        "launchpad",
        "account",
        "accounts",
        "identity",
        "saved_at",
    }
)


def default_token_file(environ: Mapping[str, str] | None = None) -> Path:
    """``$BASECAMP_TOKEN_FILE``, else ``$XDG_CONFIG_HOME/basecamp-client/token.json``
    (``~/.config/…`` when ``XDG_CONFIG_HOME`` is unset)."""
    env = os.environ if environ is None else environ
    if env.get("BASECAMP_TOKEN_FILE"):
        return Path(env["BASECAMP_TOKEN_FILE"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / "basecamp-client" / "token.json"


@attrs.frozen(kw_only=True)
class StoredLogin:
    """Everything a token file holds: the tokens, and what is needed to refresh them.

    The client secret is stored only when the login was asked to (``--save-client-secret``);
    otherwise it is supplied when the file is used. ``account_id`` is the account used
    by default (``None`` when the login reached several and none was chosen);
    ``accounts`` lists the Basecamp 4 accounts the login reaches, as (id, name).
    """

    token: Token
    client_id: str
    redirect_uri: str
    client_secret: str | None = attrs.field(default=None, repr=False)
    grant_style: GrantStyle = "legacy"
    endpoints: LaunchpadEndpoints = attrs.field(factory=LaunchpadEndpoints)
    account_id: int | None = None
    account_name: str | None = None
    identity: Mapping[str, Any] = attrs.field(factory=dict)
    accounts: tuple[tuple[int, str | None], ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def with_token(self, token: Token) -> StoredLogin:
        return attrs.evolve(self, token=token)

    def to_json(self, *, now: float | None = None) -> dict[str, Any]:
        token = self.token
        client: dict[str, Any] = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "grant_style": self.grant_style,
        }
        if self.client_secret:
            client["client_secret"] = self.client_secret
        saved = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now)
        )
        return {
            **self.extra,
            "format": FORMAT,
            "version": VERSION,
            "token": {
                "access_token": token.access_token,
                "refresh_token": token.refresh_token,
                "expires_at": token.expires_at,
                "token_type": token.token_type,
            },
            "client": client,
            "launchpad": {
                "authorize_url": self.endpoints.authorize_url,
                "token_url": self.endpoints.token_url,
                "identity_url": self.endpoints.identity_url,
            },
            "account": (
                {"id": self.account_id, "name": self.account_name}
                if self.account_id is not None
                else None
            ),
            "accounts": [{"id": a_id, "name": name} for a_id, name in self.accounts],
            "identity": dict(self.identity) or None,
            "saved_at": saved,
        }

    @classmethod
    def from_json(cls, data: Any, *, source: str = "the token file") -> StoredLogin:
        """Parse; a missing or mistyped field is a :class:`TokenFileError` naming it."""
        if not isinstance(data, Mapping):
            raise TokenFileError(f"{source} does not hold a JSON object")
        if data.get("format") != FORMAT:
            raise TokenFileError(f"{source} is not a basecamp-client token file")
        if data.get("version") != VERSION:
            raise TokenFileError(
                f"{source} has version {data.get('version')!r}; this client reads version "
                f"{VERSION}",
                hint="upgrade basecamp-client, or log in again",
            )
        raw_token = _section(data, "token", source)
        raw_client = _section(data, "client", source)
        expires_at = raw_token.get("expires_at")
        if expires_at is not None and (
            isinstance(expires_at, bool) or not isinstance(expires_at, (int, float))
        ):
            raise TokenFileError(f"{source}: token.expires_at must be a number or null")
        grant_style = raw_client.get("grant_style", "legacy")
        if grant_style not in GRANT_STYLES:
            raise TokenFileError(f"{source}: client.grant_style must be 'legacy' or 'standard'")
        account = data.get("account")
        account_id = account.get("id") if isinstance(account, Mapping) else None
        if account_id is not None and (
            isinstance(account_id, bool) or not isinstance(account_id, int)
        ):
            raise TokenFileError(f"{source}: account.id must be an integer")
        try:
            endpoints = LaunchpadEndpoints(**_section(data, "launchpad", source))
        except (TypeError, ValueError) as exc:
            raise TokenFileError(f"{source}: launchpad endpoints are invalid: {exc}") from None
        identity = data.get("identity")
        return cls(
            token=Token(
                access_token=_text(raw_token, "access_token", source, "token"),
                refresh_token=_text(raw_token, "refresh_token", source, "token", optional=True),
                expires_at=None if expires_at is None else float(expires_at),
                token_type=_text(raw_token, "token_type", source, "token", optional=True)
                or "Bearer",
            ),
            client_id=_text(raw_client, "client_id", source, "client"),
            client_secret=_text(raw_client, "client_secret", source, "client", optional=True),
            redirect_uri=_text(raw_client, "redirect_uri", source, "client"),
            grant_style=grant_style,
            endpoints=endpoints,
            account_id=account_id,
            account_name=(
                account.get("name")
                if isinstance(account, Mapping) and isinstance(account.get("name"), str)
                else None
            ),
            identity=dict(identity) if isinstance(identity, Mapping) else {},
            accounts=_accounts(data.get("accounts")),
            extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        )


def _accounts(raw: Any) -> tuple[tuple[int, str | None], ...]:
    """The listed accounts; entries that are not ``{"id": int, "name": str}`` are skipped
    (the list only informs, nothing depends on it)."""
    if not isinstance(raw, list):
        return ()
    found = []
    for entry in raw:
        if isinstance(entry, Mapping):
            a_id, name = entry.get("id"), entry.get("name")
            if isinstance(a_id, int) and not isinstance(a_id, bool):
                found.append((a_id, name if isinstance(name, str) else None))
    return tuple(found)


def _section(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise TokenFileError(f"{source}: the {key!r} section is missing")
    return value


def _text(
    data: Mapping[str, Any], key: str, source: str, section: str, *, optional: bool = False
) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise TokenFileError(f"{source}: {section}.{key} must be a non-empty string")
    return value


def read_token_file(path: str | os.PathLike[str]) -> StoredLogin:
    """Read and validate a token file. Warns when others can read it."""
    file = Path(path).expanduser()
    source = f"token file {str(file)!r}"
    try:
        with open(file, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            raw = handle.read(MAX_TOKEN_FILE + 1)
    except FileNotFoundError:
        raise TokenFileError(f"{source} does not exist") from None
    except OSError as exc:
        raise TokenFileError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(raw) > MAX_TOKEN_FILE:
        raise TokenFileError(f"{source} is larger than {MAX_TOKEN_FILE} bytes")
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        logger.warning(
            "%s can be read by other users (mode %o); run: chmod 600 %s",
            source,
            stat.S_IMODE(mode),
            file,
        )
    try:
        data = json.loads(raw)
    except ValueError:
        raise TokenFileError(f"{source} is not valid JSON") from None
    return StoredLogin.from_json(data, source=source)


def write_token_file(path: str | os.PathLike[str], login: StoredLogin) -> Path:
    """Write ``login`` to ``path`` atomically, owner-only (0600); returns the path written."""
    file = Path(path).expanduser()
    data = json.dumps(login.to_json(), indent=2, sort_keys=False).encode("utf-8") + b"\n"
    write_private_file(file, data)
    return file


def write_private_file(file: Path, data: bytes) -> None:
    """Replace ``file`` with ``data``: created 0600, fsynced, then renamed into place."""
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise TokenFileError(
            f"cannot create the directory {str(file.parent)!r}: {exc.strerror or exc}"
        ) from None
    tmp = file.with_name(f".{file.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as exc:
        raise TokenFileError(f"cannot write {str(file)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise TokenFileError(f"cannot write {str(file)!r}: {exc.strerror or exc}") from None
        raise
    _fsync_directory(file.parent)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
