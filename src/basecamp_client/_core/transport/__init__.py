"""The seam between the client and HTTP: backend-neutral types, and choosing a backend.

Two backends implement :class:`~.base.Transport`:

- ``asyncio`` (:mod:`.aio_backend`): HTTP/1.1 straight on asyncio's transports, the
  fast path whenever the client runs on asyncio (the sync ``Basecamp`` always does);
- ``httpx`` (:mod:`.httpx_backend`): for trio, for an injected httpx transport
  (``httpx.MockTransport``, proxies, custom transports), or on request.

``http_backend="auto"`` (the default) picks ``asyncio`` when the running async library
is asyncio and no transport was injected, ``httpx`` otherwise. httpx itself is imported
only when its backend is used.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import sniffio

from ..errors import UsageError
from .base import (
    Content,
    Headers,
    HttpResponse,
    StreamedResponse,
    Transport,
    default_ssl_context,
)

if TYPE_CHECKING:
    from .httpx_backend import HttpTransport, HttpxTransport

__all__ = [
    "BACKENDS",
    "Content",
    "Headers",
    "HttpResponse",
    "HttpTransport",
    "HttpxTransport",
    "StreamedResponse",
    "Transport",
    "choose_backend",
    "default_ssl_context",
    "is_http_transport",
    "open_transport",
]

BACKENDS = ("auto", "asyncio", "httpx")


def choose_backend(setting: str, *, injected: bool) -> str:
    """``"asyncio"`` or ``"httpx"`` for the ``http_backend`` setting.

    ``auto`` looks at the async library running now, so call this from inside the
    event loop that will use the transport.
    """
    if setting == "httpx":
        return "httpx"
    if setting == "asyncio":
        if injected:
            raise UsageError(
                'http_backend="asyncio" cannot use an injected transport=, which is an '
                'httpx transport; leave http_backend at "auto" or set it to "httpx"'
            )
        return "asyncio"
    if setting != "auto":
        raise UsageError(f"http_backend must be one of {', '.join(BACKENDS)}; got {setting!r}")
    if injected:
        return "httpx"
    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        library = None
    return "asyncio" if library == "asyncio" else "httpx"


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
) -> Transport:
    """A connection pool of the chosen backend (``"asyncio"`` or ``"httpx"``)."""
    if backend == "asyncio":
        from .aio_backend import AioTransport

        return AioTransport(
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            ssl_context=ssl_context,
        )
    from .httpx_backend import HttpxTransport

    return HttpxTransport(
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=keepalive_expiry,
        transport=transport,
        ssl_context=ssl_context,
    )


def is_http_transport(value: Any) -> bool:
    """Whether ``value`` can be injected as ``transport=`` (an httpx async transport)."""
    if value is None:
        return False
    from .httpx_backend import is_http_transport as check

    return check(value)


def __getattr__(name: str) -> Any:
    # The httpx classes load on demand, so that a client on the asyncio backend never
    # imports httpx.
    if name in ("HttpTransport", "HttpxTransport", "network_error"):
        from . import httpx_backend

        return getattr(httpx_backend, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
