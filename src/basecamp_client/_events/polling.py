"""Polling the account feed or an agent's inbox: an async iterator of pages.

``async for page in account.event_feed.poll(position=saved): handle(page.events);
save(page.position)`` — the position comes with the page, so saving it after the
handling is the natural order. The walk ends at the head (no ``next``), unless
``follow=True`` keeps polling every ``interval`` seconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._core.errors import UsageError
from .errors import FeedGapError
from .machine import RecentIds
from .pages import FeedPage, Gap, InboxFeedPage, RawPage
from .walk import Walk

if TYPE_CHECKING:
    from .._core.clock import Clock
    from .._core.runner import Runner

P = TypeVar("P", FeedPage, InboxFeedPage)

#: Ids remembered to drop repeats (events by id, inbox items by addressing id).
SEEN_CAPACITY = 10_000
#: 410 answers in a row (each accepted) before giving up: a resume URL that is itself
#: gone again and again is a broken server, not a gap.
MAX_GAPS_IN_A_ROW = 3
#: The shortest wait between polls at the head with ``follow=True``.
MIN_INTERVAL = 1.0


def check_interval(interval: object) -> float:
    if isinstance(interval, bool) or not isinstance(interval, (int, float)):
        raise UsageError(f"interval must be a number of seconds, got {interval!r}")
    if not MIN_INTERVAL <= interval <= 24 * 3600:
        raise UsageError(f"interval must be between {MIN_INTERVAL:g} and 86400 seconds")
    return float(interval)


def check_max_pages(max_pages: object) -> int | None:
    if max_pages is None:
        return None
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise UsageError(f"max_pages must be a positive integer, got {max_pages!r}")
    return max_pages


class _AsyncPoll(Generic[P]):
    __slots__ = (
        "_accept_gap",
        "_at_head",
        "_clock",
        "_done",
        "_follow",
        "_gaps",
        "_interval",
        "_last_position",
        "_max_pages",
        "_pages",
        "_running",
        "_seen",
        "_walk",
    )

    def __init__(
        self,
        walk: Walk,
        *,
        clock: Clock,
        accept_gap: bool,
        follow: bool,
        interval: float,
        max_pages: int | None,
        position: str | None = None,
    ) -> None:
        self._walk = walk
        self._clock = clock
        self._accept_gap = accept_gap
        self._follow = follow
        self._interval = interval
        self._max_pages = max_pages
        self._pages = 0
        self._gaps = 0
        self._at_head = False
        self._done = False
        self._running = False
        # Entering at a saved position: a first page that neither brings events nor moves
        # the position is not worth handing out.
        self._last_position: str | None = position
        self._seen = RecentIds(SEEN_CAPACITY)

    def __repr__(self) -> str:
        state = "done" if self._done else f"{self._pages} pages"
        return f"<{type(self).__name__} {state}>"

    @property
    def position(self) -> str | None:
        """The position of the last page handed out (before the first: the position the
        poll started from, if any)."""
        return self._last_position

    def __aiter__(self) -> AsyncIterator[P]:
        return self

    def _page(self, entries: list[Any], raw: RawPage, gap: Gap | None) -> P:
        raise NotImplementedError

    async def __anext__(self) -> P:
        if self._done:
            raise StopAsyncIteration
        if self._running:
            raise UsageError("this poll is already being read by another task")
        self._running = True
        try:
            return await self._next()
        except BaseException:
            self._done = True
            raise
        finally:
            self._running = False

    async def _next(self) -> P:
        walk = self._walk
        gap: Gap | None = None
        while True:
            if self._max_pages is not None and self._pages >= self._max_pages:
                self._done = True
                raise StopAsyncIteration
            if self._at_head:
                if not self._follow:
                    self._done = True
                    raise StopAsyncIteration
                await self._clock.sleep(self._interval)
            try:
                raw = await walk.fetch()
            except FeedGapError as exc:
                if not self._accept_gap:
                    raise
                self._gaps += 1
                if exc.resume is None or self._gaps > MAX_GAPS_IN_A_ROW:
                    raise
                walk.follow_resume(exc.resume)  # refuses a foreign URL before any request
                gap = Gap(epoch_after_id=exc.epoch_after_id)
                self._at_head = False
                continue
            self._gaps = 0
            self._at_head = raw.next is None
            fresh = [e for e in raw.entries if self._seen.add(walk.lane.key(e))]
            quiet = not fresh and raw.position == self._last_position and gap is None
            if quiet and self._at_head:
                continue  # nothing new at the head: nothing to hand out or save
            self._pages += 1
            self._last_position = raw.position
            return self._page(fresh, raw, gap)


class AsyncFeedPoll(_AsyncPoll[FeedPage]):
    """Pages of the account feed: ``async for page in account.event_feed.poll(…)``."""

    __slots__ = ()

    def _page(self, entries: list[Any], raw: RawPage, gap: Gap | None) -> FeedPage:
        return FeedPage(events=entries, position=raw.position, more=raw.next is not None, gap=gap)


class AsyncInboxPoll(_AsyncPoll[InboxFeedPage]):
    """Pages of an agent's inbox: ``async for page in account.event_feed.poll_inbox(…)``."""

    __slots__ = ()

    def _page(self, entries: list[Any], raw: RawPage, gap: Gap | None) -> InboxFeedPage:
        return InboxFeedPage(
            items=entries, position=raw.position, more=raw.next is not None, gap=gap
        )


class _SyncPoll(Generic[P]):
    __slots__ = ("_a", "_runner")
    _a: _AsyncPoll[P]

    def __init__(self, async_poll: _AsyncPoll[P], runner: Runner) -> None:
        self._a = async_poll
        self._runner = runner

    def __repr__(self) -> str:
        return repr(self._a).replace("Async", "")

    @property
    def position(self) -> str | None:
        return self._a.position

    def __iter__(self) -> Iterator[P]:
        return self

    def __next__(self) -> P:
        try:
            return self._runner.run(self._a.__anext__)
        except StopAsyncIteration:
            raise StopIteration from None


class FeedPoll(_SyncPoll[FeedPage]):
    """The sync twin of :class:`AsyncFeedPoll`: ``for page in account.event_feed.poll(…)``."""

    __slots__ = ()


class InboxPoll(_SyncPoll[InboxFeedPage]):
    """The sync twin of :class:`AsyncInboxPoll`."""

    __slots__ = ()


__all__ = [
    "AsyncFeedPoll",
    "AsyncInboxPoll",
    "FeedPoll",
    "InboxPoll",
]
