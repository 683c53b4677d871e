from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from basecamp_client import BasecampError
from basecamp_client._core.transport import Transport, open_transport

from .cases import CAP, Case, Fails, Ok, Outcome
from .wire import WireServer

H = {"User-Agent": "tests (t@example.com)", "Accept": "application/json"}

# (async library, HTTP backend): every pairing the client can run.
PAIRS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]


@pytest.fixture(params=PAIRS, ids=["-".join(p) for p in PAIRS])
def pair(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(pair: tuple[str, str]) -> str:
    return pair[0]


@pytest.fixture
def backend(pair: tuple[str, str]) -> str:
    return pair[1]


@pytest.fixture
def wire() -> Iterator[WireServer]:
    with WireServer() as server:
        yield server


def make_transport(backend: str, **options: Any) -> Transport:
    settings: dict[str, Any] = {
        "timeout": 5.0,
        "connect_timeout": 5.0,
        "max_connections": 10,
        "max_keepalive_connections": 5,
        "max_response_bytes": CAP,
    }
    settings.update(options)
    return open_transport(backend, **settings)


async def outcome_of(http: Transport, url: str, case: Case) -> Outcome:
    """What the caller of the transport sees (a raw exception propagates: a failure)."""
    try:
        response = await http.send(case.method, url, {**H, **case.headers}, case.body)
    except BasecampError as exc:
        return Fails(type(exc).__name__, getattr(exc, "request_sent", True))
    return Ok(response.status_code, response.content)
