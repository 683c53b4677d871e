"""Issue 12, item 1: a server's Link headers cannot make a listing loop, run forever, or
silently stop early."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from basecamp_client import NetworkError, PaginationError, UnsafeLinkError
from basecamp_client._core import pagination
from basecamp_client._core.links import MAX_LINK_HEADER, page_key, parse_links

from .helpers import BASE, LIST, Recorder, identity, json_response, make_client, make_sync_client
from .helpers import session as account

pytestmark = pytest.mark.anyio

FIRST = f"{BASE}/99/things.json"


def linking(links: dict[str, str | None], items: dict[str, list[Any]] | None = None) -> Recorder:
    """A server whose page at each URL (path and query, as sent) links to ``links[url]``."""

    def handle(request: httpx.Request) -> httpx.Response:
        here = request.url.raw_path.decode()
        page_items = (items or {}).get(here, [{"url": here}])
        nxt = links.get(here)
        headers = {"Link": nxt} if nxt is not None else {}
        return json_response(200, page_items, **headers)

    return Recorder(handle)


async def listing(server: Recorder, **kwargs: Any) -> Any:
    async with make_client(server) as client:
        return await account(client).paginate(LIST, decode=identity, **kwargs)


async def iterated(server: Recorder, seen: list[Any]) -> None:
    async with make_client(server) as client:
        async for item in account(client).paginate(LIST, decode=identity):
            seen.append(item)


async def test_a_page_linking_to_itself_stops_after_one_request() -> None:
    server = linking({"/99/things.json": '</99/things.json>; rel="next"'})
    with pytest.raises(PaginationError, match="links back to a page already fetched") as info:
        await listing(server)
    assert server.count == 1
    assert info.value.code == "pagination"
    assert info.value.operation_id == "ListThings"
    assert "ListThings: page 1" in info.value.message


async def test_an_a_b_a_cycle_stops_after_two_requests_and_keeps_what_came() -> None:
    server = linking(
        {
            "/99/things.json": '</99/things.json?page=2>; rel="next"',
            "/99/things.json?page=2": f'<{FIRST}>; rel="next"',
        }
    )
    with pytest.raises(PaginationError):
        await listing(server)
    assert server.count == 2
    seen: list[Any] = []
    with pytest.raises(PaginationError, match="page 2 links back"):
        await iterated(server, seen)
    assert [item["url"] for item in seen] == ["/99/things.json", "/99/things.json?page=2"]
    assert server.count == 4


@pytest.mark.parametrize(
    "same_page",
    [
        "/99/things.json?b=2&a=1#top",  # other parameter order, a fragment
        "HTTPS://3.BasecampAPI.com:443/99/things.json?a=1&b=2",  # case, default port
        "/99/%74hings.json?a=%31&b=2",  # percent-escapes
        "?b=2&a=1",  # relative
        "#",  # this very page
    ],
)
async def test_the_same_page_under_another_spelling_is_a_loop(same_page: str) -> None:
    server = linking({"/99/things.json?a=1&b=2": f'<{same_page}>; rel="next"'})
    async with make_client(server) as client:
        with pytest.raises(PaginationError, match="already fetched"):
            await account(client).paginate(LIST, query={"a": 1, "b": 2}, decode=identity)
    assert server.count == 1


async def test_an_empty_page_that_links_on_is_an_error() -> None:
    server = linking(
        {
            "/99/things.json": '</99/things.json?page=2>; rel="next"',
            "/99/things.json?page=2": '</99/things.json?page=3>; rel="next"',
        },
        items={"/99/things.json?page=2": []},
    )
    with pytest.raises(PaginationError, match="page 2 is empty but links to a next page"):
        await listing(server)
    assert server.count == 2


@pytest.mark.parametrize(
    "header",
    [
        '<>; rel="next", </99/things.json?page=2>; rel="next"',
        '< >; rel="next", </99/things.json?page=2>; rel="next"',
        "<>; rel=next, </99/things.json?page=2>; rel=next",
        '<https://3.basecampapi.com/99/x>; rel="last"; title="a, b", '
        '</99/things.json?page=2>; rel="next"',
    ],
)
async def test_an_unusable_next_part_is_skipped_and_the_real_one_followed(header: str) -> None:
    server = linking({"/99/things.json": header})
    result = await listing(server)
    assert [item["url"] for item in result] == ["/99/things.json", "/99/things.json?page=2"]
    assert not result.meta.truncated


async def test_an_oversized_link_header_is_refused_in_bounded_time() -> None:
    # The HTTP backends refuse any header line over 8,190 bytes themselves (the response is
    # not valid HTTP to them); a GET is retried at most max_attempts times, then it ends.
    for header in ("<" * 65_536, '</99/x?page=2>; rel="next", ' + "<a>; " * 3000):
        server = linking({"/99/things.json": header})
        with pytest.raises(NetworkError, match="header longer than"):
            await listing(server)
        assert 1 <= server.count <= 3


def test_the_link_parser_refuses_an_oversized_header_itself() -> None:
    # Defence in depth, for a transport that lets a longer header through.
    for header in ("<" * 65_536, '</99/x?page=2>; rel="next", ' + "<a>; " * 3000):
        with pytest.raises(PaginationError, match=r"Link header is .* characters long"):
            parse_links(header)


def test_hostile_headers_within_the_limit_parse_linearly() -> None:
    # Each of these took quadratic time with the old regular expression.
    assert parse_links("<" * (MAX_LINK_HEADER - 1)) == {}
    assert parse_links('<a>;a="' * 1000) == {}
    many = ", ".join(f'</p{i}>; rel="item"' for i in range(300)) + ', </n>; rel="next"'
    assert len(many) < MAX_LINK_HEADER
    assert parse_links(many) == {"item": "/p0", "next": "/n"}
    assert parse_links('<u>; rel="prev next"; title="x;y, z"') == {"prev": "u", "next": "u"}


@pytest.mark.parametrize(
    ("header", "error", "message"),
    [
        ('</99/x y>; rel="next"', PaginationError, "spaces, control or non-ASCII"),
        ('</99/x\x01>; rel="next"', PaginationError, "spaces, control or non-ASCII"),
        ('</99/ü>; rel="next"', PaginationError, "spaces, control or non-ASCII"),
        ('<https://3.basecampapi.com:x/99>; rel="next"', UnsafeLinkError, "invalid port"),
        ('<//evil.example/99>; rel="next"', UnsafeLinkError, "another origin"),
    ],
)
async def test_next_links_that_cannot_be_requested_are_refused(
    header: str, error: type[Exception], message: str
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        # Raw bytes, as a server would send them (UTF-8 read back as Latin-1).
        raw = [(b"content-type", b"application/json"), (b"link", header.encode("utf-8"))]
        return httpx.Response(200, headers=raw, content=b'[{"id": 1}]')

    server = Recorder(handle)
    with pytest.raises(error, match=message):
        await listing(server)
    assert server.count == 1


def endless() -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return json_response(200, [{"id": page}], Link=f'<{FIRST}?page={page + 1}>; rel="next"')

    return Recorder(handle)


async def test_endless_fresh_next_links_stop_at_the_page_ceiling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pagination, "PAGE_CEILING", 5)
    server = endless()
    with pytest.raises(PaginationError, match="reached 5 pages") as info:
        await listing(server)
    assert server.count == 5
    assert "max_pages=" in (info.value.hint or "")
    server = endless()
    capped = await listing(server, max_pages=7)  # the caller's own cap replaces the ceiling
    assert server.count == 7
    assert capped.meta.truncated
    assert [item["id"] for item in capped] == [1, 2, 3, 4, 5, 6, 7]


def test_page_ceiling_default() -> None:
    assert pagination.PAGE_CEILING == 10_000


def test_page_keys() -> None:
    same = [
        f"{FIRST}?a=1&b=2",
        f"{FIRST}?b=2&a=1#x",
        "https://3.basecampapi.com:443/99/things.json?a=1&b=2",
        "HTTPS://3.BASECAMPAPI.COM/99/%74hings.json?a=%31&b=2",
    ]
    assert len({page_key(url) for url in same}) == 1
    assert page_key(f"{FIRST}?a=1") != page_key(f"{FIRST}?a=2")
    assert page_key(f"{FIRST}?a=1") != page_key(f"{FIRST}?a=1&a=1")
    assert page_key("https://3.basecampapi.com:8443/99") != page_key("https://3.basecampapi.com/99")


def test_the_sync_paginator_stops_too() -> None:
    server = linking({"/99/things.json": '</99/things.json>; rel="next"'})
    with make_sync_client(server) as client:
        service = client.for_account(99)
        paginator = service._async._session.paginate(LIST, decode=identity)
        with pytest.raises(PaginationError):
            client._runner.run(paginator.collect)
    assert server.count == 1
