"""basecamp-client: an async-first, fully typed client for the Basecamp 4 API.

Importing this package is cheap: the clients and the generated services load on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._client import AsyncBasecamp, Basecamp
    from ._core.auth import Auth, OAuthRefreshingProvider, StaticToken, Token, TokenProvider
    from ._core.cache import CacheEntry, CacheStore, MemoryCache
    from ._core.clock import Clock, SystemClock
    from ._core.config import Config
    from ._core.edit import AsyncEdit, EditDraft, SyncEdit
    from ._core.errors import (
        AccountInactiveError,
        ApiError,
        AuthError,
        BasecampError,
        ConflictError,
        DecodeError,
        ForbiddenError,
        NetworkError,
        NotFoundError,
        RateLimitError,
        ResponseTooLargeError,
        UnsafeLinkError,
        UsageError,
        ValidationError,
    )
    from ._core.hooks import (
        Hooks,
        OperationEnd,
        OperationStart,
        PageFetched,
        RequestEnd,
        RequestStart,
        RetryScheduled,
    )
    from ._core.nulls import NULL, Null
    from ._core.pagination import AsyncPaginator, ListMeta, ListResult, Page
    from ._core.runner import SyncPaginator
    from ._core.unset import UNSET, Unset

_EXPORTS = {
    "AsyncBasecamp": "._client",
    "Basecamp": "._client",
    "Config": "._core.config",
    "Auth": "._core.auth",
    "OAuthRefreshingProvider": "._core.auth",
    "StaticToken": "._core.auth",
    "Token": "._core.auth",
    "TokenProvider": "._core.auth",
    "CacheEntry": "._core.cache",
    "CacheStore": "._core.cache",
    "MemoryCache": "._core.cache",
    "AsyncEdit": "._core.edit",
    "EditDraft": "._core.edit",
    "SyncEdit": "._core.edit",
    "NULL": "._core.nulls",
    "Null": "._core.nulls",
    "Clock": "._core.clock",
    "SystemClock": "._core.clock",
    "Hooks": "._core.hooks",
    "OperationEnd": "._core.hooks",
    "OperationStart": "._core.hooks",
    "PageFetched": "._core.hooks",
    "RequestEnd": "._core.hooks",
    "RequestStart": "._core.hooks",
    "RetryScheduled": "._core.hooks",
    "UnsafeLinkError": "._core.errors",
    "BasecampError": "._core.errors",
    "UsageError": "._core.errors",
    "AuthError": "._core.errors",
    "ForbiddenError": "._core.errors",
    "NotFoundError": "._core.errors",
    "AccountInactiveError": "._core.errors",
    "ValidationError": "._core.errors",
    "ConflictError": "._core.errors",
    "RateLimitError": "._core.errors",
    "ApiError": "._core.errors",
    "NetworkError": "._core.errors",
    "ResponseTooLargeError": "._core.errors",
    "DecodeError": "._core.errors",
    "AsyncPaginator": "._core.pagination",
    "ListResult": "._core.pagination",
    "ListMeta": "._core.pagination",
    "Page": "._core.pagination",
    "SyncPaginator": "._core.runner",
    "UNSET": "._core.unset",
    "Unset": "._core.unset",
}

__all__ = [
    "NULL",
    "UNSET",
    "AccountInactiveError",
    "ApiError",
    "AsyncBasecamp",
    "AsyncEdit",
    "AsyncPaginator",
    "Auth",
    "AuthError",
    "Basecamp",
    "BasecampError",
    "CacheEntry",
    "CacheStore",
    "Clock",
    "Config",
    "ConflictError",
    "DecodeError",
    "EditDraft",
    "ForbiddenError",
    "Hooks",
    "ListMeta",
    "ListResult",
    "MemoryCache",
    "NetworkError",
    "NotFoundError",
    "Null",
    "OAuthRefreshingProvider",
    "OperationEnd",
    "OperationStart",
    "Page",
    "PageFetched",
    "RateLimitError",
    "RequestEnd",
    "RequestStart",
    "ResponseTooLargeError",
    "RetryScheduled",
    "StaticToken",
    "SyncEdit",
    "SyncPaginator",
    "SystemClock",
    "Token",
    "TokenProvider",
    "UnsafeLinkError",
    "Unset",
    "UsageError",
    "ValidationError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'basecamp_client' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
