"""The live stream outside plain asyncio: refused clearly under trio, usable from the
sync client (its connector runs on the client's event loop thread)."""

from __future__ import annotations

import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core.errors import UsageError
from basecamp_client.events import FileCheckpointStore
from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._cable import FakeCableServer

from .conftest import UA


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_trio_gets_a_clear_usage_error(fake: FakeBasecamp, anyio_backend: str) -> None:
    client = AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport())
    try:
        events = client.for_account(fake.account_id).event_feed.stream()
        with pytest.raises(UsageError, match="asyncio only"):
            await events.__anext__()
        await events.aclose()
    finally:
        await client.aclose()
    assert fake.requests == []


def test_the_sync_client_streams(
    fake: FakeBasecamp, cable: FakeCableServer, tmp_path: object
) -> None:
    feed = fake.event_feed
    history = feed.add_events(3)
    store = FileCheckpointStore(tmp_path / "positions.json")  # type: ignore[operator]
    with Basecamp(
        access_token="t", user_agent=UA, transport=fake.transport(), random=lambda: 0.0
    ) as client:
        account = client.for_account(fake.account_id)
        got: list[int] = []
        with account.event_feed.stream(checkpoints=store, since=0) as events:
            for event in events:
                got.append(event.id)
                if len(got) == 3:
                    # The socket is subscribed: this reaches it live (or through the
                    # replay of what arrived during the catch-up).
                    feed.add_event()
                if len(got) == 4:
                    break
        assert got[:3] == history
        assert events.position is not None
    saved = store._load(events.checkpoint_key)
    assert saved == events.position
