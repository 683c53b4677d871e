"""The account event feed and agents' inboxes, for ``account.event_feed``: pages,
checkpoint stores, loss signals, stream settings and the feed's typed errors.

See docs/event-feed.md. Importing this module does not import aiohttp (the live
stream's WebSocket client loads when a stream first connects).
"""

from ._events.checkpoints import (
    CheckpointKey,
    CheckpointStore,
    FileCheckpointStore,
    MemoryCheckpointStore,
)
from ._events.errors import (
    TERMINAL_REASONS,
    EventFeedError,
    EventStreamError,
    FeedGapError,
    InvalidContinuationError,
    InvalidFilterError,
    InvalidPositionError,
    PollStalledError,
    PositionMismatchError,
)
from ._events.filters import FeedFilters, InboxFilters
from ._events.machine import State, StreamSettings
from ._events.pages import FeedPage, Gap, InboxFeedPage
from ._events.polling import AsyncFeedPoll, AsyncInboxPoll, FeedPoll, InboxPoll
from ._events.service import AsyncEventFeedService, EventFeedService
from ._events.signals import BufferOverflow, FeedGap, LossHandler, LossSignal
from ._events.stream import AsyncEventStream, EventStream

__all__ = [
    "TERMINAL_REASONS",
    "AsyncEventFeedService",
    "AsyncEventStream",
    "AsyncFeedPoll",
    "AsyncInboxPoll",
    "BufferOverflow",
    "CheckpointKey",
    "CheckpointStore",
    "EventFeedError",
    "EventFeedService",
    "EventStream",
    "EventStreamError",
    "FeedFilters",
    "FeedGap",
    "FeedGapError",
    "FeedPage",
    "FeedPoll",
    "FileCheckpointStore",
    "Gap",
    "InboxFeedPage",
    "InboxFilters",
    "InboxPoll",
    "InvalidContinuationError",
    "InvalidFilterError",
    "InvalidPositionError",
    "LossHandler",
    "LossSignal",
    "MemoryCheckpointStore",
    "PollStalledError",
    "PositionMismatchError",
    "State",
    "StreamSettings",
]
