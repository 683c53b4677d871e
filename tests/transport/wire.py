"""A scripted raw-socket HTTP server for backend tests: the test decides every byte.

It runs on plain blocking sockets in threads (one per connection), so that clients
under asyncio and trio alike can talk to it. Each request's path picks a
:class:`Script`: a list of steps played on the connection (bytes to send, a close, a
reset, a hang until the client gives up). ``/canary`` always answers ``200 canary``:
a test sends it after a case, on the same client, to prove that nothing the case left
on a kept-alive connection is taken for the next answer.

Requests are parsed here just enough to find their end (``Content-Length`` or
chunked); the server records every request it saw, so that a test can count writes.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

CANARY = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Type: text/plain\r\n\r\ncanary"


class Close:
    """Close the connection cleanly (FIN)."""


class Reset:
    """Abort the connection (RST)."""


class Hang:
    """Send nothing more; wait until the client closes the connection."""


class Stall:
    """Neither read nor send: the request body piles up until the client gives up."""


class ReadBody:
    """Read (and discard) the rest of the request body before going on."""


@dataclass
class Script:
    steps: Sequence[bytes | Close | Reset | Hang | Stall | ReadBody | Callable[[], bytes]]
    #: Read the request body before playing the steps (off for "answer early" cases).
    read_body: bool = True


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    target: str = ""


@dataclass
class _State:
    scripts: dict[str, Script] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    open_connections: int = 0


class WireServer:
    """``with WireServer() as server: server.script("/x", Script([...]))`` (the script
    for ``"*"`` answers every path without one of its own)."""

    def __init__(
        self,
        *,
        tls: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
        name: str = "localhost",
    ) -> None:
        self._tls = tls
        self._host = host
        self._name = name
        self._state = _State()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._stopping = threading.Event()
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "https" if self._tls else "http"
        host = self._name if self._tls else self._host
        return f"{scheme}://{host}:{self.port}"

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._state.seen)

    @property
    def connections(self) -> int:
        with self._lock:
            return self._state.connections

    def wait_open_connections(self, count: int, *, timeout: float = 5.0) -> bool:
        """Wait (bounded) until exactly ``count`` client connections are open."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._state.open_connections == count:
                    return True
            time.sleep(0.02)
        return False

    def script(self, path: str, script: Script) -> None:
        with self._lock:
            self._state.scripts[path] = script

    def __enter__(self) -> WireServer:
        listener = socket.create_server((self._host, 0))
        listener.settimeout(0.2)
        self._listener = listener
        self.port = listener.getsockname()[1]
        accept = threading.Thread(target=self._accept, name="wire-accept", daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        with self._lock:
            sockets = list(self._sockets)
        # shutdown() wakes a thread blocked in recv() or accept() at once; close() alone
        # would leave it to its next poll.
        for sock in sockets:
            _quietly(lambda sock=sock: sock.shutdown(socket.SHUT_RDWR))
            _quietly(sock.close)
        if self._listener is not None:
            listener = self._listener
            _quietly(lambda: listener.shutdown(socket.SHUT_RDWR))
        for thread in self._threads:
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()

    # -- serving ----------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._state.connections += 1
                self._state.open_connections += 1
                self._sockets.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            with self._lock:
                self._threads.append(thread)

    def _serve(self, raw: socket.socket) -> None:
        sock: Any = raw
        try:
            raw.settimeout(0.2)
            if self._tls is not None:
                raw.settimeout(5)
                sock = self._tls.wrap_socket(raw, server_side=True)
                sock.settimeout(0.2)
                with self._lock:
                    self._sockets.append(sock)
            reader = _Reader(sock, self._stopping)
            while True:
                head = reader.until(b"\r\n\r\n")
                if head is None:
                    return
                method, target, headers = _parse_head(head)
                path = _path_of(target)
                with self._lock:
                    script = self._state.scripts.get(path)
                if path == "/canary":
                    script = Script([CANARY])
                if script is None:
                    with self._lock:
                        script = self._state.scripts.get("*")
                if script is None:
                    script = Script([b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"])
                body = b""
                if script.read_body:
                    body = reader.body(headers)
                with self._lock:
                    self._state.seen.append(Seen(method, path, headers, body, target))
                for step in script.steps:
                    if isinstance(step, Close):
                        _quietly(lambda: sock.shutdown(socket.SHUT_WR))
                        reader.drain()
                        return
                    if isinstance(step, Reset):
                        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        raw.close()
                        return
                    if isinstance(step, Hang):
                        reader.drain()
                        return
                    if isinstance(step, Stall):
                        self._stopping.wait()
                        return
                    if isinstance(step, ReadBody):
                        reader.body(headers)
                        continue
                    data = step() if callable(step) else step
                    sock.sendall(data)
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            _quietly(sock.close)
            with self._lock:
                self._state.open_connections -= 1


class _Reader:
    def __init__(self, sock: Any, stopping: threading.Event) -> None:
        self._sock = sock
        self._stopping = stopping
        self._buf = b""

    def _more(self) -> bool:
        while not self._stopping.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return False
            self._buf += data
            return True
        return False

    def until(self, mark: bytes) -> bytes | None:
        while mark not in self._buf:
            if not self._more():
                return None
        head, _, self._buf = self._buf.partition(mark)
        return head

    def exactly(self, n: int) -> bytes:
        while len(self._buf) < n:
            if not self._more():
                raise ValueError("short body")
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def body(self, headers: dict[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                line = self.until(b"\r\n")
                if line is None:
                    raise ValueError("short body")
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    self.until(b"\r\n")
                    return b"".join(parts)
                parts.append(self.exactly(size))
                self.exactly(2)
        length = int(headers.get("content-length", "0") or 0)
        return self.exactly(length)

    def drain(self) -> None:
        # Until the client closes (or the server stops).
        self._buf = b""
        while self._more():
            self._buf = b""


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return method, target, headers


def _path_of(target: str) -> str:
    path = target.split("?", 1)[0]
    if "://" in path:  # absolute form, through a proxy
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except OSError:
        pass


def response(
    status: int = 200,
    body: bytes = b"",
    headers: Sequence[tuple[str, str]] = (),
    *,
    length: bool = True,
    reason: str = "OK",
) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
