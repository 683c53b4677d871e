"""The live stream against the fake's WebSocket channel (asyncio: the stream runs on
aiohttp), one test per rule of the protocol's conformance themes.

Time is a :class:`ManualClock`: nothing waits in real time for a timer, and a timer
fires only when a test moves the clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client.events import (
    AsyncEventStream,
    BufferOverflow,
    EventFeedError,
    EventStreamError,
    FeedGap,
    FeedGapError,
    MemoryCheckpointStore,
    State,
    StreamSettings,
)
from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._cable import FakeCableServer
from basecamp_client.testing._event_feed import ConnectionPlan

from .clock import ManualClock
from .conftest import Journal

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def stream(client: AsyncBasecamp, fake: FakeBasecamp, **kw: Any) -> AsyncEventStream:
    return client.for_account(fake.account_id).event_feed.stream(**kw)


async def take(events: AsyncEventStream, count: int, journal: Journal | None = None) -> list[int]:
    got: list[int] = []
    with anyio.fail_after(10):  # a guard against a hang, not a timing assertion
        while len(got) < count:
            event = await events.__anext__()
            got.append(event.id)
            if journal is not None:
                journal.log.append(("event", event.id))
    return got


class Received:
    """What a background consumer has handed out so far."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.error: BaseException | None = None
        self._changed = anyio.Event()

    def add(self, event_id: int) -> None:
        self.ids.append(event_id)
        self._changed.set()
        self._changed = anyio.Event()

    async def wait_for(self, count: int) -> list[int]:
        with anyio.fail_after(10):  # a guard against a hang, not a timing assertion
            while len(self.ids) < count:
                if self.error is not None:
                    raise self.error
                await self._changed.wait()
        return self.ids


@asynccontextmanager
async def consuming(
    events: AsyncEventStream, journal: Journal | None = None
) -> AsyncIterator[Received]:
    """Keep asking the stream for events in the background (as a consumer would)."""
    got = Received()

    async def pump() -> None:
        try:
            while True:  # (iterated by hand: a test may have taken events before)
                event = await events.__anext__()
                if journal is not None:
                    journal.log.append(("event", event.id))
                got.add(event.id)
        except Exception as exc:
            got.error = exc
            got._changed.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(pump)
        yield got
        tg.cancel_scope.cancel()


async def failure(events: AsyncEventStream) -> EventFeedError:
    async def drain() -> None:
        while True:
            await events.__anext__()

    with anyio.fail_after(10), pytest.raises(EventFeedError) as caught:
        await drain()
    return caught.value


async def eventually(condition: Any) -> None:
    """Wait for the fake's server thread to catch up with what the client did."""
    with anyio.fail_after(10):  # a guard against a hang, not a timing assertion
        while not condition():
            await anyio.sleep(0.005)


async def position_after(client: AsyncBasecamp, fake: FakeBasecamp, **kw: Any) -> str:
    """The position a plain poll walk ends at (the token is deterministic)."""
    pages = [p async for p in client.for_account(fake.account_id).event_feed.poll(**kw)]
    return pages[-1].position


# -- 01, 12: the whole sequence, checkpoints after each handed-out page ------------------


