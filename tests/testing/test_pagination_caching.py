"""Geared pagination, and HTTP validators with 304s."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp, FakeClock
from basecamp_client.testing._pagination import page_bounds

from .conftest import HEADERS, api, todolist


def walk(client: httpx.Client, url: str) -> list[httpx.Response]:
    pages = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200
        pages.append(response)
        next_url = response.links.get("next", {}).get("url")
    return pages


def test_page_bounds_gear_up_then_repeat() -> None:
    assert [page_bounds(n) for n in (1, 2, 3, 4, 5)] == [
        (0, 15),
        (15, 45),
        (45, 95),
        (95, 195),
        (195, 295),
    ]
    assert page_bounds(3, (2, 5)) == (7, 12)


def test_geared_pages_with_absolute_next_links(client: httpx.Client) -> None:
    backlog = todolist(client, "Backlog")
    pages = walk(client, backlog["todos_url"])
    assert [len(p.json()) for p in pages] == [15, 30, 50, 25]
    assert {p.headers["x-total-count"] for p in pages} == {"120"}
    first_link = pages[0].headers["link"]
    assert first_link == f'<{backlog["todos_url"]}?page=2>; rel="next"'
    assert "link" not in pages[-1].headers
    ids = [t["id"] for p in pages for t in p.json()]
    assert len(set(ids)) == 120
    assert [t["position"] for p in pages for t in p.json()] == list(range(1, 121))


def test_next_links_keep_other_query_parameters(client: httpx.Client) -> None:
    r = client.get("/projects/recordings.json", params={"type": "Todo", "sort": "created_at"})
    link = r.links["next"]["url"]
    assert link.startswith("https://3.basecampapi.com/")
    assert "type=Todo" in link
    assert "sort=created_at" in link
    assert link.endswith("page=2")


def test_pages_past_the_end_are_empty_and_bad_pages_are_400(client: httpx.Client) -> None:
    backlog = todolist(client, "Backlog")
    past = client.get(backlog["todos_url"], params={"page": 9})
    assert past.json() == []
    assert past.headers["x-total-count"] == "120"
    assert "link" not in past.headers
    assert client.get(backlog["todos_url"], params={"page": "zero"}).status_code == 400
    assert client.get(backlog["todos_url"], params={"page": 0}).status_code == 400


def test_page_sizes_can_be_configured() -> None:
    fake = FakeBasecamp.with_sample_data(page_sizes=(2,))
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        pages = walk(c, "/people.json")
    assert [len(p.json()) for p in pages] == [2, 2, 2]


def test_gets_carry_validators(client: httpx.Client) -> None:
    for path in ("/projects.json", "/my/profile.json"):
        r = client.get(path)
        assert r.headers["etag"].startswith('W/"')
        assert email.utils.parsedate_to_datetime(r.headers["last-modified"])
        assert "private" in r.headers["cache-control"]


def test_if_none_match_gives_304_until_the_resource_changes(client: httpx.Client) -> None:
    first = client.get("/projects.json")
    etag = first.headers["etag"]
    again = client.get("/projects.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["x-request-id"]
    strong = etag.removeprefix("W/")
    listed = f'"other", {strong}'
    assert client.get("/projects.json", headers={"If-None-Match": listed}).status_code == 304
    client.post("/projects.json", json={"name": "Changes everything"})
    changed = client.get("/projects.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_if_modified_since_gives_304_and_sees_same_second_changes(client: httpx.Client) -> None:
    todo = client.get(todolist(client, "Backlog")["todos_url"]).json()[0]
    first = client.get(todo["url"])
    stamp = first.headers["last-modified"]
    assert client.get(todo["url"], headers={"If-Modified-Since": stamp}).status_code == 304
    # The clock is frozen: this change happens in the very same second.
    client.post(f"{todo['url'].removesuffix('.json')}/completion.json")
    after = client.get(todo["url"], headers={"If-Modified-Since": stamp})
    assert after.status_code == 200
    assert after.json()["completed"] is True
    newer = after.headers["last-modified"]
    assert email.utils.parsedate_to_datetime(newer) > email.utils.parsedate_to_datetime(stamp)
    assert client.get(todo["url"], headers={"If-Modified-Since": newer}).status_code == 304


def test_if_none_match_wins_over_if_modified_since(client: httpx.Client) -> None:
    r = client.get("/people.json")
    conditional = {"If-None-Match": '"stale"', "If-Modified-Since": r.headers["last-modified"]}
    assert client.get("/people.json", headers=conditional).status_code == 200


@pytest.mark.parametrize("path", ["/people.json", "/my/profile.json"])
def test_responses_are_served_from_cache_until_a_write(fake: FakeBasecamp, path: str) -> None:
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        a = c.get(path)
        b = c.get(path)
        assert a.content == b.content
        assert a.headers["x-request-id"] != b.headers["x-request-id"]
        c.put("/my/profile.json", json={"name": "Renamed Owner", "email_address": "o@example.test"})
        assert "Renamed Owner" in c.get(path).text


def test_validators_survive_an_unfrozen_clock() -> None:
    fake = FakeBasecamp(clock=FakeClock())
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        r = c.get("/my/profile.json")
        fake.clock.advance(3600)
        again = c.get("/my/profile.json", headers={"If-Modified-Since": r.headers["last-modified"]})
    assert again.status_code == 304
