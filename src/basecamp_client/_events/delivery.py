"""The live stream's bookkeeping, without I/O: what is queued for the consumer, in
order and each event once, the live events held back during a catch-up walk, the
durable position, and the loss signals put to ``on_loss``.

Two lanes fill the queue: poll pages (their events, then a :class:`~.signals.Save`
marker for their position) and live frames. The connector (:mod:`.connector`) feeds
it and hands out what :meth:`Delivery.next` returns; a position is saved only once
the events before it were handed out.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .._generated.models.feed_event import FeedEvent
from .errors import FeedGapError
from .machine import LiveBuffer, RecentIds, StreamSettings
from .signals import BufferOverflow, Item, LossHandler, LossSignal, Save, terminal


class Delivery:
    """The queue between the connector's lanes and the consumer."""

    __slots__ = ("_buffer", "_delivered", "_held", "_on_loss", "_queue", "position")

    def __init__(self, settings: StreamSettings, on_loss: LossHandler | None) -> None:
        self._queue: deque[Item] = deque()
        self._buffer = LiveBuffer(settings.buffer_capacity, settings.buffer_max_bytes)
        self._delivered = RecentIds(settings.dedupe_capacity)
        self._on_loss = on_loss
        #: The durable position: the last one handed out in a save marker (where a
        #: catch-up walk starts; ``None`` when the walk must start otherwise).
        self.position: str | None = None
        # A present entry's position, saved only after the replay of the live events
        # that arrived during the walk.
        self._held: str | None = None

    def next(self) -> Item | None:
        """The next event not handed out before, or a save marker that moves the
        position; ``None`` once the queue is empty."""
        queue = self._queue
        while queue:
            item = queue.popleft()
            if isinstance(item, Save):
                if item.position != self.position:
                    self.position = item.position
                    return item
                continue
            if item.id in self._delivered:
                continue  # a repeat does not refresh its place among the remembered
            self._delivered.add(item.id)
            return item
        return None

    def clear(self) -> None:
        """Drop what is queued (the stream stops: nothing more is saved or delivered)."""
        self._queue.clear()

    # -- the poll lane ----------------------------------------------------------------

    def begin_walk(self) -> None:
        """A catch-up walk starts: no position is held back yet."""
        self._held = None

    def add_page(self, entries: list[Any], position: str, *, present: bool) -> None:
        """Queue a poll page's events, then its position. After a present-class entry
        the position is held until the live events already received have been
        replayed (an event with a lower id that committed after the entry reaches us
        only live)."""
        self._queue.extend(entries)
        if present or self._held is not None:
            self._held = position
        else:
            self._queue.append(Save(position))

    def defer_save(self) -> None:
        """An overflow was accepted during the walk: the events the buffer kept go out
        before the last page's position is saved."""
        last = self._queue[-1] if self._queue else None
        if isinstance(last, Save):
            self._queue.pop()
            self._held = last.position

    def replay(self) -> None:
        """The walk reached the head: queue the live events held meanwhile, then the
        held position."""
        self._queue.extend(self._buffer.take_all())
        if self._held is not None:
            self._queue.append(Save(self._held))
            self._held = None

    # -- the live lane ----------------------------------------------------------------

    def hold(self, event: FeedEvent, size: int) -> None:
        """Keep a live event that arrived before streaming (unless already handed out)."""
        if event.id not in self._delivered:
            self._buffer.push(event, size)

    def live(self, event: FeedEvent) -> None:
        """Queue a live event that arrived while streaming."""
        self._queue.append(event)

    # -- losses -----------------------------------------------------------------------

    def check_overflow(self) -> bool:
        """Signal an overflow if there was one; True when it was accepted."""
        evicted = self._buffer.take_evicted()
        if evicted:
            self.loss(BufferOverflow(evicted_ids=tuple(evicted), count=len(evicted)), None)
        return bool(evicted)

    def loss(self, signal: LossSignal, cause: BaseException | None) -> None:
        """Ask the handler, once, whether to go on after a loss; raise unless accepted."""
        reason = "buffer_overflow" if isinstance(signal, BufferOverflow) else "feed_gap"
        answer = self._on_loss(signal) if self._on_loss is not None else None
        if answer == "accept":
            return
        what = (
            f"{signal.count} live events were dropped from a full buffer"
            if isinstance(signal, BufferOverflow)
            else "the history behind the position is gone"
        )
        if answer is None:
            what += " (no on_loss handler accepted it)"
        elif answer != "terminate":
            what += f" (on_loss answered {answer!r}, not 'accept')"
        if isinstance(cause, FeedGapError):
            cause.message = what
            cause.args = (what,)
            raise cause
        raise terminal(reason, what, cause)
