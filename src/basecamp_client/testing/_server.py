"""Server mode: the fake on real sockets, in a background thread.

Two listeners: the API, and the object store that signed download URLs point to (a
different port, hence a different origin). uvicorn serves both when it is installed
(``pip install 'basecamp-client[server]'``); otherwise the standard library does.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import socket
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._asgi import FakeASGIApp
from ._stdlib_server import StdlibListener

if TYPE_CHECKING:
    from ._app import FakeBasecamp

SERVERS = ("auto", "uvicorn", "stdlib")
_ABANDONED = "ASGI callable returned without completing response."


class _QuietAbandon(logging.Filter):
    """Injected connection drops are on purpose: keep them out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _ABANDONED


def uvicorn_available() -> bool:
    return importlib.util.find_spec("uvicorn") is not None


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio disables Nagle's algorithm on accepted sockets
    # only when it can see they are TCP, and Nagle plus delayed ACKs costs 40 ms a request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _origin(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class FakeServer:
    """A running fake Basecamp on ``base_url``. Stop it with :meth:`stop` or a ``with`` block."""

    def __init__(
        self,
        fake: FakeBasecamp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        storage_port: int = 0,
        server: str = "auto",
    ) -> None:
        if server not in SERVERS:
            raise ValueError(f"server must be one of {', '.join(SERVERS)}, got {server!r}")
        if server == "uvicorn" and not uvicorn_available():
            raise RuntimeError(
                "uvicorn is not installed: pip install 'basecamp-client[server]', "
                "or use server='stdlib'"
            )
        self.fake = fake
        self.host = host
        self.kind = (
            "uvicorn"
            if server == "uvicorn" or (server == "auto" and uvicorn_available())
            else "stdlib"
        )
        self._requested = (port, storage_port)
        self._sockets: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._uvicorn: Any = None
        self._listeners: list[StdlibListener] = []
        self._filter = _QuietAbandon()
        self.port = 0
        self.storage_port = 0

    @property
    def base_url(self) -> str:
        """The API origin, e.g. ``http://127.0.0.1:4040``: pass it as the client's ``base_url``."""
        return _origin(self.host, self.port)

    @property
    def storage_url(self) -> str:
        """The origin signed download URLs point to."""
        return _origin(self.host, self.storage_port)

    @property
    def account_url(self) -> str:
        return f"{self.base_url}/{self.fake.account_id}"

    def __repr__(self) -> str:
        return f"<FakeServer {self.base_url} ({self.kind})>"

    def start(self) -> FakeServer:
        if self._thread is not None or self._listeners:
            raise RuntimeError("this server is already running")
        api = _listen(self.host, self._requested[0])
        try:
            storage = _listen(self.host, self._requested[1])
        except OSError:
            api.close()
            raise
        self._sockets = [api, storage]
        self.port = api.getsockname()[1]
        self.storage_port = storage.getsockname()[1]
        try:
            if self.kind == "uvicorn":
                self._start_uvicorn()
            else:
                self._start_stdlib()
        except BaseException:
            self._close_sockets()
            raise
        return self

    def _start_stdlib(self) -> None:
        for sock, target in zip(self._sockets, ("api", "storage"), strict=True):
            sock.setblocking(True)
            listener = StdlibListener(sock, self.fake, target)
            listener.server.storage_origin = self.storage_url
            self._listeners.append(listener)
            listener.start()

    def _start_uvicorn(self) -> None:
        import uvicorn

        app = FakeASGIApp(
            self.fake, storage_port=self.storage_port, storage_origin=self.storage_url
        )
        config = uvicorn.Config(
            app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        self._uvicorn = server
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=self._sockets))
            except BaseException as exc:  # surfaced by start() below
                failure.append(exc)

        self._thread = threading.Thread(target=run, name="fake-basecamp-uvicorn", daemon=True)
        self._thread.start()
        while not server.started and self._thread.is_alive():
            self._thread.join(timeout=0.01)
        if not server.started:
            raise RuntimeError(
                f"the fake's server did not start: {failure[0] if failure else 'unknown error'}"
            )

    def stop(self) -> None:
        """Stop serving, close open connections and release both ports."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=10)
            logging.getLogger("uvicorn.error").removeFilter(self._filter)
            self._uvicorn = None
            self._thread = None
        for listener in self._listeners:
            listener.stop()
        self._listeners = []
        self._close_sockets()

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self._sockets = []

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
