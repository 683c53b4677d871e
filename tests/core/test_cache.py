"""The HTTP cache: validators sent back, 304 served from decoded entries, bounds, keys."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from basecamp_client import CacheEntry, MemoryCache, StaticToken
from basecamp_client._core.cache import CacheKey

from .helpers import GET as GET_OP
from .helpers import (
    LIST,
    TOKEN,
    UPDATE,
    Recorder,
    identity,
    json_response,
    make_client,
    session,
)

pytestmark = pytest.mark.anyio


class Versioned:
    """A resource with an ETag and Last-Modified; answers 304 to matching validators."""

    def __init__(self, *, etag: bool = True, modified: bool = True, **extra: str) -> None:
        self.version = 1
        self.etag = etag
        self.modified = modified
        self.extra = extra
        self.requests: list[httpx.Request] = []

    def validators(self) -> dict[str, str]:
        headers = dict(self.extra)
        if self.etag:
            headers["ETag"] = f'W/"v{self.version}"'
        if self.modified:
            headers["Last-Modified"] = f"Thu, 01 Jan 2026 00:0{self.version}:00 GMT"
        return headers

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method != "GET":
            self.version += 1
            return json_response(200, {"version": self.version})
        current = self.validators()
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        if (inm and inm == current.get("ETag")) or (
            not inm and ims and ims == current.get("Last-Modified")
        ):
            return httpx.Response(304, headers=current)
        return json_response(200, {"version": self.version, "path": request.url.path}, **current)


class CountingDecoder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: Any) -> Any:
        self.calls += 1
        return dict(data)


async def test_etag_is_sent_back_and_304_returns_the_cached_object_without_decoding() -> None:
    server = Versioned()
    decode = CountingDecoder()
    async with make_client(server) as client:
        s = session(client)
        first = await s.call(GET_OP, path={"id": 1}, decode=decode)
        second = await s.call(GET_OP, path={"id": 1}, decode=decode)
    assert second is first  # the very same decoded object
    assert decode.calls == 1  # the 304 was not decoded
    assert "if-none-match" not in server.requests[0].headers
    assert server.requests[1].headers["if-none-match"] == 'W/"v1"'
    assert server.requests[1].headers["if-modified-since"] == "Thu, 01 Jan 2026 00:01:00 GMT"


async def test_last_modified_alone_is_used() -> None:
    server = Versioned(etag=False)
    decode = CountingDecoder()
    async with make_client(server) as client:
        s = session(client)
        first = await s.call(GET_OP, path={"id": 1}, decode=decode)
        assert await s.call(GET_OP, path={"id": 1}, decode=decode) is first
    assert "if-none-match" not in server.requests[1].headers
    assert server.requests[1].headers["if-modified-since"]


async def test_changed_resource_is_decoded_again_and_replaces_the_entry() -> None:
    server = Versioned()
    async with make_client(server) as client:
        s = session(client)
        assert (await s.call(GET_OP, path={"id": 1}, decode=identity))["version"] == 1
        server.version = 2
        assert (await s.call(GET_OP, path={"id": 1}, decode=identity))["version"] == 2
        third = await s.call(GET_OP, path={"id": 1}, decode=identity)
    assert third["version"] == 2
    assert server.requests[2].headers["if-none-match"] == 'W/"v2"'


async def test_responses_without_validators_or_with_no_store_are_not_cached() -> None:
    for server in (
        Versioned(etag=False, modified=False),
        Versioned(**{"Cache-Control": "no-store"}),
    ):
        async with make_client(server) as client:
            s = session(client)
            await s.call(GET_OP, path={"id": 1}, decode=identity)
            await s.call(GET_OP, path={"id": 1}, decode=identity)
        assert "if-none-match" not in server.requests[1].headers


async def test_cache_can_be_disabled() -> None:
    server = Versioned()
    async with make_client(server, cache=False) as client:
        assert client.cache is None
        s = session(client)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
    assert "if-none-match" not in server.requests[1].headers


async def test_a_custom_store_is_used() -> None:
    class DictStore:
        def __init__(self) -> None:
            self.data: dict[CacheKey, CacheEntry] = {}

        def get(self, key: CacheKey) -> CacheEntry | None:
            return self.data.get(key)

        def set(self, key: CacheKey, entry: CacheEntry) -> None:
            self.data[key] = entry

        def delete(self, key: CacheKey) -> None:
            self.data.pop(key, None)

        def clear(self) -> None:
            self.data.clear()

    store = DictStore()
    server = Versioned()
    async with make_client(server, cache_store=store) as client:
        s = session(client)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
    assert len(store.data) == 1
    ((fingerprint, url),) = store.data
    assert url == "https://3.basecampapi.com/99/things/1"
    assert TOKEN not in fingerprint  # a one-way digest, never the token
    assert server.requests[1].headers["if-none-match"]


async def test_entries_are_keyed_by_credential() -> None:
    server = Versioned()
    store = MemoryCache()
    async with make_client(server, cache_store=store, access_token="alice") as alice:
        await session(alice).call(GET_OP, path={"id": 1}, decode=identity)
    async with make_client(server, cache_store=store, access_token="bob") as bob:
        await session(bob).call(GET_OP, path={"id": 1}, decode=identity)
    # Bob's request was not conditional on Alice's entry.
    assert "if-none-match" not in server.requests[1].headers
    assert len(store) == 2


async def test_entries_only_serve_the_same_decoder() -> None:
    server = Versioned()
    async with make_client(server) as client:
        s = session(client)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
        other = await s.call(GET_OP, path={"id": 1}, decode=lambda d: ("other", d["version"]))
    assert other == ("other", 1)
    assert "if-none-match" not in server.requests[1].headers


async def test_a_write_to_the_same_url_drops_the_entry() -> None:
    server = Versioned()
    async with make_client(server) as client:
        s = session(client)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
        await s.call(UPDATE, path={"id": 1}, body={"x": 1}, decode=identity)
        await s.call(GET_OP, path={"id": 1}, decode=identity)
    assert "if-none-match" not in server.requests[2].headers


async def test_paginated_pages_go_through_the_cache() -> None:
    pages_served: list[str] = []
    decode = CountingDecoder()

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("cursor", "1")
        etag = f'"p{page}"'
        if request.headers.get("if-none-match") == etag:
            pages_served.append(f"304:{page}")
            return httpx.Response(304, headers={"ETag": etag})
        pages_served.append(f"200:{page}")
        link = {"Link": '</99/things.json?cursor=2>; rel="next"'} if page == "1" else {}
        return json_response(200, [{"id": int(page)}], ETag=etag, **{"X-Total-Count": "2"}, **link)

    async with make_client(Recorder(handler)) as client:
        s = session(client)
        first = await s.paginate(LIST, decode=decode)
        second = await s.paginate(LIST, decode=decode)
    assert first == second == [{"id": 1}, {"id": 2}]
    assert second.meta.total_count == 2
    assert pages_served == ["200:1", "200:2", "304:1", "304:2"]
    assert decode.calls == 2  # items decoded once, on the 200s only


async def test_streamed_pages_revalidate_but_are_not_stored() -> None:
    """Iterating a list never grows the cache; pages a collect() stored are revalidated
    (304, no decoding) when the list is iterated later."""
    pages_served: list[str] = []
    decode = CountingDecoder()

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("cursor", "1")
        etag = f'"p{page}"'
        if request.headers.get("if-none-match") == etag:
            pages_served.append(f"304:{page}")
            return httpx.Response(304, headers={"ETag": etag})
        pages_served.append(f"200:{page}")
        link = {"Link": '</99/things.json?cursor=2>; rel="next"'} if page == "1" else {}
        return json_response(200, [{"id": int(page)}], ETag=etag, **{"X-Total-Count": "2"}, **link)

    async with make_client(Recorder(handler)) as client:
        s = session(client)
        assert [x async for x in s.paginate(LIST, decode=decode)] == [{"id": 1}, {"id": 2}]
        assert len(client.cache) == 0  # type: ignore[arg-type]
        assert [x async for x in s.paginate(LIST, decode=decode)] == [{"id": 1}, {"id": 2}]
        await s.paginate(LIST, decode=decode)  # collect: stores both pages
        assert len(client.cache) == 2  # type: ignore[arg-type]
        assert [x async for x in s.paginate(LIST, decode=decode)] == [{"id": 1}, {"id": 2}]
    assert pages_served == ["200:1", "200:2"] * 3 + ["304:1", "304:2"]
    assert decode.calls == 6  # the 304s cost no decoding


def entry(size: int) -> CacheEntry:
    return CacheEntry(etag='"x"', last_modified=None, value=object(), size=size)


def test_lru_bounded_by_entries() -> None:
    store = MemoryCache(max_entries=3)
    for i in range(3):
        store.set(("fp", f"u{i}"), entry(1))
    assert store.get(("fp", "u0")) is not None  # u0 becomes most recently used
    store.set(("fp", "u3"), entry(1))
    assert store.get(("fp", "u1")) is None  # least recently used went first
    assert {k[1] for k in store._entries} == {"u0", "u2", "u3"}


def test_lru_bounded_by_bytes() -> None:
    store = MemoryCache(max_entries=100, max_bytes=100)
    for i in range(5):
        store.set(("fp", f"u{i}"), entry(30))
    assert store.total_bytes == 90
    assert len(store) == 3
    store.set(("fp", "huge"), entry(101))  # larger than the whole budget: not kept
    assert store.get(("fp", "huge")) is None
    assert store.total_bytes == 90
    store.set(("fp", "u4"), entry(10))  # replacing an entry adjusts the byte count
    assert store.total_bytes == 70
    store.delete(("fp", "u4"))
    assert store.total_bytes == 60
    store.clear()
    assert (len(store), store.total_bytes) == (0, 0)


def test_cache_settings_reach_the_default_store() -> None:
    client = make_client(Versioned(), cache_max_entries=7, cache_max_bytes=1234)
    assert isinstance(client.cache, MemoryCache)
    assert (client.cache.max_entries, client.cache.max_bytes) == (7, 1234)
    assert "SECRET" not in repr(client.cache)


def test_token_providers_get_distinct_fingerprints() -> None:
    from basecamp_client._core.auth import fingerprint

    assert fingerprint("bearer", "a") != fingerprint("bearer", "b")
    assert TOKEN not in fingerprint("bearer", TOKEN)
    assert StaticToken("a") is not None
