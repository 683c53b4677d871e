"""Pagination: Link rel=next only, geared pages, caps, one page, origin checks, memory."""

from __future__ import annotations

import gc
import weakref
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest

from basecamp_client import DecodeError, ListResult, UnsafeLinkError, UsageError
from basecamp_client._core import Operation, PaginationSpec
from basecamp_client._core.links import next_page_url, parse_links

from .helpers import BASE, LIST, Recorder, identity, json_response, make_client, session

pytestmark = pytest.mark.anyio

GEARS = (15, 30, 50, 100)


class GearedServer:
    """Basecamp's geared page sizes: 15, 30, 50, then 100 per page. The next link
    carries an opaque cursor, so a client that builds page URLs itself would fail."""

    def __init__(self, total: int, *, wrap: str | None = None, link_base: str = BASE) -> None:
        self.total = total
        self.wrap = wrap
        self.link_base = link_base
        self.requests: list[httpx.Request] = []

    def page_bounds(self, page: int) -> tuple[int, int]:
        start = 0
        for n in range(1, page):
            start += GEARS[min(n - 1, 3)]
        return start, min(start + GEARS[min(page - 1, 3)], self.total)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        query = parse_qs(urlsplit(str(request.url)).query)
        page = int(query.get("page", ["1"])[0])
        if "cursor" in query:
            page = int(query["cursor"][0].removeprefix("c"))
        start, end = self.page_bounds(page)
        items: Any = [{"id": i} for i in range(start, end)]
        headers = {"X-Total-Count": str(self.total)}
        if end < self.total:
            headers["Link"] = f'<{self.link_base}/99/things.json?cursor=c{page + 1}>; rel="next"'
        return json_response(200, {self.wrap: items} if self.wrap else items, **headers)


@pytest.mark.parametrize("total", [0, 1, 15, 16, 45, 95, 96, 195, 196, 1000])
async def test_collects_every_item_across_geared_pages(total: int) -> None:
    server = GearedServer(total)
    async with make_client(server) as client:
        result = await session(client).paginate(LIST, decode=identity)
    assert isinstance(result, ListResult)
    assert [item["id"] for item in result] == list(range(total))
    assert result.meta.total_count == total
    assert not result.meta.truncated
    expected_pages = 1
    while server.page_bounds(expected_pages)[1] < total:
        expected_pages += 1
    assert result.meta.pages == expected_pages == len(server.requests)


async def test_iteration_is_lazy_and_page_by_page() -> None:
    server = GearedServer(200)
    async with make_client(server) as client:
        paginator = session(client).paginate(LIST, decode=identity)
        assert server.requests == []  # nothing fetched until iterated
        seen = 0
        async for _item in paginator:
            seen += 1
            if seen == 15:
                assert len(server.requests) == 1
            if seen == 16:
                assert len(server.requests) == 2
        assert seen == 200


async def test_pages_carry_their_meta() -> None:
    server = GearedServer(100)
    async with make_client(server) as client:
        pages = [page async for page in session(client).paginate(LIST, decode=identity).pages()]
    assert [len(p.items) for p in pages] == [15, 30, 50, 5]
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert all(p.total_count == 100 for p in pages)
    assert pages[-1].next_url is None
    assert pages[0].next_url == f"{BASE}/99/things.json?cursor=c2"


async def test_max_items_truncates_and_says_so() -> None:
    server = GearedServer(200)
    async with make_client(server) as client:
        s = session(client)
        result = await s.paginate(LIST, decode=identity, max_items=20)
        assert len(result) == 20
        assert result.meta.truncated
        assert len(server.requests) == 2
        exact = await s.paginate(LIST, decode=identity, max_items=200)
        assert len(exact) == 200
        assert not exact.meta.truncated
        at_boundary = await s.paginate(LIST, decode=identity, max_items=15)
        assert len(at_boundary) == 15
        assert at_boundary.meta.truncated  # more pages existed


async def test_max_pages_truncates_and_says_so() -> None:
    server = GearedServer(200)
    async with make_client(server) as client:
        s = session(client)
        result = await s.paginate(LIST, decode=identity, max_pages=2)
        assert len(result) == 45
        assert result.meta.truncated
        assert result.meta.pages == 2
        whole = await s.paginate(LIST, decode=identity, max_pages=10)
        assert len(whole) == 200
        assert not whole.meta.truncated


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3"])
async def test_caps_must_be_positive_integers(bad: Any) -> None:
    async with make_client(GearedServer(1)) as client:
        with pytest.raises(UsageError):
            session(client).paginate(LIST, decode=identity, max_items=bad)
        with pytest.raises(UsageError):
            session(client).paginate(LIST, decode=identity, max_pages=bad)


