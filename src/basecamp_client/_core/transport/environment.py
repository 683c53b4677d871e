"""What the process environment says about reaching servers: proxies and trusted CAs.

Read once, when a client is created (:func:`read_environment`), and the same for every
backend: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (lower-case
spellings win, as with curl and Python's ``urllib``), ``SSL_CERT_FILE`` and
``SSL_CERT_DIR``. ``trust_env=False`` ignores all of them; ``proxy=`` names one proxy
for every request. Matching ``NO_PROXY`` is left to the standard library
(:func:`urllib.request.proxy_bypass_environment`), the same rules aiohttp applies.

Two decisions of our own, both documented in ``docs/http-backends.md``:

- A server on this machine (``localhost``, ``127.0.0.0/8``, ``::1``) is never reached
  through a proxy named by the environment: a proxy elsewhere cannot reach this
  machine's loopback, and tests against the fake Basecamp must not depend on a
  developer's proxy settings. An explicit ``proxy=`` applies to every URL.
- A variable that names something unusable (a CA file that does not exist, a SOCKS
  proxy, which neither backend speaks without extra packages) is a ``UsageError`` at
  construction, naming the variable: failing later, on the network, would hide why.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from ..errors import UsageError
from .sending import authority_end

_PROXY_SCHEMES = ("http", "https")


def check_proxy_url(value: str, *, source: str) -> str:
    """``value`` as a proxy URL (``http://`` assumed when it names no scheme), or a
    :class:`UsageError` naming ``source`` (the setting or variable it came from)."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise UsageError(f"{source} is not a valid proxy URL") from None
    if parts.scheme.lower() not in _PROXY_SCHEMES:
        raise UsageError(
            f"{source} names a {parts.scheme}:// proxy; this client speaks to http:// and "
            "https:// proxies only (pass trust_env=False to ignore the environment)"
        )
    if not parts.hostname or any(c.isspace() or ord(c) < 0x20 for c in text):
        raise UsageError(f"{source} is not a valid proxy URL")
    return text


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@attrs.frozen
class NetworkEnvironment:
    """Proxies and CA locations for one client (see the module's docstring)."""

    #: Proxy URL by scheme of the target ("http", "https"), from the environment.
    proxies: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    #: ``NO_PROXY``, as written.
    no_proxy: str = ""
    #: ``proxy=``: one proxy for every request, whatever the environment says.
    explicit: str | None = attrs.field(default=None, repr=False)
    cafile: str | None = None
    capath: str | None = None

    @property
    def uses_proxies(self) -> bool:
        return self.explicit is not None or bool(self.proxies)

    def proxy_for(self, scheme: str, host: str, port: int | None) -> str | None:
        """The proxy a request to ``scheme://host:port`` goes through, or ``None``."""
        if self.explicit is not None:
            return self.explicit
        proxy = self.proxies.get(scheme)
        if proxy is None or is_loopback(host):
            return None
        if self.no_proxy:
            # Imported here: urllib.request is a heavy import, needed only with NO_PROXY.
            from urllib.request import (  # type: ignore[attr-defined]
                proxy_bypass_environment,
            )

            target = host if port is None else f"{host}:{port}"
            if proxy_bypass_environment(target, {"no": self.no_proxy}):
                return None
        return proxy

    def ssl_context(self) -> ssl.SSLContext:
        """Verification on. The CAs named by ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set
        (and only them, as OpenSSL and httpx read these variables); otherwise certifi's
        bundle, the one httpx trusts by default, so that choosing a backend never changes
        which servers are trusted. Built once per process for each set of locations
        (loading a bundle takes tens of milliseconds); never modified afterwards."""
        return _verifying_context(self.cafile, self.capath)


@functools.lru_cache(maxsize=8)
def _verifying_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    if cafile or capath:
        try:
            return ssl.create_default_context(cafile=cafile, capath=capath)
        except (OSError, ssl.SSLError) as exc:
            what = "SSL_CERT_FILE" if cafile else "SSL_CERT_DIR"
            raise UsageError(f"{what} names no usable certificates: {exc}") from None
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _variable(env: Mapping[str, str], name: str) -> tuple[str, str] | None:
    # Lower case first, as curl and urllib do; an empty value counts as unset.
    for spelling in (name.lower(), name.upper()):
        value = env.get(spelling, "").strip()
        if value:
            return spelling, value
    return None


def read_environment(
    *,
    trust_env: bool = True,
    proxy: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> NetworkEnvironment:
    """The :class:`NetworkEnvironment` for a client with these settings."""
    explicit = check_proxy_url(proxy, source="proxy") if proxy is not None else None
    if not trust_env:
        return NetworkEnvironment(explicit=explicit)
    env = os.environ if environ is None else environ
    proxies: dict[str, str] = {}
    fallback = _variable(env, "ALL_PROXY")
    for scheme in _PROXY_SCHEMES:
        found = _variable(env, f"{scheme}_PROXY")
        if found is not None and found[0] == "HTTP_PROXY" and "REQUEST_METHOD" in env:
            # Under CGI, HTTP_PROXY may come from a request header ("httpoxy"): the
            # standard library ignores it there, and so do we.
            found = None
        found = found or fallback
        if found is not None:
            proxies[scheme] = check_proxy_url(found[1], source=found[0])
    no_proxy = _variable(env, "NO_PROXY")
    cafile = env.get("SSL_CERT_FILE", "").strip() or None
    capath = env.get("SSL_CERT_DIR", "").strip() or None
    if cafile is not None and not os.path.isfile(cafile):
        raise UsageError(
            f"SSL_CERT_FILE names {cafile!r}, which is not a file "
            "(pass trust_env=False to ignore the environment)"
        )
    if capath is not None and not os.path.isdir(capath):
        raise UsageError(
            f"SSL_CERT_DIR names {capath!r}, which is not a directory "
            "(pass trust_env=False to ignore the environment)"
        )
    return NetworkEnvironment(
        proxies=proxies,
        no_proxy=no_proxy[1] if no_proxy else "",
        explicit=explicit,
        cafile=cafile,
        capath=capath,
    )


class ProxyChooser:
    """``chooser(url)``: the proxy for a request URL, remembered per origin."""

    __slots__ = ("_memo", "_network")

    def __init__(self, network: NetworkEnvironment) -> None:
        self._network = network
        self._memo: dict[str, str | None] = {}

    def __call__(self, url: str) -> str | None:
        scheme, _, rest = url.partition("://")
        end = authority_end(rest)
        key = f"{scheme.lower()}://{rest[:end]}"
        try:
            return self._memo[key]
        except KeyError:
            pass
        try:
            parts = urlsplit(key)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            return None  # the backend reports the bad URL itself
        proxy = self._network.proxy_for(parts.scheme, host, port)
        if len(self._memo) >= 256:
            self._memo.clear()
        self._memo[key] = proxy
        return proxy
