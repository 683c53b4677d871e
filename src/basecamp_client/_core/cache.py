"""The HTTP cache: conditional GETs that skip decoding on ``304 Not Modified``.

Basecamp expects clients to revalidate: every GET answer carries an ``ETag`` and/or
``Last-Modified``, and sending them back as ``If-None-Match``/``If-Modified-Since``
gets a bodiless 304 when nothing changed. The client always revalidates (it never
serves an entry without asking), so an entry can never be stale; what it saves is
transfer, JSON parsing and decoding, because the entry keeps the *decoded* result.

Entries are keyed by a one-way fingerprint of the credential plus the URL, so two
people sharing a process never see each other's data. Cached results are shared
between callers: models are frozen, and lists handed out are copies.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping
from typing import Any, Protocol, runtime_checkable

import attrs

from .transport import Headers, HttpResponse

#: ``(credential fingerprint, absolute URL)``
CacheKey = tuple[str, str]

#: Decoded models take a few times the memory of the JSON they came from; entry sizes
#: are estimated this way so that ``max_bytes`` bounds what the cache really holds.
DECODED_SIZE_FACTOR = 3


def entry_size(body_bytes: int) -> int:
    """The estimated memory of a decoded response whose body had ``body_bytes`` bytes."""
    return body_bytes * DECODED_SIZE_FACTOR


@attrs.frozen(slots=True)
class CacheEntry:
    """A decoded response and the validators to revalidate it with."""

    etag: str | None
    last_modified: str | None
    value: Any
    #: Estimated memory of ``value`` in bytes (see :func:`entry_size`): what the budget counts.
    size: int
    #: The decoder that produced ``value``; an entry only serves the same decoder.
    decoder: Hashable = None


@runtime_checkable
class CacheStore(Protocol):
    """Where cache entries live. Called from the client's event loop; keep it fast."""

    def get(self, key: CacheKey) -> CacheEntry | None: ...

    def set(self, key: CacheKey, entry: CacheEntry) -> None: ...

    def delete(self, key: CacheKey) -> None: ...

    def clear(self) -> None: ...


class MemoryCache:
    """An in-memory LRU store bounded by entry count and by the estimated memory of the
    decoded results it keeps."""

    def __init__(self, *, max_entries: int = 1024, max_bytes: int = 32 * 1024 * 1024) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("max_entries and max_bytes must be positive")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: dict[CacheKey, CacheEntry] = {}
        self._bytes = 0
        # The store may be shared by clients on different threads.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"MemoryCache(entries={len(self._entries)}/{self.max_entries}, "
            f"bytes={self._bytes}/{self.max_bytes})"
        )

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def get(self, key: CacheKey) -> CacheEntry | None:
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._entries[key] = entry  # most recently used goes last
            return entry

    def set(self, key: CacheKey, entry: CacheEntry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            if entry.size > self.max_bytes:
                return  # would evict everything else and still not fit
            self._entries[key] = entry
            self._bytes += entry.size
            entries = self._entries
            while len(entries) > self.max_entries or self._bytes > self.max_bytes:
                oldest = next(iter(entries))
                self._bytes -= entries.pop(oldest).size

    def delete(self, key: CacheKey) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def reset_lock(self) -> None:
        """A fresh lock (after a fork, another thread may have held the old one)."""
        self._lock = threading.Lock()


def conditional_headers(headers: dict[str, str], entry: CacheEntry) -> dict[str, str]:
    """A copy of ``headers`` with the entry's validators added."""
    result = dict(headers)
    if entry.etag is not None:
        result["If-None-Match"] = entry.etag
    if entry.last_modified is not None:
        result["If-Modified-Since"] = entry.last_modified
    return result


def storable(cache_control: str | None) -> bool:
    """``no-store`` forbids keeping the response at all."""
    return cache_control is None or "no-store" not in cache_control.lower()


# -- a store shared by processes ----------------------------------------------------


@attrs.frozen(slots=True)
class StoredBody:
    """What a shared store keeps of a response (its headers and raw body), in place of a
    decoded value: another process decodes it on its first 304."""

    headers: Mapping[str, str]
    body: bytes

    def response(self, url: str) -> HttpResponse:
        headers = Headers({k.lower(): v for k, v in self.headers.items()})
        return HttpResponse(200, headers, self.body, url)


@attrs.frozen(slots=True)
class SharedEntry:
    """One response in a shared store: validators, the headers decoding reads, the body."""

    etag: str | None
    last_modified: str | None
    headers: Mapping[str, str]
    body: bytes


@runtime_checkable
class SharedCacheStore(Protocol):
    """A cache store shared by processes (:class:`~basecamp_client.RedisCacheStore`).

    It holds what processes can share: validators and the raw body. Each client keeps
    its decoded results in an in-process :class:`MemoryCache` in front of it and asks
    the shared store only when it has no entry of its own; a 304 to validators found
    there is decoded from the stored body. Failures never raise: a lookup that fails is
    a miss, a save that fails is skipped.
    """

    async def lookup(self, key: CacheKey) -> SharedEntry | None: ...

    async def save(self, key: CacheKey, entry: SharedEntry) -> None: ...

    async def discard(self, key: CacheKey) -> None: ...

    def reset(self) -> None:
        """Forget connections (after a fork)."""
        ...

    async def aclose(self) -> None: ...


#: Response headers never kept in a shared store.
_UNSHARED_HEADERS = frozenset({"set-cookie", "authorization", "proxy-authorization"})


def shareable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response headers worth keeping with a shared body (what decoding may read)."""
    return {k.lower(): v for k, v in headers.items() if k.lower() not in _UNSHARED_HEADERS}


def from_shared(entry: SharedEntry, decoder: Hashable) -> CacheEntry:
    """A local cache entry standing for a shared one, its body not decoded yet."""
    return CacheEntry(
        entry.etag,
        entry.last_modified,
        StoredBody(entry.headers, entry.body),
        entry_size(len(entry.body)),
        decoder,
    )
