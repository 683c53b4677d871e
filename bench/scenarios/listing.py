"""Listing a long to-do list (collected or iterated, sync or async) and fetching one page:
the pagination, decoding and memory a listing costs."""

from __future__ import annotations

import asyncio
from typing import Any

from ..meter import Meter
from ..names import OFFICIAL, OURS, OURS_NO_CACHE, RAW
from .base import (
    Ctx,
    Extra,
    NotAvailable,
    Scenario,
    connected,
    connected_async,
    list_url,
    official_async,
    official_sync,
    ours_async,
    ours_sync,
    project_url,
    raw_headers,
)


def _check_count(ctx: Ctx, seen: int) -> None:
    if seen != ctx["n"]:
        raise RuntimeError(f"listed {seen} items, expected {ctx['n']}")


class _RawListing:
    """What raw httpx does with each page of a listing: check it, decode it, count (or keep)
    its items, and follow its ``Link: rel=next``."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.kept: list[Any] = []
        self.seen = self.pages = 0

    def take(self, response: Any) -> str | None:
        """The next page's URL (None after the last page)."""
        response.raise_for_status()
        items = response.json()
        self.pages += 1
        self.seen += len(items)
        if self.keep:
            self.kept.extend(items)
        nxt = response.links.get("next")
        return str(response.url.join(nxt["url"])) if nxt else None

    def result(self, ctx: Ctx) -> Extra:
        _check_count(ctx, len(self.kept) if self.keep else self.seen)
        return {"pages": self.pages}


def _list_raw_sync(ctx: Ctx, meter: Meter, keep: bool) -> Extra:
    import httpx

    listing = _RawListing(keep)
    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(project_url(ctx))
        meter.start()
        url: str | None = list_url(ctx)
        while url is not None:
            url = listing.take(client.get(url))  # the page is freed before the next
        meter.stop()
    return listing.result(ctx)


def _list_raw_async(ctx: Ctx, meter: Meter, keep: bool) -> Extra:
    import httpx

    listing = _RawListing(keep)

    async def main() -> None:
        async with httpx.AsyncClient(headers=raw_headers(ctx)) as client:
            await client.get(project_url(ctx))
            meter.start()
            url: str | None = list_url(ctx)
            while url is not None:
                url = listing.take(await client.get(url))
            meter.stop()

    asyncio.run(main())
    return listing.result(ctx)


def list_sync_collect_raw(ctx: Ctx, meter: Meter) -> Extra:
    return _list_raw_sync(ctx, meter, keep=True)


def list_sync_iterate_raw(ctx: Ctx, meter: Meter) -> Extra:
    return _list_raw_sync(ctx, meter, keep=False)


def list_async_collect_raw(ctx: Ctx, meter: Meter) -> Extra:
    return _list_raw_async(ctx, meter, keep=True)


def list_async_iterate_raw(ctx: Ctx, meter: Meter) -> Extra:
    return _list_raw_async(ctx, meter, keep=False)


def _warm_sync(ctx: Ctx, account: Any) -> None:
    """Load the to-do service and models untimed (our services import on first use; a
    steady-state listing should not be charged for that). A streamed one-item read adds
    nothing to the HTTP cache."""
    for _ in account.todos.list(todolist_id=ctx["long_list_id"], max_items=1):
        pass


async def _warm_async(ctx: Ctx, account: Any) -> None:
    async for _ in account.todos.list(todolist_id=ctx["long_list_id"], max_items=1):
        pass


def list_sync_collect_ours(ctx: Ctx, meter: Meter) -> Extra:
    with connected(ours_sync, ctx) as account:
        _warm_sync(ctx, account)
        meter.start()
        items = account.todos.list(todolist_id=ctx["long_list_id"]).collect()
        meter.stop()
    _check_count(ctx, len(items))
    return {"pages": items.meta.pages}


def list_sync_iterate_ours(ctx: Ctx, meter: Meter, **settings: Any) -> Extra:
    with connected(ours_sync, ctx, **settings) as account:
        _warm_sync(ctx, account)
        meter.start()
        seen = 0
        for _ in account.todos.list(todolist_id=ctx["long_list_id"]):
            seen += 1
        meter.stop()
    _check_count(ctx, seen)
    return {}


def list_async_collect_ours(ctx: Ctx, meter: Meter) -> Extra:
    async def main() -> Extra:
        async with connected_async(ours_async, ctx) as account:
            await _warm_async(ctx, account)
            meter.start()
            items = await account.todos.list(todolist_id=ctx["long_list_id"]).collect()
            meter.stop()
        _check_count(ctx, len(items))
        return {"pages": items.meta.pages}

    return asyncio.run(main())


