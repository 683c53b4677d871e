"""ASGI adapter: serves a fake's API and its object store from one ASGI application.

Which of the two a request is for is decided by the local port it arrived on, so the
object store lives on an origin of its own, as it does for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ._wire import (
    JSON_TYPE,
    MAX_BODY,
    RESET_AFTER,
    RESET_BEFORE,
    BlobStream,
    FakeRequest,
    dumps,
    is_digits,
)

if TYPE_CHECKING:
    from ._app import FakeBasecamp

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class FakeASGIApp:
    def __init__(
        self, fake: FakeBasecamp, *, storage_port: int | None, storage_origin: str | None
    ) -> None:
        self.fake = fake
        self.storage_port = storage_port
        self.storage_origin = storage_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers: dict[str, str] = {}
        for raw_key, raw_value in scope["headers"]:
            key = raw_key.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        declared = headers.get("content-length", "")
        if is_digits(declared) and int(declared) > MAX_BODY:
            await _too_large(send)
            return
        chunks = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > MAX_BODY:
                await _too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        server = scope.get("server") or ("127.0.0.1", 0)
        host = headers.get("host") or f"{server[0]}:{server[1]}"
        request = FakeRequest(
            scope["method"],
            scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=b"".join(chunks),
            scheme=scope.get("scheme", "http"),
            host=host,
            storage_origin=self.storage_origin,
            target="storage" if server[1] == self.storage_port else "api",
            raw_path=raw.decode("latin-1") if (raw := scope.get("raw_path")) else None,
        )
        response = self.fake.handle(request)
        if response.fault in (RESET_BEFORE, RESET_AFTER):
            # ASGI cannot close a socket directly: start an answer and abandon it, which
            # makes the server drop the connection mid-response.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"1"), (b"content-type", b"text/plain")],
                }
            )
            return
        if response.delay:
            await asyncio.sleep(response.delay)
        raw_headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers
        ]
        body = response.body
        if not any(k == b"content-length" for k, _ in raw_headers):
            raw_headers.append((b"content-length", str(len(body)).encode()))
        await send(
            {"type": "http.response.start", "status": response.status, "headers": raw_headers}
        )
        if isinstance(body, BlobStream):
            for chunk in body:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                # Let the server notice a client that hung up half-way (it then drops
                # the rest quietly instead of writing into a dead socket).
                await asyncio.sleep(0)
            await send({"type": "http.response.body", "body": b""})
        else:
            await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send) -> None:
    body = dumps({"error": "The request body is too large"})
    headers = [(b"content-type", JSON_TYPE.encode()), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
