"""The scenarios, one function per (scenario, client). Each runs in a fresh process.

A function sets up untimed, calls ``meter.start()`` right before the measured work and
``meter.stop()`` right after it, and returns extra facts (items seen, pages) for the
report. Client libraries are imported inside the functions, never at module level, so
that the import scenario measures a cold import and a worker pays only for the client it
runs.

Raw httpx does what the SDKs do with the same headers (``User-Agent``, ``Authorization``,
``Accept``) and decodes the JSON; our client also builds typed models, and that cost is
part of what is measured.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .cold import IMPORTS
from .meter import Meter
from .names import OFFICIAL, OURS, OURS_LOCAL, OURS_NO_CACHE, OURS_SHARED, RAW

Ctx = Mapping[str, Any]
Extra = dict[str, Any]
ClientFn = Callable[[Ctx, Meter], Extra]

CHUNK = 64 * 1024


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


# ----------------------------------------------------------------------------- helpers


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


# ----------------------------------------------------------------------------- GET


def get_sync_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    url = project_url(ctx)
    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(url).json()  # connect outside the measurement, as the SDKs do below
        meter.start()
        for _ in range(ctx["n"]):
            response = client.get(url)
            response.raise_for_status()
            response.json()
        meter.stop()
    return {}


def _get_sync_with(open_client: Callable[[Ctx], Any]) -> Callable[[Ctx, Meter], Extra]:
    # The official SDK has the same call shape as ours: one body serves both.
    def scenario(ctx: Ctx, meter: Meter) -> Extra:
        pid = ctx["project_id"]
        with open_client(ctx) as client:
            projects = client.for_account(ctx["account_id"]).projects
            projects.get(project_id=pid)
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
    from .many import run

    meter.start()
    report = run(workers=4, gets=15, rate=(10, 2.0), redis_url=redis_url)
    meter.stop()
    report.pop("log")
    return report


def many_local(ctx: Ctx, meter: Meter) -> Extra:
    return _many(ctx, meter, None)


def many_shared(ctx: Ctx, meter: Meter) -> Extra:
    return _many(ctx, meter, _redis_url(ctx))


# ----------------------------------------------------------------------------- listing


def _check_count(ctx: Ctx, seen: int) -> None:
    if seen != ctx["n"]:
        raise RuntimeError(f"listed {seen} items, expected {ctx['n']}")


def _list_raw_sync(ctx: Ctx, meter: Meter, keep: bool) -> Extra:
    import httpx

    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(project_url(ctx))
        meter.start()
        url: str | None = list_url(ctx)
        kept: list[Any] = []
        seen = pages = 0
        while url is not None:
            response = client.get(url)
            response.raise_for_status()
            items = response.json()
            pages += 1
            seen += len(items)
            if keep:
                kept.extend(items)
            nxt = response.links.get("next")
            url = str(response.url.join(nxt["url"])) if nxt else None
            del items, response
        meter.stop()
    _check_count(ctx, len(kept) if keep else seen)
    return {"pages": pages}


def _list_raw_async(ctx: Ctx, meter: Meter, keep: bool) -> Extra:
    import httpx

    async def main() -> Extra:
        async with httpx.AsyncClient(headers=raw_headers(ctx)) as client:
            await client.get(project_url(ctx))
            meter.start()
            url: str | None = list_url(ctx)
            kept: list[Any] = []
            seen = pages = 0
            while url is not None:
                response = await client.get(url)
                response.raise_for_status()
                items = response.json()
                pages += 1
                seen += len(items)
                if keep:
                    kept.extend(items)
                nxt = response.links.get("next")
                url = str(response.url.join(nxt["url"])) if nxt else None
                del items, response
            meter.stop()
        _check_count(ctx, len(kept) if keep else seen)
        return {"pages": pages}

    return asyncio.run(main())


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
    with ours_sync(ctx) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
        _warm_sync(ctx, account)
        meter.start()
        items = account.todos.list(todolist_id=ctx["long_list_id"]).collect()
        meter.stop()
    _check_count(ctx, len(items))
    return {"pages": items.meta.pages}


def list_sync_iterate_ours(ctx: Ctx, meter: Meter, **settings: Any) -> Extra:
    with ours_sync(ctx, **settings) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
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
        async with ours_async(ctx) as client:
            account = client.for_account(ctx["account_id"])
            await account.projects.get(project_id=ctx["project_id"])
            await _warm_async(ctx, account)
            meter.start()
            items = await account.todos.list(todolist_id=ctx["long_list_id"]).collect()
            meter.stop()
        _check_count(ctx, len(items))
        return {"pages": items.meta.pages}

    return asyncio.run(main())


def list_async_iterate_ours(ctx: Ctx, meter: Meter, **settings: Any) -> Extra:
    async def main() -> Extra:
        async with ours_async(ctx, **settings) as client:
            account = client.for_account(ctx["account_id"])
            await account.projects.get(project_id=ctx["project_id"])
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
    with ours_sync(ctx) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
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
        async with ours_async(ctx) as client:
            account = client.for_account(ctx["account_id"])
            await account.projects.get(project_id=ctx["project_id"])
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
    with official_sync(ctx) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        items = account.todos.list(todolist_id=ctx["long_list_id"])
        meter.stop()
    _check_count(ctx, len(items))
    return {}


def list_async_collect_official(ctx: Ctx, meter: Meter) -> Extra:
    async def main() -> Extra:
        async with official_async(ctx) as client:
            account = client.for_account(ctx["account_id"])
            await account.projects.get(project_id=ctx["project_id"])
            meter.start()
            items = await account.todos.list(todolist_id=ctx["long_list_id"])
            meter.stop()
        _check_count(ctx, len(items))
        return {}

    return asyncio.run(main())


def official_cannot_stream(ctx: Ctx, meter: Meter) -> Extra:
    raise NotAvailable("n/a (lists are always collected: no lazy iterator)")


# ----------------------------------------------------------------------------- POST


def _todo_body(ctx: Ctx, n: int) -> dict[str, Any]:
    return {"content": f"Bench write {n}", "description": "<div>Written by make bench.</div>"}


def post_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    url = f"{account_url(ctx)}/todolists/{ctx['writes_list_id']}/todos.json"

    async def main() -> None:
        async with httpx.AsyncClient(headers=raw_headers(ctx)) as client:
            await client.get(project_url(ctx))
            meter.start()
            for n in range(ctx["n"]):
                response = await client.post(url, json=_todo_body(ctx, n))
                response.raise_for_status()
                response.json()
            meter.stop()

    asyncio.run(main())
    return {}


def _post_with(open_client: Callable[[Ctx], Any]) -> Callable[[Ctx, Meter], Extra]:
    def scenario(ctx: Ctx, meter: Meter) -> Extra:
        async def main() -> None:
            async with open_client(ctx) as client:
                account = client.for_account(ctx["account_id"])
                await account.projects.get(project_id=ctx["project_id"])
                todos = account.todos
                meter.start()
                for n in range(ctx["n"]):
                    await todos.create(todolist_id=ctx["writes_list_id"], **_todo_body(ctx, n))
                meter.stop()

        asyncio.run(main())
        return {}

    return scenario


post_ours = _post_with(ours_async)
post_official = _post_with(official_async)


# ----------------------------------------------------------------------------- argument checks


ARGS_ROUNDS = 7


def args_ours(ctx: Ctx, meter: Meter) -> Extra:
    """What checking arguments costs: ``todos.create`` with its 8 arguments, the session
    replaced by a stub (no I/O, no event loop), against the same method body without
    the checks. Rounds interleave the two; each side keeps its best round (CPU time).
    ``ns_per_argument`` is the difference over the number of arguments."""
    import datetime as dt
    import time

    from basecamp_client._core import create_body
    from basecamp_client._generated.services import todos as module

    class StubSession:
        async def call(self, op: Any, **parts: Any) -> Any:
            return None

    service = module.AsyncTodosService(StubSession())
    session = service._session
    op, decode = module.CREATE_TODO, module._TODO

    async def unchecked(
        *,
        todolist_id: Any,
        content: Any,
        description: Any,
        assignee_ids: Any,
        completion_subscriber_ids: Any,
        notify: Any,
        due_on: Any,
        starts_on: Any,
    ) -> Any:
        # The generated create(), minus its eight checks.
        return await session.call(
            op,
            path={"todolistId": todolist_id},
            body=create_body(
                op,
                {
                    "content": content,
                    "description": description,
                    "assignee_ids": assignee_ids,
                    "completion_subscriber_ids": completion_subscriber_ids,
                    "notify": notify,
                    "due_on": due_on,
                    "starts_on": starts_on,
                },
                required=frozenset({"content"}),
            ),
            decode=decode,
        )

    args: dict[str, Any] = {
        "todolist_id": 12,
        "content": "Bench write",
        "description": "<div>Written by make bench.</div>",
        "assignee_ids": [1, 2, 3],
        "completion_subscriber_ids": [4],
        "notify": True,
        "due_on": dt.date(2026, 3, 1),
        "starts_on": "2026-02-01",
    }
    n = max(ctx["n"] // ARGS_ROUNDS, 1)  # per round and side

    def best(method: Callable[..., Any]) -> float:
        # CPU time of this process: the figure is a few hundred nanoseconds, which wall
        # time on a shared machine would drown in other processes' time slices.
        t0 = time.process_time()
        for _ in range(n):
            coro = method(**args)
            try:
                coro.send(None)
            except StopIteration:
                pass
        return (time.process_time() - t0) / n

    checked, plain = float("inf"), float("inf")
    meter.start()
    for _ in range(ARGS_ROUNDS):
        checked = min(checked, best(service.create))
        plain = min(plain, best(unchecked))
    meter.stop()
    per_argument = max(checked - plain, 0.0) / len(args)
    return {
        "ns_per_argument": round(per_argument * 1e9, 1),
        "checked_us": round(checked * 1e6, 3),
        "unchecked_us": round(plain * 1e6, 3),
        "arguments": len(args),
    }


# ----------------------------------------------------------------------------- re-GET (304)


def reget_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    url = f"{list_url(ctx)}?page={ctx['page']}"
    with httpx.Client(headers=raw_headers(ctx)) as client:
        client.get(url).json()
        meter.start()
        for _ in range(ctx["n"]):
            response = client.get(url)
            response.raise_for_status()
            response.json()
        meter.stop()
    return {}


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


# ----------------------------------------------------------------------------- files


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _check_size(ctx: Ctx, path: str) -> None:
    size = os.path.getsize(path)
    if size != ctx["file_bytes"]:
        raise RuntimeError(f"downloaded {size} bytes, expected {ctx['file_bytes']}")


def upload_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    headers = {**raw_headers(ctx), "Content-Type": "application/octet-stream"}
    with httpx.Client(headers=headers, timeout=120) as client:
        client.get(project_url(ctx))
        meter.start()
        with open(ctx["upload_path"], "rb") as source:
            # A file object is streamed in chunks, with Content-Length from its size.
            response = client.post(
                f"{account_url(ctx)}/attachments.json", params={"name": "up.bin"}, content=source
            )
        response.raise_for_status()
        sgid = response.json()["attachable_sgid"]
        meter.stop()
    return {"sgid": bool(sgid)}


def upload_ours(ctx: Ctx, meter: Meter) -> Extra:
    with ours_sync(ctx, timeout=120) as client:
        account = client.for_account(ctx["account_id"])
        upload = account.attachments.upload
        if "source" not in inspect.signature(upload).parameters:
            raise NotAvailable("n/a (not available: attachments.upload(source, ...) not built)")
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        attachment = upload(ctx["upload_path"], name="up.bin")
        meter.stop()
    return {"sgid": bool(attachment.attachable_sgid)}


def upload_official(ctx: Ctx, meter: Meter) -> Extra:
    with official_sync(ctx) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        # Its API takes the whole file as bytes.
        with open(ctx["upload_path"], "rb") as source:
            content = source.read()
        result = account.attachments.create(
            content=content, content_type="application/octet-stream", name="up.bin"
        )
        del content
        meter.stop()
    return {"sgid": bool(result["attachable_sgid"])}


def download_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    target = ctx["download_path"]
    with (
        httpx.Client(headers=raw_headers(ctx), timeout=120) as api,
        httpx.Client(timeout=120) as storage,  # the signed URL must go without credentials
    ):
        api.get(project_url(ctx))
        meter.start()
        hop = api.get(ctx["download_url"])
        if hop.status_code != 302:
            raise RuntimeError(f"expected a redirect, got {hop.status_code}")
        with storage.stream("GET", hop.headers["location"]) as response, open(target, "wb") as out:
            response.raise_for_status()
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
        meter.stop()
    _check_size(ctx, target)
    _remove(target)
    return {}


def download_ours(ctx: Ctx, meter: Meter) -> Extra:
    target = ctx["download_path"]
    with ours_sync(ctx, timeout=120) as client:
        account = client.for_account(ctx["account_id"])
        downloads = getattr(account, "downloads", None)
        if downloads is None or not hasattr(downloads, "to_file"):
            raise NotAvailable("n/a (not available: downloads.to_file() not built)")
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        downloads.to_file(ctx["download_url"], target)
        meter.stop()
    _check_size(ctx, target)
    _remove(target)
    return {}


def download_official(ctx: Ctx, meter: Meter) -> Extra:
    target = ctx["download_path"]
    with official_sync(ctx) as client:
        account = client.for_account(ctx["account_id"])
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        result = account.download_url(ctx["download_url"])  # the whole body, in memory
        with open(target, "wb") as out:
            out.write(result.body)
        del result
        meter.stop()
    _check_size(ctx, target)
    _remove(target)
    return {}


# ----------------------------------------------------------------------------- registry

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "import",
            "import + construct",
            IMPORTS,
            reps_factor=2,
        ),
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
        Scenario(
            "post",
            "{n:,} POST creates (to-dos), async, one at a time",
            {RAW: post_raw, OURS: post_ours, OFFICIAL: post_official},
            n=500,
        ),
        Scenario(
            "args",
            "argument checks: todos.create, 8 arguments, no I/O, {n:,} calls with and without",
            {OURS: args_ours},
            n=140_000,
        ),
        Scenario(
            "download",
            "download a {mb} MB file to disk",
            {RAW: download_raw, OURS: download_ours, OFFICIAL: download_official},
            reps_factor=0.6,
        ),
        Scenario(
            "upload",
            "upload a {mb} MB file from disk",
            {RAW: upload_raw, OURS: upload_ours, OFFICIAL: upload_official},
            reps_factor=0.6,
        ),
    )
}
