"""Progress callbacks of uploads and downloads: ``progress(done, total)``.

The callback may be a plain function or a coroutine function; either is called with the
number of bytes transferred so far and the total (``None`` when a download's size is
not known in advance). What it raises is not swallowed: raising is how a caller stops a
transfer half-way.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from .errors import UsageError

#: ``progress(done, total)``, sync or async.
ProgressCallback = Callable[[int, "int | None"], "Awaitable[object] | object"]


class Progress:
    """Reports to one callback, never twice for the same count."""

    __slots__ = ("_callback", "_last", "total")

    def __init__(self, callback: ProgressCallback, total: int | None) -> None:
        self._callback = callback
        self.total = total
        self._last = -1

    async def report(self, done: int) -> None:
        if done == self._last:
            return
        self._last = done
        result = self._callback(done, self.total)
        if inspect.isawaitable(result):
            await result

    def restart(self) -> None:
        """A retried transfer counts from zero again."""
        self._last = -1


def check_progress(progress: object) -> ProgressCallback | None:
    """``progress`` if it is callable (or ``None``); a :class:`UsageError` otherwise."""
    if progress is None or callable(progress):
        return progress
    raise UsageError(
        f"progress must be a callable taking (done, total), got {type(progress).__name__}"
    )
