"""The fake's feed on its own: cursors, the WebSocket channel's refusals, the serve command."""

from __future__ import annotations

import json

import aiohttp
import pytest

from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._cable import FakeCableServer
from basecamp_client.testing._event_feed import FeedRequestError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_store_events_become_feed_rows() -> None:
    fake = FakeBasecamp.with_sample_data()
    feed = fake.event_feed
    assert feed.rows  # the sample data's history
    store = fake.store
    record = next(r for r in store.recordings.values() if r.kind == "Todo")
    event = store.log_event(record, "completed", fake.owner_id)
    row = feed.rows[event.id]
    assert (row.event_type, row.bucket_id, row.recording_id) == (
        "todo.completed",
        record.bucket_id,
        record.id,
    )
    assert feed.head() == event.id


def test_cursors_are_signed_and_bound() -> None:
    feed = FakeBasecamp().event_feed
    token = feed.token("feed", 5, "d" * 16, 1)
    assert feed.read_token(token, "feed", 1) == (5, "d" * 16)
    for lane, principal, forged in (
        ("inbox", 1, token),
        ("feed", 2, token),
        ("feed", 1, token[:-1] + ("0" if token[-1] != "0" else "1")),
        ("feed", 1, "garbage"),
    ):
        with pytest.raises(FeedRequestError) as caught:
            feed.read_token(forged, lane, principal)
        assert caught.value.body["reason"] == "invalid_position"


async def test_an_upgrade_with_an_origin_or_without_a_ticket_is_refused(
    fake: FakeBasecamp, cable: FakeCableServer
) -> None:
    async with aiohttp.ClientSession() as http:
        for url, headers in (
            (f"{cable.url}/cable?ticket=x", {"Origin": "https://evil.example"}),
            (f"{cable.url}/cable", {}),
        ):
            with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                await http.ws_connect(url, headers=headers, protocols=("actioncable-v1-json",))
            assert caught.value.status in (401, 403)


async def test_an_unknown_ticket_is_told_unauthorized_before_any_welcome(
    fake: FakeBasecamp, cable: FakeCableServer
) -> None:
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{cable.url}/cable?ticket=unknown")
        frame = json.loads((await ws.receive()).data)
        await ws.close()
    assert frame == {"type": "disconnect", "reason": "unauthorized", "reconnect": False}


async def test_a_bad_command_is_a_protocol_disconnect(
    fake: FakeBasecamp, cable: FakeCableServer
) -> None:
    ticket = fake.event_feed.mint(fake.owner_id, fake.clock.monotonic())["ticket"]
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{cable.url}/cable?ticket={ticket}")
        assert json.loads((await ws.receive()).data) == {"type": "welcome"}
        await ws.send_str('{"command":"message","identifier":"{}"}')
        frame = json.loads((await ws.receive()).data)
        await ws.close()
    assert frame["reason"] == "invalid_event_stream_command"
