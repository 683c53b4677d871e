"""The servers read at most MAX_BODY bytes of a request body: past it they answer 413
without buffering it, and a length they cannot use is a 400, not a hang."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from basecamp_client.testing import FakeBasecamp, FakeServer, _asgi
from basecamp_client.testing._server import uvicorn_available
from basecamp_client.testing._wire import MAX_BODY

from .conftest import UA

KINDS = [
    "stdlib",
    pytest.param(
        "uvicorn", marks=pytest.mark.skipif(not uvicorn_available(), reason="uvicorn not installed")
    ),
]


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[FakeServer]:
    with FakeBasecamp().serve(server=request.param) as running:
        yield running


def _status(server: FakeServer, length: str) -> int:
    """Send only the head of a POST declaring ``length``; the status line's code."""
    head = (
        f"POST /{server.fake.account_id}/projects.json HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nUser-Agent: {UA}\r\n"
        "Authorization: Bearer t\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head.encode())
        line = sock.makefile("rb").readline()
    return int(line.split()[1])


def test_a_declared_body_past_the_limit_is_refused_unread(server: FakeServer) -> None:
    assert _status(server, str(MAX_BODY + 1)) == 413


def test_a_negative_content_length_is_a_bad_request() -> None:
    with FakeBasecamp().serve(server="stdlib") as server:
        assert _status(server, "-1") == 400


def test_a_streamed_body_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_asgi, "MAX_BODY", 10)
    app = _asgi.FakeASGIApp(FakeBasecamp(), storage_port=None, storage_origin=None)
    incoming = [{"type": "http.request", "body": b"x" * 6, "more_body": True}] * 3
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/1/projects.json", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(incoming) == 1  # it stopped reading at the chunk that went past the limit
