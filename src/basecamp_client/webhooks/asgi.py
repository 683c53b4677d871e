"""The receiver as a pure ASGI application: no web framework needed.

Serve it alone (``uvicorn app:app``), mount it in any ASGI framework, or let
:meth:`WebhookReceiver.fastapi_router` route to it. It never redirects (Basecamp does
not follow redirects): every request is answered where it arrives. The path token, when
configured, is the last segment of the request path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from .receiver import json_reply

if TYPE_CHECKING:
    from .receiver import WebhookReceiver, WebhookResponse

logger = logging.getLogger("basecamp_client.webhooks")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Disconnected(Exception):
    pass


class WebhookApp:
    """ASGI 3 application answering webhook deliveries with a :class:`WebhookReceiver`."""

    def __init__(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver

    def __repr__(self) -> str:
        return f"<WebhookApp {self.receiver!r}>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if kind != "http":
            return
        receiver = self.receiver
        segment = _last_segment(str(scope.get("path", "")))
        headers = _headers(scope)
        early = receiver.check_request(
            method=str(scope.get("method", "")).upper(),
            path_token=segment,
            content_length=_content_length(headers),
        )
        if early is not None:
            await _send(send, early)
            return
        try:
            body = await _read_body(receive, receiver.max_body_bytes)
        except _Disconnected:
            return
        if body is None:
            logger.warning("refused a webhook delivery over %d bytes", receiver.max_body_bytes)
            await _send(send, json_reply(413, "payload too large"))
            return
        response = await receiver.handle(body, headers, path_token=segment)
        await _send(send, response)


def _last_segment(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _headers(scope: Scope) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        result[bytes(name).decode("latin-1").lower()] = bytes(value).decode("latin-1")
    return result


def _content_length(headers: dict[str, str]) -> int | None:
    raw = headers.get("content-length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or ``None`` as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        if message["type"] != "http.request":
            continue
        chunk = bytes(message.get("body") or b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, response: WebhookResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
