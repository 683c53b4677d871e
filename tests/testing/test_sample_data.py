"""Seeded sample data is deterministic and big enough to page through."""

from __future__ import annotations

import httpx

from basecamp_client.testing import FakeBasecamp, FakeClock

from .conftest import HEADERS, api


def snapshot(fake: FakeBasecamp) -> list[bytes]:
    paths = ["/projects.json", "/people.json", "/chats.json", "/search.json?q=the"]
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        bodies = [c.get(p).content for p in paths]
        for project in c.get("/projects.json").json():
            for tool in project["dock"]:
                bodies.append(c.get(tool["url"]).content)
    return bodies


def test_same_seed_same_payloads() -> None:
    a = FakeBasecamp(seed=7, clock=FakeClock(frozen=True))
    b = FakeBasecamp(seed=7, clock=FakeClock(frozen=True))
    assert snapshot(a) == snapshot(b)


def test_different_seeds_differ_but_keep_the_shape() -> None:
    a, b = FakeBasecamp(seed=1), FakeBasecamp(seed=2)
    assert snapshot(a) != snapshot(b)
    assert len(snapshot(a)) == len(snapshot(b))


def test_empty_fake_has_just_its_owner() -> None:
    fake = FakeBasecamp()
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        assert c.get("/projects.json").json() == []
        [owner] = c.get("/people.json").json()
    assert owner["id"] == fake.owner_id
    assert owner["admin"] is True


def test_sample_data_contents(client: httpx.Client) -> None:
    projects = client.get("/projects.json").json()
    assert len(projects) == 2
    assert len(client.get("/people.json").json()) >= 5
    assert client.get("/projects/recordings.json", params={"type": "Todo"}).headers[
        "x-total-count"
    ] == str(7 + 2 + 120 + 9)
    assert len(client.get("/projects/recordings.json", params={"type": "Message"}).json()) == 2


def test_constructor_arguments_are_checked() -> None:
    import pytest

    with pytest.raises(ValueError, match="account_id"):
        FakeBasecamp(account_id=0)
    with pytest.raises(ValueError, match="page_sizes"):
        FakeBasecamp(page_sizes=())
