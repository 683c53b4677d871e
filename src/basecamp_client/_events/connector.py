"""The live stream's connector: the protocol's sequence, one step at a time.

mint → dial → welcome → subscribe → confirmation → catch-up walk from the durable
position → replay of what arrived live meanwhile → streaming (with a repair walk every
minute or so) → on any failure, tear the attempt down, back off and start again with a
new ticket. Decisions come from :mod:`.machine`; what is queued for the consumer, the
held-back live events and the durable position are :mod:`.delivery`'s; waits go
through the client's clock.

The connector only moves when the consumer asks for the next item (delivery is serial):
:meth:`Connector.next_item` returns an event, a :class:`Save` marker (after the events
of a poll page), or ``None`` once closed. Terminal failures raise typed errors.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from .._core.errors import BasecampError, DecodeError
from .._generated.models.feed_event import FeedEvent
from .._generated.services.events import AsyncEventsService
from .cable import CableConnection, CableUrlError, DialError, check_cable_url, dial
from .checkpoints import CheckpointKey, CheckpointStore, load_position
from .delivery import Delivery
from .errors import (
    EventFeedError,
    FeedGapError,
    InvalidPositionError,
    PollStalledError,
    PositionMismatchError,
)
from .filters import FeedFilters
from .machine import (
    AuthCounter,
    BadFrame,
    Frame,
    State,
    StreamSettings,
    disconnect_outcome,
    full_jitter,
    mint_outcome,
    parse_frame,
    poll_outcome,
    reconnect_delay,
    repair_delay,
    subscribe_command,
)
from .pages import FEED, decode_live_event
from .signals import FeedGap, Item, LossHandler, Teardown, terminal
from .waiting import wait_until
from .walk import Walk

if TYPE_CHECKING:
    from .._core.session import AccountSession

_log = logging.getLogger("basecamp_client.events")

#: Re-entries in a row (409, a refused position, or a 410's resume) before the stream
#: gives up.
MAX_REENTRIES = 3


class Connector:
    """The protocol driver behind :class:`~.stream.AsyncEventStream`."""

    def __init__(
        self,
        session: AccountSession,
        filters: FeedFilters,
        *,
        settings: StreamSettings,
        store: CheckpointStore | None,
        key: CheckpointKey,
        position: str | None,
        since: str | None,
        on_loss: LossHandler | None,
    ) -> None:
        self._events = AsyncEventsService(session)
        self._core = session.core
        self._clock = session.core.clock
        self._random = session.core.random
        self._settings = settings
        self._filters = filters
        self._store = store
        self._key = key
        self._start_position = position
        self._since = since
        self.state = State.IDLE
        self.attempts = 0
        self._walk = Walk(session, FEED, filters.query(), position=None, since="now")
        self._delivery = Delivery(settings, on_loss)
        self._auth = AuthCounter(settings.auth_failure_limit)
        self._failures = 0  # failed connection cycles in a row
        self._poll_failures = 0
        self._reentries = 0
        self._retry_after: float | None = None
        self._conn: CableConnection | None = None
        self._identifier = ""
        self._deadline = 0.0
        self._last_frame = 0.0
        self._resumed_at = 0.0
        self._repair_at = 0.0
        self._error: BaseException | None = None

    # -- what the stream asks for -------------------------------------------------------

    async def next_item(self) -> Item | None:
        """The next event or save marker; ``None`` once closed."""
        if self._error is not None:
            raise self._error
        self._resumed_at = self._clock.now()
        while True:
            item = self._delivery.next()
            if item is not None:
                return item
            if self.state is State.CLOSED:
                return None
            try:
                await self._step()
            except Teardown as why:
                await self._teardown(why)
            except BaseException as exc:
                await self._stop(exc)
                raise

    async def close(self) -> None:
        await self._disconnect()
        self._delivery.clear()
        self.state = State.CLOSED

    async def _stop(self, exc: BaseException) -> None:
        """A terminal failure (or cancellation): nothing more is saved or delivered."""
        self._delivery.clear()
        await self._disconnect()
        if isinstance(exc, Exception):
            self._error = exc
            self.state = State.TERMINAL
        else:
            self.state = State.CLOSED

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close(self._settings.close_timeout)

    async def _teardown(self, why: Teardown) -> None:
        """End the attempt (reader, socket, timers), then back off."""
        _log.info("event stream: reconnecting (%s)", why.why)
        await self._disconnect()
        self._failures += 1
        self._poll_failures = 0
        self._retry_after = why.retry_after
        self.state = State.BACKOFF

    # -- the steps ----------------------------------------------------------------------

    async def _step(self) -> None:
        state = self.state
        if state is State.IDLE:
            await self._start()
        elif state is State.BACKOFF:
            delay = reconnect_delay(self._failures, self._settings, self._random, self._retry_after)
            self._retry_after = None
            await self._clock.sleep(delay)
            self.state = State.MINTING
        elif state is State.MINTING:
            await self._mint_and_dial()
        elif state is State.AWAITING_WELCOME:
            await self._await_welcome()
        elif state is State.AWAITING_CONFIRMATION:
            await self._await_confirmation()
        elif state is State.CATCHING_UP:
            await self._catch_up()
        elif state is State.DRAINING:
            await self._drain()
        elif state is State.STREAMING:
            await self._stream()
        else:  # pragma: no cover - TERMINAL and CLOSED never step
            raise AssertionError(state)

    async def _start(self) -> None:
        loaded: str | None = None
        if self._store is not None:
            try:
                loaded = await load_position(self._store, self._key)
            except Exception as exc:
                raise terminal(
                    "checkpoint_load",
                    f"loading the saved position failed ({type(exc).__name__}); nothing was sent",
                ) from exc
        self._delivery.position = loaded if loaded is not None else self._start_position
        self.state = State.MINTING

    async def _mint_and_dial(self) -> None:
        self.attempts += 1
        try:
            ticket = await self._events.create_stream_ticket()
        except BasecampError as exc:
            outcome = mint_outcome(exc)
            if outcome == "fatal":
                raise terminal(
                    "mint_failed", f"minting a stream ticket failed: {exc}", exc
                ) from exc
            if outcome == "auth":
                self._count_auth_failure(exc)
            raise Teardown(
                f"the mint failed ({exc.code})", retry_after=self._server_wait(exc)
            ) from None
        url = ticket.url
        if not isinstance(url, str) or not isinstance(ticket.ticket, str) or not ticket.ticket:
            raise terminal("mint_failed", "the stream ticket answer is malformed")
        try:
            check_cable_url(url)
        except CableUrlError as exc:
            raise terminal("invalid_cable_url", str(exc)) from None
        self.state = State.CONNECTING
        deadline = self._clock.now() + self._settings.handshake_timeout
        try:
            conn = await wait_until(
                self._clock,
                deadline,
                dial(
                    url,
                    settings=self._settings,
                    user_agent=self._core.config.full_user_agent,
                    ssl_context=self._core.config.ssl_context,
                ),
            )
        except CableUrlError as exc:
            raise terminal("invalid_cable_url", str(exc)) from None
        except DialError as exc:
            raise Teardown(str(exc)) from None
        if conn is None:
            raise Teardown("the connection took too long")
        self._conn = conn
        self._identifier = self._filters.identifier()  # once per connection: resends match
        self._deadline = deadline
        self._last_frame = self._clock.now()
        self.state = State.AWAITING_WELCOME

    async def _await_welcome(self) -> None:
        frame = await self._frame(self._deadline, "no welcome in time")
        if frame.kind == "welcome":
            await self._subscribe()
            self._deadline = self._clock.now() + self._settings.confirmation_timeout
            self.state = State.AWAITING_CONFIRMATION
        elif frame.kind == "disconnect":
            self._disconnected(frame)

    async def _subscribe(self) -> None:
        assert self._conn is not None
        try:
            await self._conn.send(subscribe_command(self._identifier))
        except DialError as exc:
            raise Teardown(str(exc)) from None

    async def _await_confirmation(self) -> None:
        stale = max(self._last_frame, self._resumed_at) + self._settings.staleness
        frame = await self._frame(min(self._deadline, stale), "no confirmation in time")
        kind = frame.kind
        if kind == "confirm":
            self._reentries = 0
            self._enter_walk()
            self.state = State.CATCHING_UP
        elif kind == "reject":
            raise terminal("subscription_rejected", "the server rejected the subscription")
        elif kind == "welcome":
            await self._subscribe()  # the identical command again
        elif kind == "message":
            self._buffer_event(frame)
        elif kind == "disconnect":
            self._disconnected(frame)

    def _enter_walk(self) -> None:
        """Start a catch-up walk from the durable position (or where the stream began)."""
        position = self._delivery.position
        if position is not None:
            self._walk.enter(position=position)
        elif self._walk.served_max is not None:
            self._walk.enter(since=str(self._walk.served_max))
        else:
            self._walk.enter(since=self._since)
        self._delivery.begin_walk()

    # -- polling ------------------------------------------------------------------------

    async def _catch_up(self) -> None:
        walk = self._walk
        present = walk.present_entry
        try:
            page = await walk.fetch()
        except (PositionMismatchError, InvalidPositionError) as exc:
            self._count_reentry(exc, "the position was refused again")
            walk.enter(since=exc.since)
            self._delivery.position = None
            return
        except FeedGapError as exc:
            # Counted before asking on_loss: a resume URL that is itself gone would
            # otherwise be followed (and the handler asked) without end.
            self._count_reentry(exc, "the history was gone again after a resume")
            self._delivery.loss(FeedGap(epoch_after_id=exc.epoch_after_id), exc)
            if exc.resume is None:
                raise terminal("feed_gap", "the gap answer has no resume URL", exc) from None
            walk.follow_resume(exc.resume)  # InvalidContinuationError if foreign
            self._delivery.position = None
            return
        except PollStalledError as exc:
            raise terminal("poll_failed", str(exc), exc) from None
        except EventFeedError:
            raise  # refused filters, a foreign continuation: terminal as they are
        except BasecampError as exc:
            await self._poll_failed(exc)
            return
        self._auth.reset()
        self._poll_failures = 0
        self._reentries = 0
        self._delivery.add_page(page.entries, page.position, present=present)
        if page.next is None:
            self.state = State.DRAINING
        # Frames that came meanwhile: a disconnect among them still lets this page go
        # out (and be saved) before the reconnect; an overflow the handler refuses ends
        # the stream before anything more is saved.
        self._take_ready_frames()
        if self._delivery.check_overflow():
            self._delivery.defer_save()

    async def _poll_failed(self, exc: BasecampError) -> None:
        outcome = poll_outcome(exc)
        if outcome == "fatal":
            if isinstance(exc, DecodeError):
                raise terminal("poll_failed", f"a poll page could not be read: {exc}", exc)
            raise terminal("poll_failed", f"polling failed: {exc}", exc)
        if outcome == "auth":
            self._count_auth_failure(exc)
            raise Teardown(f"a poll was refused ({exc.code})")
        self._poll_failures += 1
        delay = self._server_wait(exc)
        if delay is None:
            delay = full_jitter(
                self._poll_failures,
                base=self._settings.backoff_base,
                cap=self._settings.backoff_cap,
                random=self._random,
            )
        await self._clock.sleep(delay)  # then the same request again, in place

    async def _drain(self) -> None:
        """Replay what arrived live during the walk, then stream."""
        self._take_ready_frames()  # the one bounded pass over frames already here
        self._delivery.check_overflow()
        self._delivery.replay()
        self._failures = 0
        self._repair_at = self._clock.now() + repair_delay(self._settings, self._random)
        self.state = State.STREAMING

    async def _stream(self) -> None:
        stale = max(self._last_frame, self._resumed_at) + self._settings.staleness
        deadline = min(stale, self._repair_at)
        frame = await self._frame(deadline, None)
        kind = frame.kind
        if kind == "timeout":
            if self._clock.now() >= stale:
                raise Teardown("no frame for too long: the socket is dead")
            self._enter_walk()  # the repair walk, from the durable position
            self.state = State.CATCHING_UP
        elif kind == "message":
            self._delivery.live(self._decode(frame))
        elif kind == "reject":
            raise terminal("subscription_rejected", "the server rejected the subscription")
        elif kind == "disconnect":
            self._disconnected(frame)

    # -- frames -------------------------------------------------------------------------

    async def _frame(self, deadline: float, late: str | None) -> Frame:
        """The next frame, or a ``timeout`` frame (``late`` set: a teardown) at
        ``deadline``. Closed sockets and bad frames tear the attempt down."""
        conn = self._conn
        assert conn is not None
        item = await wait_until(self._clock, deadline, conn.frames.get(), ready=conn.frames)
        if item is None:
            if late is not None:
                raise Teardown(late)
            return _TIMEOUT
        return self._read(item)

    def _read(self, item: tuple[str, Any]) -> Frame:
        kind, data = item
        if kind == "closed":
            raise Teardown("the server closed the socket")
        if kind == "error":
            raise Teardown(f"the socket failed: {data}")
        self._last_frame = self._clock.now()
        try:
            return parse_frame(data, self._identifier)
        except BadFrame as exc:
            raise Teardown(str(exc)) from None

    def _take_ready_frames(self) -> None:
        """Frames already received (never waiting): events to the buffer, control frames
        acted on. Bounded by the read-ahead queue."""
        conn = self._conn
        if conn is None:
            return
        for _ in range(self._settings.read_ahead_frames + 1):
            try:
                item = conn.frames.get_nowait()
            except asyncio.QueueEmpty:
                return
            frame = self._read(item)
            if frame.kind == "message":
                self._buffer_event(frame)
            elif frame.kind == "disconnect":
                self._disconnected(frame)
            elif frame.kind == "reject":
                raise terminal("subscription_rejected", "the server rejected the subscription")

    def _decode(self, frame: Frame) -> FeedEvent:
        try:
            return decode_live_event(frame.payload)
        except (DecodeError, ValueError, TypeError) as exc:
            raise Teardown(f"a live event could not be decoded ({type(exc).__name__})") from None

    def _buffer_event(self, frame: Frame) -> None:
        self._delivery.hold(self._decode(frame), frame.size)

    def _disconnected(self, frame: Frame) -> None:
        reason = frame.payload or ""
        outcome = disconnect_outcome(reason)
        if outcome == "fatal":
            raise terminal(
                "protocol_fatal", "the server refused the stream's commands (protocol error)"
            )
        if outcome == "auth":
            self._count_auth_failure(None)
            raise Teardown("the server said unauthorized")
        raise Teardown(f"the server disconnected ({reason or 'no reason'})")

    def _server_wait(self, exc: BasecampError) -> float | None:
        """The server's Retry-After, at most the client's ``max_retry_after``: the
        request path never waits longer either, and a hostile or broken server must not
        park the stream for days."""
        wait = exc.retry_after
        return None if wait is None else min(wait, self._core.config.max_retry_after)

    # -- counters -----------------------------------------------------------

    def _count_reentry(self, exc: EventFeedError, what: str) -> None:
        """One more re-entry in a row (a refused position, or a 410 followed to its
        resume); past :data:`MAX_REENTRIES` the server is not letting the walk start."""
        self._reentries += 1
        if self._reentries > MAX_REENTRIES:
            raise terminal("poll_failed", f"{what}: {exc}", exc) from exc

    def _count_auth_failure(self, cause: BasecampError | None) -> None:
        if self._auth.fail():
            raise terminal(
                "authorization_failed",
                f"{self._auth.count} authorization failures in a row",
                cause,
            )


_TIMEOUT = Frame("timeout")
