"""The in-memory seen-store: claims, leases, the window, the bound."""

from __future__ import annotations

import pytest

from basecamp_client import UsageError
from basecamp_client.webhooks import Claim, MemorySeenStore, SeenStore

pytestmark = pytest.mark.anyio


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_claim_then_seen_then_window_expiry() -> None:
    clock = Clock()
    store = MemorySeenStore(clock=clock)
    assert isinstance(store, SeenStore)
    assert await store.claim("1", lease=60) is Claim.CLAIMED
    assert await store.claim("1", lease=60) is Claim.IN_FLIGHT
    await store.mark_seen("1", ttl=1000)
    assert await store.claim("1", lease=60) is Claim.SEEN
    clock.now = 999
    assert await store.claim("1", lease=60) is Claim.SEEN
    clock.now = 1001
    assert await store.claim("1", lease=60) is Claim.CLAIMED


async def test_release_and_lease_expiry() -> None:
    clock = Clock()
    store = MemorySeenStore(clock=clock)
    assert await store.claim("1", lease=60) is Claim.CLAIMED
    await store.release("1")
    assert await store.claim("1", lease=60) is Claim.CLAIMED
    clock.now = 61  # the worker holding it died: the lease lapses
    assert await store.claim("1", lease=60) is Claim.CLAIMED
    await store.mark_seen("1", ttl=100)
    await store.release("1")  # releasing a seen event does not forget it
    assert await store.claim("1", lease=60) is Claim.SEEN


async def test_bounded() -> None:
    clock = Clock()
    store = MemorySeenStore(max_entries=3, clock=clock)
    for key in "abcd":
        await store.claim(key, lease=10)
        await store.mark_seen(key, ttl=100)
    assert len(store) == 3
    assert await store.claim("a", lease=10) is Claim.CLAIMED  # the oldest was dropped
    assert await store.claim("d", lease=10) is Claim.SEEN
    clock.now = 500
    await store.claim("e", lease=10)
    assert len(store) == 1  # expired entries are dropped as new ones arrive


def test_bound_is_validated() -> None:
    with pytest.raises(UsageError):
        MemorySeenStore(max_entries=0)
