"""Streamed request bodies, checked the same way on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping

from ..errors import UsageError


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The ``Content-Length`` a request's caller set, if any."""
    for name, value in headers.items():
        if name.lower() == "content-length":
            try:
                return int(value)
            except ValueError:
                raise UsageError(f"invalid Content-Length {value!r}") from None
    return None


class BodyCheck:
    """Counts a streamed body's bytes against its declared ``Content-Length``: a body
    that is longer or shorter is the caller's mistake (a ``UsageError``), not a network
    failure, and is stopped before it could desynchronise the connection."""

    __slots__ = ("_declared", "_sent")

    def __init__(self, declared: int | None) -> None:
        self._declared = declared
        self._sent = 0

    def piece(self, chunk: object) -> bytes:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise UsageError(
                f"a streamed request body must yield bytes, got {type(chunk).__name__}"
            )
        self._sent += len(chunk)
        if self._declared is not None and self._sent > self._declared:
            raise UsageError(
                f"the request body is longer than its Content-Length ({self._declared} bytes)"
            )
        return chunk if isinstance(chunk, bytes) else bytes(chunk)

    def finish(self) -> None:
        if self._declared is not None and self._sent < self._declared:
            raise UsageError(
                f"the request body is shorter ({self._sent} bytes) than its "
                f"Content-Length ({self._declared} bytes)"
            )


async def checked(source: AsyncIterable[bytes], declared: int | None) -> AsyncIterator[bytes]:
    """``source``, checked by a :class:`BodyCheck`."""
    check = BodyCheck(declared)
    async for chunk in source:
        yield check.piece(chunk)
    check.finish()
