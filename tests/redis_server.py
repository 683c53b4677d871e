"""The real ``redis-server`` the Redis tests use (shared with ``make bench``)."""

from __future__ import annotations

from bench.redis_server import BINARY, SKIP_REASON, RedisServer, free_port

__all__ = ["BINARY", "SKIP_REASON", "RedisServer", "free_port"]
