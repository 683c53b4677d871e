"""Lists the API wraps in an object beside other fields: a person's progress report.

``GET /reports/users/progress/{id}.json`` answers ``{"person": {...}, "events": [...]}``,
the events paged with ``Link`` headers. ``timeline.list_for_person`` streams the events
and gives the person too: per page (``pages()``) and as one object (``await`` /
``collect()``), async and sync.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from basecamp_client import (
    AsyncWrappedPaginator,
    DecodeError,
    ListResult,
    SyncWrappedPaginator,
    WrappedPage,
)
from basecamp_client.models import Person, PersonProgress, TimelineEvent

from .helpers import BASE, json_response, make_client, make_sync_client

pytestmark = pytest.mark.anyio

PATH = "/99/reports/users/progress/7.json"
PER_PAGE = 3


class ProgressServer:
    """``total`` events over pages of three, each page repeating the person; ETags on."""

    def __init__(self, total: int, *, etag: bool = False) -> None:
        self.total = total
        self.etag = etag
        self.requests: list[httpx.Request] = []
        self.not_modified = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == PATH
        page = int(parse_qs(urlsplit(str(request.url)).query).get("page", ["1"])[0])
        tag = f'"p{page}"'
        if self.etag and request.headers.get("if-none-match") == tag:
            self.not_modified += 1
            return httpx.Response(304, headers={"ETag": tag})
        start = (page - 1) * PER_PAGE
        events = [
            {"id": i, "action": "completed", "created_at": "2026-10-19T10:00:00Z"}
            for i in range(start, min(start + PER_PAGE, self.total))
        ]
        body = {"person": {"id": 7, "name": "Ada"}, "events": events, "since": "2026-10-01"}
        headers = {"X-Total-Count": str(self.total)}
        if start + PER_PAGE < self.total:
            headers["Link"] = f'<{BASE}{PATH}?page={page + 1}>; rel="next"'
        if self.etag:
            headers["ETag"] = tag
        return json_response(200, body, **headers)


async def test_awaiting_gives_the_person_with_every_event() -> None:
    server = ProgressServer(8)
    async with make_client(server) as client:
        listing = client.for_account(99).timeline.list_for_person(person_id=7)
        assert isinstance(listing, AsyncWrappedPaginator)
        progress = await listing
    assert isinstance(progress, PersonProgress)
    assert isinstance(progress.person, Person)
    assert progress.person.name == "Ada"
    assert [e.id for e in progress.events] == list(range(8))
    assert all(isinstance(e, TimelineEvent) for e in progress.events)
    assert isinstance(progress.events, ListResult)
    assert (progress.events.meta.total_count, progress.events.meta.pages) == (8, 3)
    assert progress.extra == {"since": "2026-10-01"}  # unknown keys are kept, as ever
    assert progress.to_dict()["events"][7]["id"] == 7
    assert len(server.requests) == 3


async def test_iterating_streams_the_events_page_by_page() -> None:
    server = ProgressServer(8)
    async with make_client(server) as client:
        listing = client.for_account(99).timeline.list_for_person(person_id=7)
        assert server.requests == []  # nothing is fetched before iterating
        seen = []
        async for event in listing:
            seen.append(event.id)
            assert len(server.requests) == 1 + event.id // PER_PAGE
    assert seen == list(range(8))


async def test_each_page_carries_its_whole_object() -> None:
    server = ProgressServer(7)
    async with make_client(server) as client:
        listing = client.for_account(99).timeline.list_for_person(person_id=7)
        pages = [page async for page in listing.pages()]
    assert [p.number for p in pages] == [1, 2, 3]
    for page in pages:
        assert isinstance(page, WrappedPage)
        assert isinstance(page.wrapper, PersonProgress)
        assert page.wrapper.person.id == 7
        assert page.wrapper.events is page.items  # this page's events, no copy
    assert [len(p.items) for p in pages] == [3, 3, 1]


async def test_caps_cut_the_events_and_say_so() -> None:
    server = ProgressServer(8)
    async with make_client(server) as client:
        timeline = client.for_account(99).timeline
        progress = await timeline.list_for_person(person_id=7, max_items=4)
        assert [e.id for e in progress.events] == [0, 1, 2, 3]
        assert progress.events.meta.truncated  # type: ignore[attr-defined]
        [page] = [p async for p in timeline.list_for_person(person_id=7, max_items=2).pages()]
        assert page.wrapper.events == page.items
        assert [e.id for e in page.items] == [0, 1]
        single = await timeline.list_for_person(person_id=7, page=2)
        assert [e.id for e in single.events] == [3, 4, 5]
        assert single.person.name == "Ada"


async def test_the_http_cache_never_sees_what_the_paginator_hands_out() -> None:
    # Collected pages are cached with their decoded objects and handed out again on a 304;
    # the objects given to callers are copies, so nothing a caller gets changes the cache.
    server = ProgressServer(5, etag=True)
    async with make_client(server) as client:
        timeline = client.for_account(99).timeline
        first = await timeline.list_for_person(person_id=7)
        second = await timeline.list_for_person(person_id=7)
        async for page in timeline.list_for_person(person_id=7).pages():
            page.items.clear()
        third = await timeline.list_for_person(person_id=7)
    assert server.not_modified == 6  # both pages revalidated by each later walk
    for progress in (first, second, third):
        assert [e.id for e in progress.events] == [0, 1, 2, 3, 4]
    assert first is not second
    assert first.events is not second.events


async def test_a_page_that_is_not_an_object_is_a_decode_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, [{"id": 1}])

    async with make_client(handler) as client:
        listing = client.for_account(99).timeline.list_for_person(person_id=7)
        with pytest.raises(DecodeError, match="expected a JSON object holding 'events'"):
            await listing


def test_the_sync_twin_streams_and_collects() -> None:
    server = ProgressServer(7)
    with make_sync_client(server) as client:
        account = client.for_account(99)
        listing = account.timeline.list_for_person(person_id=7)
        assert isinstance(listing, SyncWrappedPaginator)
        assert [e.id for e in listing] == list(range(7))
        pages = list(listing.pages())
        assert [p.wrapper.person.name for p in pages] == ["Ada"] * 3
        progress = listing.collect()
        assert isinstance(progress, PersonProgress)
        assert [e.id for e in progress.events] == list(range(7))
        by_id: Any = account.call("GetPersonProgress", person_id=7)
        assert isinstance(by_id, PersonProgress)
        assert by_id.person.id == 7


async def test_the_async_registry_call_collects_too() -> None:
    async with make_client(ProgressServer(4)) as client:
        progress = await client.for_account(99).call("GetPersonProgress", person_id=7)
    assert isinstance(progress, PersonProgress)
    assert len(progress.events) == 4
