"""``account.event_feed``: the account's event feed and an agent's inbox, polled page
by page from a saved position, or streamed live (WebSocket) with catch-up and
checkpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .._core.errors import UsageError
from .checkpoints import CheckpointStore
from .filters import FeedFilters, InboxFilters, check_position, check_since
from .pages import FEED, INBOX, Lane
from .polling import (
    AsyncFeedPoll,
    AsyncInboxPoll,
    FeedPoll,
    InboxPoll,
    check_interval,
    check_max_pages,
)
from .stream import AsyncEventStream, EventStream, LossHandler, StreamSettings
from .walk import Walk

if TYPE_CHECKING:
    from .._core.runner import Runner
    from .._core.session import AccountSession

#: Seconds between polls at the head when following.
DEFAULT_INTERVAL = 30.0

Ids = list[int] | tuple[int, ...] | int
Words = list[str] | tuple[str, ...] | str
Performers = list[int | str] | tuple[int | str, ...] | int | str
Poll = TypeVar("Poll", AsyncFeedPoll, AsyncInboxPoll)


def _entry(position: object, since: object) -> tuple[str | None, str | None]:
    if position is not None and since is not None:
        raise UsageError("pass either position or since, not both")
    return check_position(position), check_since(since)


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{name} must be True or False, got {value!r}")
    return value


class AsyncEventFeedService:
    """The account's event feed and the calling agent's inbox."""

    __slots__ = ("_session",)

    def __init__(self, session: AccountSession) -> None:
        self._session = session

    def poll(
        self,
        *,
        position: str | None = None,
        since: int | str | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        creators: Ids | None = None,
        performers: Performers | None = None,
        exclude_performers: Performers | None = None,
        actor_types: Words | None = None,
        accept_gap: bool = False,
        follow: bool = False,
        interval: float = DEFAULT_INTERVAL,
        max_pages: int | None = None,
    ) -> AsyncFeedPoll:
        """Pages of the account feed, oldest first, from a saved ``position`` (or from
        ``since``: an event id, ``0`` for all the history kept, ``"now"``; neither means
        the present)::

            async for page in account.event_feed.poll(position=saved):
                for event in page.events:
                    ...
                saved = page.position  # only once the events are handled

        The walk ends once the server has nothing more right now, unless ``follow``
        keeps polling every ``interval`` seconds. A position issued for other filters
        raises :class:`PositionMismatchError` (start again with ``since=error.since``);
        lost history raises :class:`FeedGapError` unless ``accept_gap`` (then the walk
        goes on from the present and that page's ``gap`` is set). Filters: event
        ``types``, ``buckets``, ``creators``, ``performers`` / ``exclude_performers``
        (ids or ``"self"``) and ``actor_types`` (``"agent"``, ``"person"``).
        """
        pos, start = _entry(position, since)
        filters = FeedFilters.of(
            types=types,
            buckets=buckets,
            creators=creators,
            performers=performers,
            exclude_performers=exclude_performers,
            actor_types=actor_types,
        )
        return self._poll(
            AsyncFeedPoll,
            FEED,
            filters,
            pos,
            start,
            accept_gap=accept_gap,
            follow=follow,
            interval=interval,
            max_pages=max_pages,
        )

    def poll_inbox(
        self,
        *,
        position: str | None = None,
        since: int | str | None = None,
        reasons: Words | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        accept_gap: bool = False,
        follow: bool = False,
        interval: float = DEFAULT_INTERVAL,
        max_pages: int | None = None,
    ) -> AsyncInboxPoll:
        """Pages of the calling agent's inbox (only agents have one: 403 otherwise), each
        item an addressing of the agent, duplicates by ``addressing_id`` dropped.
        ``since``: an item id, ``0`` for the oldest item kept, ``"now"``. Filters:
        ``reasons`` (``mentioned``, ``assigned``, ``subscribed``, ``watched``,
        ``pinged``, ``boosted``), ``types``, ``buckets``. Otherwise as :meth:`poll`;
        inbox positions and feed positions are not interchangeable.
        """
        pos, start = _entry(position, since)
        filters = InboxFilters.of(reasons=reasons, types=types, buckets=buckets)
        return self._poll(
            AsyncInboxPoll,
            INBOX,
            filters,
            pos,
            start,
            accept_gap=accept_gap,
            follow=follow,
            interval=interval,
            max_pages=max_pages,
        )

    def _poll(
        self,
        poll: type[Poll],
        lane: Lane,
        filters: FeedFilters | InboxFilters,
        position: str | None,
        since: str | None,
        *,
        accept_gap: bool,
        follow: bool,
        interval: float,
        max_pages: int | None,
    ) -> Poll:
        """What :meth:`poll` and :meth:`poll_inbox` share: a walk over ``lane`` and the
        iterator over it, the options checked."""
        walk = Walk(self._session, lane, filters.query(), position=position, since=since)
        return poll(
            walk,
            clock=self._session.core.clock,
            accept_gap=_check_flag("accept_gap", accept_gap),
            follow=_check_flag("follow", follow),
            interval=check_interval(interval),
            max_pages=check_max_pages(max_pages),
            position=position,
        )

    def stream(
        self,
        *,
        checkpoints: CheckpointStore | None = None,
        namespace: str = "default",
        position: str | None = None,
        since: int | str | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        creators: Ids | None = None,
        on_loss: LossHandler | None = None,
        on_checkpoint_error: Callable[[BaseException], object] | None = None,
        settings: StreamSettings | None = None,
    ) -> AsyncEventStream:
        """The account's events as they happen, over a WebSocket, with catch-up from
        the saved position (asyncio only)::

            async with account.event_feed.stream(checkpoints=store) as events:
                async for event in events:
                    ...

        Each connection gets a fresh ticket; every (re)connection first walks the feed
        from the durable position, then replays what arrived live meanwhile (each
        event once), then streams. Positions are saved to ``checkpoints`` (under
        ``namespace`` and the filters) only after the events before them were handed
        out. Without a store, ``position``/``since`` say where to start (neither: the
        present). Lost history or a live-buffer overflow goes to ``on_loss``, which
        returns ``"accept"`` or ``"terminate"``; without it both end the stream.
        Filters: ``types``, ``buckets``, ``creators``. Terminal failures raise
        :class:`EventStreamError` (or another :class:`EventFeedError`) with a ``reason``.
        """
        pos, start = _entry(position, since)
        filters = FeedFilters.of(types=types, buckets=buckets, creators=creators)
        return AsyncEventStream(
            self._session,
            filters,
            checkpoints=checkpoints,
            namespace=namespace,
            position=pos,
            since=start,
            on_loss=on_loss,
            on_checkpoint_error=on_checkpoint_error,
            settings=settings,
        )


class EventFeedService:
    """The sync twin of :class:`AsyncEventFeedService`."""

    __slots__ = ("_a", "_runner")

    def __init__(self, async_service: AsyncEventFeedService, runner: Runner) -> None:
        self._a = async_service
        self._runner = runner

    def poll(
        self,
        *,
        position: str | None = None,
        since: int | str | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        creators: Ids | None = None,
        performers: Performers | None = None,
        exclude_performers: Performers | None = None,
        actor_types: Words | None = None,
        accept_gap: bool = False,
        follow: bool = False,
        interval: float = DEFAULT_INTERVAL,
        max_pages: int | None = None,
    ) -> FeedPoll:
        """Pages of the account feed: ``for page in account.event_feed.poll(…)``
        (see :meth:`AsyncEventFeedService.poll`)."""
        return FeedPoll(
            self._a.poll(
                position=position,
                since=since,
                types=types,
                buckets=buckets,
                creators=creators,
                performers=performers,
                exclude_performers=exclude_performers,
                actor_types=actor_types,
                accept_gap=accept_gap,
                follow=follow,
                interval=interval,
                max_pages=max_pages,
            ),
            self._runner,
        )

    def poll_inbox(
        self,
        *,
        position: str | None = None,
        since: int | str | None = None,
        reasons: Words | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        accept_gap: bool = False,
        follow: bool = False,
        interval: float = DEFAULT_INTERVAL,
        max_pages: int | None = None,
    ) -> InboxPoll:
        """Pages of the calling agent's inbox (see :meth:`AsyncEventFeedService.poll_inbox`)."""
        return InboxPoll(
            self._a.poll_inbox(
                position=position,
                since=since,
                reasons=reasons,
                types=types,
                buckets=buckets,
                accept_gap=accept_gap,
                follow=follow,
                interval=interval,
                max_pages=max_pages,
            ),
            self._runner,
        )

    def stream(
        self,
        *,
        checkpoints: CheckpointStore | None = None,
        namespace: str = "default",
        position: str | None = None,
        since: int | str | None = None,
        types: Words | None = None,
        buckets: Ids | None = None,
        creators: Ids | None = None,
        on_loss: LossHandler | None = None,
        on_checkpoint_error: Callable[[BaseException], object] | None = None,
        settings: StreamSettings | None = None,
    ) -> EventStream:
        """The live stream, from sync code: ``with account.event_feed.stream(…) as
        events: for event in events: …`` (see :meth:`AsyncEventFeedService.stream`;
        the connector runs on the client's event loop thread)."""
        return EventStream(
            self._a.stream(
                checkpoints=checkpoints,
                namespace=namespace,
                position=position,
                since=since,
                types=types,
                buckets=buckets,
                creators=creators,
                on_loss=on_loss,
                on_checkpoint_error=on_checkpoint_error,
                settings=settings,
            ),
            self._runner,
        )
