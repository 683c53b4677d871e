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
    from ._core.cache import CacheEntry, CacheStore, MemoryCache, SharedCacheStore
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
        LimitExceededError,
        NetworkError,
        NotFoundError,
        PaginationError,
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
    from ._core.pagination import (
        AsyncPaginator,
        AsyncWrappedPaginator,
        ListMeta,
        ListResult,
        Page,
        WrappedPage,
    )
    from ._core.redis_cache import RedisCacheStore
    from ._core.runner import SyncPaginator, SyncWrappedPaginator
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
    "SharedCacheStore": "._core.cache",
    "RedisCacheStore": "._core.redis_cache",
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
    "PaginationError": "._core.errors",
    "LimitExceededError": "._core.errors",
    "AsyncPaginator": "._core.pagination",
    "ListResult": "._core.pagination",
    "ListMeta": "._core.pagination",
    "Page": "._core.pagination",
    "AsyncWrappedPaginator": "._core.pagination",
    "WrappedPage": "._core.pagination",
    "SyncPaginator": "._core.runner",
    "SyncWrappedPaginator": "._core.runner",
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
    "AsyncWrappedPaginator",
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
    "LimitExceededError",
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
    "PaginationError",
    "RateLimitError",
    "RedisCacheStore",
    "RequestEnd",
    "RequestStart",
    "ResponseTooLargeError",
    "RetryScheduled",
    "SharedCacheStore",
    "StaticToken",
    "SyncEdit",
    "SyncPaginator",
    "SyncWrappedPaginator",
    "SystemClock",
    "Token",
    "TokenProvider",
    "UnsafeLinkError",
    "Unset",
    "UsageError",
    "ValidationError",
    "WrappedPage",
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
