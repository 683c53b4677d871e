"""Running the async core from synchronous code.

A :class:`Runner` owns one event loop on one daemon thread, started on first use and
shared by every thread that calls the sync client. The async client (and its httpx
pool) lives only on that loop; sync calls hand their coroutine over and wait.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Generic, ParamSpec, TypeVar

from .errors import UsageError
from .pagination import AsyncPaginator, ListResult, Page

T = TypeVar("T")
P = ParamSpec("P")


class Runner:
    """One private event loop thread, created lazily; safe to use from many threads."""

    def __init__(self, name: str = "basecamp-client") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._pid != os.getpid():
                # Forked child: the parent's loop thread does not exist here.
                self._loop, self._thread, self._pid = None, None, os.getpid()
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def serve() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                thread = threading.Thread(target=serve, name=self._name, daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    @property
    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def run(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on the loop thread and wait for its result."""
        loop = self._loop if self._pid == os.getpid() else None
        if loop is None:
            loop = self._start()
        if self.in_loop_thread:
            raise UsageError(
                "a sync Basecamp client was called from its own event loop thread "
                "(for example inside an async hook); use the AsyncBasecamp client there"
            )
        awaitable = fn(*args, **kwargs)
        coro = awaitable if asyncio.iscoroutine(awaitable) else _as_coroutine(awaitable)
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    def close(self) -> None:
        """Stop the loop thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None or self._pid != os.getpid():
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


class SyncPaginator(Generic[T]):
    """The sync face of :class:`AsyncPaginator`: iterate it, or ``collect()`` it."""

    __slots__ = ("_paginator", "_runner")

    def __init__(self, runner: Runner, paginator: AsyncPaginator[T]) -> None:
        self._runner = runner
        self._paginator = paginator

    def pages(self) -> Iterator[Page[T]]:
        agen = self._paginator.pages()
        try:
            while True:
                try:
                    yield self._runner.run(agen.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            self._runner.run(agen.aclose)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def collect(self) -> ListResult[T]:
        return self._runner.run(self._paginator.collect)
