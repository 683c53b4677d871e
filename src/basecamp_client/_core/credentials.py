"""Turning whichever credential the client was given into request headers.

The three kinds (a static token, a :class:`~.auth.TokenProvider`, a custom
:class:`~.auth.Auth`) are adapted to one small interface the request path uses:
``await credentials.prepare()`` gives ready-made header dicts plus a fingerprint of the
credential for the HTTP cache key. Header dicts are built once per distinct credential
value and reused, so a static token costs nothing per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .auth import Auth, StaticToken, TokenProvider, check_token, fingerprint
from .clock import SYSTEM_CLOCK
from .errors import AuthError, BasecampError, UsageError
from .header_text import check_field_value, check_header_name
from .single_flight import SingleFlight

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class Prepared:
    """Headers for one credential value. Shared between requests: never mutate them."""

    __slots__ = ("fingerprint", "headers", "json_headers", "marker", "secret_names", "secrets")

    def __init__(
        self,
        headers: dict[str, str],
        fp: str,
        marker: object,
        secrets: tuple[str, ...],
        secret_names: frozenset[str] = frozenset({"authorization"}),
    ) -> None:
        self.headers = headers
        self.json_headers = {**headers, "Content-Type": JSON_CONTENT_TYPE}
        self.fingerprint = fp
        # What was sent, so a 401 can tell whether someone refreshed since.
        self.marker = marker
        # Values to strike from errors, should a server echo them back.
        self.secrets = secrets
        # Header names (lower case) that carry the credential: redacted in logs and hooks.
        self.secret_names = secret_names

    def __repr__(self) -> str:
        return f"<Prepared credential {self.fingerprint[:8]}…>"

    def with_content_type(self, content_type: str | None) -> dict[str, str]:
        if content_type is None:
            return self.headers
        if content_type == JSON_CONTENT_TYPE:
            return self.json_headers
        return {**self.headers, "Content-Type": content_type}


def _bearer(base: Mapping[str, str], token: str) -> Prepared:
    headers = {**base, "Authorization": "Bearer " + token}
    return Prepared(headers, fingerprint("bearer", token), token, (token,))


class Credentials:
    """Base of the adapters; ``can_refresh`` tells whether a 401 is worth a replay."""

    __slots__ = ()
    kind = "none"

    async def prepare(self) -> Prepared:  # pragma: no cover - abstract
        raise NotImplementedError

    async def recover(self, marker: object) -> bool:
        """After a 401 with the credential ``marker``: may the request be replayed?"""
        return False


class StaticCredentials(Credentials):
    __slots__ = ("prepared",)
    kind = "static token"

    def __init__(self, base: Mapping[str, str], token: str) -> None:
        self.prepared = _bearer(base, token)

    async def prepare(self) -> Prepared:
        return self.prepared


class ProviderCredentials(Credentials):
    __slots__ = ("_base", "_flight", "_prepared", "_provider")
    kind = "token provider"

    def __init__(self, base: Mapping[str, str], provider: TokenProvider) -> None:
        self._base = dict(base)
        self._provider = provider
        self._prepared: Prepared | None = None
        # Concurrent 401s make one refresh() call, whatever the provider does itself.
        self._flight: SingleFlight[bool] = SingleFlight(SYSTEM_CLOCK)

    async def prepare(self) -> Prepared:
        try:
            token = await self._provider.get_token()
        except BasecampError:
            raise
        except Exception as exc:
            raise _provider_failed("get_token", exc) from exc
        prepared = self._prepared
        if prepared is None or prepared.marker != token:
            # Checked once per new token, before it is put in a header: a provider that
            # hands out a token with a line break or non-ASCII text gets a UsageError
            # here, on every backend, instead of a raw encoding error from one of them.
            if not isinstance(token, str) or not token:
                raise UsageError("the token provider returned no access token")
            check_token(token, "the token provider's access token")
            prepared = self._prepared = _bearer(self._base, token)
        return prepared

    async def recover(self, marker: object) -> bool:
        try:
            current = await self._provider.get_token()
        except BasecampError:
            raise
        except Exception as exc:
            raise _provider_failed("get_token", exc) from exc
        if current != marker:
            return True  # another task refreshed while this request was in flight
        return await self._flight.run(self._refresh)

    async def _refresh(self) -> bool:
        try:
            return bool(await self._provider.refresh())
        except BasecampError:
            raise
        except Exception as exc:
            raise _provider_failed("refresh", exc) from exc


def _provider_failed(method: str, exc: Exception, who: str = "the token provider") -> AuthError:
    # The application's provider is code we do not control: its failure becomes a typed
    # error (named by type only: its message might quote a token).
    return AuthError(
        f"{who}'s {method}() failed: {type(exc).__name__}",
        retryable=True,
        hint=f"{who} raised an unexpected error; see the chained exception",
    )


class CustomCredentials(Credentials):
    __slots__ = ("_auth", "_base", "_cache", "_flight")
    kind = "custom auth"

    def __init__(self, base: Mapping[str, str], auth: Auth) -> None:
        self._base = dict(base)
        self._auth = auth
        self._cache: tuple[tuple[tuple[str, str], ...], Prepared] | None = None
        self._flight: SingleFlight[bool] = SingleFlight(SYSTEM_CLOCK)

    async def prepare(self) -> Prepared:
        headers = dict(self._base)
        try:
            await self._auth.apply(headers)
        except BasecampError:
            raise
        except Exception as exc:
            raise _provider_failed("apply", exc, "the auth object") from exc
        base = self._base
        try:
            added = tuple(sorted((k.lower(), v) for k, v in headers.items() if base.get(k) != v))
        except (AttributeError, TypeError):
            added = ()  # a name or value that is not a string: refused just below
        else:
            cached = self._cache
            if cached is not None and cached[0] == added:
                return cached[1]
        # Checked once per new set of headers, before any is sent: a line break or
        # non-ASCII text is a UsageError here, on every backend.
        for name, value in headers.items():
            if base.get(name) == value:
                continue
            if not isinstance(name, str) or not isinstance(value, str):
                raise UsageError("auth.apply() must set header names and values as strings")
            check_header_name("auth.apply()", name)
            check_field_value(f"the {name} header set by auth.apply()", value, secret=True)
        parts = [f"{k}:{v}" for k, v in added]
        secrets = tuple(v for _, v in added if len(v) >= 8)
        names = frozenset(k for k, _ in added)
        prepared = Prepared(headers, fingerprint("custom", *parts), added, secrets, names)
        self._cache = (added, prepared)
        return prepared

    async def recover(self, marker: object) -> bool:
        refresh = getattr(self._auth, "refresh", None)
        if refresh is None:
            return False
        current = await self.prepare()
        if current.marker != marker:
            return True
        return await self._flight.run(self._refresh)

    async def _refresh(self) -> bool:
        try:
            return bool(await self._auth.refresh())  # type: ignore[attr-defined]
        except BasecampError:
            raise
        except Exception as exc:
            raise _provider_failed("refresh", exc, "the auth object") from exc


def make_credentials(
    base: Mapping[str, str],
    *,
    access_token: str | None,
    token_provider: Any,
    auth: Any,
) -> Credentials:
    """Exactly one of the three must be given (checked by the caller)."""
    if access_token is not None:
        return StaticCredentials(base, check_token(access_token))
    if token_provider is not None:
        if isinstance(token_provider, StaticToken):
            return ProviderCredentials(base, token_provider)
        if not (
            callable(getattr(token_provider, "get_token", None))
            and callable(getattr(token_provider, "refresh", None))
        ):
            raise UsageError(
                "token_provider must have async get_token() and refresh() methods "
                f"(got {type(token_provider).__name__})"
            )
        return ProviderCredentials(base, token_provider)
    if auth is not None:
        if not callable(getattr(auth, "apply", None)):
            raise UsageError(
                "auth must have an async apply(headers) method "
                f"(got {type(auth).__name__}); for a bearer token use access_token="
            )
        return CustomCredentials(base, auth)
    raise UsageError("give exactly one of access_token=, token_provider= or auth=")
