"""One request's life on the aiohttp backend: which connection it got, whether its body
stalled, and what its failure means.

- :class:`AttemptConnector` notes, for the request running in the current task, the moment
  aiohttp's connector hands it a connection. Before that, nothing of the request can have
  left the machine: :func:`network_error` says ``request_sent=False`` exactly then, rather
  than guessing from exception classes.
- :class:`BodyFeed` is a request body as aiohttp pulls it: checked against its
  ``Content-Length``, and watched, because aiohttp waits without limit for a socket that
  stopped taking a body.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import aiohttp

from ..errors import NetworkError, UsageError
from . import failures
from .sending import BodyCheck

#: A request body longer than this is written with the write timeout watching.
WATCHED_BODY = 64 * 1024
#: Pieces a large ``bytes`` body is written in.
WRITE_CHUNK = 256 * 1024


class Attempt:
    """What one request went through: the connection it got, whether its body stalled."""

    __slots__ = ("body_error", "connection", "protocol", "stalled")

    def __init__(self) -> None:
        self.connection: Any = None
        self.protocol: Any = None
        self.stalled = False
        self.body_error: BaseException | None = None

    def drop_connection(self) -> None:
        """Close the connection this request used, even if aiohttp already put it back
        in the pool (it does so for a bodiless answer as soon as the head is parsed);
        the pool skips a closed connection."""
        transport = getattr(self.protocol, "transport", None)
        if transport is not None:
            transport.close()


CURRENT_ATTEMPT: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar(
    "basecamp_client_http_attempt", default=None
)


class AttemptConnector(aiohttp.TCPConnector):
    """Notes, for the request running in this task, the moment it got a connection:
    before that, nothing of the request can have left the machine."""

    async def connect(self, *args: Any, **kwargs: Any) -> Any:
        connection = await super().connect(*args, **kwargs)
        attempt = CURRENT_ATTEMPT.get()
        if attempt is not None:
            attempt.connection = connection
            attempt.protocol = connection.protocol
        return connection


#: Failures after the request may have left, and what they are called.
_SENT_KINDS: failures.Kinds = (
    (asyncio.TimeoutError, failures.RESPONSE_TIMEOUT),
    (aiohttp.ClientPayloadError, "the response body was cut short or malformed"),
    (aiohttp.ClientResponseError, failures.NOT_HTTP),
)


def network_error(exc: BaseException, attempt: Attempt) -> NetworkError:
    if attempt.connection is None:
        if isinstance(exc, aiohttp.ClientHttpProxyError):
            # The proxy answered the CONNECT itself: 407 and friends will not change.
            return NetworkError(
                f"could not connect: the proxy refused the tunnel (HTTP {exc.status})",
                request_sent=False,
                retryable=exc.status >= 500,
            )
        permanent = isinstance(exc, aiohttp.ClientConnectorCertificateError) or (
            failures.certificate_failure(exc) is not None
        )
        return failures.not_sent(exc, str(exc)[:200], permanent=permanent)
    return failures.sent(
        exc, failures.BODY_TIMEOUT if attempt.stalled else failures.kind_of(exc, _SENT_KINDS)
    )


#: What a failing aiohttp call raises (everything else is a bug, and propagates).
FAILURES = (aiohttp.ClientError, OSError, asyncio.TimeoutError)


class BodyFeed:
    """A request body as aiohttp pulls it: checked (:class:`.sending.BodyCheck`), and
    watched: when the socket takes nothing for ``timeout`` seconds, the connection is
    aborted (aiohttp itself would wait for ever)."""

    __slots__ = ("_attempt", "_check", "_iterator", "_loop", "_timeout", "_timer")

    def __init__(
        self,
        source: AsyncIterable[bytes],
        declared: int | None,
        attempt: Attempt,
        timeout: float,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._iterator = aiter(source)
        self._check = BodyCheck(declared)
        self._attempt = attempt
        self._timeout = timeout
        self._loop = loop
        self._timer: asyncio.TimerHandle | None = None

    def __aiter__(self) -> BodyFeed:
        return self

    async def __anext__(self) -> bytes:
        # aiohttp asks for the next piece once the previous one is written.
        self.disarm()
        try:
            chunk = await anext(self._iterator)
        except StopAsyncIteration:
            try:
                self._check.finish()
            except UsageError as exc:
                raise self._fail(exc) from None
            raise
        except Exception as exc:
            raise self._fail(exc) from None
        try:
            chunk = self._check.piece(chunk)
        except UsageError as exc:
            raise self._fail(exc) from None
        self._timer = self._loop.call_later(self._timeout, self._stall)
        return chunk

    def _fail(self, exc: Exception) -> Exception:
        # aiohttp wraps whatever the body raises in a connection error; the request
        # reports the original.
        self._attempt.body_error = exc
        return exc

    def _stall(self) -> None:
        self._timer = None
        self._attempt.stalled = True
        connection = self._attempt.connection
        transport = connection.transport if connection is not None else None
        if transport is not None:
            transport.abort()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def aclose(self) -> None:
        self.disarm()
        close = getattr(self._iterator, "aclose", None)
        if close is not None:
            try:
                await close()
            except Exception:  # noqa: S110 - the request's own outcome matters more
                pass


async def slices(body: bytes) -> AsyncIterator[bytes]:
    view = memoryview(body)
    for start in range(0, len(view), WRITE_CHUNK):
        yield view[start : start + WRITE_CHUNK].tobytes()
