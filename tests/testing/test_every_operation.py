"""Every operation of the registry, called through the SDK against the fake.

Arguments come from each generated method's signature: ids of the sample account's own
records where the parameter names one the fake stores (``todo_id``, ``project_id`` …),
values of the described type otherwise (enum members, dates, models built from their
required fields). Each call must return what its signature promises — a model, a list
of models, or None — sync, and async under asyncio and trio. An operation added to the
description that the fake does not answer fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import basecamp_client.models as models
from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._generated import shapes as table
from basecamp_client._generated.account import OPERATIONS
from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._resources import router
from basecamp_client.testing._resources.generated import route_template
from basecamp_client.testing._shapes import shapes

from .described import UA, Sample, arguments

OP_IDS = sorted(OPERATIONS)


def _generated(op_id: str) -> bool:
    shape = shapes().operations[op_id]
    route = router().find(shape.method, route_template(shape)[1])
    return route is not None and route.generated


def check_result(op_id: str, result: Any) -> None:
    shape = shapes().operations[op_id]
    response = shape.response
    if shape.page_model is not None and shape.items_key is not None:
        # A list wrapped in an object beside other fields: the whole object comes back,
        # its list holding every page's items.
        cls = getattr(models, shape.page_model)
        assert isinstance(result, cls), f"{op_id}: expected {cls.__name__}, got {result!r}"
        result = getattr(result, shape.items_key)
        assert isinstance(result, list), f"{op_id}: {shape.items_key} is not a list"
        return
    if response is None:
        assert result is None, f"{op_id}: expected None, got {result!r}"
    elif response.kind == "list":
        assert isinstance(result, list), f"{op_id}: expected a list, got {type(result)}"
        # Made-up lists are never empty; the stored ones may be (no inbox forwards yet).
        assert result or not _generated(op_id), f"{op_id}: an empty made-up list"
        item = response.item
        if item is not None and item.kind == "model":
            cls = getattr(models, item.model or "")
            assert all(isinstance(x, cls) for x in result), f"{op_id}: {result[:1]!r}"
    else:
        assert response.kind == "model"
        cls = getattr(models, response.model or "")
        assert isinstance(result, cls), f"{op_id}: expected {cls.__name__}, got {result!r}"


class Switch(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """One client, a fresh fake per operation (a delete must not spoil the next get)."""

    def __init__(self) -> None:
        self.fake = FakeBasecamp.with_sample_data()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.fake.transport().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.fake.transport().handle_async_request(request)


def _prepare(switch: Switch, op_id: str) -> dict[str, Any]:
    switch.fake = FakeBasecamp.with_sample_data()
    # Only agents have an inbox (PollInbox answers 403 to anyone else).
    switch.fake.event_feed.make_agent(switch.fake.owner_id)
    sample = Sample(switch.fake)
    try:
        return arguments(op_id, sample)
    finally:
        sample.close()


@pytest.fixture(scope="module")
def sync_client() -> Iterator[tuple[Basecamp, Switch]]:
    switch = Switch()
    with Basecamp(access_token="t", user_agent=UA, transport=switch) as client:
        yield client, switch


def _unexpected(fake: FakeBasecamp) -> str:
    return "; ".join(
        f"{r.method} {r.path} → {r.status}" + (f"\n{r.error}" if r.error else "")
        for r in fake.requests
        if r.status is not None and r.status >= 400
    )


@pytest.mark.parametrize("op_id", OP_IDS)
def test_every_operation_sync(op_id: str, sync_client: tuple[Basecamp, Switch]) -> None:
    client, switch = sync_client
    args = _prepare(switch, op_id)
    switch.fake.clear_requests()
    account = client.for_account(switch.fake.account_id)
    try:
        result = account.call(op_id, **args)
    except Exception as exc:
        raise AssertionError(f"{op_id}({args}): {exc!r} {_unexpected(switch.fake)}") from exc
    check_result(op_id, result)


@pytest.mark.anyio
@pytest.mark.parametrize("op_id", OP_IDS)
async def test_every_operation_async(op_id: str) -> None:
    switch = Switch()
    args = _prepare(switch, op_id)
    switch.fake.clear_requests()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=switch) as client:
        account = client.for_account(switch.fake.account_id)
        try:
            result = await account.call(op_id, **args)
        except Exception as exc:
            raise AssertionError(f"{op_id}({args}): {exc!r} {_unexpected(switch.fake)}") from exc
    check_result(op_id, result)


def test_the_table_matches_the_registry() -> None:
    """codegen wrote one row per operation of the registry (run ``make generate`` else)."""
    assert set(table.OPERATIONS) == set(OPERATIONS)


def test_every_described_operation_has_a_route() -> None:
    routes = router()
    for op_id, shape in shapes().operations.items():
        _, probe = route_template(shape)
        route = routes.find(shape.method, probe)
        assert route is not None, f"{op_id}: no route for {shape.method} {probe}"
        assert route.operation is not None, f"{op_id}: answered by a route outside the description"
