"""Immutable client configuration and its validation."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._version import __version__
from .errors import UsageError

DEFAULT_BASE_URL = "https://3.basecampapi.com"
SDK_PRODUCT = f"basecamp-client-python/{__version__}"

_CONTACT = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+|https?://\S+")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def build_user_agent(user_agent: str | None) -> str:
    """Validate the application's User-Agent and append the SDK's product token.

    Basecamp answers 400 to requests whose User-Agent does not name the application and
    a way to contact its author, so a client without one is refused up front.
    """
    if user_agent is None or not str(user_agent).strip():
        raise UsageError(
            "user_agent is required: Basecamp rejects requests that do not name the "
            'application and a contact, e.g. user_agent="Acme Reports (ops@acme.example)"'
        )
    text = str(user_agent).strip()
    if any(ch in text for ch in "\r\n\x00"):
        raise UsageError("user_agent must be a single line of text")
    if not _CONTACT.search(text):
        raise UsageError(
            f"user_agent {text!r} names no contact: add an e-mail address or URL, "
            'e.g. "Acme Reports (ops@acme.example)"'
        )
    return f"{text} {SDK_PRODUCT}"


def validate_base_url(base_url: str) -> str:
    """HTTPS only, except for a server on this machine (tests, the fake Basecamp)."""
    parts = urlsplit(str(base_url))
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(f"base_url must be an absolute https:// URL, got {base_url!r}")
    if parts.scheme == "http" and not _is_local(host):
        raise UsageError(
            f"base_url {base_url!r} uses plain http: credentials would travel unencrypted; "
            "use https:// (http:// is allowed only for localhost, 127.0.0.1 and ::1)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError("base_url must not carry a query, fragment or credentials")
    return str(base_url).rstrip("/")


def _is_local(host: str) -> bool:
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _positive(name: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if value is not None and (isinstance(value, bool) or value <= 0):
            raise UsageError(f"{name} must be a positive number, got {value!r}")

    return check


@attrs.frozen(kw_only=True)
class Config:
    """Settings shared by every request a client makes. Build one, reuse it.

    Secrets (``access_token``) never appear in the repr.
    """

    user_agent: str
    access_token: str | None = attrs.field(default=None, repr=False)
    account_id: int | None = None
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, converter=validate_base_url)
    timeout: float = attrs.field(default=30.0, validator=_positive("timeout"))
    connect_timeout: float = attrs.field(default=10.0, validator=_positive("connect_timeout"))
    max_attempts: int | None = attrs.field(default=None, validator=_positive("max_attempts"))
    base_delay: float | None = attrs.field(default=None, validator=_positive("base_delay"))
    max_delay: float = attrs.field(default=30.0, validator=_positive("max_delay"))
    max_retry_after: float = attrs.field(default=120.0, validator=_positive("max_retry_after"))
    max_connections: int = attrs.field(default=100, validator=_positive("max_connections"))
    max_keepalive_connections: int = attrs.field(
        default=20, validator=_positive("max_keepalive_connections")
    )
    cache: bool = True
    cache_max_entries: int = attrs.field(default=1024, validator=_positive("cache_max_entries"))
    cache_max_bytes: int = attrs.field(
        default=32 * 1024 * 1024, validator=_positive("cache_max_bytes")
    )
    rate_limit: tuple[int, float] | None = None
    max_in_flight: int | None = attrs.field(default=None, validator=_positive("max_in_flight"))

    def __attrs_post_init__(self) -> None:
        build_user_agent(self.user_agent)
        if self.rate_limit is not None:
            count, period = self.rate_limit
            if count <= 0 or period <= 0:
                raise UsageError(
                    f"rate_limit must be (requests, seconds) with both positive, "
                    f"got {self.rate_limit!r}"
                )

    @property
    def full_user_agent(self) -> str:
        return build_user_agent(self.user_agent)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Read ``BASECAMP_*`` variables; keyword arguments win over the environment.

        ``BASECAMP_TOKEN``, ``BASECAMP_USER_AGENT``, ``BASECAMP_ACCOUNT_ID``,
        ``BASECAMP_BASE_URL``, ``BASECAMP_TIMEOUT``, ``BASECAMP_MAX_ATTEMPTS``,
        ``BASECAMP_CACHE`` (``0``/``false`` disables the HTTP cache).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}

        def text(var: str, key: str) -> None:
            if env.get(var):
                values[key] = env[var]

        def number(var: str, key: str, kind: type) -> None:
            raw = env.get(var)
            if raw:
                try:
                    values[key] = kind(raw)
                except ValueError:
                    raise UsageError(f"{var} must be a number, got {raw!r}") from None

        text("BASECAMP_TOKEN", "access_token")
        text("BASECAMP_USER_AGENT", "user_agent")
        text("BASECAMP_BASE_URL", "base_url")
        number("BASECAMP_ACCOUNT_ID", "account_id", int)
        number("BASECAMP_TIMEOUT", "timeout", float)
        number("BASECAMP_MAX_ATTEMPTS", "max_attempts", int)
        if env.get("BASECAMP_CACHE"):
            values["cache"] = env["BASECAMP_CACHE"].strip().lower() not in ("0", "false", "no")
        values.update(overrides)
        if "user_agent" not in values:
            raise UsageError(
                "BASECAMP_USER_AGENT is not set: name your application and a contact, "
                'e.g. BASECAMP_USER_AGENT="Acme Reports (ops@acme.example)"'
            )
        return cls(**values)
