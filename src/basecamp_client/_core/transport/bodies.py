"""Response bodies, the same on every backend: content codings undone in bounded steps,
and the ``max_response_bytes`` cap.

Both backends hand this module the body as it came off the wire (aiohttp with
``auto_decompress=False``, httpx through ``aiter_raw()``), so that a gzip bomb is
inflated at most :data:`DECODE_STEP` bytes at a time whichever library carried it, and
both backends accept and refuse exactly the same compressed bodies. This is ``zlib``
driven with an output limit, not an HTTP parser.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator, Mapping

from ..errors import NetworkError, ResponseTooLargeError

#: Largest piece of decompressed body produced at once.
DECODE_STEP = 64 * 1024

_GZIP = frozenset({"gzip", "x-gzip"})
_KNOWN = _GZIP | {"deflate"}
#: Most content codings undone for one response (urllib3's limit too). Each is a
#: decompressor and a generator nested in the previous one: a header listing a thousand
#: would exhaust the stack, and nested compression would cost a window per layer.
MAX_CODINGS = 5


def _decode_failed(detail: str) -> NetworkError:
    return NetworkError(
        f"the response could not be decompressed: {detail}", request_sent=True, retryable=True
    )


class _Step:
    """One content coding undone."""

    __slots__ = ("_gzip", "_obj", "_started")

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        while True:
            obj = self._obj
            try:
                piece = obj.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self._gzip or self._started:
                    raise _decode_failed(str(exc)) from None
                # "deflate" means zlib-wrapped; some servers send it raw.
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            if piece:
                yield piece
            if obj.eof:
                if not obj.unused_data:
                    return
                if not self._gzip:
                    raise _decode_failed("data after the end of the deflate stream")
                # Concatenated gzip members decode as one stream.
                data = obj.unused_data
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                continue
            data = obj.unconsumed_tail
            # A full step may leave output pending inside zlib: ask again until a step
            # comes back short.
            if not data and len(piece) < DECODE_STEP:
                return

    def finish(self) -> None:
        if self._started and not self._obj.eof:
            raise _decode_failed("the compressed body ended early")


class ContentDecoder:
    """Undoes a response's content codings (listed in the order they were applied)."""

    __slots__ = ("_steps",)

    def __init__(self, codings: list[str]) -> None:
        self._steps = [_Step(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``data``, none longer than :data:`DECODE_STEP`."""
        pieces: Iterator[bytes] = iter((data,))
        for step in self._steps:
            pieces = _through(step, pieces)
        return pieces

    def finish(self) -> None:
        """Check that every compressed stream ended properly."""
        for step in self._steps:
            step.finish()


def _through(step: _Step, pieces: Iterator[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from step.feed(piece)


def decoder_for(headers: Mapping[str, str]) -> ContentDecoder | None:
    """The decoder for a response's ``Content-Encoding``; ``None`` when there is nothing
    to undo, or a coding this client never asks for (the body is then handed over as it
    came, and fails to parse as JSON if JSON was expected). More than
    :data:`MAX_CODINGS` codings is a :class:`NetworkError`."""
    value = headers.get("content-encoding")
    if not value:
        return None
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings or any(c not in _KNOWN for c in codings):
        return None
    if len(codings) > MAX_CODINGS:
        raise _decode_failed(f"more than {MAX_CODINGS} content codings")
    return ContentDecoder(codings)


def declared_length(headers: Mapping[str, str]) -> int | None:
    """``Content-Length`` as a number (both libraries refuse a malformed one first)."""
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def has_body(method: str, status: int) -> bool:
    """Whether a response to ``method`` with ``status`` carries a body at all."""
    return method != "HEAD" and status >= 200 and status not in (204, 304)


def malformed(what: str) -> NetworkError:
    return NetworkError(
        f"the response is not valid HTTP: {what}", request_sent=True, retryable=True
    )


def check_framing(headers: Mapping[str, str]) -> None:
    """Refuse the body framings that one library's parser lets through and the other's
    refuses, so that both backends refuse them: a ``Content-Length`` that is not one
    plain number (repeated, listed), ``Content-Length`` together with
    ``Transfer-Encoding`` (a response-splitting pattern RFC 9112 says to treat as an
    error), and any transfer coding but ``chunked``. Call it only for a response that
    has a body (see :func:`has_body`)."""
    coding = headers.get("transfer-encoding")
    length = headers.get("content-length")
    if coding is not None:
        if coding.strip().lower() != "chunked":
            raise malformed(f"unsupported Transfer-Encoding {coding[:40]!r}")
        if length is not None:
            raise malformed("both Content-Length and Transfer-Encoding")
    elif length is not None and not (length.isascii() and length.isdigit()):
        raise malformed(f"Content-Length {length[:40]!r}")


#: Limits on a response head, given to aiohttp (its defaults since 3.13.4) and applied to
#: httpx's responses here (h11 bounds only a head that has not fully arrived, at 64 KiB).
MAX_HEADERS = 128
MAX_FIELD_SIZE = 8190


def check_head_size(raw: list[tuple[bytes, bytes]]) -> None:
    """Refuse a head of more than :data:`MAX_HEADERS` header lines, or a header whose
    name and value together are longer than :data:`MAX_FIELD_SIZE` bytes."""
    if len(raw) > MAX_HEADERS:
        raise malformed(f"more than {MAX_HEADERS} header lines")
    for name, value in raw:
        if len(name) + len(value) > MAX_FIELD_SIZE:
            raise malformed(f"a header longer than {MAX_FIELD_SIZE} bytes")


def too_large(limit: int, *, declared: int | None = None) -> ResponseTooLargeError:
    if declared is not None:
        message = f"the response announces {declared:,} bytes, more than max_response_bytes"
    else:
        message = "the response grew past max_response_bytes"
    return ResponseTooLargeError(f"{message} ({limit:,} bytes); refused", limit=limit)


def check_declared(headers: Mapping[str, str], limit: int) -> None:
    """Refuse at once a response whose ``Content-Length`` is over ``limit``."""
    length = declared_length(headers)
    if length is not None and length > limit:
        raise too_large(limit, declared=length)


async def read_body(
    chunks: AsyncIterator[bytes], decoder: ContentDecoder | None, limit: int | None
) -> bytes:
    """The whole (decoded) body; with a ``limit``, :class:`ResponseTooLargeError` as soon
    as more than ``limit`` bytes arrived or were produced by decompression (memory then
    stays below about twice ``limit``)."""
    if limit is None:
        return b"".join([piece async for piece in decode_stream(chunks, decoder)])
    parts: list[bytes] = []
    size = 0
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        if decoder is None:
            size = received
            parts.append(chunk)
            continue
        for piece in decoder.feed(chunk):
            size += len(piece)
            if size > limit:
                raise too_large(limit)
            parts.append(piece)
    if decoder is not None:
        decoder.finish()
    if len(parts) == 1:
        return parts[0]
    return b"".join(parts)


async def decode_stream(
    chunks: AsyncIterator[bytes], decoder: ContentDecoder | None
) -> AsyncIterator[bytes]:
    """A streamed body, decoded piece by piece (no cap: downloads keep their own)."""
    if decoder is None:
        async for chunk in chunks:
            if chunk:
                yield chunk
        return
    async for chunk in chunks:
        for piece in decoder.feed(chunk):
            yield piece
    decoder.finish()
