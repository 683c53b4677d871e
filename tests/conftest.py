from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .redis_server import BINARY, SKIP_REASON, RedisServer


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs under both asyncio and trio."""
    return str(request.param)


#: Origins of the fake servers running now (see ``_track_fake_servers``).
FAKE_ORIGINS: set[str] = set()


@pytest.fixture(autouse=True, scope="session")
def _track_fake_servers() -> Iterator[None]:
    """Remember where fake Basecamp servers listen, so that clients talking to them can be
    made strict (below), whatever fixture started them."""
    from basecamp_client.testing._server import FakeServer

    start, stop = FakeServer.start, FakeServer.stop

    def tracked_start(self: FakeServer) -> FakeServer:
        started = start(self)
        FAKE_ORIGINS.add(self.base_url)
        return started

    def tracked_stop(self: FakeServer) -> None:
        FAKE_ORIGINS.discard(self.base_url)
        stop(self)

    FakeServer.start = tracked_start  # type: ignore[method-assign]
    FakeServer.stop = tracked_stop  # type: ignore[method-assign]
    try:
        yield
    finally:
        FakeServer.start, FakeServer.stop = start, stop  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _strict_against_the_fake(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every client a test points at the fake Basecamp (its transport, or a server it
    runs) decodes strictly: a field of the fake's whose type differs from the description
    fails the test. ``@pytest.mark.lenient`` opts out (tests of the lenient default).
    Clients on canned answers (``httpx.MockTransport``, raw servers) keep the default."""
    if request.node.get_closest_marker("lenient"):
        return
    from basecamp_client._core.core import ClientCore
    from basecamp_client.testing._httpx import FakeTransport

    original = ClientCore.__init__

    def strict_init(self: ClientCore, config: Any, *args: Any, **kwargs: Any) -> None:
        original(self, config, *args, **kwargs)
        transport = kwargs.get("transport")
        if isinstance(transport, FakeTransport) or config.base_url in FAKE_ORIGINS:
            self.strict = True

    monkeypatch.setattr(ClientCore, "__init__", strict_init)


_REDIS_FIXTURES = frozenset({"redis_server", "own_redis"})
_not_run: list[int] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without redis-server, leave the Redis tests out, and say so once at the end."""
    if BINARY is not None:
        return
    redis = [i for i in items if _REDIS_FIXTURES & set(getattr(i, "fixturenames", ()))]
    if redis:
        config.hook.pytest_deselected(items=redis)
        items[:] = [i for i in items if i not in redis]
        _not_run.append(len(redis))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _not_run:
        terminalreporter.write_line(
            f"NOTE: {sum(_not_run)} Redis tests not run — {SKIP_REASON}", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real redis-server for the session; tests use keys of their own."""
    if BINARY is None:
        pytest.skip(SKIP_REASON)
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server for one test alone (to kill it, or restart it)."""
    if BINARY is None:
        pytest.skip(SKIP_REASON)
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.close()
