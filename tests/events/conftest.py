from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client.events import CheckpointKey
from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._cable import FakeCableServer

from .clock import ManualClock

UA = "event feed tests (tests@example.com)"


class Journal:
    """One ordered log of what the consumer handled and what the stream saved."""

    def __init__(self, initial: str | None = None) -> None:
        self.log: list[tuple[str, Any]] = []
        self.initial = initial
        self.fail_load = False
        self.fail_saves = 0
        self.loads = 0

    def load(self, key: CheckpointKey) -> str | None:
        self.loads += 1
        if self.fail_load:
            raise OSError("the store is unreachable")
        return self.initial

    async def save(self, key: CheckpointKey, position: str) -> None:
        if self.fail_saves:
            self.fail_saves -= 1
            raise OSError("the store is full")
        self.log.append(("save", position))

    @property
    def saves(self) -> list[str]:
        return [p for kind, p in self.log if kind == "save"]

    def kinds(self) -> list[str]:
        return [kind if kind == "save" else f"e{value}" for kind, value in self.log]


@pytest.fixture
def fake() -> FakeBasecamp:
    fake = FakeBasecamp()
    fake.event_feed.page_size = 2
    return fake


@pytest.fixture
def cable(fake: FakeBasecamp) -> Iterator[FakeCableServer]:
    with fake.serve_cable() as server:
        yield server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def client(
    fake: FakeBasecamp, cable: FakeCableServer, clock: ManualClock
) -> AsyncIterator[AsyncBasecamp]:
    client = AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        transport=fake.transport(),
        clock=clock,
        random=lambda: 0.0,  # back-offs of zero: no clock moves needed to reconnect
    )
    try:
        yield client
    finally:
        await client.aclose()
