"""RedisCacheStore: the HTTP cache's validators and bodies shared by processes (issue 15).

Each client stands for a process; the fake Basecamp answers in process; Redis is real.
"""

from __future__ import annotations

import itertools
import logging
import os
from typing import Any

import pytest

from basecamp_client import AsyncBasecamp, RedisCacheStore, UsageError
from basecamp_client.testing import FakeBasecamp

from ..core.helpers import UA
from ..redis_server import RedisServer

_prefixes = itertools.count()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def store(server: RedisServer, **options: Any) -> RedisCacheStore:
    options.setdefault("prefix", f"tests-cache:{os.getpid()}:{next(_prefixes)}")
    return RedisCacheStore(server.url, **options)


def process(fake: FakeBasecamp, cache: RedisCacheStore, token: str = "one") -> AsyncBasecamp:
    return AsyncBasecamp(
        access_token=token, user_agent=UA, transport=fake.transport(), cache_store=cache
    )


@pytest.mark.anyio
async def test_a_process_revalidates_what_another_fetched(redis_server: RedisServer) -> None:
    fake = FakeBasecamp.with_sample_data()
    prefix = f"tests-cache:{os.getpid()}:{next(_prefixes)}"
    a = process(fake, store(redis_server, prefix=prefix))
    b = process(fake, store(redis_server, prefix=prefix))
    async with a, b:
        project_id = (await a.for_account(fake.account_id).projects.list())[0].id
        first = await a.for_account(fake.account_id).projects.get(project_id=project_id)
        assert fake.requests[-1].status == 200
        lookups = 0
        shared = b._core.shared_cache
        assert shared is not None
        real_lookup = shared.lookup

        async def counting(key: Any) -> Any:
            nonlocal lookups
            lookups += 1
            return await real_lookup(key)

        shared.lookup = counting  # type: ignore[method-assign]
        second = await b.for_account(fake.account_id).projects.get(project_id=project_id)
        # B had never fetched it: it sent A's validators and decoded A's stored body.
        assert fake.requests[-1].status == 304
        assert "if-none-match" in fake.requests[-1].headers
        assert second == first
        assert lookups == 1
        # Now B has its own decoded entry: no Redis lookup, the same object back.
        third = await b.for_account(fake.account_id).projects.get(project_id=project_id)
        assert fake.requests[-1].status == 304
        assert third is second
        assert lookups == 1


@pytest.mark.anyio
async def test_list_pages_decode_from_the_stored_body(redis_server: RedisServer) -> None:
    fake = FakeBasecamp.with_sample_data()
    prefix = f"tests-cache:{os.getpid()}:{next(_prefixes)}"
    a = process(fake, store(redis_server, prefix=prefix))
    b = process(fake, store(redis_server, prefix=prefix))
    async with a, b:
        account = a.for_account(fake.account_id)
        project = (await account.projects.list())[0]
        todoset = next(t.id for t in project.dock if t.name == "todoset")
        lists = await account.todolists.list(todoset_id=todoset)
        collected_a = [await account.todos.list(todolist_id=t.id) for t in lists]
        fake.clear_requests()
        other = b.for_account(fake.account_id)
        collected_b = [await other.todos.list(todolist_id=t.id) for t in lists]
    assert [[t.id for t in todos] for todos in collected_b] == [
        [t.id for t in todos] for todos in collected_a
    ]
    assert [t.meta.total_count for t in collected_b] == [t.meta.total_count for t in collected_a]
    assert max(len(t) for t in collected_b) > 15  # more than one page (Link headers)
    assert {r.status for r in fake.requests} == {304}


@pytest.mark.anyio
async def test_credentials_never_share_and_writes_discard(redis_server: RedisServer) -> None:
    fake = FakeBasecamp.with_sample_data()
    prefix = f"tests-cache:{os.getpid()}:{next(_prefixes)}"
    a = process(fake, store(redis_server, prefix=prefix), token="one")
    other = process(fake, store(redis_server, prefix=prefix), token="two")
    async with a, other:
        account = a.for_account(fake.account_id)
        project_id = (await account.projects.list())[0].id
        await account.projects.get(project_id=project_id)
        await other.for_account(fake.account_id).projects.get(project_id=project_id)
        assert "if-none-match" not in fake.requests[-1].headers  # another credential
        shared = a._core.shared_cache
        assert shared is not None
        fingerprint = a._core.static_prepared.fingerprint  # type: ignore[union-attr]
        key = (fingerprint, f"https://3.basecampapi.com/{fake.account_id}/projects/{project_id}")
        assert await shared.lookup(key) is not None
        await account.projects.update(project_id=project_id, name="Renamed")
        assert await shared.lookup(key) is None


@pytest.mark.anyio
async def test_entries_are_bounded_by_ttl_and_size(redis_server: RedisServer) -> None:
    fake = FakeBasecamp.with_sample_data()
    small = store(redis_server, max_entry_bytes=100, ttl=30)
    async with process(fake, small) as client:
        await client.for_account(fake.account_id).projects.list()  # bodies over 100 bytes
    assert redis_server.command("KEYS", f"{small.prefix}:*") == b"*0\r\n"
    bounded = store(redis_server, ttl=30)
    async with process(fake, bounded) as client:
        await client.for_account(fake.account_id).projects.list()
    keys = redis_server.command("KEYS", f"{bounded.prefix}:*")
    name = keys.split(b"\r\n")[2].decode()
    ttl = int(redis_server.command("PTTL", name)[1:].split(b"\r\n")[0])
    assert 0 < ttl <= 30_000
    with pytest.raises(UsageError):
        RedisCacheStore(redis_server.url, ttl=0)
    with pytest.raises(UsageError):
        RedisCacheStore("http://nope")
    assert "hunter2" not in repr(RedisCacheStore("redis://:hunter2@localhost/0"))


@pytest.mark.anyio
async def test_redis_down_means_no_sharing_not_failures(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeBasecamp.with_sample_data()
    caplog.set_level(logging.WARNING, logger="basecamp_client")
    cache = store(own_redis)
    async with process(fake, cache) as client:
        account = client.for_account(fake.account_id)
        project_id = (await account.projects.list())[0].id
        own_redis.kill()
        for _ in range(3):
            await account.projects.get(project_id=project_id)
        await account.projects.update(project_id=project_id, name="While Redis is down")
    warnings = [r for r in caplog.records if "RedisCacheStore" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_under_trio_the_redis_cache_is_a_usage_error(redis_server: RedisServer) -> None:
    fake = FakeBasecamp.with_sample_data()
    async with process(fake, store(redis_server)) as client:
        with pytest.raises(UsageError, match="trio"):
            await client.for_account(fake.account_id).projects.list()


@pytest.mark.anyio
async def test_clear_empties_a_large_store_in_batches(redis_server: RedisServer) -> None:
    cache = store(redis_server)
    client = cache.link.client()
    pipe = client.pipeline(transaction=False)
    for n in range(20_000):
        pipe.set(f"{cache.prefix}:{n}", b"x")
    await pipe.execute()
    other = f"tests-cache-other:{os.getpid()}"
    await client.set(other, b"kept")
    await cache.clear()
    assert cache.link.available  # not mistaken for Redis being away
    assert [k async for k in client.scan_iter(match=f"{cache.prefix}:*", count=1000)] == []
    assert await client.get(other) == b"kept"
    await client.delete(other)
    await cache.aclose()
