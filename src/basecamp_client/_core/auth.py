"""Credentials: a static token, or a provider that can refresh.

This module defines the contract (:class:`Token`, :class:`TokenProvider`); the OAuth
flows that obtain tokens live in :mod:`basecamp_client.oauth`.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

import attrs


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
        current = time.time() if now is None else now
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


class StaticToken:
    """A fixed access token that cannot be refreshed."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "StaticToken(***)"

    async def get_token(self) -> str:
        return self._token

    async def refresh(self) -> bool:
        return False
