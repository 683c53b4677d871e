from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp, FakeClock

UA = "basecamp-client fake tests (tests@example.com)"
HEADERS = {"User-Agent": UA, "Authorization": "Bearer test-token"}


def api(fake: FakeBasecamp, origin: str = "https://3.basecampapi.com") -> str:
    return f"{origin}/{fake.account_id}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(frozen=True, start=1_790_000_000.0)


@pytest.fixture
def fake(clock: FakeClock) -> FakeBasecamp:
    return FakeBasecamp.with_sample_data(clock=clock)


@pytest.fixture
def client(fake: FakeBasecamp) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
        yield c


def dock(client: httpx.Client, name: str, project: int = 0) -> dict:
    """The dock tool ``name`` of the ``project``-th sample project."""
    projects = client.get("/projects.json").json()
    tools = {t["name"]: t for t in projects[project]["dock"]}
    return client.get(tools[name]["url"]).json()


def todolist(client: httpx.Client, name: str) -> dict:
    todoset = dock(client, "todoset")
    lists = client.get(todoset["todolists_url"]).json()
    return next(t for t in lists if t["name"] == name)
