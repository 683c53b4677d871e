"""RedisLink's failure path: a Redis that stays away costs nothing that accumulates."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from basecamp_client._core import redis_link
from basecamp_client._core.redis_link import RedisLink

from ..redis_server import RedisServer


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_each_failure_closes_its_pool_instead_of_keeping_it(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = RedisLink(own_redis.url, purpose="tests", timeout=0.2, retry_interval=0.0)

    async def ping(client: Any) -> Any:
        return await client.ping()

    assert await link.run(ping)
    own_redis.kill()
    closed: list[object] = []
    close = RedisLink._close

    async def counted(self: RedisLink, client: Any) -> None:
        closed.append(client)
        await close(self, client)

    monkeypatch.setattr(RedisLink, "_close", counted)
    kept = len(redis_link.ABANDONED)
    caplog.set_level(logging.WARNING, logger="basecamp_client")
    for _ in range(20):  # Redis stays down: each try fails with a fresh pool
        assert await link.run(ping) is None
    assert len(closed) == 20
    assert len({id(c) for c in closed}) == 20
    assert len(redis_link.ABANDONED) == kept
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
    own_redis.start()
    assert await link.run(ping)
    await link.aclose()
