"""Remembering which events were handled, so a redelivered one is not handled twice.

Basecamp redelivers an event until it gets a 2xx (up to 10 times), and a slow answer
counts as a failure, so the same event can arrive again while the first delivery is
still being handled. An event therefore has three states in a :class:`SeenStore`:
unknown, *in flight* (claimed by one delivery, with a lease so a crashed worker does
not block it forever) and *seen* (its handlers succeeded; remembered for a window).

The store's methods are async so that a shared store (Redis, a database) can back
several worker processes; the in-memory default serves one process.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .._core.errors import UsageError


class Claim(enum.Enum):
    """What :meth:`SeenStore.claim` found."""

    CLAIMED = "claimed"  #: unknown before; now in flight for the caller
    IN_FLIGHT = "in_flight"  #: another delivery is handling it right now
    SEEN = "seen"  #: handled successfully within the window


@runtime_checkable
class SeenStore(Protocol):
    """Where deduplication state lives. Each method must be atomic for its key.

    A Redis implementation, for instance: ``claim`` is ``SET key in_flight NX PX lease``
    (and a ``GET`` to tell *seen* from *in flight* when that fails), ``mark_seen`` is
    ``SET key seen PX ttl``, ``release`` deletes the key only while it is ``in_flight``.
    """

    async def claim(self, key: str, *, lease: float) -> Claim:
        """Mark ``key`` in flight for ``lease`` seconds unless it is in flight or seen."""
        ...

    async def mark_seen(self, key: str, *, ttl: float) -> None:
        """Record ``key`` as handled, for ``ttl`` seconds."""
        ...

    async def release(self, key: str) -> None:
        """Forget an in-flight ``key`` (its handling failed), so a redelivery runs again."""
        ...


class MemorySeenStore:
    """A bounded in-process store: at most ``max_entries`` keys, oldest dropped first.

    Dropping a key early only weakens deduplication for that event (at-least-once
    delivery either way); it never loses an event.
    """

    def __init__(
        self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise UsageError(f"max_entries must be a positive integer, got {max_entries!r}")
        self._max = max_entries
        self._clock = clock
        # key -> (state, expires_at); insertion order approximates age.
        self._entries: OrderedDict[str, tuple[Claim, float]] = OrderedDict()
        # Threads may share one store (sync handlers, several event loops).
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    async def claim(self, key: str, *, lease: float) -> Claim:
        with self._lock:
            now = self._clock()
            self._drop_expired(now)
            entry = self._entries.get(key)
            if entry is not None and entry[1] > now:
                return Claim.SEEN if entry[0] is Claim.SEEN else Claim.IN_FLIGHT
            self._put(key, Claim.IN_FLIGHT, now + lease)
            return Claim.CLAIMED

    async def mark_seen(self, key: str, *, ttl: float) -> None:
        with self._lock:
            self._put(key, Claim.SEEN, self._clock() + ttl)

    async def release(self, key: str) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] is Claim.IN_FLIGHT:
                del self._entries[key]

    def _put(self, key: str, state: Claim, expires_at: float) -> None:
        self._entries[key] = (state, expires_at)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def _drop_expired(self, now: float) -> None:
        # Amortised: only the oldest entries are looked at, and only while expired.
        while self._entries:
            key, (_state, expires_at) = next(iter(self._entries.items()))
            if expires_at > now:
                return
            del self._entries[key]
