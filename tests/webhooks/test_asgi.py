"""The ASGI app and the FastAPI router, driven through httpx's ASGI transport."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from basecamp_client.webhooks import (
    WebhookEvent,
    WebhookReceiver,
    new_path_token,
    sign_payload,
)

from .payloads import body

pytestmark = pytest.mark.anyio

SECRET = "whsec-asgi-0123456789"


def http(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", follow_redirects=False
    )


def receiver_with_log(**kw: Any) -> tuple[WebhookReceiver, list[WebhookEvent]]:
    receiver = WebhookReceiver(**kw)
    seen: list[WebhookEvent] = []

    @receiver.on("todo_created")
    async def record(event: WebhookEvent) -> None:
        seen.append(event)

    return receiver, seen


async def test_signed_delivery_end_to_end() -> None:
    receiver, seen = receiver_with_log(secret=SECRET)
    payload = body(event_id=1)
    async with http(receiver.asgi_app()) as client:
        response = await client.post(
            "/anything",
            content=payload,
            headers={"X-Basecamp-Signature": sign_payload(payload, SECRET)},
        )
        assert response.status_code == 200
        assert response.json() == {"status": "processed"}
        assert response.headers["content-type"] == "application/json"
        assert [e.id for e in seen] == [1]

        duplicate = await client.post(
            "/anything",
            content=payload,
            headers={"X-Basecamp-Signature": sign_payload(payload, SECRET)},
        )
        assert duplicate.json() == {"status": "duplicate"}

        missing = await client.post("/anything", content=payload)
        assert missing.status_code == 401
        bad = await client.post(
            "/anything", content=payload, headers={"X-Basecamp-Signature": "ab" * 32}
        )
        assert bad.status_code == 403
    assert len(seen) == 1


async def test_rejections() -> None:
    receiver, seen = receiver_with_log(max_body_bytes=2048)
    async with http(receiver.asgi_app()) as client:
        get = await client.get("/")
        assert get.status_code == 405
        assert get.headers["allow"] == "POST"
        assert (await client.post("/", content=b"{nope")).status_code == 400
        assert (await client.post("/", content=b'{"id": 1}')).json() == {
            "error": "the webhook body has no kind"
        }
        declared = await client.post("/", content=b"x" * 4096)
        assert declared.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
            for _ in range(10):
                yield b"x" * 512

        streamed = await client.post("/", content=chunks())
        assert streamed.status_code == 413
    assert seen == []


async def test_path_token_and_no_redirects() -> None:
    token = new_path_token()
    receiver, seen = receiver_with_log(path_token=token)
    async with http(receiver.asgi_app()) as client:
        assert (await client.post(f"/hooks/{token}", content=body(event_id=1))).status_code == 200
        assert (await client.post(f"/hooks/{token}/", content=body(event_id=2))).status_code == 200
        for path in ("/hooks/", "/hooks", f"/hooks/{token}x", "/", f"/{token[:-1]}"):
            response = await client.post(path, content=body(event_id=3))
            assert response.status_code == 404, path
        # Without the token nothing else is revealed, not even the allowed method.
        assert (await client.get("/hooks/wrong")).status_code == 404
    assert [e.id for e in seen] == [1, 2]


async def test_lifespan_and_websocket_scopes() -> None:
    app = WebhookReceiver(secret=SECRET).asgi_app()
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await app({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    sent.clear()
    await app({"type": "websocket", "path": "/"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]


async def test_unauthenticated_app_warns(caplog: pytest.LogCaptureFixture) -> None:
    WebhookReceiver().asgi_app()
    assert "unauthenticated" in caplog.text


async def test_fastapi_router() -> None:
    from fastapi import FastAPI

    token = new_path_token()
    receiver, seen = receiver_with_log(path_token=token, secret=SECRET)
    app = FastAPI()
    app.include_router(receiver.fastapi_router(path="/webhooks/basecamp"), prefix="/api")

    def signed(event_id: int) -> dict[str, Any]:
        payload = body(event_id=event_id)
        return {
            "content": payload,
            "headers": {"X-Basecamp-Signature": sign_payload(payload, SECRET)},
        }

    async with http(app) as client:
        ok = await client.post(f"/api/webhooks/basecamp/{token}", **signed(1))
        assert ok.status_code == 200
        assert ok.json() == {"status": "processed"}
        slash = await client.post(f"/api/webhooks/basecamp/{token}/", **signed(2))
        assert slash.status_code == 200
        wrong = await client.post("/api/webhooks/basecamp/not-the-token", **signed(3))
        assert wrong.status_code == 404
        unsigned = await client.post(f"/api/webhooks/basecamp/{token}", content=body(event_id=4))
        assert unsigned.status_code == 401
        assert (await client.get(f"/api/webhooks/basecamp/{token}")).status_code == 405
        schema = (await client.get("/openapi.json")).json()
        assert not any("webhooks" in p for p in schema["paths"])
    assert [e.id for e in seen] == [1, 2]


async def test_fastapi_router_without_token() -> None:
    from fastapi import FastAPI

    receiver, seen = receiver_with_log(secret=SECRET)
    app = FastAPI()
    app.include_router(receiver.fastapi_router(path="/hook/"))
    payload = body(event_id=8)
    headers = {"X-Basecamp-Signature": sign_payload(payload, SECRET)}
    async with http(app) as client:
        for path in ("/hook", "/hook/"):
            response = await client.post(path, content=payload, headers=headers)
            assert response.status_code == 200, path
    assert [e.id for e in seen] == [8]


def test_fastapi_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(ImportError, match=r"basecamp-client\[fastapi\]"):
        WebhookReceiver(secret=SECRET).fastapi_router()


async def test_readme_example_comments_back_on_new_todos() -> None:
    """The README's FastAPI example, with a stand-in for the API client's account."""
    from fastapi import FastAPI

    comments: list[dict[str, Any]] = []

    class Comments:
        async def create(self, *, recording_id: int, content: str) -> None:
            comments.append({"recording_id": recording_id, "content": content})

    class Account:
        def __init__(self, account_id: int) -> None:
            self.account_id = account_id
            self.comments = Comments()

    accounts: list[int] = []

    def for_account(account_id: int) -> Account:
        accounts.append(account_id)
        return Account(account_id)

    token = new_path_token()
    receiver = WebhookReceiver(path_token=token)

    @receiver.on("todo_created")
    async def acknowledge(event: WebhookEvent) -> None:
        if event.recording is None or event.recording.id is None or event.account_id is None:
            return
        account = for_account(event.account_id)
        await account.comments.create(
            recording_id=event.recording.id,
            content="<div>Thanks! This is on our list now.</div>",
        )

    app = FastAPI()
    app.include_router(receiver.fastapi_router(path="/webhooks/basecamp"))
    async with http(app) as client:
        for kind in ("todo_created", "comment_created"):
            response = await client.post(
                f"/webhooks/basecamp/{token}", content=body(kind, event_id=len(kind))
            )
            assert response.status_code == 200
    assert accounts == [195539477]
    assert comments == [
        {"recording_id": 1069479406, "content": "<div>Thanks! This is on our list now.</div>"}
    ]
