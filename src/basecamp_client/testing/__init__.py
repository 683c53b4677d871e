"""A fake Basecamp for tests and demos: :class:`FakeBasecamp`.

In process, ``FakeBasecamp().transport()`` plugs into ``AsyncBasecamp(transport=…)``,
``Basecamp(transport=…)`` or any httpx client; no sockets are opened. As a real HTTP
server on 127.0.0.1: ``with FakeBasecamp().serve() as server: server.base_url``, or
``python -m basecamp_client.testing serve --port 4040`` from a shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._app import DEFAULT_ACCOUNT_ID, FakeBasecamp
from ._clock import FakeClock
from ._faults import Faults
from ._pipeline import LoggedRequest
from ._wire import FakeRequest, FakeResponse

if TYPE_CHECKING:
    from ._httpx import FakeTransport
    from ._server import FakeServer

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "FakeBasecamp",
    "FakeClock",
    "FakeRequest",
    "FakeResponse",
    "FakeServer",
    "FakeTransport",
    "Faults",
    "LoggedRequest",
]


def __getattr__(name: str) -> Any:
    # The adapters import httpx / the server machinery: load them only when asked for.
    if name == "FakeTransport":
        from ._httpx import FakeTransport

        return FakeTransport
    if name == "FakeServer":
        from ._server import FakeServer

        return FakeServer
    raise AttributeError(f"module 'basecamp_client.testing' has no attribute {name!r}")