def list_async_iterate_ours(ctx: Ctx, meter: Meter, **settings: Any) -> Extra:
    async def main() -> Extra:
        async with connected_async(ours_async, ctx, **settings) as account:
            await _warm_async(ctx, account)
            meter.start()
            seen = 0
            async for _ in account.todos.list(todolist_id=ctx["long_list_id"]):
                seen += 1
            meter.stop()
        _check_count(ctx, seen)
        return {}

    return asyncio.run(main())


def page_sync_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(project_url(ctx))
        meter.start()
        items = client.get(f"{list_url(ctx)}?page={ctx['page']}").json()
        meter.stop()
    return {"pages": 1, "items": len(items)}


def page_sync_ours(ctx: Ctx, meter: Meter) -> Extra:
    # What one 100-item page costs in flight (response, parsed JSON, models): the unit
    # the "iterated: RSS growth" targets count in.
    with connected(ours_sync, ctx) as account:
        _warm_sync(ctx, account)
        meter.start()
        items = account.todos.list(todolist_id=ctx["long_list_id"], page=ctx["page"]).collect()
        meter.stop()
    return {"pages": 1, "items": len(items)}


def page_async_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    async def main() -> Extra:
        async with httpx.AsyncClient(headers=raw_headers(ctx)) as client:
            await client.get(project_url(ctx))
            meter.start()
            items = (await client.get(f"{list_url(ctx)}?page={ctx['page']}")).json()
            meter.stop()
        return {"pages": 1, "items": len(items)}

    return asyncio.run(main())


def page_async_ours(ctx: Ctx, meter: Meter) -> Extra:
    async def main() -> Extra:
        async with connected_async(ours_async, ctx) as account:
            await _warm_async(ctx, account)
            meter.start()
            items = await account.todos.list(
                todolist_id=ctx["long_list_id"], page=ctx["page"]
            ).collect()
            meter.stop()
        return {"pages": 1, "items": len(items)}

    return asyncio.run(main())


def list_sync_iterate_ours_no_cache(ctx: Ctx, meter: Meter) -> Extra:
    # Beside the default: shows what the HTTP cache keeps while a long list is iterated.
    return list_sync_iterate_ours(ctx, meter, cache=False)


def list_async_iterate_ours_no_cache(ctx: Ctx, meter: Meter) -> Extra:
    return list_async_iterate_ours(ctx, meter, cache=False)


def list_sync_collect_official(ctx: Ctx, meter: Meter) -> Extra:
    with connected(official_sync, ctx) as account:
        meter.start()
        items = account.todos.list(todolist_id=ctx["long_list_id"])
        meter.stop()
    _check_count(ctx, len(items))
    return {}


def list_async_collect_official(ctx: Ctx, meter: Meter) -> Extra:
    async def main() -> Extra:
        async with connected_async(official_async, ctx) as account:
            meter.start()
            items = await account.todos.list(todolist_id=ctx["long_list_id"])
            meter.stop()
        _check_count(ctx, len(items))
        return {}

    return asyncio.run(main())


def official_cannot_stream(ctx: Ctx, meter: Meter) -> Extra:
    raise NotAvailable("n/a (lists are always collected: no lazy iterator)")


SCENARIOS = (
    Scenario(
        "list_sync_collect",
        "list {todos:,} to-dos, sync, collected",
        {
            RAW: list_sync_collect_raw,
            OURS: list_sync_collect_ours,
            OFFICIAL: list_sync_collect_official,
        },
        n=10_000,
    ),
    Scenario(
        "list_sync_iterate",
        "list {todos:,} to-dos, sync, iterated",
        {
            RAW: list_sync_iterate_raw,
            OURS: list_sync_iterate_ours,
            OURS_NO_CACHE: list_sync_iterate_ours_no_cache,
            OFFICIAL: official_cannot_stream,
        },
        n=10_000,
    ),
    Scenario(
        "list_async_collect",
        "list {todos:,} to-dos, async, collected",
        {
            RAW: list_async_collect_raw,
            OURS: list_async_collect_ours,
            OFFICIAL: list_async_collect_official,
        },
        n=10_000,
    ),
    Scenario(
        "list_async_iterate",
        "list {todos:,} to-dos, async, iterated",
        {
            RAW: list_async_iterate_raw,
            OURS: list_async_iterate_ours,
            OURS_NO_CACHE: list_async_iterate_ours_no_cache,
            OFFICIAL: official_cannot_stream,
        },
        n=10_000,
    ),
    Scenario(
        "list_page_sync",
        "fetch one 100-item page, sync (a page's memory in flight)",
        {RAW: page_sync_raw, OURS: page_sync_ours},
    ),
    Scenario(
        "list_page_async",
        "fetch one 100-item page, async (a page's memory in flight)",
        {RAW: page_async_raw, OURS: page_async_ours},
    ),
)
