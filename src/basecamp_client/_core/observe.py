"""Observing requests: the hook events and log lines of operations, attempts and retries.

Only reached when hooks or logging are on: the retry loop tests that once per attempt
(``hooks is not None or logger.isEnabledFor(INFO)``) and :meth:`ClientCore.execute`
once per call, so observation costs a client that has neither one test each.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

from .clock import Clock
from .errors import BasecampError
from .hooks import (
    Hooks,
    OperationEnd,
    OperationStart,
    RequestEnd,
    RequestStart,
    RetryScheduled,
    emit,
)
from .logs import redact_headers
from .operation import Operation
from .transport import HttpResponse, StreamedResponse

T = TypeVar("T")

logger = logging.getLogger("basecamp_client")
INFO = logging.INFO
_DEBUG = logging.DEBUG


async def observed_operation(
    hooks: Hooks,
    clock: Clock,
    op: Operation,
    url: str,
    running: Coroutine[Any, Any, tuple[T, int]],
) -> T:
    """Await ``running`` (one operation, not yet started: its result and the final
    status) between the operation's start and end events."""
    start = clock.now()
    if hooks.on_operation_start:
        try:
            await emit(hooks.on_operation_start, OperationStart(op.id, op.method, url))
        except BaseException:
            running.close()  # never started: nothing to wait for, nothing to warn about
            raise
    try:
        value, status = await running
    except BasecampError as exc:
        if hooks.on_operation_end:
            duration = clock.now() - start
            await emit(
                hooks.on_operation_end,
                OperationEnd(op.id, op.method, url, duration, exc.http_status, error=exc),
            )
        raise
    if hooks.on_operation_end:
        duration = clock.now() - start
        await emit(
            hooks.on_operation_end,
            OperationEnd(op.id, op.method, url, duration, status, from_cache=status == 304),
        )
    return value


async def request_started(
    hooks: Hooks | None,
    op: Operation,
    url: str,
    attempt: int,
    headers: Mapping[str, str],
    secret_names: frozenset[str],
) -> None:
    wants_hook = hooks is not None and bool(hooks.on_request_start)
    if not (wants_hook or logger.isEnabledFor(_DEBUG)):
        return
    shown = redact_headers(headers, secret_names)
    logger.debug("→ %s %s (attempt %d) headers=%s", op.method, url, attempt, shown)
    if wants_hook:
        assert hooks is not None
        await emit(hooks.on_request_start, RequestStart(op.id, op.method, url, attempt, shown))


async def request_ended(
    hooks: Hooks | None,
    clock: Clock,
    op: Operation,
    url: str,
    attempt: int,
    started: float,
    response: HttpResponse | StreamedResponse | None,
    error: BasecampError | None,
) -> None:
    duration = clock.now() - started
    status = response.status_code if response is not None else None
    request_id = response.headers.get("x-request-id") if response is not None else None
    if logger.isEnabledFor(INFO):
        outcome = str(status) if status is not None else f"failed ({error})"
        logger.info(
            "%s %s → %s in %.0f ms (attempt %d%s)",
            op.method,
            url,
            outcome,
            duration * 1000,
            attempt,
            f", request {request_id}" if request_id else "",
        )
    if hooks is not None and hooks.on_request_end:
        await emit(
            hooks.on_request_end,
            RequestEnd(op.id, op.method, url, attempt, duration, status, request_id, error),
        )


async def retry_scheduled(
    hooks: Hooks | None,
    op: Operation,
    url: str,
    attempt: int,
    delay: float,
    reason: str,
    status: int | None,
) -> None:
    if logger.isEnabledFor(INFO):
        logger.info(
            "retrying %s %s in %.2fs (attempt %d): %s",
            op.method,
            url,
            delay,
            attempt + 1,
            reason,
        )
    if hooks is not None and hooks.on_retry:
        await emit(
            hooks.on_retry,
            RetryScheduled(op.id, op.method, url, attempt + 1, delay, reason, status),
        )
