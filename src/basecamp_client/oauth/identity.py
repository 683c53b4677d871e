"""What ``authorization.json`` says: who logged in, and which accounts they can use."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import attrs

from .._core.decoding import parse_datetime
from .errors import OAuthResponseError

#: Launchpad's product name for Basecamp 4 (and 3) accounts, the ones this client serves.
BASECAMP_PRODUCT = "bc3"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@attrs.frozen(kw_only=True)
class Identity:
    """The person who authorized the application."""

    id: int | None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(unnamed)"


@attrs.frozen(kw_only=True)
class LaunchpadAccount:
    """One account the person can reach. Only ``product == "bc3"`` ones speak this API."""

    id: int
    name: str | None = None
    product: str | None = None
    href: str | None = None
    app_href: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def is_basecamp(self) -> bool:
        return self.product == BASECAMP_PRODUCT


@attrs.frozen(kw_only=True)
class Authorization:
    """The parsed ``authorization.json``."""

    identity: Identity
    accounts: tuple[LaunchpadAccount, ...]
    expires_at: _dt.datetime | None = None

    @property
    def basecamp_accounts(self) -> tuple[LaunchpadAccount, ...]:
        """The accounts this client can talk to (Basecamp 4, product ``bc3``)."""
        return tuple(a for a in self.accounts if a.is_basecamp)


_IDENTITY_KEYS = ("id", "first_name", "last_name", "email_address")
_ACCOUNT_KEYS = ("id", "name", "product", "href", "app_href")


def parse_authorization(payload: Any) -> Authorization:
    """Lenient: unknown keys are kept in ``extra``; accounts without an integer id skipped."""
    if not isinstance(payload, Mapping):
        raise OAuthResponseError("authorization.json is not a JSON object")
    raw_identity = payload.get("identity")
    if not isinstance(raw_identity, Mapping):
        raise OAuthResponseError("authorization.json has no identity")
    identity = Identity(
        id=_int(raw_identity.get("id")),
        first_name=_str(raw_identity.get("first_name")),
        last_name=_str(raw_identity.get("last_name")),
        email_address=_str(raw_identity.get("email_address")),
        extra={k: v for k, v in raw_identity.items() if k not in _IDENTITY_KEYS},
    )
    accounts = []
    raw_accounts = payload.get("accounts")
    for raw in raw_accounts if isinstance(raw_accounts, list) else ():
        if not isinstance(raw, Mapping) or _int(raw.get("id")) is None:
            continue
        accounts.append(
            LaunchpadAccount(
                id=raw["id"],
                name=_str(raw.get("name")),
                product=_str(raw.get("product")),
                href=_str(raw.get("href")),
                app_href=_str(raw.get("app_href")),
                extra={k: v for k, v in raw.items() if k not in _ACCOUNT_KEYS},
            )
        )
    expires = parse_datetime(payload.get("expires_at"))
    return Authorization(
        identity=identity,
        accounts=tuple(accounts),
        expires_at=expires if isinstance(expires, _dt.datetime) else None,
    )
