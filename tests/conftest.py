from __future__ import annotations

from collections.abc import Iterator

import pytest

from .redis_server import BINARY, SKIP_REASON, RedisServer


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs under both asyncio and trio."""
    return str(request.param)


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