async def test_happy_path_order_and_per_page_checkpoints(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    history = feed.add_events(5)
    journal = Journal()
    async with (
        stream(client, fake, checkpoints=journal, since=0) as events,
        consuming(events, journal) as got,
    ):
        assert await got.wait_for(5) == history
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        caught_up = await position_after(client, fake, since=0)
        live = feed.add_event("todo.completed", visible_to_clients=True)
        assert await got.wait_for(6) == [*history, live]
    # Each page's position is saved after its events were handed out, never before.
    assert journal.kinds() == [
        f"e{history[0]}", f"e{history[1]}", "save",
        f"e{history[2]}", f"e{history[3]}", "save",
        f"e{history[4]}", "save",
        f"e{live}",
    ]  # fmt: skip
    # The last save is the catch-up walk's final position: the live id never moved it.
    assert journal.saves[-1] == caught_up
    assert events.position == journal.saves[-1]
    (conn,) = feed.connections
    assert conn.subprotocols == ("actioncable-v1-json",)
    assert conn.origin_header is None
    assert conn.subscribes == ['{"channel":"EventsChannel"}']
    await eventually(lambda: conn.closed_by is not None)
    assert conn.closed_by == "client"


async def test_a_live_event_carries_visible_to_clients_in_extra(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    async with stream(client, fake) as events, anyio.create_task_group() as tg:
        received: list[Any] = []

        async def one() -> None:
            with anyio.fail_after(10):
                received.append(await events.__anext__())

        tg.start_soon(one)
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        fake.event_feed.add_event("message.created", visible_to_clients=True, bucket_id=7)
    (event,) = received
    assert event.bucket_id == 7
    assert event.event_type == "message.created"
    assert event.extra == {"visible_to_clients": True}


async def test_filters_reach_the_subscription_and_the_polls(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.add_event("todo.created", bucket_id=2)
    wanted = feed.add_event("todo.created", bucket_id=1)
    async with (
        stream(
            client, fake, since=0, types=["todo.created"], buckets=[1], creators=[fake.owner_id]
        ) as events,
        consuming(events) as got,
    ):
        assert await got.wait_for(1) == [wanted]
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        feed.add_event("todo.created", bucket_id=2)  # filtered out by the channel
        live = feed.add_event("todo.created", bucket_id=1)
        assert await got.wait_for(2) == [wanted, live]
    ident = feed.connections[0].subscribes[0]
    assert ident == (
        '{"channel":"EventsChannel","types":"todo.created","buckets":"1",'
        f'"creators":"{fake.owner_id}"}}'
    )
    polls = [r for r in fake.requests if r.path.endswith("/events.json")]
    assert all(r.params["buckets"] == ["1"] for r in polls)


# -- 02, 03, 04: confirmation --------------------------------------------------------------


async def test_nothing_is_polled_before_the_confirmation_and_early_events_come_once(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    early = feed.add_event("message.created", committed=False)
    feed.plan(ConnectionPlan(before_confirm=[("event", early)]))
    journal = Journal()
    async with stream(client, fake, checkpoints=journal, since=0) as events:
        assert await take(events, 1, journal) == [early]
    (conn,) = feed.connections
    # At confirmation the fake had answered exactly one request: the ticket mint.
    assert conn.requests_at_confirm == 1
    assert fake.requests[0].path.endswith("/events/stream_ticket.json")
    # The early event was also served by the catch-up poll: handed out once only.
    assert journal.kinds()[0] == f"e{early}"


async def test_a_missed_confirmation_reconnects_with_a_new_ticket(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(subscription="ignore"))
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(lambda: events.state is State.AWAITING_CONFIRMATION)
        clock.advance(10)  # the confirmation deadline
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = feed.add_event()
        assert await got.wait_for(1) == [live]
    first, second = feed.connections
    assert first.subscribes == second.subscribes == ['{"channel":"EventsChannel"}']
    assert not first.confirmed
    assert second.confirmed
    assert first.ticket != second.ticket
    assert feed.minted == 2
    assert events.connections == 2


async def test_a_rejected_subscription_is_final(client: AsyncBasecamp, fake: FakeBasecamp) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(subscription="reject"))
    async with stream(client, fake) as events:
        error = await failure(events)
    assert isinstance(error, EventStreamError)
    assert error.reason == "subscription_rejected"
    assert feed.minted == 1
    assert len(feed.connections) == 1
    assert events.state is State.CLOSED
    await eventually(lambda: feed.connections[0].closed_by is not None)
    assert feed.connections[0].closed_by == "client"  # the client closed it


# -- 05, 07, 17: reconnects ----------------------------------------------------------------


async def test_reconnect_after_ticket_expiry_catches_up_before_live(
    client: AsyncBasecamp, fake: FakeBasecamp, cable: FakeCableServer, clock: ManualClock
) -> None:
    feed = fake.event_feed
    journal = Journal()
    async with (
        stream(client, fake, checkpoints=journal) as events,
        consuming(events, journal) as got,
    ):
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        first = feed.add_event()
        await got.wait_for(1)
        feed.plan(ConnectionPlan(push=False))  # the next socket hears nothing live
        feed.expire_tickets()
        missed = feed.add_events(3, committed=False)
        cable.disconnect_all("remote")
        for event_id in missed:  # committed while reconnecting: only polling brings them
            feed.commit(event_id)
        assert await got.wait_for(4) == [first, *missed]
    assert len(feed.connections) == 2
    assert feed.connections[0].ticket != feed.connections[1].ticket
    kinds = journal.kinds()
    assert [k for k in kinds if k != "save"] == [f"e{first}", *(f"e{m}" for m in missed)]
    # The catch-up pages' positions were saved after their events.
    assert kinds[kinds.index(f"e{missed[-1]}") + 1 :] == ["save"]


async def test_an_unauthorized_disconnect_is_retried_with_a_new_ticket(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(unauthorized=True), ConnectionPlan(unauthorized=True))
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = feed.add_event()
        assert await got.wait_for(1) == [live]
    assert events.connections == 3
    assert len({c.ticket for c in feed.connections}) == 3


async def test_three_authorization_failures_in_a_row_are_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.plan(*[ConnectionPlan(unauthorized=True)] * 2)
    fake.faults.fail(1, status=401, path="/events/stream_ticket.json")
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "authorization_failed"
    assert events.connections == 3


async def test_a_remote_disconnect_mints_again_and_reconnects(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(after_confirm=[("disconnect", "remote")]))
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 2
        )
        live = feed.add_event()
        assert await got.wait_for(1) == [live]
    assert feed.minted == 2
    assert feed.connections[0].closed_by == "server"


async def test_an_unknown_disconnect_reason_reconnects_without_counting_as_auth(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    plans = [ConnectionPlan(after_confirm=[("disconnect", "server_restart")])] * 3
    feed.plan(*plans)
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 4
        )
        live = feed.add_event()
        assert await got.wait_for(1) == [live]


async def test_silence_beyond_the_staleness_limit_reconnects(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        clock.advance(7.5)
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 2
        )
        live = feed.add_event()
        assert await got.wait_for(1) == [live]


@pytest.mark.parametrize(
    "action",
    [("raw", "this is not json"), ("raw", "[1, 2]"), ("oversized",), ("close",)],
    ids=["garbage", "not-an-object", "oversized", "closed"],
)
async def test_a_bad_frame_or_a_closed_socket_reconnects(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock, action: tuple[Any, ...]
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(after_confirm=[action]))
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 2
        )
        live = feed.add_event()
        assert await got.wait_for(1) == [live]


async def test_a_live_event_that_cannot_be_decoded_reconnects(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    bad = '{"identifier":"{\\"channel\\":\\"EventsChannel\\"}","message":{"id":"seven"}}'
    feed.plan(ConnectionPlan(after_confirm=[("raw", bad)]))
    async with stream(client, fake) as events, consuming(events):
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 2
        )


# -- 06: protocol errors -------------------------------------------------------------------


async def test_invalid_command_disconnect_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(after_confirm=[("disconnect", "invalid_event_stream_command")]))
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "protocol_fatal"
    assert feed.minted == 1


