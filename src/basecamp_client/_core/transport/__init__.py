"""The seam between the client and HTTP: backend-neutral types, and choosing a backend.

Two backends implement :class:`~.base.Transport`, each a thin adapter over a well-kept
HTTP library (no module of the SDK parses HTTP itself):

- ``aiohttp`` (:mod:`.aiohttp_backend`): whenever the client runs on asyncio and no
  transport was injected (the sync ``Basecamp`` always runs on asyncio);
- ``httpx`` (:mod:`.httpx_backend`): for trio, for an injected httpx transport
  (``httpx.MockTransport``, HTTP/2, custom transports), or on request.

``http_backend="auto"`` (the default) picks ``aiohttp`` when the running async library
is asyncio and no transport was injected, ``httpx`` otherwise. ``"asyncio"``, the name
of the SDK's former hand-written backend, is accepted as another name for ``aiohttp``.
Each library is imported only when its backend is first used.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import sniffio

from ..config import HTTP_BACKEND_ALIASES, HTTP_BACKENDS
from ..errors import UsageError
from .base import (
    Content,
    HttpResponse,
    PoolSettings,
    StreamedResponse,
    Transport,
)
from .environment import NetworkEnvironment, read_environment
from .headers import Headers

if TYPE_CHECKING:
    from .httpx_backend import HttpTransport, HttpxTransport

__all__ = [
    "BACKENDS",
    "Content",
    "Headers",
    "HttpResponse",
    "HttpTransport",
    "HttpxTransport",
    "NetworkEnvironment",
    "StreamedResponse",
    "Transport",
    "choose_backend",
    "default_ssl_context",
    "is_http_transport",
    "open_transport",
    "read_environment",
]

#: The ``http_backend`` settings, and former names still accepted (one table, the
#: configuration's).
BACKENDS = HTTP_BACKENDS
ALIASES = HTTP_BACKEND_ALIASES


def backend_name(setting: str) -> str:
    """The canonical name of an ``http_backend`` setting (``"asyncio"`` → ``"aiohttp"``)."""
    return ALIASES.get(setting, setting)


def choose_backend(setting: str, *, injected: bool) -> str:
    """``"aiohttp"`` or ``"httpx"`` for the ``http_backend`` setting.

    ``auto`` looks at the async library running now, so call this from inside the
    event loop that will use the transport.
    """
    setting = backend_name(setting)
    if setting == "httpx":
        return "httpx"
    if setting == "aiohttp":
        if injected:
            raise UsageError(
                'http_backend="aiohttp" cannot use an injected transport=, which is an '
                'httpx transport; leave http_backend at "auto" or set it to "httpx"'
            )
        return "aiohttp"
    if setting != "auto":
        raise UsageError(f"http_backend must be one of {', '.join(BACKENDS)}; got {setting!r}")
    if injected:
        return "httpx"
    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        library = None
    return "aiohttp" if library == "asyncio" else "httpx"


def default_ssl_context(*, trust_env: bool = True) -> ssl.SSLContext:
    """The verifying context a client uses when given none (see
    :meth:`.environment.NetworkEnvironment.ssl_context`)."""
    return read_environment(trust_env=trust_env).ssl_context()


def open_transport(
    backend: str,
    *,
    timeout: float,
    connect_timeout: float,
    max_connections: int,
    max_keepalive_connections: int,
    keepalive_expiry: float = 5.0,
    transport: Any = None,
    ssl_context: ssl.SSLContext | None = None,
    network: NetworkEnvironment | None = None,
    max_response_bytes: int | None = None,
) -> Transport:
    """A connection pool of the chosen backend (``"aiohttp"`` or ``"httpx"``).

    ``network`` (proxies, CA locations) defaults to what the environment says now;
    ``max_response_bytes=None`` reads whole responses of any size (callers that bound
    them themselves).
    """
    if network is None and transport is None:
        network = read_environment()
    settings = PoolSettings(
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=keepalive_expiry,
        ssl_context=ssl_context,
        network=network,
        max_response_bytes=max_response_bytes,
    )
    if backend_name(backend) == "aiohttp":
        from .aiohttp_backend import AiohttpTransport

        return AiohttpTransport(settings)
    from .httpx_backend import HttpxTransport

    return HttpxTransport(settings, transport=transport)


def is_http_transport(value: Any) -> bool:
    """Whether ``value`` can be injected as ``transport=`` (an httpx async transport)."""
    if value is None:
        return False
    from .httpx_backend import is_http_transport as check

    return check(value)


def __getattr__(name: str) -> Any:
    # The httpx classes load on demand, so that a client on the aiohttp backend never
    # imports httpx.
    if name in ("HttpTransport", "HttpxTransport", "network_error"):
        from . import httpx_backend

        return getattr(httpx_backend, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
