"""Re-GETs of an unchanged page: what the HTTP cache (a 304 instead of a body to decode)
saves, beside ours without it."""

from __future__ import annotations

from ..meter import Meter
from ..names import OFFICIAL, OURS, OURS_NO_CACHE, RAW
from .base import Ctx, Extra, Scenario, gets_raw, list_url, official_sync, ours_sync


def reget_raw(ctx: Ctx, meter: Meter) -> Extra:
    return gets_raw(ctx, meter, f"{list_url(ctx)}?page={ctx['page']}")


def _reget_ours(ctx: Ctx, meter: Meter, cache: bool) -> Extra:
    with ours_sync(ctx, cache=cache) as client:
        todos = client.for_account(ctx["account_id"]).todos
        list_id, page = ctx["long_list_id"], ctx["page"]
        first = todos.list(todolist_id=list_id, page=page).collect()  # fills the cache
        meter.start()
        for _ in range(ctx["n"]):
            todos.list(todolist_id=list_id, page=page).collect()
        meter.stop()
    return {"items": len(first)}


def reget_ours(ctx: Ctx, meter: Meter) -> Extra:
    return _reget_ours(ctx, meter, cache=True)


def reget_ours_no_cache(ctx: Ctx, meter: Meter) -> Extra:
    return _reget_ours(ctx, meter, cache=False)


def reget_official(ctx: Ctx, meter: Meter) -> Extra:
    with official_sync(ctx) as client:
        todos = client.for_account(ctx["account_id"]).todos
        list_id, page = ctx["long_list_id"], ctx["page"]
        todos.list(todolist_id=list_id, page=page)
        meter.start()
        for _ in range(ctx["n"]):
            todos.list(todolist_id=list_id, page=page)
        meter.stop()
    return {}


SCENARIOS = (
    Scenario(
        "reget",
        "{n:,} re-GETs of an unchanged 100-item page, sync",
        {
            RAW: reget_raw,
            OURS: reget_ours,
            OURS_NO_CACHE: reget_ours_no_cache,
            OFFICIAL: reget_official,
        },
        n=300,
    ),
)