# -- 16, 23, 25, 27: gaps ----------------------------------------------------------------


async def _stale_position(client: AsyncBasecamp, fake: FakeBasecamp) -> str:
    feed = fake.event_feed
    feed.add_events(2)
    position = await position_after(client, fake, since=0)
    feed.forget_before(feed.add_events(3)[-1])
    return position


async def test_an_accepted_gap_resumes_at_the_present_and_streams_on(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    journal = Journal(await _stale_position(client, fake))
    signals: list[Any] = []

    def on_loss(signal: Any) -> str:
        signals.append(signal)
        return "accept"

    async with (
        stream(client, fake, checkpoints=journal, on_loss=on_loss) as events,
        consuming(events, journal) as got,
    ):
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = feed.add_event()
        assert await got.wait_for(1) == [live]
    assert signals == [FeedGap(epoch_after_id=feed.epoch_after_id)]
    # The resume entry's position was saved (after the replay), then the live event.
    assert journal.kinds() == ["save", f"e{live}"]
    resumed = [r for r in fake.requests if "since=now" in r.query]
    assert resumed


@pytest.mark.parametrize("answer", [None, "terminate", "maybe"])
async def test_a_gap_without_acceptance_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp, answer: str | None
) -> None:
    journal = Journal(await _stale_position(client, fake))
    calls: list[Any] = []

    def on_loss(signal: Any) -> str | None:
        calls.append(signal)
        return answer

    handler = on_loss if answer is not None else None
    async with stream(client, fake, checkpoints=journal, on_loss=handler) as events:
        error = await failure(events)
    assert isinstance(error, FeedGapError)
    assert error.reason == "feed_gap"
    assert journal.saves == []
    assert len(calls) == (0 if answer is None else 1)


