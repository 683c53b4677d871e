"""The live stream: ``async for event in account.event_feed.stream(…)``.

What the consumer sees is an async iterator of events, each handed out once. Behind
it, :class:`~.connector.Connector` runs the protocol (mint, dial, subscribe, confirm,
catch up, replay, stream, reconnect); this module adds the delivery order and the
checkpoints: a poll page's position is saved only when the consumer asks for the event
after that page's last one, i.e. once the page has been handled.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING

import sniffio

from .._core.errors import UsageError
from .._core.links import origin
from .._generated.models.feed_event import FeedEvent
from .checkpoints import (
    CheckpointKey,
    CheckpointStore,
    check_namespace,
    check_store,
    save_position,
)
from .connector import Connector
from .errors import EventStreamError
from .filters import FeedFilters
from .machine import State, StreamSettings
from .signals import BufferOverflow, FeedGap, LossHandler, LossSignal, Save

if TYPE_CHECKING:
    from .._core.runner import Runner
    from .._core.session import AccountSession

_log = logging.getLogger("basecamp_client.events")


def _canonical_origin(base_url: str) -> str:
    """``scheme://host[:port]``, lower case, without a default port: the same API origin
    always names the same checkpoint."""
    scheme, host, port = origin(base_url)
    return f"{scheme}://{host or ''}" + (f":{port}" if port is not None else "")


class AsyncEventStream:
    """Live events of the account, each once, oldest first within each lane.

    Use it as ``async with account.event_feed.stream(…) as events: async for event in
    events: …`` (the block closes the socket). It can be iterated once. ``position`` is
    the last position saved (or that would have been, without a store); ``state`` is
    where the connector is.
    """

    __slots__ = (
        "_checkpoint_error",
        "_connector",
        "_consumed",
        "_key",
        "_position",
        "_store",
    )

    def __init__(
        self,
        session: AccountSession,
        filters: FeedFilters,
        *,
        checkpoints: CheckpointStore | None,
        namespace: str,
        position: str | None,
        since: str | None,
        on_loss: LossHandler | None,
        on_checkpoint_error: Callable[[BaseException], object] | None,
        settings: StreamSettings | None,
    ) -> None:
        if settings is not None and not isinstance(settings, StreamSettings):
            raise UsageError("settings must be a StreamSettings")
        if on_loss is not None and not callable(on_loss):
            raise UsageError("on_loss must be a function taking the loss signal")
        if on_checkpoint_error is not None and not callable(on_checkpoint_error):
            raise UsageError("on_checkpoint_error must be a function taking the error")
        self._store = check_store(checkpoints)
        self._key = CheckpointKey(
            origin=_canonical_origin(session.core.config.base_url),
            account_id=session.account_id,
            namespace=check_namespace(namespace),
            filter_key=filters.key,
        )
        self._checkpoint_error = on_checkpoint_error
        self._position = position
        self._consumed = False
        self._connector = Connector(
            session,
            filters,
            settings=settings if settings is not None else StreamSettings(),
            store=self._store,
            key=self._key,
            position=position,
            since=since,
            on_loss=on_loss,
        )

    def __repr__(self) -> str:
        return f"<AsyncEventStream {self._connector.state.value}>"

    @property
    def state(self) -> State:
        return self._connector.state

    @property
    def position(self) -> str | None:
        """The latest position of a handled poll page (what a restart resumes from)."""
        return self._position

    @property
    def checkpoint_key(self) -> CheckpointKey:
        """Where this stream's position is stored."""
        return self._key

    @property
    def connections(self) -> int:
        """How many connection attempts were made (each with a fresh ticket)."""
        return self._connector.attempts

    # -- iteration ----------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[FeedEvent]:
        if self._consumed:
            raise EventStreamError(
                "this stream was already iterated; create a new one with event_feed.stream()",
                reason="usage",
            )
        self._consumed = True
        return self

    async def __anext__(self) -> FeedEvent:
        try:
            library = sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            library = "unknown"
        if library != "asyncio":
            raise UsageError(
                f"the live stream runs on asyncio only (this is {library}); poll the feed "
                "with event_feed.poll(follow=True) instead"
            )
        connector = self._connector
        while True:
            item = await connector.next_item()
            if item is None:
                raise StopAsyncIteration
            if isinstance(item, Save):
                await self._save(item.position)
                continue
            return item

    async def _save(self, position: str) -> None:
        # The in-memory position is authoritative; a failed save is reported and the
        # stream goes on (the next page's save tries again).
        self._position = position
        if self._store is None:
            return
        try:
            await save_position(self._store, self._key, position)
        except Exception as exc:
            _log.warning("saving the event feed position failed: %s", type(exc).__name__)
            handler = self._checkpoint_error
            if handler is not None:
                try:
                    handler(exc)
                except Exception:
                    _log.exception("on_checkpoint_error raised")

    async def aclose(self) -> None:
        """Close the socket and stop (idempotent)."""
        await self._connector.close()

    async def __aenter__(self) -> AsyncEventStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class EventStream:
    """The sync twin of :class:`AsyncEventStream`: ``with account.event_feed.stream(…)
    as events: for event in events: …``. The connector runs on the client's event loop
    thread; each event is fetched through it."""

    __slots__ = ("_a", "_runner")

    def __init__(self, async_stream: AsyncEventStream, runner: Runner) -> None:
        self._a = async_stream
        self._runner = runner

    def __repr__(self) -> str:
        return repr(self._a).replace("AsyncEventStream", "EventStream")

    @property
    def state(self) -> State:
        return self._a.state

    @property
    def position(self) -> str | None:
        return self._a.position

    @property
    def checkpoint_key(self) -> CheckpointKey:
        return self._a.checkpoint_key

    @property
    def connections(self) -> int:
        return self._a.connections

    def __iter__(self) -> Iterator[FeedEvent]:
        self._a.__aiter__()  # refuses a second iteration
        return self

    def __next__(self) -> FeedEvent:
        try:
            return self._runner.run(self._a.__anext__)
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        try:
            self._runner.run(self._a.aclose)
        except UsageError:
            pass  # the client was closed meanwhile: its loop took the socket down

    def __enter__(self) -> EventStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = [
    "AsyncEventStream",
    "BufferOverflow",
    "EventStream",
    "FeedGap",
    "LossHandler",
    "LossSignal",
    "StreamSettings",
]
