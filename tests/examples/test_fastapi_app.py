"""examples/fastapi_app.py: a webhook delivery in, a comment out through the async client.

The app runs through httpx's ASGI transport (its lifespan driven by hand, as a server
would), and the fake Basecamp plays the API.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp, UsageError
from basecamp_client.testing import FakeBasecamp
from basecamp_client.webhooks import new_path_token

from .conftest import USER_AGENT, load_example

pytestmark = pytest.mark.anyio

fastapi_app = load_example("fastapi_app")
PATH_TOKEN = new_path_token()


class Harness:
    def __init__(self) -> None:
        self.fake = FakeBasecamp.with_sample_data()
        self.clients: list[AsyncBasecamp] = []
        self.app = fastapi_app.create_app(make_client=self.make_client, path_token=PATH_TOKEN)

    def make_client(self) -> AsyncBasecamp:
        client = AsyncBasecamp(
            access_token="app-token",
            user_agent=USER_AGENT,
            account_id=self.fake.account_id,
            transport=self.fake.transport(),
        )
        self.clients.append(client)
        return client

    def api(self) -> AsyncBasecamp:
        return AsyncBasecamp(
            access_token="test-token",
            user_agent=USER_AGENT,
            transport=self.fake.transport(),
            cache=False,
        )

    async def new_todo(self, content: str) -> dict[str, Any]:
        """Someone adds a to-do in Basecamp; returns it as the API shows it."""
        async with self.api() as client:
            account = client.for_account(self.fake.account_id)
            project = (await account.projects.list())[0]
            todoset = next(t.id for t in project.dock if t.name == "todoset")
            todolist = (await account.todolists.list(todoset_id=todoset))[0]
            todo = await account.todos.create(todolist_id=todolist.id, content=content)
            return dict(todo.to_dict())

    async def comments_on(self, todo_id: int) -> list[str]:
        async with self.api() as client:
            account = client.for_account(self.fake.account_id)
            return [c.content for c in await account.comments.list(recording_id=todo_id)]


def delivery(event_id: int, kind: str, recording: dict[str, Any]) -> bytes:
    """A webhook body as Basecamp sends it: the event, with the recording embedded."""
    return json.dumps(
        {
            "id": event_id,
            "kind": kind,
            "created_at": recording["created_at"],
            "recording": recording,
            "creator": recording["creator"],
            "details": {},
        }
    ).encode()


def asgi_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://greeter.example"
    )


async def test_a_new_todo_gets_a_comment_back() -> None:
    h = Harness()
    todo = await h.new_todo("Order <more> crates & boxes")
    url = f"/webhooks/basecamp/{PATH_TOKEN}"
    async with h.app.router.lifespan_context(h.app), asgi_client(h.app) as http:
        answer = await http.post(url, content=delivery(1, "todo_created", todo))
        assert answer.status_code == 200
        assert answer.json() == {"status": "processed"}
        # Basecamp redelivers until it sees a 2xx: a second copy must not comment twice.
        again = await http.post(url, content=delivery(1, "todo_created", todo))
        assert again.json() == {"status": "duplicate"}
        # Other kinds are not this handler's business.
        other = await http.post(url, content=delivery(2, "todo_completed", todo))
        assert other.json() == {"status": "processed"}

    comments = await h.comments_on(todo["id"])
    assert comments == [
        "<div>Thanks! <strong>Order &lt;more&gt; crates &amp; boxes</strong> "
        "is on our list now.</div>"
    ]
    # The client lived as long as the app: one for the whole lifespan, closed at shutdown.
    assert len(h.clients) == 1
    assert "closed" in repr(h.clients[0])


async def test_wrong_path_token_is_not_found_and_posts_nothing() -> None:
    h = Harness()
    todo = await h.new_todo("Sweep the stall")
    async with h.app.router.lifespan_context(h.app), asgi_client(h.app) as http:
        answer = await http.post(
            "/webhooks/basecamp/not-the-token", content=delivery(3, "todo_created", todo)
        )
        assert answer.status_code == 404
    assert await h.comments_on(todo["id"]) == []


async def test_events_from_another_account_are_ignored() -> None:
    h = Harness()
    todo = await h.new_todo("Count the jars")
    foreign = dict(todo, url=todo["url"].replace(f"/{h.fake.account_id}/", "/999/"))
    foreign["app_url"] = foreign["url"]
    async with h.app.router.lifespan_context(h.app), asgi_client(h.app) as http:
        answer = await http.post(
            f"/webhooks/basecamp/{PATH_TOKEN}", content=delivery(4, "todo_created", foreign)
        )
        assert answer.status_code == 200
    assert await h.comments_on(todo["id"]) == []


async def test_a_failed_comment_is_answered_500_so_basecamp_retries() -> None:
    h = Harness()
    todo = await h.new_todo("Label the crates")
    h.fake.faults.fail(None, status=500, path="/recordings/*/comments.json", method="POST")
    url = f"/webhooks/basecamp/{PATH_TOKEN}"
    async with h.app.router.lifespan_context(h.app), asgi_client(h.app) as http:
        failed = await http.post(url, content=delivery(5, "todo_created", todo))
        assert failed.status_code == 500
        h.fake.faults.clear()
        retried = await http.post(url, content=delivery(5, "todo_created", todo))
        assert retried.json() == {"status": "processed"}
    assert len(await h.comments_on(todo["id"])) == 1


def test_the_endpoint_must_be_protected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BASECAMP_WEBHOOK_TOKEN", raising=False)
    monkeypatch.delenv("BASECAMP_WEBHOOK_SECRET", raising=False)
    with pytest.raises(UsageError, match="BASECAMP_WEBHOOK_TOKEN"):
        fastapi_app.create_app()
    monkeypatch.setenv("BASECAMP_WEBHOOK_TOKEN", PATH_TOKEN)
    assert fastapi_app.create_app() is not None
