"""Running the async core from synchronous code.

A :class:`Runner` owns one asyncio event loop on one daemon thread, started on first
use and shared by every thread that calls the sync client. The async client (and its
connection pool) lives only on that loop; a sync call hands its coroutine over and
waits.

The hand-over is deliberately minimal: ``loop.call_soon_threadsafe`` schedules the
task and a bare ``_thread`` lock, released by the task's done-callback, wakes the
caller. That is markedly cheaper than ``asyncio.run_coroutine_threadsafe`` (a
``concurrent.futures.Future`` with its condition variable and future chaining) and
than anyio's ``BlockingPortal`` (see ``tests/core/bench_runner_hop.py``).

The runner survives ``os.fork()``: a child process gets a fresh loop on its first
call, never the parent's (whose thread does not exist in the child).
"""

from __future__ import annotations

import _thread
import asyncio
import atexit
import logging
import os
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, ParamSpec, TypeVar, cast

from .errors import UsageError
from .pagination import AsyncPaginator, AsyncWrappedPaginator, ListResult, Page, WrappedPage

T = TypeVar("T")
W = TypeVar("W")
P = ParamSpec("P")

_RUNNERS: weakref.WeakSet[Runner] = weakref.WeakSet()
# Loops a forked child inherited; kept referenced so that their finalisers never run.
_ABANDONED: list[object] = []


def _after_fork_in_child() -> None:
    for runner in list(_RUNNERS):
        runner._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _Call:
    """One sync call in flight: the loop fills in the outcome and releases the lock."""

    __slots__ = ("error", "lock", "result", "task")

    def __init__(self) -> None:
        self.lock = _thread.allocate_lock()
        self.lock.acquire()
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[Any] | None = None


async def _drive(call: _Call, awaitable: Awaitable[Any]) -> None:
    # Releasing the caller from inside the task (rather than from a done-callback)
    # saves a whole loop iteration per call.
    try:
        call.result = await awaitable
    except asyncio.CancelledError:
        call.error = UsageError(
            "the call was cancelled because its sync client was closed or interrupted"
        )
    except BaseException as exc:
        call.error = exc
    finally:
        call.lock.release()


