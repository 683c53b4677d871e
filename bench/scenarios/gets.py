"""GETs of one project, sync and async, and what a rate limit costs: kept in this process
(``rate_limit``) or shared across processes through Redis (``shared_limits``)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from ..meter import Meter
from ..names import OFFICIAL, OURS, OURS_LOCAL, OURS_SHARED, RAW
from .base import (
    Ctx,
    Extra,
    NotAvailable,
    Scenario,
    connected,
    gets_raw,
    official_async,
    official_sync,
    ours_async,
    ours_sync,
    project_url,
    raw_headers,
    run_concurrently,
)


def get_sync_raw(ctx: Ctx, meter: Meter) -> Extra:
    return gets_raw(ctx, meter, project_url(ctx))


def _get_sync_with(open_client: Callable[[Ctx], Any]) -> Callable[[Ctx, Meter], Extra]:
    # The official SDK has the same call shape as ours: one body serves both.
    def scenario(ctx: Ctx, meter: Meter) -> Extra:
        pid = ctx["project_id"]
        with connected(open_client, ctx) as account:
            projects = account.projects
            meter.start()
            for _ in range(ctx["n"]):
                projects.get(project_id=pid)
            meter.stop()
        return {}

    return scenario


get_sync_ours = _get_sync_with(ours_sync)
get_sync_official = _get_sync_with(official_sync)


def get_async_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    url = project_url(ctx)

    async def main() -> None:
        async with httpx.AsyncClient(headers=raw_headers(ctx)) as client:

            async def one() -> None:
                response = await client.get(url)
                response.raise_for_status()
                response.json()

            await run_concurrently(ctx["concurrency"], ctx["concurrency"], one)  # warm pool
            meter.start()
            await run_concurrently(ctx["n"], ctx["concurrency"], one)
            meter.stop()

    asyncio.run(main())
    return {}


def _get_async_with(open_client: Callable[[Ctx], Any]) -> Callable[[Ctx, Meter], Extra]:
    def scenario(ctx: Ctx, meter: Meter) -> Extra:
        pid = ctx["project_id"]

        async def main() -> None:
            async with open_client(ctx) as client:
                projects = client.for_account(ctx["account_id"]).projects

                def one() -> Awaitable[Any]:
                    return projects.get(project_id=pid)

                await run_concurrently(ctx["concurrency"], ctx["concurrency"], one)
                meter.start()
                await run_concurrently(ctx["n"], ctx["concurrency"], one)
                meter.stop()

        asyncio.run(main())
        return {}

    return scenario


get_async_ours = _get_async_with(ours_async)
get_async_official = _get_async_with(official_async)


# ----------------------------------------------------------------------------- shared limits

#: A limit far above what the fake can serve: the window is consulted on every request
#: but never makes anyone wait, so the figure is the limiter's own cost.
LIMIT_NEVER_REACHED = (1_000_000, 1.0)


def _redis_url(ctx: Ctx) -> str:
    url = ctx.get("redis_url")
    if not url:
        raise NotAvailable("redis-server not found (apt-get install redis-server)")
    return str(url)


def _limited(ctx: Ctx) -> Any:
    return ours_async(ctx, rate_limit=LIMIT_NEVER_REACHED)


def _shared(ctx: Ctx) -> Any:
    return ours_async(
        ctx,
        rate_limit=LIMIT_NEVER_REACHED,
        shared_limits=_redis_url(ctx),
        shared_limits_key=f"bench:{os.getpid()}",
    )


def get_async_local(ctx: Ctx, meter: Meter) -> Extra:
    return {**_get_async_with(_limited)(ctx, meter), "n": ctx["n"]}


def get_async_shared(ctx: Ctx, meter: Meter) -> Extra:
    return {**_get_async_with(_shared)(ctx, meter), "n": ctx["n"]}


def _many(ctx: Ctx, meter: Meter, redis_url: str | None) -> Extra:
    from ..many import run

    meter.start()
    report = run(workers=4, gets=15, rate=(10, 2.0), redis_url=redis_url)
    meter.stop()
    report.pop("log")
    return report


def many_local(ctx: Ctx, meter: Meter) -> Extra:
    return _many(ctx, meter, None)


def many_shared(ctx: Ctx, meter: Meter) -> Extra:
    return _many(ctx, meter, _redis_url(ctx))


SCENARIOS = (
    Scenario(
        "get_sync",
        "{n:,} GETs of a project, sync, one at a time",
        {RAW: get_sync_raw, OURS: get_sync_ours, OFFICIAL: get_sync_official},
        n=2000,
    ),
    Scenario(
        "get_async",
        "{n:,} GETs of a project, async, 50 in flight",
        {RAW: get_async_raw, OURS: get_async_ours, OFFICIAL: get_async_official},
        n=2000,
    ),
    Scenario(
        "get_async_shared",
        "{n:,} GETs, async, 50 in flight, rate_limit set (never reached)",
        {RAW: get_async_raw, OURS_LOCAL: get_async_local, OURS_SHARED: get_async_shared},
        n=2000,
    ),
    Scenario(
        "many_processes",
        "4 processes x 15 GETs against a fake limited to 10 per 2 s",
        {OURS_LOCAL: many_local, OURS_SHARED: many_shared},
        reps_factor=0.4,
    ),
)
