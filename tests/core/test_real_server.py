"""The whole stack over real sockets, under asyncio and trio."""

from __future__ import annotations

import anyio
import pytest

from basecamp_client import AsyncBasecamp, NotFoundError
from basecamp_client._core import Operation

from .helpers import UA, identity

GET = Operation(id="GetThing", method="GET", path="/things/{id}", path_params=("id",))
MISSING = Operation(id="GetMissing", method="GET", path="/missing")

pytestmark = pytest.mark.anyio


# Every HTTP backend that can run under each async library.
COMBINATIONS = [
    ("asyncio", "auto"),
    ("asyncio", "aiohttp"),
    ("asyncio", "httpx"),
    ("trio", "auto"),
    ("trio", "httpx"),
]


@pytest.fixture(params=COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def combination(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(combination: tuple[str, str]) -> str:
    return combination[0]


@pytest.fixture
def http_backend(combination: tuple[str, str]) -> str:
    return combination[1]


async def test_requests_over_a_real_connection_pool(local_server: str, http_backend: str) -> None:
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=local_server, http_backend=http_backend
    ) as client:
        session = client.for_account(1)._session
        assert (await session.call(GET, path={"id": 1}, decode=identity))["name"] == "real"
        results: list[object] = []

        async def one(i: int) -> None:
            results.append(await session.call(GET, path={"id": i}, decode=identity))

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(one, i)
        assert len(results) == 20
        with pytest.raises(NotFoundError):
            await session.call(MISSING, decode=identity)


async def test_connection_refused_is_a_network_error_not_sent(http_backend: str) -> None:
    import socket

    from basecamp_client import NetworkError
    from basecamp_client._core.clock import FakeClock

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        base_url=f"http://127.0.0.1:{port}",
        clock=clock,
        http_backend=http_backend,
    ) as client:
        with pytest.raises(NetworkError) as info:
            await client.for_account(1)._session.call(GET, path={"id": 1}, decode=identity)
    assert not info.value.request_sent
    assert info.value.attempts == 3
    assert clock.sleeps == [pytest.approx(1.0, rel=0.25), pytest.approx(2.0, rel=0.25)]