class Runner:
    """One private event loop thread, created lazily; safe to use from many threads."""

    def __init__(self, name: str = "basecamp-client") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_id: int | None = None
        self._closed = False
        _RUNNERS.add(self)

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("running" if self._loop else "idle")
        return f"<Runner {self._name} {state}>"

    # -- lifecycle -------------------------------------------------------------------

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise UsageError("this sync client is closed; create a new one")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._serve, args=(loop, ready), name=self._name, daemon=True
                )
                thread.start()
                ready.wait()
                self._thread_id = thread.ident
                self._loop, self._thread = loop, thread
            return self._loop

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                # Let every task still running see a cancellation, so that their
                # callers wake up with an error instead of waiting forever.
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    @property
    def in_loop_thread(self) -> bool:
        return self._thread_id is not None and _thread.get_ident() == self._thread_id

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    def close(self) -> None:
        """Stop the loop thread (idempotent). Calls still running are cancelled."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
            self._thread_id = None
            self._closed = True
        if loop is None or thread is None:
            return
        if thread is threading.current_thread():
            raise UsageError("a sync Basecamp client cannot be closed from its own loop thread")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

    def _after_fork(self) -> None:
        # In the child: the loop thread is gone and the lock may have been held by a
        # thread that no longer exists. Start from scratch on the next call.
        if self._loop is not None:
            _ABANDONED.append(self._loop)
        self._lock = threading.Lock()
        self._loop = self._thread = None
        self._thread_id = None

    # -- calls -----------------------------------------------------------------------

    def run(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on the loop thread and wait for its result."""
        loop = self._loop
        if loop is None:
            loop = self._start()
        elif _thread.get_ident() == self._thread_id:
            raise UsageError(
                "a sync Basecamp client was called from its own event loop thread "
                "(for example inside an async hook); use the AsyncBasecamp client there"
            )
        call = _Call()
        try:
            loop.call_soon_threadsafe(self._begin, call, fn, args, kwargs)
        except RuntimeError:
            raise UsageError("this sync client is closed; create a new one") from None
        try:
            call.lock.acquire()
        except BaseException:
            # Interrupted (Ctrl-C): stop the work on the loop, then let the interrupt on.
            if self._loop is loop:
                loop.call_soon_threadsafe(self._cancel, call)
            raise
        error = call.error
        if error is not None:
            try:
                raise error
            finally:
                del error, call
        return call.result  # type: ignore[no-any-return]

    def _begin(
        self,
        call: _Call,
        fn: Callable[..., Awaitable[Any]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        # On the loop thread.
        if self._closed:
            call.error = UsageError("this sync client is closed; create a new one")
            call.lock.release()
            return
        try:
            call.task = self._loop.create_task(_drive(call, fn(*args, **kwargs)))  # type: ignore[union-attr]
        except BaseException as exc:
            call.error = exc
            call.lock.release()

    @staticmethod
    def _cancel(call: _Call) -> None:
        if call.task is not None:
            call.task.cancel()


def close_quietly(closers: Iterable[Callable[[], object]]) -> None:
    """Call each closer, logging (at debug level) rather than raising what fails."""
    for close in closers:
        try:
            close()
        except Exception:  # pragma: no cover - best effort at exit
            logging.getLogger("basecamp_client").debug("closing at exit failed", exc_info=True)


def _close_all_at_exit() -> None:
    # Stop loops while the interpreter is still whole: a daemon loop thread frozen
    # mid-flight at shutdown is what produces "Event loop is closed" noise. (Sync
    # clients close their pools first, from their own exit hook.)
    close_quietly(runner.close for runner in list(_RUNNERS))


atexit.register(_close_all_at_exit)


class _SyncPaginator(Generic[T]):
    """What both sync paginators share: page-by-page iteration through the runner, so
    memory stays bounded by one page, as with the async paginators."""

    __slots__ = ("_paginator", "_runner")

    def __init__(
        self, runner: Runner, paginator: AsyncPaginator[T] | AsyncWrappedPaginator[T, Any]
    ):
        self._runner = runner
        self._paginator = paginator

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._paginator!r}>"

    def _pages(self) -> Iterator[Page[T]]:
        runner = self._runner
        agen = runner.run(_make_pages, self._paginator)
        try:
            while True:
                try:
                    page = runner.run(agen.__anext__)
                except StopAsyncIteration:
                    return
                yield page
                del page
        finally:
            try:
                runner.run(agen.aclose)
            except UsageError:
                pass  # the client was closed meanwhile; nothing left to release

    def __iter__(self) -> Iterator[T]:
        for page in self._pages():
            items = page.items
            del page
            yield from items
            del items


class SyncPaginator(_SyncPaginator[T]):
    """The sync face of :class:`AsyncPaginator`: iterate it, or ``collect()`` it."""

    __slots__ = ()

    def __init__(self, runner: Runner, paginator: AsyncPaginator[T]) -> None:
        super().__init__(runner, paginator)

    def pages(self) -> Iterator[Page[T]]:
        """Yield pages one at a time, with their meta."""
        return self._pages()

    def collect(self) -> ListResult[T]:
        """Fetch every page (within the caps) into one list with ``.meta``."""
        return self._runner.run(cast("AsyncPaginator[T]", self._paginator).collect)


class SyncWrappedPaginator(_SyncPaginator[T], Generic[T, W]):
    """The sync face of :class:`AsyncWrappedPaginator`: iterate it for the items,
    ``pages()`` for each page with its whole object, ``collect()`` for the first page's
    object holding every item."""

    __slots__ = ()

    def __init__(self, runner: Runner, paginator: AsyncWrappedPaginator[T, W]) -> None:
        super().__init__(runner, paginator)

    def pages(self) -> Iterator[WrappedPage[T, W]]:
        """Yield pages one at a time, each with its whole object as ``wrapper``."""
        return cast("Iterator[WrappedPage[T, W]]", self._pages())

    def collect(self) -> W:
        """The first page's object, its list field holding every item (a ListResult)."""
        return self._runner.run(cast("AsyncWrappedPaginator[T, W]", self._paginator).collect)


async def _make_pages(paginator: AsyncPaginator[T] | AsyncWrappedPaginator[T, Any]) -> Any:
    # Created on the loop thread so the async generator's finaliser hooks are that loop's.
    return paginator.pages()
