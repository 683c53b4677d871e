"""Standard-library adapter: ``http.server`` with one thread per connection.

Used when uvicorn is not installed, so server mode needs no extra. Speaks HTTP/1.1
with keep-alive; connections still open at shutdown are closed by force.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ._wire import MAX_BODY, RESET_AFTER, RESET_BEFORE, BlobStream, FakeRequest

if TYPE_CHECKING:
    from ._app import FakeBasecamp


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # Many clients open several connections at once (benchmarks, pools).
    request_queue_size = 128

    def __init__(self, sock: socket.socket, fake: FakeBasecamp, target: str) -> None:
        super().__init__(sock.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.fake = fake
        self.target = target
        self.storage_origin: str | None = None
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def server_activate(self) -> None:  # the socket is already listening
        pass

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # An idle keep-alive connection is dropped after this many seconds.
    timeout = 30

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK hold every response back ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path, _, query = self.path.partition("?")
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            key = key.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        server = self.server
        host = headers.get("host") or "{}:{}".format(*server.server_address[:2])
        request = FakeRequest(
            self.command,
            unquote(path),
            query=query,
            headers=headers,
            body=body,
            scheme="http",
            host=host,
            storage_origin=server.storage_origin,
            target=server.target,
            raw_path=path,
        )
        response = server.fake.handle(request)
        if response.fault in (RESET_BEFORE, RESET_AFTER):
            self._reset()
            return
        if response.delay:
            time.sleep(response.delay)
        self.send_response(response.status)
        if self.request_version == "HTTP/1.0" and not self.close_connection:
            # HTTP/1.0 clients keep a connection only when the answer says so.
            self.send_header("Connection", "keep-alive")
        has_length = False
        for key, value in response.headers:
            has_length = has_length or key.lower() == "content-length"
            self.send_header(key, value)
        payload = response.body
        if not has_length:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if isinstance(payload, BlobStream):
            try:
                for chunk in payload:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading half-way
        elif payload:
            self.wfile.write(payload)

    def _read_body(self) -> bytes | None:
        """The request body, or None once an error was sent (which closes the connection:
        a body left unread would be taken for the next request)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            received = 0
            while True:
                size_line = self.rfile.readline(1024)
                try:
                    size = int(size_line.split(b";")[0].strip(), 16)
                except ValueError:
                    size = -1
                if size < 0:
                    self.send_error(400, "bad chunked encoding")
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                received += size
                if received > MAX_BODY:
                    self.send_error(413, "request body too large")
                    return None
                parts.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            # read(-1) would wait for the client to close the connection.
            self.send_error(400, "bad Content-Length")
            return None
        if size > MAX_BODY:
            self.send_error(413, "request body too large")
            return None
        return self.rfile.read(size)

    def _reset(self) -> None:
        """Drop the connection with a TCP reset, the way a crashed peer does."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle


class StdlibListener:
    """One listening socket served by a ThreadingHTTPServer on a background thread."""

    def __init__(self, sock: socket.socket, fake: FakeBasecamp, target: str) -> None:
        self.server = _Server(sock, fake, target)
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-basecamp-{target}",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(timeout=5)
