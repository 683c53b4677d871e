"""Polling the event feed and the inbox against the fake, under asyncio and trio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.errors import DecodeError, ForbiddenError, UsageError
from basecamp_client._events.pages import FEED, INBOX, Lane
from basecamp_client._generated.account import AsyncAccount
from basecamp_client.events import (
    FeedGapError,
    FeedPage,
    InvalidContinuationError,
    InvalidFilterError,
    InvalidPositionError,
    PollStalledError,
    PositionMismatchError,
)
from basecamp_client.testing import FakeBasecamp

from .conftest import UA

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> FakeBasecamp:
    fake = FakeBasecamp()
    fake.event_feed.page_size = 2
    return fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def account(fake: FakeBasecamp, clock: FakeClock) -> AsyncIterator[AsyncAccount]:
    client = AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport(), clock=clock)
    try:
        yield client.for_account(fake.account_id)
    finally:
        await client.aclose()


async def pages(poll: Any) -> list[FeedPage]:
    return [page async for page in poll]


def ids(found: list[Any]) -> list[list[int]]:
    return [[e.id for e in page.events] for page in found]


async def test_a_walk_from_the_start_pages_through_everything(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    history = fake.event_feed.add_events(5)
    found = await pages(account.event_feed.poll(since=0))
    assert ids(found) == [history[:2], history[2:4], history[4:]]
    assert [p.more for p in found] == [True, True, False]
    assert all(p.gap is None for p in found)
    # Paging followed the body's next links, never Link headers.
    queries = [r.params for r in fake.requests]
    assert queries[0] == {"since": ["0"]}
    assert "position" in queries[1]


async def test_resuming_from_a_saved_position_brings_only_what_is_new(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_events(3)
    saved = None
    async for page in account.event_feed.poll(since=0):
        saved = page.position  # after handling the page
    assert saved is not None
    assert await pages(account.event_feed.poll(position=saved)) == []  # nothing new
    new = feed.add_events(3)
    found = await pages(account.event_feed.poll(position=saved))
    assert ids(found) == [new[:2], new[2:]]


async def test_the_present_is_the_default_entry(account: AsyncAccount, fake: FakeBasecamp) -> None:
    fake.event_feed.add_events(3)
    (page,) = await pages(account.event_feed.poll())
    assert page.events == []
    assert not page.more
    new = fake.event_feed.add_event()
    assert ids(await pages(account.event_feed.poll(position=page.position))) == [[new]]
    (now,) = await pages(account.event_feed.poll(since="now"))
    assert now.position == (await pages(account.event_feed.poll()))[0].position


async def test_since_an_id_starts_after_it(account: AsyncAccount, fake: FakeBasecamp) -> None:
    history = fake.event_feed.add_events(3)
    found = await pages(account.event_feed.poll(since=history[0]))
    assert ids(found) == [history[1:]]


async def test_filters_are_checked_and_sent_normalised(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_event("todo.created", bucket_id=5)
    wanted = feed.add_event("todo.completed", bucket_id=4)
    found = await pages(
        account.event_feed.poll(
            since=0,
            types=["todo.completed", "todo.created"],
            buckets=[4, 4],
            performers=["self", fake.owner_id],
            actor_types="person",
        )
    )
    assert ids(found) == [[wanted]]
    params = fake.requests[0].params
    assert params["types"] == ["todo.completed,todo.created"]
    assert params["buckets"] == ["4"]
    assert params["performers"] == [f"{fake.owner_id},self"]
    assert params["actor_types"] == ["person"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"buckets": list(range(1, 102))}, "at most 100"),
        ({"buckets": [0]}, "positive integer"),
        ({"buckets": [True]}, "positive integer"),
        ({"buckets": []}, "empty"),
        ({"types": ["a,b"]}, "one value per item"),
        ({"actor_types": ["robot"]}, "agent, person"),
        ({"performers": ["me"]}, '"self"'),
        ({"since": "yesterday"}, "since"),
        ({"since": 2**63}, "since"),
        ({"since": 1, "position": "x"}, "not both"),
        ({"position": ""}, "position"),
        ({"interval": 0}, "interval"),
        ({"max_pages": 0}, "max_pages"),
        ({"accept_gap": "yes"}, "accept_gap"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    account: AsyncAccount, fake: FakeBasecamp, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        account.event_feed.poll(**arguments)
    assert fake.requests == []


async def test_a_position_for_other_filters_raises_with_the_digests_and_a_reentry(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    history = fake.event_feed.add_events(3)
    saved = (await pages(account.event_feed.poll(since=0)))[-1].position
    with pytest.raises(PositionMismatchError) as caught:
        await pages(account.event_feed.poll(position=saved, types=["todo.created"]))
    error = caught.value
    assert error.reason == "position_mismatch"
    assert error.http_status == 409
    assert error.since == "now"  # nothing was served by this walk
    assert error.position_digest
    assert len(error.position_digest) == 16
    assert error.filters_digest
    assert error.filters_digest != error.position_digest
    # A walk that served events offers to re-enter after the highest one.
    poll = account.event_feed.poll(since=0, max_pages=1)
    await pages(poll)
    walk_error = PositionMismatchError(
        "x", position_digest=None, filters_digest=None, since=str(history[1])
    )
    assert walk_error.since == str(history[1])


async def test_reentry_after_a_mismatch_continues_after_the_last_served_event(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    history = feed.add_events(3)
    poll = account.event_feed.poll(since=0)
    first = await poll.__anext__()
    assert [e.id for e in first.events] == history[:2]
    # The server forgets how it issued the cursor: the next request is refused.
    feed._store.secret = b"rotated"
    with pytest.raises(InvalidPositionError) as caught:
        await poll.__anext__()
    assert caught.value.since == str(history[1])
    found = await pages(account.event_feed.poll(since=caught.value.since))
    assert ids(found) == [history[2:]]


async def test_a_bad_filter_is_told_from_a_bad_position(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    with pytest.raises(InvalidPositionError) as position:
        await pages(account.event_feed.poll(position="forged.token"))
    assert position.value.reason == "position_invalid"
    assert position.value.since == "now"
    with pytest.raises(InvalidFilterError) as filters:
        await pages(account.event_feed.poll(types=["Not A Type"]))
    assert filters.value.reason == "filter_invalid"


async def test_lost_history_stops_unless_the_gap_is_accepted(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_events(2)
    saved = (await pages(account.event_feed.poll(since=0)))[-1].position
    feed.forget_before(feed.add_events(2)[-1])
    with pytest.raises(FeedGapError) as caught:
        await pages(account.event_feed.poll(position=saved))
    assert caught.value.reason == "feed_gap"
    assert caught.value.epoch_after_id == feed.epoch_after_id
    later = feed.add_event()
    found = await pages(account.event_feed.poll(position=saved, accept_gap=True))
    assert found[0].gap is not None
    assert found[0].gap.epoch_after_id == feed.epoch_after_id
    assert ids(found) == [[]]  # the resume enters at the present
    assert ids(await pages(account.event_feed.poll(position=found[-1].position))) == []
    assert later < feed.head() or later == feed.head()


async def test_foreign_next_and_resume_urls_are_refused_unsent(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.add_events(3)
    feed.continuation_origin = "https://evil.example"
    poll = account.event_feed.poll(since=0)
    await poll.__anext__()
    with pytest.raises(InvalidContinuationError) as caught:
        await poll.__anext__()
    assert caught.value.reason == "invalid_continuation"
    assert "evil.example" in str(caught.value)
    assert len(fake.requests) == 1
    feed.continuation_origin = None
    saved = (await pages(account.event_feed.poll(since=0)))[-1].position
    feed.forget_before(feed.add_event())
    feed.continuation_origin = "http://3.basecampapi.com"  # a downgrade
    fake.clear_requests()
    with pytest.raises(InvalidContinuationError, match="downgrades"):
        await pages(account.event_feed.poll(position=saved, accept_gap=True))
    assert len(fake.requests) == 1


async def test_redirects_are_followed_on_the_api_origin_only(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    history = feed.add_events(1)
    feed.redirects, feed.redirect_origin = 1, "https://3.basecampapi.com"
    assert ids(await pages(account.event_feed.poll(since=0))) == [history]
    feed.redirects, feed.redirect_origin = 1, "https://elsewhere.example"
    fake.clear_requests()
    with pytest.raises(InvalidContinuationError, match="redirect"):
        await pages(account.event_feed.poll(since=0))
    assert [r.status for r in fake.requests] == [302]


async def test_throttling_is_retried_by_the_client(
    account: AsyncAccount, fake: FakeBasecamp, clock: FakeClock
) -> None:
    history = fake.event_feed.add_events(1)
    fake.faults.fail(1, status=429, path="/events.json", retry_after=3)
    assert ids(await pages(account.event_feed.poll(since=0))) == [history]
    assert 3 in clock.sleeps


async def test_follow_keeps_polling_at_the_head(
    account: AsyncAccount, fake: FakeBasecamp, clock: FakeClock
) -> None:
    feed = fake.event_feed
    first = feed.add_event()
    poll = account.event_feed.poll(since=0, follow=True, interval=5)
    page = await poll.__anext__()
    assert [e.id for e in page.events] == [first]
    later = feed.add_event()
    page = await poll.__anext__()  # quiet polls at the head are not handed out
    assert [e.id for e in page.events] == [later]
    assert clock.sleeps == [5]
    assert poll.position == page.position


async def test_max_pages_stops_the_walk(account: AsyncAccount, fake: FakeBasecamp) -> None:
    fake.event_feed.add_events(5)
    assert len(await pages(account.event_feed.poll(since=0, max_pages=2))) == 2


async def test_a_server_that_never_reaches_the_head_is_stopped() -> None:
    # Every answer offers more and brings nothing new.
    def answer(request: httpx.Request) -> httpx.Response:
        body = {
            "events": [],
            "position": "p",
            "next": "https://3.basecampapi.com/1/events.json?position=p",
        }
        return httpx.Response(200, json=body)

    client = AsyncBasecamp(access_token="t", user_agent=UA, transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(PollStalledError) as caught:
            await pages(client.for_account(1).event_feed.poll())
    finally:
        await client.aclose()
    assert caught.value.reason == "poll_stalled"


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"events": []},
        {"events": {}, "position": "p"},
        {"events": [{"id": "x"}], "position": "p"},
    ],
)
async def test_a_malformed_page_is_a_decode_error(body: Any) -> None:
    from basecamp_client._core.errors import DecodeError

    client = AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)),
    )
    try:
        with pytest.raises(DecodeError):
            await pages(client.for_account(1).event_feed.poll())
    finally:
        await client.aclose()


async def test_a_poll_is_read_by_one_task_at_a_time(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    poll = account.event_feed.poll()
    poll._running = True  # as if another task were inside __anext__
    with pytest.raises(UsageError, match="another task"):
        await poll.__anext__()


# -- the inbox ---------------------------------------------------------------------------


async def test_the_inbox_is_for_agents_and_drops_repeated_addressings(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    with pytest.raises(ForbiddenError):
        await pages(account.event_feed.poll_inbox(since=0))
    feed.make_agent(fake.owner_id)
    event = feed.add_event("todo.assigned")
    first = feed.address(event, fake.owner_id, "mentioned")
    second = feed.address(event, fake.owner_id, "assigned")  # the same event, twice
    feed.address(feed.add_event(), fake.owner_id, "pinged")
    found = await pages(account.event_feed.poll_inbox(since=0, reasons=["mentioned", "assigned"]))
    items = [i for p in found for i in p.items]
    assert [i.addressing_id for i in items] == [first, second]
    assert {i.event.id for i in items} == {event}
    assert [i.reason for i in items] == ["mentioned", "assigned"]


async def test_inbox_positions_do_not_work_on_the_feed(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.make_agent(fake.owner_id)
    saved = (await pages(account.event_feed.poll_inbox()))[-1].position
    with pytest.raises(InvalidPositionError):
        await pages(account.event_feed.poll(position=saved))


async def test_an_inbox_gap_resumes_from_the_oldest_item(
    account: AsyncAccount, fake: FakeBasecamp
) -> None:
    feed = fake.event_feed
    feed.make_agent(fake.owner_id)
    feed.address(feed.add_event(), fake.owner_id)
    saved = (await pages(account.event_feed.poll_inbox(since=0)))[-1].position
    kept = feed.address(feed.add_event(), fake.owner_id)
    feed.inbox_horizon = kept - 1
    with pytest.raises(FeedGapError) as caught:
        await pages(account.event_feed.poll_inbox(position=saved))
    assert caught.value.epoch_after_id is None
    found = await pages(account.event_feed.poll_inbox(position=saved, accept_gap=True))
    assert [i.addressing_id for p in found for i in p.items] == [kept]


# -- sync ----------------------------------------------------------------------------------


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
def test_the_sync_client_polls_too(fake: FakeBasecamp, anyio_backend: str) -> None:
    history = fake.event_feed.add_events(3)
    with Basecamp(access_token="t", user_agent=UA, transport=fake.transport()) as client:
        account = client.for_account(fake.account_id)
        poll = account.event_feed.poll(since=0)
        found = list(poll)
        assert [[e.id for e in p.events] for p in found] == [history[:2], history[2:]]
        assert poll.position == found[-1].position
        fake.event_feed.make_agent(fake.owner_id)
        assert list(account.event_feed.poll_inbox(since=0)) != []


_EVENT = {
    "id": 5,
    "kind": "Message",
    "event_type": "message.created",
    "action": "created",
    "created_at": "2024-01-01T00:00:00Z",
    "bucket_id": 1,
    "creator_id": 2,
    "recording_id": 3,
}
_ITEM = {
    "addressing_id": 7,
    "reason": "mentioned",
    "addressed_at": "2024-01-01T00:00:00Z",
    "event": _EVENT,
}


@pytest.mark.parametrize(
    ("lane", "page", "message"),
    [
        (FEED, {"events": []}, "PollEvents: the page has no position"),
        (FEED, {"position": "p", "next": 3}, "PollEvents: the page's next is not a URL"),
        (FEED, {"position": "p", "events": 3}, "PollEvents: the page's events are not a list"),
        (FEED, {"position": "p", "events": [3]}, "PollEvents: an event is not an object"),
        (
            FEED,
            {"position": "p", "events": [{**_EVENT, "id": True}]},
            "PollEvents: an event without an integer id",
        ),
        (INBOX, {"position": "p", "items": "x"}, "PollInbox: the page's items are not a list"),
        (INBOX, {"position": "p", "items": [3]}, "PollInbox: an item is not an object"),
        (
            INBOX,
            {"position": "p", "items": [{**_ITEM, "addressing_id": None}]},
            "PollInbox: an item without an integer id",
        ),
    ],
)
def test_a_malformed_page_is_a_decode_error_naming_the_operation(
    lane: Lane, page: dict[str, Any], message: str
) -> None:
    with pytest.raises(DecodeError) as caught:
        lane.decode(page)
    assert caught.value.message == message
    assert caught.value.operation_id == lane.op.id


def test_a_page_decodes_to_its_entries_keyed_by_their_ids() -> None:
    feed = FEED.decode({"position": "p", "events": [_EVENT], "next": ""})
    assert [FEED.key(e) for e in feed.entries] == [5]
    assert (feed.position, feed.next) == ("p", None)
    inbox = INBOX.decode({"position": "q", "items": [_ITEM], "next": "u"})
    assert [INBOX.key(e) for e in inbox.entries] == [7]
    assert (inbox.position, inbox.next) == ("q", "u")
