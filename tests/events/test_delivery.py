"""The stream's bookkeeping on its own (no socket, no clock): order, each event once, when
positions are saved, and what a loss leads to."""

from __future__ import annotations

from typing import Any

import pytest

from basecamp_client._events.delivery import Delivery
from basecamp_client._events.signals import Save
from basecamp_client.events import (
    BufferOverflow,
    EventStreamError,
    FeedGap,
    FeedGapError,
    LossSignal,
    StreamSettings,
)


class _E:
    def __init__(self, id: int) -> None:
        self.id = id


def _drain(delivery: Delivery) -> list[Any]:
    out: list[Any] = []
    while (item := delivery.next()) is not None:
        out.append(item.position if isinstance(item, Save) else item.id)
    return out


def _delivery(**settings: Any) -> tuple[Delivery, list[LossSignal]]:
    asked: list[LossSignal] = []

    def on_loss(signal: LossSignal) -> str:
        asked.append(signal)
        return "accept"

    return Delivery(StreamSettings(**settings), on_loss), asked


def test_a_page_goes_out_before_its_position_and_each_event_once() -> None:
    delivery, _ = _delivery()
    delivery.add_page([_E(1), _E(2)], "p2", present=False)
    delivery.hold(_E(2), 10)  # live, already queued by the page: replayed but not repeated
    delivery.hold(_E(3), 10)
    delivery.add_page([], "p2", present=False)  # the same position again: not saved twice
    delivery.replay()
    assert _drain(delivery) == [1, 2, "p2", 3]
    assert delivery.position == "p2"
    delivery.hold(_E(3), 10)  # handed out already: not held again
    delivery.replay()
    assert delivery.next() is None


def test_a_present_entry_holds_its_position_until_the_replay() -> None:
    delivery, _ = _delivery()
    delivery.begin_walk()
    delivery.add_page([_E(5)], "p5", present=True)
    delivery.hold(_E(4), 10)  # committed late with a lower id: it comes only live
    assert _drain(delivery) == [5]
    assert delivery.position is None
    delivery.replay()
    assert _drain(delivery) == [4, "p5"]


def test_an_accepted_overflow_defers_the_page_save_after_the_kept_events() -> None:
    delivery, asked = _delivery(buffer_capacity=1)
    delivery.add_page([_E(1)], "p1", present=False)
    delivery.hold(_E(2), 10)
    delivery.hold(_E(3), 10)  # the buffer holds one: 2 is dropped
    assert delivery.check_overflow()
    delivery.defer_save()
    assert asked == [BufferOverflow(evicted_ids=(2,), count=1)]
    assert _drain(delivery) == [1]
    delivery.replay()
    assert _drain(delivery) == [3, "p1"]
    assert not delivery.check_overflow()


def test_a_loss_not_accepted_ends_the_stream() -> None:
    delivery = Delivery(StreamSettings(buffer_capacity=1), lambda signal: "terminate")
    delivery.hold(_E(1), 10)
    delivery.hold(_E(2), 10)
    with pytest.raises(EventStreamError) as caught:
        delivery.check_overflow()
    assert caught.value.reason == "buffer_overflow"
    gap = FeedGapError("gone", epoch_after_id=9, resume=None)
    with pytest.raises(FeedGapError) as raised:
        Delivery(StreamSettings(), None).loss(FeedGap(epoch_after_id=9), gap)
    assert raised.value is gap
    assert "no on_loss handler accepted it" in gap.message


def test_clear_drops_what_is_queued() -> None:
    delivery, _ = _delivery()
    delivery.add_page([_E(1)], "p1", present=False)
    delivery.clear()
    assert delivery.next() is None
    assert delivery.position is None
