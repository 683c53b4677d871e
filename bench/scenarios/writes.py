"""Writes: to-do creates over HTTP, and what checking a method's arguments costs without
any I/O."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..meter import Meter
from ..names import OFFICIAL, OURS, RAW
from .base import (
    Ctx,
    Extra,
    Scenario,
    account_url,
    connected_async,
    official_async,
    ours_async,
    project_url,
    raw_headers,
)


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
            async with connected_async(open_client, ctx) as account:
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


SCENARIOS = (
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
)
