"""A forwarding HTTP proxy on 127.0.0.1 for tests: ``CONNECT`` tunnels and absolute-form
requests, to names it maps to local ports only (it never connects anywhere else).

Blocking sockets in threads, like :mod:`.wire`, so that clients under asyncio and trio
can both use it. It records each request line it was asked (``CONNECT
basecamp.test:443 HTTP/1.1``, ``GET http://…``) and the ``Proxy-Authorization`` it got.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class Proxy:
    def __init__(self, routes: dict[str, int], *, credentials: str | None = None) -> None:
        #: "host:port" as the client names it → port on 127.0.0.1.
        self.routes = routes
        self.credentials = credentials  # expected Proxy-Authorization value
        self.requests: list[str] = []
        self.authorizations: list[str | None] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Proxy:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.2)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._spawn(self._accept)
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
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked on it at once
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, self._track(client))

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(5)
        try:
            buffer = b""
            while b"\r\n\r\n" not in buffer:
                data = client.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, rest = buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            with self._lock:
                self.requests.append(lines[0])
                self.authorizations.append(headers.get("proxy-authorization"))
            if (
                self.credentials is not None
                and headers.get("proxy-authorization") != self.credentials
            ):
                client.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="tests"\r\nContent-Length: 0\r\n\r\n'
                )
                return
            if method == "CONNECT":
                authority = target
            else:
                authority = target.split("://", 1)[1].split("/", 1)[0]
                if ":" not in authority:
                    authority += ":80"
            port = self.routes.get(authority.lower())
            if port is None:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            upstream = self._track(socket.create_connection(("127.0.0.1", port), timeout=5))
            if method == "CONNECT":
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                kept = [line for line in lines if not line.lower().startswith("proxy-")]
                upstream.sendall("\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + rest)
            self._spawn(_pipe, upstream, client, self._stopping)
            _pipe(client, upstream, self._stopping)
        except OSError:
            return
        finally:
            try:
                client.close()
            except OSError:
                pass


def _pipe(source: socket.socket, sink: socket.socket, stopping: threading.Event) -> None:
    source.settimeout(0.2)
    try:
        while not stopping.is_set():
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
