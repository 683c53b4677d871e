"""One aiohttp session per event loop, and its closing whatever becomes of that loop.

An aiohttp session belongs to the loop it was created on. :class:`LoopSession` makes the
session on the first request's loop; a client used again after that loop ended (a
second ``asyncio.run()``) gets a fresh session, and using one client from two running
loops at once is refused. A session is closed by :meth:`LoopSession.aclose` on its own
loop (from another thread's loop, it is handed over), or, when the caller never closes
the client, as its loop shuts down; a session whose loop died unclosed is detached and
kept referenced, so that no finaliser ever runs on a dead loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable

import aiohttp

from ..errors import UsageError

# Loops' sessions that could not be closed (their loop ended without shutting its async
# generators down): kept referenced so that their finalisers never run on a dead loop.
_ABANDONED: list[object] = []


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    # Started on the session's loop and left suspended: when that loop shuts its async
    # generators down (asyncio.run() and the sync client's loop both do), this closes
    # the session while the loop can still run the closing.
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


def _abandon(session: aiohttp.ClientSession, sentinel: AsyncGenerator[None, None] | None) -> None:
    # The session's loop is closed: nothing can run its closing any more. The session is
    # marked closed (detach() takes no loop), and the connector and the suspended
    # sentinel are kept referenced, so that no finaliser tries to use the dead loop.
    connector = session.connector
    session.detach()
    _ABANDONED.append((connector, sentinel))


async def _close_session(
    session: aiohttp.ClientSession, sentinel: AsyncGenerator[None, None]
) -> None:
    await session.close()
    await sentinel.aclose()


class LoopSession:
    """The session of the loop in use (``session`` and ``loop``: ``None`` until the
    first :meth:`open`); ``make()`` creates one, on the running loop."""

    __slots__ = ("_make", "_sentinel", "loop", "session")

    def __init__(self, make: Callable[[], aiohttp.ClientSession]) -> None:
        self._make = make
        self.session: aiohttp.ClientSession | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sentinel: AsyncGenerator[None, None] | None = None

    async def open(self) -> aiohttp.ClientSession:
        """The running loop's session, made when there is none yet."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise UsageError(
                "the aiohttp HTTP backend needs a running asyncio event loop "
                '(under trio, use http_backend="auto" or "httpx")'
            ) from None
        session = self.session
        if session is not None:
            old = self.loop
            assert old is not None
            if old is loop:
                return session
            if old.is_running() and not old.is_closed():
                raise UsageError(
                    "this client is bound to another running event loop; "
                    "create one client per event loop"
                )
            # The previous loop is gone (say, a second asyncio.run()).
            self._forget()
        session = self._make()
        sentinel = _close_with_loop(session)
        self.session, self.loop, self._sentinel = session, loop, sentinel
        await sentinel.asend(None)
        return session

    def _forget(self) -> None:
        session, sentinel = self.session, self._sentinel
        self.session = self.loop = self._sentinel = None
        if session is not None and not session.closed:
            # Its loop is closed: nothing can close it now. Keep it from being
            # collected, which would try to.
            _abandon(session, sentinel)

    async def aclose(self) -> None:
        session, sentinel, loop = self.session, self._sentinel, self.loop
        if session is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        self.session = self.loop = self._sentinel = None
        assert loop is not None
        assert sentinel is not None
        if running is loop:
            await _close_session(session, sentinel)
        elif loop.is_running() and not loop.is_closed():
            # Closed from another thread's loop: the session's own loop closes it.
            asyncio.run_coroutine_threadsafe(_close_session(session, sentinel), loop)
        elif not session.closed:
            _abandon(session, sentinel)
