"""What every scenario uses: the :class:`Scenario` record, the context it gets, and how it
opens each client (raw httpx with our headers, ours, the official SDK) and names URLs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from ..meter import Meter

Ctx = Mapping[str, Any]
Extra = dict[str, Any]
ClientFn = Callable[[Ctx, Meter], Extra]


class NotAvailable(Exception):
    """The client has no API for this scenario (yet): reported as n/a, not as a failure."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str  # a template: {n} requests, {todos} items, {mb} file size
    clients: Mapping[str, ClientFn]
    n: int = 0  # requests or items, where that applies
    reps_factor: float = 1.0  # cheap scenarios repeat more, the 200 MB ones less

    def describe(self, ctx: Ctx) -> str:
        return self.title.format(
            n=ctx.get("n", 0), todos=ctx.get("todos", 0), mb=ctx.get("file_bytes", 0) // 2**20
        )


def raw_headers(ctx: Ctx) -> dict[str, str]:
    """What our client sends: the same User-Agent, the bearer token, JSON accepted."""
    return {
        "User-Agent": ctx["wire_user_agent"],
        "Authorization": f"Bearer {ctx['token']}",
        "Accept": "application/json",
    }


def account_url(ctx: Ctx) -> str:
    return f"{ctx['base_url']}/{ctx['account_id']}"


def project_url(ctx: Ctx) -> str:
    return f"{account_url(ctx)}/projects/{ctx['project_id']}"


def list_url(ctx: Ctx) -> str:
    return f"{account_url(ctx)}/todolists/{ctx['long_list_id']}/todos.json"


def ours_sync(ctx: Ctx, **settings: Any) -> Any:
    from basecamp_client import Basecamp

    return Basecamp(
        access_token=ctx["token"],
        user_agent=ctx["user_agent"],
        base_url=ctx["base_url"],
        **settings,
    )


def ours_async(ctx: Ctx, **settings: Any) -> Any:
    from basecamp_client import AsyncBasecamp

    return AsyncBasecamp(
        access_token=ctx["token"],
        user_agent=ctx["user_agent"],
        base_url=ctx["base_url"],
        **settings,
    )


def official_sync(ctx: Ctx) -> Any:
    from basecamp import Client, Config

    return Client(
        access_token=ctx["token"],
        config=Config(base_url=ctx["base_url"]),
        user_agent=ctx["wire_user_agent"],
    )


def official_async(ctx: Ctx) -> Any:
    from basecamp import AsyncClient, Config

    return AsyncClient(
        access_token=ctx["token"],
        config=Config(base_url=ctx["base_url"]),
        user_agent=ctx["wire_user_agent"],
    )


@contextmanager
def connected(open_client: Callable[..., Any], ctx: Ctx, **settings: Any) -> Iterator[Any]:
    """The account of a client ``open_client(ctx, **settings)`` makes, its connection made
    (one GET of the project) before the measurement starts."""
    with open_client(ctx, **settings) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
        yield account


@asynccontextmanager
async def connected_async(
    open_client: Callable[..., Any], ctx: Ctx, **settings: Any
) -> AsyncIterator[Any]:
    """:func:`connected` for an async client."""
    async with open_client(ctx, **settings) as client:
        account = client.for_account(ctx["account_id"])
        await account.projects.get(project_id=ctx["project_id"])
        yield account


async def run_concurrently(n: int, concurrency: int, one: Callable[[], Awaitable[Any]]) -> int:
    """Make ``n`` calls of ``one()`` with ``concurrency`` of them in flight."""
    left = n
    done = 0

    async def worker() -> None:
        nonlocal left, done
        while left > 0:
            left -= 1
            await one()
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


def gets_raw(ctx: Ctx, meter: Meter, url: str) -> Extra:
    """``ctx["n"]`` GETs of ``url`` by raw httpx, one at a time, each answer decoded. The
    connection is made (and a first answer read) outside the measurement, as the SDKs'
    scenarios do."""
    import httpx

    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(url).json()
        meter.start()
        for _ in range(ctx["n"]):
            response = client.get(url)
            response.raise_for_status()
            response.json()
        meter.stop()
    return {}
