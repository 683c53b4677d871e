"""Immutable client configuration and its validation."""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._version import __version__
from .deadlines import check_deadline
from .errors import UsageError
from .header_text import check_field_value, check_visible

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
    text = check_field_value("user_agent", str(user_agent).strip())
    if not _CONTACT.search(text):
        raise UsageError(
            f"user_agent {text!r} names no contact: add an e-mail address or URL, "
            'e.g. "Acme Reports (ops@acme.example)"'
        )
    return f"{text} {SDK_PRODUCT}"


def validate_base_url(base_url: str) -> str:
    """HTTPS only, except for a server on this machine (tests, the fake Basecamp)."""
    if not isinstance(base_url, str):
        raise UsageError(f"base_url must be a string, got {type(base_url).__name__}")
    # Every request line starts with it: no spaces, line breaks or non-ASCII.
    if any(ord(ch) > 0x7E for ch in base_url):
        raise UsageError(
            f"base_url must be ASCII, got {base_url!r}: write an international domain in "
            "its xn-- form and percent-encode the path"
        )
    check_visible("base_url", base_url)
    parts = urlsplit(base_url)
    try:
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise UsageError(f"base_url has an invalid port: {base_url!r}") from None
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


def _positive(name: str, *, integer: bool = False) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if value is None:
            return
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
            kind = "integer" if integer else "number"
            raise UsageError(f"{name} must be a positive {kind}, got {value!r}")

    return check


def _status_set(value: Any) -> frozenset[int] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes, int)):
        raise UsageError(f"retry_on must be a collection of HTTP statuses, got {value!r}")
    statuses = frozenset(value)
    for status in statuses:
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise UsageError(f"retry_on holds {status!r}, which is not an HTTP status")
    return statuses


#: One attempt may take this many times ``timeout`` in all (see ``Config.attempt_timeout``).
ATTEMPT_TIMEOUT_FACTOR = 3


HTTP_BACKENDS = ("auto", "aiohttp", "httpx")
#: Former names of backends, still accepted: the hand-written "asyncio" backend was
#: replaced by aiohttp, which does the same job on the same event loops.
HTTP_BACKEND_ALIASES = {"asyncio": "aiohttp"}


def _http_backend_name(value: Any) -> Any:
    return HTTP_BACKEND_ALIASES.get(value, value) if isinstance(value, str) else value


#: How an on/off environment variable may be written.
_SWITCHES = {
    **dict.fromkeys(("1", "true", "yes", "on"), True),
    **dict.fromkeys(("0", "false", "no", "off"), False),
}


def _http_backend(_inst: Any, _attr: Any, value: Any) -> None:
    if value not in HTTP_BACKENDS:
        raise UsageError(f"http_backend must be one of {', '.join(HTTP_BACKENDS)}; got {value!r}")


#: Default ``max_response_bytes``: 32 MiB. A page of 100 to-dos is about 0.1 MB, the
#: largest pages of rich-text records a few MB; a buffer of twice this is affordable.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def _boolean(name: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise UsageError(f"{name} must be True or False, got {value!r}")

    return check


