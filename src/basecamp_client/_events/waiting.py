"""Waiting for I/O against the client's clock: the socket's frames and the dial race the
connector's timers, and the timers run on the injected clock (so tests move time by
hand instead of sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from .._core.clock import Clock

T = TypeVar("T")


async def wait_until(
    clock: Clock,
    deadline: float,
    work: Coroutine[Any, Any, T],
    *,
    ready: asyncio.Queue[Any] | None = None,
) -> T | None:
    """``work``'s result, or ``None`` if ``clock`` reaches ``deadline`` first (``work``
    is then cancelled and waited for, so it can clean up). With ``ready``, an item
    already queued is taken at once."""
    if ready is not None and not ready.empty():
        work.close()
        return ready.get_nowait()  # type: ignore[no-any-return]
    remaining = deadline - clock.now()
    if remaining <= 0:
        work.close()
        return None
    task = asyncio.ensure_future(work)
    timer = asyncio.ensure_future(clock.sleep(remaining))
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not task.done():
            task.cancel()
            # Let the abandoned work clean up (a dial closes its session) before going
            # on; its own outcome no longer matters.
            await asyncio.wait({task})
            if not task.cancelled():
                task.exception()  # retrieved: asyncio must not report it
    if task.cancelled():
        return None
    return task.result()
