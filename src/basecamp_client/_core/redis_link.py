"""One Redis server as a client of ours uses it: never silent, never hanging.

Everything the client shares through Redis (the rate-limit window and 429 pause of
:mod:`.shared_limits`, the HTTP cache of :mod:`.redis_cache`) goes through a
:class:`RedisLink`, which owns what is easy to get wrong:

* **A short deadline on every command** (:data:`TIMEOUT`) and no retries inside
  redis-py: a Redis that is down or slow costs one request at most that long.
* **Fallback, announced once.** When a command fails, the link reports "unavailable"
  (the caller falls back to its per-process behaviour), logs one warning, and leaves
  Redis alone for :data:`RETRY_INTERVAL` seconds before trying again; it logs again when
  Redis answers.
* **One connection pool per event loop and per process.** redis-py's asyncio
  connections belong to the loop that opened them, and a forked child (gunicorn,
  Celery prefork) must never use the sockets it inherited: both get a fresh pool; the
  old one is dropped without being touched.
* **asyncio only.** redis-py's async client does not run under trio: a call from trio
  raises :class:`~basecamp_client.UsageError` saying so (see the README).

redis-py is imported only when a link is created, so nothing Redis-related is loaded
unless ``shared_limits`` or a :class:`~basecamp_client.RedisCacheStore` is used.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import anyio

from .errors import UsageError

T = TypeVar("T")

_log = logging.getLogger("basecamp_client")

#: Seconds allowed for one Redis command, connecting included.
TIMEOUT = 0.5
#: Seconds to leave Redis alone after a failure before trying it again.
RETRY_INTERVAL = 5.0
SCHEMES = ("redis", "rediss", "unix")

# Pools a forked child or another event loop left behind: kept referenced, never used
# or closed (their sockets and loops are not ours any more).
ABANDONED: list[object] = []


def require_redis(purpose: str) -> Any:
    """The ``redis.asyncio`` module, or a UsageError naming the extra to install."""
    try:
        import redis.asyncio as redis_asyncio
    except ImportError:
        raise UsageError(
            f"{purpose} needs redis-py: pip install 'basecamp-client[redis]'"
        ) from None
    return redis_asyncio


def check_url(url: Any, setting: str) -> str:
    """A ``redis://``, ``rediss://`` or ``unix://`` URL, or a UsageError."""
    if not isinstance(url, str) or urlsplit(url).scheme not in SCHEMES:
        raise UsageError(
            f"{setting} must be a Redis URL like redis://localhost:6379/0 "
            f"(redis://, rediss:// or unix://), got {shown_url(url)!r}"
        )
    if any(ch in url for ch in "\r\n\x00 "):
        raise UsageError(f"{setting} must be a URL without spaces or line breaks")
    return url


def shown_url(url: Any) -> str:
    """``url`` with any password masked, for messages and reprs."""
    if not isinstance(url, str):
        return repr(url)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class RedisLink:
    """A Redis URL used from whatever event loop and process is current."""

    def __init__(
        self,
        url: str,
        *,
        purpose: str,
        timeout: float = TIMEOUT,
        retry_interval: float = RETRY_INTERVAL,
    ) -> None:
        self.module = require_redis(purpose)
        self.url = url
        self.purpose = purpose
        self.timeout = timeout
        self.retry_interval = retry_interval
        self._client: Any = None
        self._owner: tuple[int, object] | None = None  # (pid, loop) of _client
        self._down_until = 0.0
        self._down = False
        self._scripts: dict[str, Any] = {}

    def __repr__(self) -> str:
        state = " (unavailable)" if self._down else ""
        return f"<RedisLink {shown_url(self.url)} for {self.purpose}{state}>"

    @property
    def available(self) -> bool:
        """False while Redis is being left alone after a failure."""
        return not self._down or time.monotonic() >= self._down_until

    def client(self) -> Any:
        """The redis-py client for the running event loop and this process."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise UsageError(
                f"{self.purpose} uses redis-py's asyncio client, which does not run under "
                "trio: run this client under asyncio (or use the sync Basecamp client), or "
                "leave it unset"
            ) from None
        owner = (os.getpid(), loop)
        client = self._client
        if client is None or self._owner != owner:
            if client is not None:
                ABANDONED.append(client)
            client = self._client = self.module.Redis.from_url(
                self.url,
                socket_timeout=self.timeout,
                socket_connect_timeout=self.timeout,
                retry=_no_retries(),
            )
            self._owner = owner
            self._scripts = {}
        return client

    def script(self, lua: str) -> Any:
        """A registered Lua script (EVALSHA, loaded on first use) on the current client."""
        client = self.client()
        script = self._scripts.get(lua)
        if script is None:
            script = self._scripts[lua] = client.register_script(lua)
        return script

    async def run(self, command: Callable[[Any], Awaitable[T]]) -> T | None:
        """``await command(client)`` within the deadline; ``None`` when Redis is
        unavailable (after a warning the first time)."""
        if self._down and time.monotonic() < self._down_until:
            return None
        client = self.client()  # a UsageError under trio is the caller's to see
        try:
            with anyio.fail_after(self.timeout * 2):
                result = await command(client)
        except UsageError:
            raise
        except Exception as exc:
            await self._failed(exc, client)
            return None
        if self._down:
            self._down = False
            _log.warning(
                "%s: Redis at %s answers again; sharing resumed",
                self.purpose,
                shown_url(self.url),
            )
        return result

    async def _failed(self, exc: BaseException, client: Any) -> None:
        self._down_until = time.monotonic() + self.retry_interval
        # The pool may hold a half-read connection: start afresh next time.
        if client is self._client:
            self._client = None
            self._owner = None
            self._scripts = {}
        else:
            client = None  # already dropped (and closed) by a task that failed on it too
        if not self._down:
            self._down = True
            what = "timed out" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
            _log.warning(
                "%s: Redis at %s is unavailable (%s); each process uses its own limits "
                "until it answers again (retried every %gs)",
                self.purpose,
                shown_url(self.url),
                what,
                self.retry_interval,
            )
        if client is not None:
            # Closed, not kept: the pool is this loop's and this process's, and one kept
            # per failure would pile up for as long as Redis stays down. (Marked down
            # first: no other task reaches for Redis while this one closes it.)
            with anyio.CancelScope(shield=True):
                await self._close(client)

    def reset(self) -> None:
        """Drop the client without touching it (after a fork)."""
        if self._client is not None:
            ABANDONED.append(self._client)
        self._client = None
        self._owner = None
        self._scripts = {}

    async def aclose(self) -> None:
        client, self._client = self._client, None
        owner, self._owner = self._owner, None
        self._scripts = {}
        if client is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if owner != (os.getpid(), loop):
            ABANDONED.append(client)
            return
        await self._close(client)

    async def _close(self, client: Any) -> None:
        """Close a client of the running loop and process, within the command deadline."""
        with anyio.move_on_after(self.timeout):
            try:
                await client.aclose()
            except Exception:  # closing is best effort: the pool is going away anyway
                _log.debug("%s: closing the Redis client failed", self.purpose, exc_info=True)


def _no_retries() -> Any:
    # redis-py retries a failed command 10 times with backoff by default: a Redis that
    # is down would hold every request for seconds. One try, then our own fallback.
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Retry(NoBackoff(), 0)
