"""An HTTP cache store in Redis, shared by every process of an application.

``cache_store=RedisCacheStore("redis://…")`` lets a worker revalidate what another one
fetched: the store keeps each GET's ``ETag``/``Last-Modified``, the response headers
decoding reads (``Link``, ``X-Total-Count``…) and the raw body; a process without an
entry of its own sends the stored validators, and a 304 is decoded from the stored body
(once: the decoded result then lives in that process's memory cache, as always).

Bounded: every entry expires ``ttl`` seconds after it was last stored, and a body
larger than ``max_entry_bytes`` is not stored at all. Keys are a SHA-256 of the
credential's fingerprint and the URL, so one person's data never serves another's and
no URL or token appears in Redis. Failures are never raised (see :mod:`.redis_link`):
Redis unreachable means no sharing, with one warning, until it answers again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .cache import CacheKey, SharedEntry
from .errors import UsageError
from .redis_link import RedisLink, check_url, shown_url

DEFAULT_TTL = 3600.0
DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024
DEFAULT_PREFIX = "basecamp-client:cache"
#: Keys asked for per SCAN step (and unlinked together) by :meth:`RedisCacheStore.clear`.
CLEAR_BATCH = 500


class RedisCacheStore:
    """The HTTP cache's validators and bodies in Redis (``pip install 'basecamp-client[redis]'``).

    >>> client = AsyncBasecamp(..., cache_store=RedisCacheStore("redis://localhost:6379/0"))

    ``ttl``: seconds an entry lives after it was stored; ``max_entry_bytes``: the largest
    body stored; ``prefix``: the Redis key prefix. Use one store per client (its
    connections belong to the client's event loop). asyncio only (not under trio).
    """

    def __init__(
        self,
        url: str,
        *,
        ttl: float = DEFAULT_TTL,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        check_url(url, "RedisCacheStore url")
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not ttl >= 1:
            raise UsageError(f"ttl must be at least 1 second, got {ttl!r}")
        if (
            isinstance(max_entry_bytes, bool)
            or not isinstance(max_entry_bytes, int)
            or max_entry_bytes < 1
        ):
            raise UsageError(f"max_entry_bytes must be a positive integer, got {max_entry_bytes!r}")
        if not isinstance(prefix, str) or not prefix or any(c.isspace() for c in prefix):
            raise UsageError(f"prefix must be a non-empty string without spaces, got {prefix!r}")
        self.link = RedisLink(url, purpose="RedisCacheStore")
        self.ttl_ms = int(ttl * 1000)
        self.max_entry_bytes = max_entry_bytes
        self.prefix = prefix

    def __repr__(self) -> str:
        return (
            f"RedisCacheStore({shown_url(self.link.url)!r}, ttl={self.ttl_ms / 1000:g}, "
            f"max_entry_bytes={self.max_entry_bytes})"
        )

    def _key(self, key: CacheKey) -> str:
        fingerprint, url = key
        digest = hashlib.sha256(f"{fingerprint}\0{url}".encode()).hexdigest()
        return f"{self.prefix}:{digest}"

    async def lookup(self, key: CacheKey) -> SharedEntry | None:
        name = self._key(key)

        async def get(client: Any) -> Any:
            return await client.hmget(name, "e", "m", "h", "b")

        found = await self.link.run(get)
        if not found:
            return None
        etag, modified, headers, body = found
        if (not etag and not modified) or body is None or headers is None:
            return None
        try:
            decoded = json.loads(headers)
        except ValueError:
            return None
        if not isinstance(decoded, dict):
            return None
        return SharedEntry(
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
            {str(k): str(v) for k, v in decoded.items()},
            bytes(body),
        )

    async def save(self, key: CacheKey, entry: SharedEntry) -> None:
        if len(entry.body) > self.max_entry_bytes:
            return
        name = self._key(key)
        fields = {
            "e": entry.etag or "",
            "m": entry.last_modified or "",
            "h": json.dumps(dict(entry.headers)),
            "b": entry.body,
        }

        async def put(client: Any) -> Any:
            # One round trip: the fields and their expiry together.
            pipe = client.pipeline(transaction=True)
            pipe.delete(name)
            pipe.hset(name, mapping=fields)
            pipe.pexpire(name, self.ttl_ms)
            return await pipe.execute()

        await self.link.run(put)

    async def discard(self, key: CacheKey) -> None:
        name = self._key(key)

        async def drop(client: Any) -> Any:
            return await client.unlink(name)

        await self.link.run(drop)

    async def clear(self) -> None:
        """Delete every entry under this store's prefix: one SCAN and one UNLINK per
        batch of keys, each batch within the command deadline (one UNLINK per key over a
        whole store outran it, and Redis was then taken to be away)."""
        cursor: int | None = 0
        match = f"{self.prefix}:*"

        async def batch(client: Any) -> int:
            following, names = await client.scan(cursor, match=match, count=CLEAR_BATCH)
            if names:
                await client.unlink(*names)
            return int(following)

        while True:
            cursor = await self.link.run(batch)
            if not cursor:
                return  # done (cursor 0), or Redis is away (None)

    def reset(self) -> None:
        self.link.reset()

    async def aclose(self) -> None:
        await self.link.aclose()
