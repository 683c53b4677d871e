"""Fault injection, in process (sync and async httpx)."""

from __future__ import annotations

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp, FakeClock

from .conftest import HEADERS, api, todolist


def test_rate_limit_answers_429_with_retry_after(
    fake: FakeBasecamp, client: httpx.Client, clock: FakeClock
) -> None:
    fake.faults.rate_limit(3, per=10)
    statuses = [client.get("/people.json").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = client.get("/people.json")
    assert limited.headers["retry-after"] == "10"
    assert limited.json()["retry_after"] == 10
    clock.advance(4)
    assert client.get("/people.json").headers["retry-after"] == "6"
    clock.advance(6)
    assert client.get("/people.json").status_code == 200


def test_rate_limit_with_fixed_retry_after(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.rate_limit(1, per=60, retry_after=2)
    client.get("/people.json")
    assert client.get("/people.json").headers["retry-after"] == "2"


def test_rejected_requests_are_not_applied(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.rate_limit(1, per=60)
    client.get("/people.json")
    r = client.post("/projects.json", json={"name": "Never made"})
    assert r.status_code == 429
    fake.faults.clear()
    assert "Never made" not in client.get("/projects.json").text


def test_fail_next_requests(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.fail(2, status=503, retry_after=1)
    first, second, third = (client.get("/people.json") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["retry-after"] == "1"
    assert first.headers["x-request-id"]


def test_fail_on_given_paths_and_methods(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.fail(None, status=500, path="/todos/*", method="PUT")
    todo = client.get(todolist(client, "Backlog")["todos_url"]).json()[0]
    flat_url = f"/todos/{todo['id']}.json"
    assert client.get(flat_url).status_code == 200
    for _ in range(3):
        assert client.put(flat_url, json={"content": "x"}).status_code == 500
    assert client.get(flat_url).json()["content"] == todo["content"]
    fake.faults.clear()
    assert client.put(flat_url, json={"content": "x"}).status_code == 200


def test_fault_arguments_are_checked(fake: FakeBasecamp) -> None:
    with pytest.raises(ValueError, match="count"):
        fake.faults.fail(0)
    with pytest.raises(ValueError, match="status"):
        fake.faults.fail(status=200)
    with pytest.raises(ValueError, match="when"):
        fake.faults.reset_connections(when="later")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate_limit"):
        fake.faults.rate_limit(0)


def test_reset_after_applies_the_write_and_loses_the_answer(
    fake: FakeBasecamp, client: httpx.Client
) -> None:
    fake.faults.reset_connections(1, when="after", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/projects.json", json={"name": "Half-done"})
    assert "Half-done" in client.get("/projects.json").text
    entry = fake.requests[-2]
    assert entry.fault == "reset-after"
    assert entry.status == 201


def test_reset_before_never_reaches_the_server(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.reset_connections(1, when="before")
    with pytest.raises(httpx.ConnectError):
        client.post("/projects.json", json={"name": "Never arrived"})
    assert "Never arrived" not in client.get("/projects.json").text
    assert fake.requests[-2].status is None


def test_slow_responses_move_the_clock_instead_of_sleeping(
    fake: FakeBasecamp, clock: FakeClock
) -> None:
    fake.faults.slow(2.5, count=1)
    with httpx.Client(
        transport=fake.transport(), base_url=api(fake), headers=HEADERS, timeout=10
    ) as c:
        start = clock.monotonic()
        assert c.get("/people.json").status_code == 200
        assert clock.monotonic() - start == pytest.approx(2.5)
        fake.faults.slow(30, count=1)
        with pytest.raises(httpx.ReadTimeout):
            c.get("/people.json")
        assert clock.monotonic() - start == pytest.approx(12.5)


def test_account_inactive(fake: FakeBasecamp, client: httpx.Client) -> None:
    fake.faults.account_inactive()
    r = client.get("/projects.json")
    assert r.status_code == 404
    assert r.headers["reason"] == "Account Inactive"
    fake.faults.account_inactive(False)
    assert client.get("/projects.json").status_code == 200


def test_faults_can_target_the_storage_origin(fake: FakeBasecamp, client: httpx.Client) -> None:
    r = client.post(
        "/attachments.json",
        params={"name": "a.txt"},
        content=b"abc",
        headers={"Content-Type": "text/plain"},
    )
    location = client.get(r.json()["download_url"]).headers["location"]
    fake.faults.fail(1, status=503, target="storage")
    with httpx.Client(transport=fake.transport()) as anonymous:
        assert anonymous.get(location).status_code == 503
        assert anonymous.get(location).content == b"abc"


@pytest.mark.anyio
async def test_faults_through_the_async_transport(fake: FakeBasecamp) -> None:
    fake.faults.fail(1, status=502).reset_connections(1, when="before", path="/*/people.json")
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=api(fake), headers=HEADERS
    ) as c:
        assert (await c.get("/projects.json")).status_code == 502
        with pytest.raises(httpx.ConnectError):
            await c.get("/people.json")
        assert (await c.get("/people.json")).status_code == 200
