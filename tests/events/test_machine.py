"""The stream's decisions on their own: timers, frames, outcomes, buffers, filters, URLs."""

from __future__ import annotations

import json
import pickle

import pytest

from basecamp_client._core.continuation import check_same_origin
from basecamp_client._core.errors import (
    ApiError,
    AuthError,
    DecodeError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    UnsafeLinkError,
    UsageError,
    ValidationError,
)
from basecamp_client._events.cable import CableUrlError, check_cable_url, redacted
from basecamp_client._events.machine import (
    AuthCounter,
    BadFrame,
    LiveBuffer,
    RecentIds,
    disconnect_outcome,
    full_jitter,
    mint_outcome,
    parse_frame,
    poll_outcome,
    reconnect_delay,
    repair_delay,
    subscribe_command,
)
from basecamp_client.events import (
    EventStreamError,
    FeedFilters,
    InboxFilters,
    PositionMismatchError,
    StreamSettings,
)

IDENT = '{"channel":"EventsChannel"}'


# -- timers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ceiling"), [(1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0), (500, 60.0)]
)
def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling(n: int, ceiling: float) -> None:
    assert full_jitter(n, base=1.0, cap=60.0, random=lambda: 0.999999) == pytest.approx(
        ceiling, rel=1e-5
    )
    assert full_jitter(n, base=1.0, cap=60.0, random=lambda: 0.0) == 0.0
    assert full_jitter(n, base=1.0, cap=60.0, random=lambda: 0.5) == ceiling / 2


def test_retry_after_raises_the_backoff_even_past_the_cap() -> None:
    settings = StreamSettings()
    assert reconnect_delay(1, settings, lambda: 0.5) == 0.5
    assert reconnect_delay(1, settings, lambda: 0.5, retry_after=7) == 7
    assert reconnect_delay(9, settings, lambda: 1.0, retry_after=90) == 90
    assert reconnect_delay(9, settings, lambda: 1.0, retry_after=1) == 60


def test_the_repair_interval_is_sixty_seconds_give_or_take_twenty_percent() -> None:
    settings = StreamSettings()
    assert repair_delay(settings, lambda: 0.0) == 48
    assert repair_delay(settings, lambda: 0.5) == 60
    assert repair_delay(settings, lambda: 1.0) == 72


def test_settings_are_checked() -> None:
    defaults = StreamSettings()
    assert (defaults.handshake_timeout, defaults.confirmation_timeout) == (10, 10)
    assert (defaults.staleness, defaults.auth_failure_limit) == (7.5, 3)
    assert defaults.max_frame_bytes == 1024 * 1024
    assert defaults.dedupe_capacity == defaults.buffer_capacity == 10_000
    for bad in (
        {"staleness": 0},
        {"staleness": True},
        {"repair_jitter": 1},
        {"buffer_capacity": 0},
        {"auth_failure_limit": 2.5},
    ):
        with pytest.raises(UsageError):
            StreamSettings(**bad)  # type: ignore[arg-type]


# -- frames --------------------------------------------------------------------------------


def test_frames_are_recognised_and_matched_to_the_subscription() -> None:
    assert parse_frame('{"type":"welcome"}', IDENT).kind == "welcome"
    assert parse_frame('{"type":"ping","message":1}', IDENT).kind == "ping"
    confirm = json.dumps({"type": "confirm_subscription", "identifier": IDENT})
    assert parse_frame(confirm, IDENT).kind == "confirm"
    reject = json.dumps({"type": "reject_subscription", "identifier": IDENT})
    assert parse_frame(reject, IDENT).kind == "reject"
    other = json.dumps({"type": "confirm_subscription", "identifier": '{"channel":"X"}'})
    assert parse_frame(other, IDENT).kind == "foreign"
    message = json.dumps({"identifier": IDENT, "message": {"id": 1}})
    assert parse_frame(message, IDENT).payload == {"id": 1}
    assert parse_frame('{"type":"disconnect","reason":"remote"}', IDENT).payload == "remote"
    assert parse_frame('{"type":"something_new"}', IDENT).kind == "other"


@pytest.mark.parametrize(
    "text", ["not json", "[1]", "3", json.dumps({"identifier": IDENT, "message": [1]})]
)
def test_bad_frames_are_reported(text: str) -> None:
    with pytest.raises(BadFrame):
        parse_frame(text, IDENT)


def test_the_subscribe_command_carries_the_identifier_as_a_string() -> None:
    command = json.loads(subscribe_command(IDENT))
    assert command == {"command": "subscribe", "identifier": IDENT}


def test_disconnects_are_judged_by_their_reason_alone() -> None:
    assert disconnect_outcome("invalid_event_stream_command") == "fatal"
    assert disconnect_outcome("unauthorized") == "auth"
    assert disconnect_outcome("remote") == "reconnect"
    assert disconnect_outcome("anything else") == "reconnect"


def test_mint_failures() -> None:
    assert mint_outcome(AuthError("x", http_status=401)) == "auth"
    assert mint_outcome(ForbiddenError("x", http_status=403)) == "auth"
    assert mint_outcome(RateLimitError("x", http_status=429)) == "reconnect"
    assert mint_outcome(ApiError("x", http_status=503)) == "reconnect"
    assert mint_outcome(NetworkError("x")) == "reconnect"
    assert mint_outcome(NotFoundError("x", http_status=404)) == "fatal"
    assert mint_outcome(ValidationError("x", http_status=422)) == "fatal"
    assert mint_outcome(DecodeError("x", http_status=200)) == "fatal"


