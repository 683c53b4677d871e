"""A scripted HTTP server on 127.0.0.1 for transport tests: a test decides every byte.

It runs on the test's own asyncio loop. Each connection goes to ``handler(server,
reader, writer)``; :func:`read_request` reads one request off a connection.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

Handler = Callable[["RawServer", asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Request:
    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.target, _ = lines[0].split(" ", 2)
        self.headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.names = [line.partition(":")[0] for line in lines[1:]]


async def read_request(reader: asyncio.StreamReader, *, body: bool = True) -> Request | None:
    """One request (with its body, framed by Content-Length or chunked); None at EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    request = Request(head[:-4], b"")
    if not body:
        return request
    if request.headers.get("transfer-encoding") == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        request.body = b"".join(parts)
    elif "content-length" in request.headers:
        request.body = await reader.readexactly(int(request.headers["content-length"]))
    return request


def response(
    status: int = 200,
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    *,
    length: bool = True,
    reason: str = "OK",
) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"]
    for name, value in headers or []:
        lines.append(f"{name}: {value}")
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def answer_all(
    server: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Default handler: a small JSON 200 to every request, keep-alive."""
    while (request := await read_request(reader)) is not None:
        server.requests.append(request)
        writer.write(response(200, b'{"ok": true}', [("Content-Type", "application/json")]))
        await writer.drain()


class RawServer:
    def __init__(self, handler: Handler = answer_all, *, ssl_context: Any = None) -> None:
        self.handler = handler
        self.ssl_context: ssl.SSLContext | None = ssl_context
        self.connections = 0
        self.open_connections = 0
        self.max_open = 0
        self.requests: list[Request] = []
        self.writers: list[asyncio.StreamWriter] = []
        self.state: dict[str, Any] = {}
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        host = "localhost" if self.ssl_context else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_connections += 1
        self.max_open = max(self.max_open, self.open_connections)
        self.writers.append(writer)
        try:
            await self.handler(self, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            self.open_connections -= 1
            writer.close()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.close()
        for writer in self.writers:
            writer.close()
        await asyncio.sleep(0)


# -- a thread-based twin, for tests that run under trio as well as asyncio -----------------

ThreadHandler = Callable[["ThreadServer", socket.socket], None]


def read_head(conn: socket.socket) -> bytes | None:
    """The head of one request off a blocking socket (``None`` when the peer closed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


class ThreadServer:
    """A raw-socket HTTP server on 127.0.0.1, on threads of its own: one to accept, one per
    connection running ``handler(server, conn)``. Independent of the test's event loop,
    so the same test runs under asyncio and trio. ``stopping`` is set on exit; handlers
    that wait should wait on it (or with a timeout) so that exit never hangs."""

    def __init__(self, handler: ThreadHandler) -> None:
        self.handler = handler
        self.connections = 0
        self.stopping = threading.Event()
        self.state: dict[str, Any] = {}
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.connections += 1
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.handler(self, conn)
        except OSError:
            pass
        finally:
            conn.close()

    def __enter__(self) -> ThreadServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for conn in list(self._conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
