"""The account's event feed and agents' inboxes (``account.event_feed``): polling
from a saved position, and the live stream over a WebSocket with catch-up and
checkpoints. See docs/event-feed.md."""

from .checkpoints import (
    CheckpointKey,
    CheckpointStore,
    FileCheckpointStore,
    MemoryCheckpointStore,
)
from .errors import (
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
from .filters import FeedFilters, InboxFilters
from .machine import State, StreamSettings
from .pages import FeedPage, Gap, InboxFeedPage
from .polling import AsyncFeedPoll, AsyncInboxPoll, FeedPoll, InboxPoll
from .service import AsyncEventFeedService, EventFeedService
from .signals import BufferOverflow, FeedGap, LossHandler, LossSignal
from .stream import AsyncEventStream, EventStream

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