async def test_a_foreign_resume_url_is_refused_after_an_accepted_gap(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    journal = Journal(await _stale_position(client, fake))
    fake.event_feed.continuation_origin = "https://evil.example"
    async with stream(client, fake, checkpoints=journal, on_loss=lambda s: "accept") as events:
        error = await failure(events)
    assert error.reason == "invalid_continuation"
    assert all(r.headers.get("host", "") != "evil.example" for r in fake.requests)
    assert not [r for r in fake.requests if "since=now" in r.query]


# -- 19, 20: present entry ---------------------------------------------------------------


async def test_a_buffered_lower_id_straggler_comes_before_the_entry_save(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    straggler = feed.add_event(committed=False)  # drew its id, commits late
    feed.add_event()  # the head is above it
    feed.plan(ConnectionPlan(before_confirm=[("event", straggler)]))
    journal = Journal()
    async with stream(client, fake, checkpoints=journal) as events:
        assert await take(events, 1, journal) == [straggler]
        assert journal.saves == []  # held until the replay is handed out
        async with consuming(events, journal):
            await clock.when_waiting(lambda: events.state is State.STREAMING)
    assert journal.kinds() == [f"e{straggler}", "save"]


async def test_a_late_lower_id_event_is_delivered_once_and_the_position_stays(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    straggler = feed.add_event(committed=False)
    feed.add_event()
    journal = Journal()
    async with (
        stream(client, fake, checkpoints=journal) as events,
        consuming(events, journal) as got,
    ):
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        saved = list(journal.saves)
        feed.commit(straggler)
        assert await got.wait_for(1) == [straggler]
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        clock.advance(48)  # a repair walk: polling never serves the straggler
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        later = feed.add_event()
        assert await got.wait_for(2) == [straggler, later]
    assert journal.saves[: len(saved)] == saved
    assert [k for k in journal.kinds() if k.startswith("e")] == [f"e{straggler}", f"e{later}"]


# -- 21, 22, 24: buffer overflow -------------------------------------------------------


def _flood(fake: FakeBasecamp, count: int) -> list[int]:
    feed = fake.event_feed
    ids = [feed.add_event(committed=False) for _ in range(count)]
    feed.plan(ConnectionPlan(before_confirm=[("event", i) for i in ids]))
    return ids


async def test_an_overflow_without_a_handler_is_terminal_and_saves_nothing(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    _flood(fake, 3)
    journal = Journal()
    settings = StreamSettings(buffer_capacity=2)
    async with stream(client, fake, checkpoints=journal, settings=settings) as events:
        error = await failure(events)
    assert isinstance(error, EventStreamError)
    assert error.reason == "buffer_overflow"
    assert journal.log == []


async def test_an_accepted_overflow_still_delivers_the_retained_events_before_saving(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    flood = _flood(fake, 3)
    journal = Journal()
    signals: list[Any] = []

    def on_loss(signal: Any) -> str:
        signals.append(signal)
        return "accept"

    settings = StreamSettings(buffer_capacity=2)
    async with (
        stream(client, fake, checkpoints=journal, settings=settings, on_loss=on_loss) as events,
        consuming(events, journal) as got,
    ):
        assert await got.wait_for(2) == flood[1:]
        await clock.when_waiting(lambda: events.state is State.STREAMING)
    assert signals == [BufferOverflow(evicted_ids=(flood[0],), count=1)]
    assert journal.kinds() == [f"e{flood[1]}", f"e{flood[2]}", "save"]


async def test_an_overflow_the_handler_terminates(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    _flood(fake, 3)
    calls: list[Any] = []

    def on_loss(signal: Any) -> str:
        calls.append(signal)
        return "terminate"

    settings = StreamSettings(buffer_capacity=2)
    async with stream(client, fake, settings=settings, on_loss=on_loss) as events:
        error = await failure(events)
    assert error.reason == "buffer_overflow"
    assert len(calls) == 1


# -- 26, 30: continuation URLs -----------------------------------------------------------


async def test_a_foreign_next_url_is_refused_without_contacting_it(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_events(5)
    feed.continuation_origin = "https://evil.example"
    async with stream(client, fake, since=0) as events:
        assert len(await take(events, 2)) == 2  # the first page was fine
        error = await failure(events)
    assert error.reason == "invalid_continuation"
    assert len([r for r in fake.requests if r.path.endswith("/events.json")]) == 1


async def test_a_same_origin_next_that_redirects_abroad_is_refused(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_events(2)
    feed.redirects, feed.redirect_origin = 1, "https://evil.example"
    async with stream(client, fake, since=0) as events:
        error = await failure(events)
    assert error.reason == "invalid_continuation"
    assert [r.status for r in fake.requests if r.path.endswith("/events.json")] == [302]


async def test_a_same_origin_redirect_is_followed(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    ids = feed.add_events(2)
    feed.redirects, feed.redirect_origin = 1, "https://3.basecampapi.com"
    async with stream(client, fake, since=0) as events:
        assert await take(events, 2) == ids


# -- 28, 29: checkpoints -----------------------------------------------------------------


async def test_a_checkpoint_load_failure_stops_before_any_request(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    journal = Journal()
    journal.fail_load = True
    async with stream(client, fake, checkpoints=journal) as events:
        error = await failure(events)
    assert error.reason == "checkpoint_load"
    assert fake.requests == []
    assert fake.event_feed.minted == 0


async def test_a_failed_save_is_reported_and_later_saves_go_on(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    ids = feed.add_events(5)
    journal = Journal()
    journal.fail_saves = 1
    reported: list[BaseException] = []
    async with stream(
        client, fake, checkpoints=journal, since=0, on_checkpoint_error=reported.append
    ) as events:
        assert await take(events, 5, journal) == ids
    assert [type(e) for e in reported] == [OSError]
    assert len(journal.saves) == 1  # the second page's; the first one's failed
    assert events.position is not None


async def test_the_stored_position_is_where_the_next_run_resumes(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    store = MemoryCheckpointStore()
    first = feed.add_events(4)
    async with stream(client, fake, checkpoints=store, since=0) as events, consuming(events) as got:
        assert await got.wait_for(4) == first
        await clock.when_waiting(lambda: events.state is State.STREAMING)
    more = feed.add_events(2)
    async with stream(client, fake, checkpoints=store, since=0) as events:
        assert await take(events, 2) == more  # since= only applies with nothing stored


# -- repair walks ------------------------------------------------------------------------


async def test_a_repair_walk_brings_what_the_live_lane_missed(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(push=False))
    # Virtual time jumps past the pings: keep the staleness limit out of the way.
    settings = StreamSettings(staleness=600)
    async with stream(client, fake, settings=settings) as events, consuming(events) as got:
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        missed = feed.add_event()
        clock.advance(47)
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        assert got.ids == []
        clock.advance(1)  # 60 s minus 20 % (random() = 0)
        assert await got.wait_for(1) == [missed]
    assert events.connections == 1


# -- mints and URLs ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 422])
async def test_a_mint_that_retrying_cannot_fix_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp, status: int
) -> None:
    fake.faults.fail(1, status=status, path="/events/stream_ticket.json")
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "mint_failed"
    assert error.http_status == status


async def test_a_malformed_mint_answer_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    fake.event_feed.malformed_ticket = True
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "mint_failed"


async def test_mint_server_errors_back_off_and_retry(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    fake.faults.fail(4, status=503, path="/events/stream_ticket.json", retry_after=5)
    async with stream(client, fake) as events, consuming(events) as got:
        # The client's own retries wait the Retry-After (twice, then it gives up); the
        # stream backs off at least as long; the next mint's first attempt fails once more.
        for _ in range(4):
            await clock.when_waiting()
            clock.advance(5)
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = fake.event_feed.add_event()
        assert await got.wait_for(1) == [live]
    assert 5 in clock.sleeps


@pytest.mark.parametrize(
    "url",
    ["ws://cable.example.com/cable?ticket=x", "http://127.0.0.1:1/cable", "not a url"],
)
async def test_a_stream_url_that_is_not_wss_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp, url: str
) -> None:
    fake.event_feed.ticket_url = url
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "invalid_cable_url"
    assert "ticket=x" not in str(error)


async def test_a_stream_url_that_redirects_is_refused(
    client: AsyncBasecamp, fake: FakeBasecamp, cable: FakeCableServer
) -> None:
    fake.event_feed.ticket_url = f"{cable.url}/moved?ticket=secret-ticket"
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "invalid_cable_url"
    assert "secret-ticket" not in str(error)
    assert "secret-ticket" not in repr(error)
    assert fake.event_feed.connections == []  # the redirect target was never dialled


async def test_a_refused_upgrade_backs_off_and_mints_again(
    fake: FakeBasecamp, cable: FakeCableServer, clock: ManualClock
) -> None:
    client = AsyncBasecamp(
        access_token="t",
        user_agent="t (t@example.com)",
        transport=fake.transport(),
        clock=clock,
        random=lambda: 0.5,
    )
    feed = fake.event_feed
    feed.ticket_url = f"{cable.url}/cable"  # no ticket: the upgrade fails, no frame
    try:
        async with stream(client, fake) as events, consuming(events) as got:
            await clock.when_waiting(lambda: events.state is State.BACKOFF)
            feed.ticket_url = None
            clock.advance(60)
            await clock.when_waiting(lambda: events.state is State.STREAMING)
            live = feed.add_event()
            assert await got.wait_for(1) == [live]
    finally:
        await client.aclose()
    assert 0.5 in clock.sleeps  # uniform(0, 1 s) for the first failure
    assert feed.minted == 2


# -- usage -------------------------------------------------------------------------------


async def test_a_stream_is_iterated_once(client: AsyncBasecamp, fake: FakeBasecamp) -> None:
    events = stream(client, fake)
    events.__aiter__()
    with pytest.raises(EventStreamError) as caught:
        events.__aiter__()
    assert caught.value.reason == "usage"
    await events.aclose()


async def test_the_ticket_never_appears_in_reprs_or_logs(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock, caplog: Any
) -> None:
    caplog.set_level("DEBUG")
    feed = fake.event_feed
    feed.plan(ConnectionPlan(after_confirm=[("disconnect", "remote")]))
    async with stream(client, fake) as events, consuming(events):
        await clock.when_waiting(
            lambda: events.state is State.STREAMING and events.connections == 2
        )
        shown = repr(events)
    for conn in feed.connections:
        assert conn.ticket not in caplog.text
        assert conn.ticket not in shown
    assert "ticket=" not in caplog.text


# -- polls inside the stream ---------------------------------------------------------------


async def test_a_repeated_welcome_gets_the_identical_subscribe_again(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.plan(ConnectionPlan(subscription="ignore"))
    async with stream(client, fake, types=["todo.created"]) as events, consuming(events):
        await clock.when_waiting(lambda: events.state is State.AWAITING_CONFIRMATION)
        cable_conn = feed.connections[0]
        await eventually(lambda: len(cable_conn.subscribes) == 1)
    # A second welcome on the same socket (the server restarted the handshake):
    feed.plan(ConnectionPlan(before_confirm=[("raw", '{"type":"welcome"}')]))
    async with stream(client, fake, types=["todo.created"]) as events, consuming(events):
        await clock.when_waiting(lambda: events.state is State.STREAMING)
    second = feed.connections[1]
    await eventually(lambda: len(second.subscribes) == 2)
    assert second.subscribes[0] == second.subscribes[1]  # byte-identical


async def test_a_position_for_other_filters_reenters_at_the_present(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    feed = fake.event_feed
    feed.add_events(2)
    journal = Journal(await position_after(client, fake, since=0))  # made without filters
    events = stream(client, fake, checkpoints=journal, types=["todo.created"])
    async with events, consuming(events, journal) as got:
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = feed.add_event("todo.created")
        assert await got.wait_for(1) == [live]
    statuses = [r.status for r in fake.requests if r.path.endswith("/events.json")]
    assert statuses[-2:] == [409, 200]
    assert journal.kinds() == ["save", f"e{live}"]


async def test_filters_the_server_refuses_are_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    async with stream(client, fake, types=["Not A Type"]) as events:
        error = await failure(events)
    assert error.reason == "filter_invalid"


async def test_a_poll_that_cannot_succeed_is_terminal(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    fake.faults.fail(1, status=404, path="/events.json")
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "poll_failed"
    assert error.http_status == 404


async def test_refused_polls_count_toward_the_authorization_limit(
    client: AsyncBasecamp, fake: FakeBasecamp
) -> None:
    fake.faults.fail(3, status=401, path="/events.json")
    async with stream(client, fake) as events:
        error = await failure(events)
    assert error.reason == "authorization_failed"
    assert events.connections == 3  # each refusal tore the connection down


async def test_server_errors_on_polls_are_retried_in_place(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock
) -> None:
    history = fake.event_feed.add_events(1)
    fake.faults.fail(4, status=503, path="/events.json")
    async with stream(client, fake, since=0) as events, consuming(events) as got:
        # The client's own retries back off (1 s, 2 s), give up, and the stream asks again
        # (its jitter is 0 here) on the same connection: one more back-off, then success.
        for _ in range(3):
            await clock.when_waiting(lambda: events.state is State.CATCHING_UP)
            clock.advance(2)
        assert await got.wait_for(1) == history
    assert events.connections == 1


async def test_over_real_sockets_end_to_end(fake: FakeBasecamp, cable: FakeCableServer) -> None:
    # The fake's HTTP server on 127.0.0.1 (no injected transport): polling and the
    # stream's catch-up go through the client's own HTTP backend.
    fake.event_feed.page_size = 3
    history = fake.event_feed.add_events(7)
    with fake.serve() as server:
        async with AsyncBasecamp(
            access_token="t", user_agent="e2e (e2e@example.com)", base_url=server.base_url
        ) as client:
            account = client.for_account(fake.account_id)
            polled = [e.id async for p in account.event_feed.poll(since=0) for e in p.events]
            assert polled == history
            async with account.event_feed.stream(since=0) as events:
                assert await take(events, 7) == history
                live = fake.event_feed.add_event()
                assert await take(events, 1) == [live]


async def test_a_resume_that_is_itself_gone_again_and_again_ends_the_stream(
    client: AsyncBasecamp, fake: FakeBasecamp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken server whose resume URL answers 410 again: the stream must not follow it
    # (asking on_loss each time) in a loop without end.
    from basecamp_client.testing._resources import event_feed as routes

    stale = await _stale_position(client, fake)
    make_url = routes._url

    def resume_at_the_stale_position(call: Any, feed: Any, path: str, query: Any) -> str:
        if query.get("since") == "now":
            query = {"position": stale}
        return make_url(call, feed, path, query)

    monkeypatch.setattr(routes, "_url", resume_at_the_stale_position)
    signals: list[Any] = []

    def on_loss(signal: Any) -> str:
        signals.append(signal)
        return "accept"

    async with stream(client, fake, checkpoints=Journal(stale), on_loss=on_loss) as events:
        error = await failure(events)
    assert error.reason == "poll_failed"
    assert len(signals) == 3
    statuses = [r.status for r in fake.requests if r.path.endswith("/events.json")]
    assert statuses[-4:] == [410] * 4


@pytest.mark.parametrize("path", ["/events/stream_ticket.json", "/events.json"])
async def test_a_retry_after_longer_than_the_client_accepts_is_cut_to_max_retry_after(
    client: AsyncBasecamp, fake: FakeBasecamp, clock: ManualClock, path: str
) -> None:
    # A day-long Retry-After fails the call at once (the request path does not wait
    # that long); the stream then waits the client's max_retry_after, not the day.
    fake.faults.fail(1, status=503, path=path, retry_after=86_400)
    async with stream(client, fake) as events, consuming(events) as got:
        await clock.when_waiting(lambda: 120.0 in clock.sleeps)
        clock.advance(120)
        await clock.when_waiting(lambda: events.state is State.STREAMING)
        live = fake.event_feed.add_event()
        assert await got.wait_for(1) == [live]
    assert max(clock.sleeps) == 120.0