async def test_page_argument_fetches_exactly_one_page() -> None:
    server = GearedServer(200)
    async with make_client(server) as client:
        s = session(client)
        result = await s.paginate(LIST, query={"page": 2}, decode=identity)
        assert [item["id"] for item in result] == list(range(15, 45))
        assert len(server.requests) == 1
        assert not result.meta.truncated
        assert result.meta.total_count == 200
        with pytest.raises(UsageError):
            s.paginate(LIST, query={"page": 0}, decode=identity)


async def test_items_key_wrapped_pages() -> None:
    wrapped = Operation(
        id="ListEvents", method="GET", path="/things.json", pagination=PaginationSpec("events")
    )
    server = GearedServer(60, wrap="events")
    async with make_client(server) as client:
        result = await session(client).paginate(wrapped, decode=identity)
    assert len(result) == 60


async def test_non_list_page_is_a_decode_error() -> None:
    server = Recorder(lambda r: json_response(200, {"not": "a list"}))
    async with make_client(server) as client:
        with pytest.raises(DecodeError, match="expected a JSON list"):
            await session(client).paginate(LIST, decode=identity)
    server = Recorder(lambda r: httpx.Response(200, content=b"<html>"))
    async with make_client(server) as client:
        with pytest.raises(DecodeError, match="not valid JSON"):
            await session(client).paginate(LIST, decode=identity)


@pytest.mark.parametrize(
    "link_base",
    [
        "https://evil.example",
        "http://3.basecampapi.com",  # downgrade to plain http
        "https://3.basecampapi.com:8443",
        "https://storage.3.basecampapi.com",
    ],
)
async def test_next_link_off_origin_is_refused(link_base: str) -> None:
    server = GearedServer(100, link_base=link_base)
    async with make_client(server) as client:
        with pytest.raises(UnsafeLinkError) as info:
            await session(client).paginate(LIST, decode=identity)
    assert len(server.requests) == 1  # credentials never went anywhere else
    assert info.value.code == "unsafe_link"


async def test_relative_next_link_is_resolved_against_the_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "cursor" in str(request.url):
            return json_response(200, [{"id": 2}])
        return json_response(200, [{"id": 1}], Link='</99/things.json?cursor=x>; rel="next"')

    async with make_client(Recorder(handler)) as client:
        result = await session(client).paginate(LIST, decode=identity)
    assert [r["id"] for r in result] == [1, 2]


@attrs.define
class Item:
    id: int


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
async def test_memory_is_bounded_by_one_page_while_iterating(cache: bool) -> None:
    """Also with the HTTP cache on: a streamed list is not kept in the cache."""
    server = GearedServer(300)
    refs: list[weakref.ref[Item]] = []
    checked: list[int] = []

    def decode(data: Any) -> Item:
        if data["id"] == 195:
            # Decoding page 5: every item of pages 1-4 must already be unreachable, but
            # for the one the caller's loop variable still holds (id 194).
            gc.collect()
            alive = [r().id for r in refs[:194] if r() is not None]  # type: ignore[union-attr]
            assert alive == [], alive
            checked.append(len(refs))
        item = Item(data["id"])
        refs.append(weakref.ref(item))
        return item

    async with make_client(server, cache=cache) as client:
        count = 0
        async for _item in session(client).paginate(LIST, decode=decode):
            count += 1
        assert client.cache is None or len(client.cache) == 0  # type: ignore[arg-type]
    assert count == 300
    assert checked == [195]


async def test_cached_pages_stay_within_the_cache_budget() -> None:
    server = GearedServer(300)
    async with make_client(server, cache_max_bytes=2000) as client:
        await session(client).paginate(LIST, decode=identity)
        assert client.cache is not None
        assert client.cache.total_bytes <= 2000  # type: ignore[attr-defined]


def test_link_header_parsing() -> None:
    header = '<https://a.example/x?page=2>; rel="next", <https://a.example/x?page=9>; rel="last"'
    assert parse_links(header) == {
        "next": "https://a.example/x?page=2",
        "last": "https://a.example/x?page=9",
    }
    assert parse_links('<u>; rel="prev next"')["next"] == "u"
    assert parse_links("garbage") == {}
    assert parse_links(None) == {}
    assert next_page_url("https://a.example/x", None) is None
    assert next_page_url("https://a.example/x", '<y>; rel="last"') is None
    with pytest.raises(UnsafeLinkError):
        next_page_url("https://a.example/x", '<https://b.example/x>; rel="next"')


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
async def test_page_decoding_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    """The collector is paused while a page decodes (everything decoded stays alive),
    and restored afterwards, also when decoding fails."""
    seen: list[bool] = []

    def decode(data: Any) -> Any:
        seen.append(gc.isenabled())
        if data["id"] == 20:
            raise ValueError("bad item")
        return data

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        async with make_client(GearedServer(15)) as client:
            await session(client).paginate(LIST, decode=decode)
            assert gc.isenabled() is enabled
            assert seen
            assert not any(seen)  # paused while decoding
        async with make_client(GearedServer(40)) as client:
            with pytest.raises(DecodeError):
                await session(client).paginate(LIST, decode=decode)
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
