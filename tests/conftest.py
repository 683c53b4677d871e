from __future__ import annotations

from collections.abc import Iterator

import pytest

from .redis_server import BINARY, SKIP_REASON, RedisServer


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs under both asyncio and trio."""
    return str(request.param)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if BINARY is None:
        terminalreporter.write_line(f"NOTE: {SKIP_REASON}", yellow=True, bold=True)


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
