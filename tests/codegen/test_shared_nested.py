"""Nested objects a response repeats (the same creator on every to-do of a page) are
decoded once per response and shared; nothing is shared beyond one response."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client._generated import _decode
from basecamp_client._generated.models import Todo

ACCOUNT = 99
UA = "shared-nested-tests (dev@example.com)"


def person(pid: int, name: str) -> dict[str, Any]:
    return {"id": pid, "name": name, "company": {"id": 1, "name": "Co"}}


def todo(tid: int, creator: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": tid,
        "content": f"to-do {tid}",
        "created_at": "2026-11-23T10:00:00.000Z",
        "creator": creator,
        "bucket": {"id": 5, "name": "HQ", "type": "Project"},
        "assignees": [person(7, "Ann")],
    }


def client_for(pages: list[list[dict[str, Any]]]) -> AsyncBasecamp:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        headers = {}
        if number < len(pages):
            nxt = f"{request.url.copy_with(query=None)}?page={number + 1}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return httpx.Response(200, json=pages[number - 1], headers=headers)

    return AsyncBasecamp(access_token="t", user_agent=UA, transport=httpx.MockTransport(handler))


@pytest.mark.anyio
async def test_a_page_decodes_a_repeated_creator_once() -> None:
    page = [todo(1, person(7, "Ann")), todo(2, person(7, "Ann")), todo(3, person(8, "Bo"))]
    async with client_for([page]) as client:
        items = await client.for_account(ACCOUNT).todos.list(todolist_id=1)
    first, second, third = items
    assert first.assignees is not None
    assert first.creator is second.creator
    assert first.creator is first.assignees[0]  # the same person, nested elsewhere
    assert first.bucket is third.bucket
    assert third.creator.name == "Bo"
    assert third.creator.company is first.creator.company  # nested one level deeper
    # Shared or not, every item says what its own JSON said.
    for item, source in zip(items, page, strict=True):
        encoded = item.to_dict()
        for key in ("id", "content", "creator", "bucket", "assignees"):
            assert encoded[key] == source[key]


@pytest.mark.anyio
async def test_an_object_with_the_same_id_but_other_content_is_decoded_on_its_own() -> None:
    page = [todo(1, person(7, "Ann")), todo(2, person(7, "Ann B."))]
    async with client_for([page]) as client:
        first, second = await client.for_account(ACCOUNT).todos.list(todolist_id=1)
    assert first.creator is not second.creator
    assert (first.creator.name, second.creator.name) == ("Ann", "Ann B.")


@pytest.mark.anyio
async def test_nothing_is_shared_across_pages() -> None:
    pages = [[todo(1, person(7, "Ann"))], [todo(2, person(7, "Ann"))]]
    async with client_for(pages) as client:
        first, second = [t async for t in client.for_account(ACCOUNT).todos.list(todolist_id=1)]
    assert first.creator == second.creator
    assert first.creator is not second.creator


def test_from_dict_on_objects_of_your_own_never_shares() -> None:
    # A memo holding the caller's dicts would hand back a model of what a dict *was*.
    creator = person(7, "Ann")
    before = Todo.from_dict(todo(1, creator))
    creator["name"] = "Renamed"
    after = Todo.from_dict(todo(2, creator))
    assert before.creator.name == "Ann"
    assert after.creator.name == "Renamed"


def test_a_list_response_shares_within_the_list_only() -> None:
    decode = _decode.many(Todo.from_dict, "Todo")
    one, two = decode([todo(1, person(7, "Ann")), todo(2, person(7, "Ann"))])
    assert one.creator is two.creator
    (again,) = decode([todo(3, person(7, "Ann"))])
    assert again.creator is not one.creator


def test_a_nested_object_of_an_unexpected_shape_is_kept_as_it_came() -> None:
    decode = _decode.many(Todo.from_dict, "Todo")
    odd = todo(2, person(7, "Ann"))
    odd["creator"] = "not an object"
    one, two = decode([todo(1, person(7, "Ann")), odd])
    assert one.creator.name == "Ann"
    kept: Any = two.creator
    assert kept == "not an object"
