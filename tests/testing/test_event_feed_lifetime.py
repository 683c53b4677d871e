"""The account event feed lives and dies with its fake."""

from __future__ import annotations

import gc
import weakref

from basecamp_client.testing import FakeBasecamp


def test_a_dropped_fake_is_freed_after_its_event_feed_was_used() -> None:
    fake = FakeBasecamp()
    fake.event_feed.add_event("message.created")
    assert fake.event_feed is fake.event_feed
    store = weakref.ref(fake.store)
    del fake
    gc.collect()
    assert store() is None
