"""The rate-limit window and the 429 pause, shared by every process through Redis.

Basecamp limits requests per IP address, and real deployments are many processes
(gunicorn or uvicorn workers, Celery workers, cron jobs). With ``shared_limits`` set,
every client using the same Redis and ``shared_limits_key`` reserves its request starts
in one window and waits out one pause, in **one round trip per request**: a Lua script
(atomic in Redis) that

1. shares a 429 pause this process has just received, if any (capped by the caller's
   ``max_retry_after``, as every pause is);
2. reserves the earliest start allowed by the shared pause, by the window (the start
   ``count`` places back plus the period, as in :mod:`.window`), and by the caller's
   own pacing (``not_before``);
3. answers how long to wait for that start, and what is left of the pause.

Time is Redis's own clock (``TIME``), so hosts whose clocks disagree still share one
window; the waits it returns are durations, which each host sleeps on its own clock.
A new pause is also announced on a pub/sub channel: every process listens (one
connection and one task per process and event loop), so a task already sleeping until
the start it reserved notices the pause when it wakes, waits it out and reserves again
rather than starting inside it. That second round trip happens only after a 429.

When Redis cannot be reached, :class:`RedisLimits` answers ``None`` and the
:class:`~.throttle.Throttle` uses its per-process window and pause (see
:mod:`.redis_link` for the deadline, the warning and the retry).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import anyio

from .redis_link import ABANDONED, RedisLink

_log = logging.getLogger("basecamp_client")

#: Reserve (or only share a pause); see the module docstring. All times in ms.
#: KEYS: window list (reserved starts, oldest first), pause key (time nobody starts before)
#: ARGV: count (0: no window), period, not_before, pause (0: none), cap, reserve (1/0),
#: the channel on which a new pause is announced (its length, ms)
LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local not_before = tonumber(ARGV[3])
local pause = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if paused > now + cap then
  paused = now + cap
end
if pause > 0 then
  local want = now + math.min(pause, cap)
  if want > paused then
    paused = want
    redis.call('SET', KEYS[2], want, 'PX', math.min(pause, cap) + 1000)
    redis.call('PUBLISH', ARGV[7], want - now)
  end
end
local start = math.max(now + not_before, paused)
if ARGV[6] == '1' and count > 0 then
  local n = redis.call('LLEN', KEYS[1])
  if n > 0 then
    local last = tonumber(redis.call('LINDEX', KEYS[1], -1)) or 0
    if last > now + 3600000 then
      redis.call('DEL', KEYS[1])
    else
      if n >= count then
        local oldest = tonumber(redis.call('LINDEX', KEYS[1], -count)) or 0
        start = math.max(start, oldest + period)
      end
      start = math.max(start, last)
    end
  end
  redis.call('RPUSH', KEYS[1], start)
  redis.call('LTRIM', KEYS[1], -count, -1)
  redis.call('PEXPIRE', KEYS[1], start - now + period + 1000)
end
return {start - now, math.max(paused - now, 0)}
"""
# A reservation later than an hour from now can only come from a Redis clock that
# jumped backwards: the window starts afresh rather than holding everyone for an hour.


def default_key(base_url: str) -> str:
    """``basecamp-client:<API origin>``: clients of the same API share, by default."""
    parts = urlsplit(base_url)
    return f"basecamp-client:{parts.scheme}://{parts.netloc}"


class RedisLimits:
    """The :class:`~.throttle.SharedLimiter` over Redis."""

    def __init__(self, url: str, key: str, *, max_retry_after: float) -> None:
        self.link = RedisLink(url, purpose="shared_limits")
        self.key = key
        # One hash slot for both keys (Redis Cluster runs a script on one node only).
        self._keys = [f"{{{key}}}:window", f"{{{key}}}:pause"]
        self._channel = f"{{{key}}}:paused"
        self._cap_ms = _ms(max_retry_after)
        self._on_pause: Callable[[float], None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._listener_owner: tuple[int, object] | None = None

    def listen(self, on_pause: Callable[[float], None]) -> None:
        """Call ``on_pause(seconds)`` whenever any process announces a pause."""
        self._on_pause = on_pause

    def __repr__(self) -> str:
        return f"<RedisLimits key={self.key!r} {self.link!r}>"

    async def acquire(
        self, *, window: tuple[int, float] | None, not_before: float, pause: float
    ) -> tuple[float, float] | None:
        count, period = window if window is not None else (0, 0.0)
        return await self._call(count, period, not_before, pause, reserve=True)

    async def publish_pause(self, pause: float) -> None:
        await self._call(0, 0.0, 0.0, pause, reserve=False)

    async def _call(
        self, count: int, period: float, not_before: float, pause: float, *, reserve: bool
    ) -> tuple[float, float] | None:
        link = self.link
        if not link.available:
            return None
        args = [
            count,
            _ms(period),
            _ms(not_before),
            _ms(pause),
            self._cap_ms,
            int(reserve),
            self._channel,
        ]
        script = link.script(LUA)
        if self._on_pause is not None:
            self._ensure_listener()

        async def call(client: Any) -> Any:
            return await script(keys=self._keys, args=args, client=client)

        answer = await link.run(call)
        if answer is None:
            return None
        wait, paused = answer
        return max(int(wait), 0) / 1000.0, max(int(paused), 0) / 1000.0

    def _ensure_listener(self) -> None:
        loop = asyncio.get_running_loop()
        owner = (os.getpid(), loop)
        task = self._listener
        if task is not None and self._listener_owner == owner and not task.done():
            return
        if task is not None and self._listener_owner != owner:
            ABANDONED.append(task)
        self._listener_owner = owner
        self._listener = loop.create_task(self._listen(), name="basecamp-client pauses")

    async def _listen(self) -> None:
        """Hear the pauses other processes announce, for as long as the client lives."""
        link = self.link
        while True:
            client = None
            try:
                # A connection of its own, without a read timeout: it waits for messages.
                client = link.module.Redis.from_url(
                    link.url, socket_connect_timeout=link.timeout, health_check_interval=30
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self._channel)
                async for message in pubsub.listen():
                    on_pause = self._on_pause
                    if on_pause is not None and message.get("type") == "message":
                        on_pause(max(float(message["data"]), 0.0) / 1000.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis is away: the request path notices and warns; listen again later.
                _log.debug("shared_limits: pause listener lost Redis", exc_info=True)
            finally:
                if client is not None:
                    with anyio.CancelScope(shield=True), anyio.move_on_after(link.timeout):
                        try:
                            await client.aclose()
                        except Exception:  # best effort: the connection is gone anyway
                            _log.debug("shared_limits: closing the listener failed")
            await asyncio.sleep(link.retry_interval)

    def reset(self) -> None:
        self.link.reset()
        if self._listener is not None:
            ABANDONED.append(self._listener)
        self._listener = None
        self._listener_owner = None

    async def aclose(self) -> None:
        task, self._listener = self._listener, None
        owner, self._listener_owner = self._listener_owner, None
        if task is not None:
            try:
                current = asyncio.get_running_loop()
            except RuntimeError:
                current = None
            if owner == (os.getpid(), current):
                task.cancel()
                await asyncio.wait({task}, timeout=self.link.timeout)
            else:
                ABANDONED.append(task)
        await self.link.aclose()


def _ms(seconds: float) -> int:
    # Rounded up: a wait never ends before the time it stands for.
    return max(int(-(-seconds * 1000 // 1)), 0)