def test_poll_failures() -> None:
    assert poll_outcome(AuthError("x", http_status=401)) == "auth"
    assert poll_outcome(RateLimitError("x", http_status=429)) == "retry"
    assert poll_outcome(ApiError("x", http_status=502)) == "retry"
    assert poll_outcome(NetworkError("x")) == "retry"
    assert poll_outcome(NotFoundError("x", http_status=404)) == "fatal"
    assert poll_outcome(DecodeError("x", http_status=200)) == "fatal"


# -- counters and buffers --------------------------------------------------------------


def test_the_authorization_counter_stops_at_its_limit_and_resets() -> None:
    counter = AuthCounter(3)
    assert not counter.fail()
    assert not counter.fail()
    counter.reset()
    assert not counter.fail()
    assert not counter.fail()
    assert counter.fail()


def test_delivered_ids_are_remembered_up_to_capacity() -> None:
    delivered = RecentIds(3)
    for i in range(1, 5):
        assert delivered.add(i)
    assert not delivered.add(4)
    assert 1 not in delivered
    assert {2, 3, 4} <= {i for i in range(5) if i in delivered}
    assert len(delivered) == 3


class _E:
    def __init__(self, id: int) -> None:
        self.id = id


def test_the_live_buffer_drops_its_oldest_by_count_and_by_bytes() -> None:
    buffer = LiveBuffer(max_events=2, max_bytes=100)
    for i in range(1, 4):
        buffer.push(_E(i), 10)
    assert buffer.take_evicted() == [1]
    assert buffer.take_evicted() == []
    buffer.push(_E(4), 95)  # over the byte limit: everything older goes
    assert buffer.take_evicted() == [2, 3]
    assert [e.id for e in buffer.take_all()] == [4]
    assert len(buffer) == 0


# -- filters, digests, identifiers -------------------------------------------------------


def test_the_srv1_digest() -> None:
    assert FeedFilters.of().digest() == "fe44a8cccd89edae"
    assert FeedFilters.of().key == "srv1-fe44a8cccd89edae"
    a = FeedFilters.of(types=["b.x", "a.y", "a.y"], buckets=[3, 1])
    b = FeedFilters.of(types=["a.y", "b.x"], buckets=[1, 3, 3])
    assert a.digest() == b.digest() != FeedFilters.of().digest()
    # performers and the like are not part of the srv1 digest
    assert FeedFilters.of(performers=["self"]).digest() == FeedFilters.of().digest()


def test_the_identifier_is_ordered_and_leaves_out_absent_filters() -> None:
    assert FeedFilters.of().identifier() == IDENT
    ident = FeedFilters.of(creators=[9], types=["todo.created"]).identifier()
    assert ident == '{"channel":"EventsChannel","types":"todo.created","creators":"9"}'


def test_inbox_filters() -> None:
    filters = InboxFilters.of(reasons=["pinged", "mentioned"], buckets=2)
    assert filters.query() == {"reasons": "mentioned,pinged", "buckets": "2"}
    with pytest.raises(UsageError):
        InboxFilters.of(reasons=["gossip"])


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "wss://cable.example.com/cable?ticket=t",
        "ws://localhost:8080/cable",
        "ws://127.0.0.1:1/cable",
        "ws://[::1]:1/cable",
    ],
)
def test_cable_urls_that_may_be_dialled(url: str) -> None:
    assert check_cable_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "ws://cable.example.com/cable",
        "https://x.example/cable",
        "wss:///cable",
        "",
        3,
        "wss://h:x/",
    ],
)
def test_cable_urls_that_may_not(url: object) -> None:
    with pytest.raises(CableUrlError):
        check_cable_url(url)


def test_redacted_urls_keep_no_query() -> None:
    assert redacted("wss://u:p@h.example/cable?ticket=secret") == "wss://h.example/cable?…"


@pytest.mark.parametrize(
    "url",
    [
        "https://3.basecampapi.com/1/events.json?position=p",
        "https://3.basecampapi.com:443/1/events.json",
        "HTTPS://3.BASECAMPAPI.COM/1/events.json",
    ],
)
def test_continuations_on_the_api_origin(url: str) -> None:
    assert check_same_origin(url, "https://3.basecampapi.com") == url


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/1/events.json",
        "http://3.basecampapi.com/1/events.json",
        "https://3.basecampapi.com:8443/1/events.json",
        "https://user@3.basecampapi.com/1/events.json",
        "/1/events.json",
        "javascript:alert(1)",
        None,
    ],
)
def test_continuations_off_the_api_origin(url: object) -> None:
    with pytest.raises(UnsafeLinkError):
        check_same_origin(url, "https://3.basecampapi.com")


# -- errors --------------------------------------------------------------------------------


def test_errors_carry_their_reason_and_survive_pickling() -> None:
    error = PositionMismatchError(
        "m", position_digest="a" * 16, filters_digest="b" * 16, since="42", http_status=409
    )
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.reason, copy.since, copy.position_digest) == ("position_mismatch", "42", "a" * 16)
    assert error.to_dict()["reason"] == "position_mismatch"
    stream = EventStreamError("gone", reason="subscription_rejected")
    assert "subscription_rejected" in repr(stream)


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("https://3.basecampapi.com", "https://3.basecampapi.com"),
        ("HTTPS://3.BasecampAPI.com:443", "https://3.basecampapi.com"),
        ("http://127.0.0.1:4040", "http://127.0.0.1:4040"),
    ],
)
def test_the_checkpoint_key_names_the_canonical_origin(base_url: str, origin: str) -> None:
    from basecamp_client import AsyncBasecamp

    client = AsyncBasecamp(access_token="t", user_agent="k (k@example.com)", base_url=base_url)
    stream = client.for_account(7).event_feed.stream(namespace="mailer", buckets=[2, 1])
    key = stream.checkpoint_key
    assert (key.origin, key.account_id, key.namespace) == (origin, 7, "mailer")
    assert key.filter_key == FeedFilters.of(buckets=[1, 2]).key