def _proxy(_inst: Any, _attr: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise UsageError(f"proxy must be a URL string, got {type(value).__name__}")
    from .transport.environment import check_proxy_url

    check_proxy_url(value, source="proxy")


def _ssl_context(_inst: Any, _attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, ssl.SSLContext):
        raise UsageError(f"ssl_context must be an ssl.SSLContext, got {type(value).__name__}")


def _rate_limit(value: Any) -> tuple[int, float] | None:
    if value is None:
        return None
    try:
        count, period = value
    except (TypeError, ValueError):
        raise UsageError(
            f"rate_limit must be (requests, seconds), e.g. (50, 10.0); got {value!r}"
        ) from None
    for part in (count, period):
        if isinstance(part, bool) or not isinstance(part, (int, float)) or not part > 0:
            raise UsageError(
                f"rate_limit must be (requests, seconds) with both positive, got {value!r}"
            )
    if int(count) != count:
        raise UsageError(f"rate_limit's request count must be a whole number, got {count!r}")
    return (int(count), float(period))


def _shared_limits(value: Any) -> str | None:
    if value is None:
        return None
    from .redis_link import check_url

    return check_url(value, "shared_limits")


def _shown_url(value: str | None) -> str:
    from .redis_link import shown_url

    return repr(value) if value is None else repr(shown_url(value))


def _key(_inst: Any, _attr: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise UsageError(f"shared_limits_key must be a non-empty string, got {value!r}")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise UsageError(
            f"shared_limits_key must not contain spaces or control characters, got {value!r}"
        )


@attrs.frozen(kw_only=True)
class Config:
    """Settings shared by every request a client makes. Build one, reuse it.

    Immutable: derive a variant with :meth:`replace`. Secrets (``access_token``) never
    appear in the repr.

    Retry settings left at ``None`` defer to each operation's own metadata from the API
    description (``max_attempts``, ``base_delay``, ``retry_on``).
    """

    user_agent: str
    access_token: str | None = attrs.field(default=None, repr=False)
    account_id: int | None = attrs.field(
        default=None, validator=_positive("account_id", integer=True)
    )
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, converter=validate_base_url)
    # Timeouts, in seconds: for each wait on the network (connecting, sending, each read of
    # the answer), and for establishing a connection.
    timeout: float = attrs.field(default=30.0, validator=_positive("timeout"))
    connect_timeout: float = attrs.field(default=10.0, validator=_positive("connect_timeout"))
    # Retries.
    max_attempts: int | None = attrs.field(
        default=None, validator=_positive("max_attempts", integer=True)
    )
    base_delay: float | None = attrs.field(default=None, validator=_positive("base_delay"))
    max_delay: float = attrs.field(default=30.0, validator=_positive("max_delay"))
    max_retry_after: float = attrs.field(default=120.0, validator=_positive("max_retry_after"))
    retry_on: frozenset[int] | None = attrs.field(default=None, converter=_status_set)
    # Connection pool.
    max_connections: int = attrs.field(
        default=100, validator=_positive("max_connections", integer=True)
    )
    max_keepalive_connections: int = attrs.field(
        default=20, validator=_positive("max_keepalive_connections", integer=True)
    )
    keepalive_expiry: float = attrs.field(default=5.0, validator=_positive("keepalive_expiry"))
    # HTTP machinery: "auto" uses aiohttp on asyncio (and in the sync client), httpx
    # under trio or with an injected transport=.
    http_backend: str = attrs.field(
        default="auto", converter=_http_backend_name, validator=_http_backend
    )
    # TLS settings for the connections (default: system trust store, verification on).
    ssl_context: ssl.SSLContext | None = attrs.field(
        default=None, validator=_ssl_context, repr=False
    )
    # HTTP cache.
    cache: bool = True
    cache_max_entries: int = attrs.field(
        default=1024, validator=_positive("cache_max_entries", integer=True)
    )
    cache_max_bytes: int = attrs.field(
        default=32 * 1024 * 1024, validator=_positive("cache_max_bytes", integer=True)
    )
    # Client-side pacing.
    rate_limit: tuple[int, float] | None = attrs.field(default=None, converter=_rate_limit)
    max_in_flight: int | None = attrs.field(
        default=None, validator=_positive("max_in_flight", integer=True)
    )
    # Time limits beyond `timeout` (issue 12): `deadline` bounds a whole call, retries,
    # backoff and pauses included (None: no bound but each attempt's, see
    # `attempt_timeout`). A call may set its own: `account.with_options(deadline=…)`.
    deadline: float | None = attrs.field(default=None, converter=check_deadline)
    # Decoding: lenient by default (a value of an unexpected type is kept as it came);
    # strict raises DecodeError naming the model, the field, the type and the value.
    strict: bool = False
    # Limits shared across processes (issue 15): a Redis URL (redis://host:port/db) makes
    # every client using the same Redis and key share the rate_limit window and the 429
    # pause; the key defaults to one naming the API origin. Needs the "redis" extra.
    shared_limits: str | None = attrs.field(default=None, converter=_shared_limits, repr=_shown_url)
    shared_limits_key: str | None = attrs.field(default=None, validator=_key)
    # HTTP transport: proxies and CA locations from the environment (HTTP(S)_PROXY,
    # ALL_PROXY, NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR) unless trust_env=False; one
    # explicit proxy for every request; the largest answer read into memory (after
    # decompression). Credentials in a proxy URL stay out of the repr.
    trust_env: bool = attrs.field(default=True, validator=_boolean("trust_env"))
    proxy: str | None = attrs.field(default=None, validator=_proxy, repr=False)
    max_response_bytes: int = attrs.field(
        default=DEFAULT_MAX_RESPONSE_BYTES,
        validator=_positive("max_response_bytes", integer=True),
    )

    def __attrs_post_init__(self) -> None:
        build_user_agent(self.user_agent)
        if not isinstance(self.cache, bool):
            raise UsageError(f"cache must be True or False, got {self.cache!r}")
        if not isinstance(self.strict, bool):
            raise UsageError(f"strict must be True or False, got {self.strict!r}")
        if self.access_token is not None and (
            not isinstance(self.access_token, str) or not self.access_token.strip()
        ):
            raise UsageError("access_token must be a non-empty string")
        if self.access_token is not None:
            check_visible("access_token", self.access_token, secret=True)

    @property
    def attempt_timeout(self) -> float:
        """Seconds one attempt may take from sending the request to the last byte of the
        answer: ``ATTEMPT_TIMEOUT_FACTOR`` (3) times ``timeout``, and at least
        ``connect_timeout + timeout``. ``timeout`` bounds each wait; this bounds their sum,
        so a server trickling its answer a byte at a time cannot hold an attempt open."""
        return max(ATTEMPT_TIMEOUT_FACTOR * self.timeout, self.connect_timeout + self.timeout)

    @property
    def full_user_agent(self) -> str:
        """The User-Agent sent: the application's, then the SDK's product token."""
        return build_user_agent(self.user_agent)

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (validated like the original)."""
        unknown = set(changes) - {a.name for a in attrs.fields(Config)}
        if unknown:
            raise UsageError(f"unknown Config setting(s): {', '.join(sorted(unknown))}")
        return attrs.evolve(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Read ``BASECAMP_*`` variables; keyword arguments win over the environment.

        ``BASECAMP_TOKEN``, ``BASECAMP_USER_AGENT``, ``BASECAMP_ACCOUNT_ID``,
        ``BASECAMP_BASE_URL``, ``BASECAMP_TIMEOUT``, ``BASECAMP_CONNECT_TIMEOUT``,
        ``BASECAMP_MAX_ATTEMPTS``, ``BASECAMP_BASE_DELAY``, ``BASECAMP_MAX_RETRY_AFTER``,
        ``BASECAMP_MAX_IN_FLIGHT``, ``BASECAMP_RATE_LIMIT`` (``50/10``: 50 requests per
        10 seconds), ``BASECAMP_CACHE`` (``0``/``false``/``no``/``off`` disables the HTTP
        cache), ``BASECAMP_CACHE_MAX_ENTRIES``, ``BASECAMP_CACHE_MAX_BYTES``,
        ``BASECAMP_HTTP_BACKEND`` (``auto``, ``aiohttp`` or ``httpx``),
        ``BASECAMP_DEADLINE`` (seconds a whole call may take), ``BASECAMP_STRICT``
        (``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``),
        ``BASECAMP_SHARED_LIMITS`` (a Redis URL), ``BASECAMP_SHARED_LIMITS_KEY``,
        ``BASECAMP_TRUST_ENV`` (``0``/``false``/``no``/``off``: ignore the proxy and CA
        variables), ``BASECAMP_MAX_RESPONSE_BYTES``.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}

        def text(var: str, key: str) -> None:
            if env.get(var, "").strip():
                values[key] = env[var].strip()

        def number(var: str, key: str, kind: type) -> None:
            raw = env.get(var, "").strip()
            if raw:
                try:
                    values[key] = kind(raw)
                except ValueError:
                    raise UsageError(f"{var} must be a number, got {raw!r}") from None

        text("BASECAMP_TOKEN", "access_token")
        text("BASECAMP_USER_AGENT", "user_agent")
        text("BASECAMP_BASE_URL", "base_url")
        text("BASECAMP_SHARED_LIMITS", "shared_limits")
        text("BASECAMP_SHARED_LIMITS_KEY", "shared_limits_key")
        if env.get("BASECAMP_HTTP_BACKEND", "").strip():
            values["http_backend"] = env["BASECAMP_HTTP_BACKEND"].strip().lower()
        number("BASECAMP_ACCOUNT_ID", "account_id", int)
        number("BASECAMP_TIMEOUT", "timeout", float)
        number("BASECAMP_CONNECT_TIMEOUT", "connect_timeout", float)
        number("BASECAMP_MAX_ATTEMPTS", "max_attempts", int)
        number("BASECAMP_BASE_DELAY", "base_delay", float)
        number("BASECAMP_MAX_RETRY_AFTER", "max_retry_after", float)
        number("BASECAMP_MAX_IN_FLIGHT", "max_in_flight", int)
        number("BASECAMP_CACHE_MAX_ENTRIES", "cache_max_entries", int)
        number("BASECAMP_CACHE_MAX_BYTES", "cache_max_bytes", int)
        number("BASECAMP_DEADLINE", "deadline", float)
        raw_rate = env.get("BASECAMP_RATE_LIMIT", "").strip()
        if raw_rate:
            count, _sep, period = raw_rate.replace(",", "/").partition("/")
            try:
                values["rate_limit"] = (int(count), float(period))
            except ValueError:
                raise UsageError(
                    f"BASECAMP_RATE_LIMIT must look like 50/10 (requests/seconds), got {raw_rate!r}"
                ) from None
        raw_cache = env.get("BASECAMP_CACHE", "").strip().lower()
        if raw_cache:
            values["cache"] = raw_cache not in ("0", "false", "no", "off")
        raw_strict = env.get("BASECAMP_STRICT", "").strip().lower()
        if raw_strict:
            if raw_strict not in _SWITCHES:
                raise UsageError(
                    f"BASECAMP_STRICT must be 1/true/yes/on or 0/false/no/off, "
                    f"got {env['BASECAMP_STRICT']!r}"
                )
            values["strict"] = _SWITCHES[raw_strict]
        raw_trust = env.get("BASECAMP_TRUST_ENV", "").strip().lower()
        if raw_trust:
            values["trust_env"] = raw_trust not in ("0", "false", "no", "off")
        number("BASECAMP_MAX_RESPONSE_BYTES", "max_response_bytes", int)
        values.update(overrides)
        if "user_agent" not in values:
            raise UsageError(
                "BASECAMP_USER_AGENT is not set: name your application and a contact, "
                'e.g. BASECAMP_USER_AGENT="Acme Reports (ops@acme.example)"'
            )
        return cls(**values)
