"""Hooks: callables told about operations, requests, retries and pages.

Pass ``hooks=Hooks(on_request_end=record, ...)`` to a client. A hook may be a plain
function or a coroutine function; it receives one frozen event object. A hook that
raises is logged and otherwise ignored: observing a call never breaks it. Events carry
no secrets (no ``Authorization`` header, no token). With no hooks configured, the
request path does no work for them at all.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .errors import BasecampError, UsageError

logger = logging.getLogger("basecamp_client.hooks")

Hook = Callable[[Any], Any]


@attrs.frozen(slots=True)
class OperationStart:
    """An operation (one generated method call, or one page of a list) begins."""

    operation_id: str
    method: str
    url: str


@attrs.frozen(slots=True)
class OperationEnd:
    """An operation finished: ``error`` is set when it failed."""

    operation_id: str
    method: str
    url: str
    duration: float
    status_code: int | None
    from_cache: bool = False
    error: BasecampError | None = None


@attrs.frozen(slots=True)
class RequestStart:
    """One HTTP attempt is about to be sent; ``headers`` are redacted."""

    operation_id: str
    method: str
    url: str
    attempt: int
    headers: Mapping[str, str]


@attrs.frozen(slots=True)
class RequestEnd:
    """One HTTP attempt ended, with a status or with a network ``error``."""

    operation_id: str
    method: str
    url: str
    attempt: int
    duration: float
    status_code: int | None
    request_id: str | None = None
    error: BasecampError | None = None


@attrs.frozen(slots=True)
class RetryScheduled:
    """The request will be sent again (attempt ``next_attempt``) after ``delay`` seconds."""

    operation_id: str
    method: str
    url: str
    next_attempt: int
    delay: float
    reason: str
    status_code: int | None = None


@attrs.frozen(slots=True)
class PageFetched:
    """Page ``number`` of a list arrived (``from_cache`` after a 304)."""

    operation_id: str
    url: str
    number: int
    item_count: int
    total_count: int | None
    has_next: bool
    from_cache: bool = False


def _normalise(name: str, value: Any) -> tuple[Hook, ...]:
    if value is None:
        return ()
    hooks = (value,) if callable(value) else value
    if not isinstance(hooks, Sequence) or not all(callable(h) for h in hooks):
        raise UsageError(f"{name} must be a callable or a sequence of callables")
    return tuple(hooks)


def _hooks(value: Any) -> tuple[Hook, ...]:
    return _normalise("each Hooks field", value)


@attrs.frozen(kw_only=True)
class Hooks:
    """The callables to notify, per event. Each field takes one callable or a sequence."""

    on_operation_start: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)
    on_operation_end: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)
    on_request_start: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)
    on_request_end: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)
    on_retry: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)
    on_page: tuple[Hook, ...] = attrs.field(default=(), converter=_hooks)

    def __bool__(self) -> bool:
        return any(attrs.astuple(self, recurse=False))


async def emit(hooks: tuple[Hook, ...], event: Any) -> None:
    """Call every hook with ``event``; log and swallow whatever they raise."""
    for hook in hooks:
        try:
            result = hook(event)
            if result is not None and inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception(
                "hook %s failed on %s; the call goes on",
                getattr(hook, "__qualname__", repr(hook)),
                type(event).__name__,
            )
