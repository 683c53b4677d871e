"""Streamed request bodies for uploads: raw bytes or a one-file multipart form.

An :class:`UploadBody` knows its exact length before a byte is sent (so the request
carries a ``Content-Length``, never chunked encoding), reads its source chunk by chunk,
checks that the source delivers exactly the announced number of bytes, and reports
progress. Each attempt :meth:`~UploadBody.open`\\s a fresh stream; whether a retry may
do so is :meth:`~UploadBody.can_resend` — the retry loop in :mod:`.session` asks it
before sending anything twice.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import AsyncIterator

from .errors import UsageError
from .progress import Progress, ProgressCallback
from .sources import Reader, Source

DEFAULT_CONTENT_TYPE = "application/octet-stream"

# type/subtype with optional parameters; no control characters (it becomes a header).
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;\s*[\w.+-]+=(\"[^\"\x00-\x1f]*\"|[\w.+-]+))*$")


def file_name(name: object, source: Source) -> str:
    """The name the file is sent under: ``name``, else the one its source implies."""
    if name is None:
        if source.name:
            return source.name
        raise UsageError(
            f"name= is required when uploading {source.kind}: Basecamp needs a file name "
            "with an extension (e.g. name='report.pdf')"
        )
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"name must be a non-empty string, got {name!r}")
    if any(ord(c) < 0x20 or c == "\x7f" for c in name):
        raise UsageError(f"name must not contain control characters, got {name!r}")
    return name


def media_type(content_type: object, name: str) -> str:
    """``content_type`` when given (checked), else a guess from the file name."""
    if content_type is None:
        guessed, _encoding = mimetypes.guess_type(name, strict=False)
        return guessed or DEFAULT_CONTENT_TYPE
    if not isinstance(content_type, str) or not _MEDIA_TYPE.match(content_type.strip()):
        raise UsageError(
            f"content_type must be a media type such as 'image/png', got {content_type!r}"
        )
    return content_type.strip()


def _form_quote(value: str) -> str:
    # How browsers escape names in a multipart Content-Disposition (the HTML standard).
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_framing(field: str, filename: str, content_type: str) -> tuple[str, bytes, bytes]:
    """(``Content-Type`` header, bytes before the file, bytes after it) of a form with
    one file field."""
    boundary = "basecamp-client-" + secrets.token_hex(16)
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{_form_quote(field)}"; '
        f'filename="{_form_quote(filename)}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head, tail


class UploadBody:
    """The body of one upload request, streamed from its source on every attempt."""

    __slots__ = ("_head", "_progress", "_tail", "content_type", "length", "source")

    def __init__(
        self,
        source: Source,
        *,
        content_type: str,
        progress: ProgressCallback | None = None,
        head: bytes = b"",
        tail: bytes = b"",
    ) -> None:
        self.source = source
        self.content_type = content_type
        self._head = head
        self._tail = tail
        self.length = len(head) + source.size + len(tail)
        self._progress = Progress(progress, source.size) if progress is not None else None

    def __repr__(self) -> str:
        return f"<UploadBody {self.source!r} {self.content_type} length={self.length}>"

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type, "Content-Length": str(self.length)}

    @property
    def replayable(self) -> bool:
        """Whether the bytes can be produced again from the start (path, bytes, seekable
        file), so that a retry sends the same body."""
        return self.source.replayable

    def can_resend(self) -> bool:
        """Whether another attempt can send this body: always for a replayable source,
        otherwise only while nothing was read from it yet."""
        return self.source.replayable or not self.source.started

    def open(self) -> BodyStream:
        """A fresh stream of the body for one attempt (close it with ``aclose()``)."""
        if self._progress is not None:
            self._progress.restart()
        return BodyStream(self, self.source.reader())


class BodyStream:
    """One pass over an :class:`UploadBody`: head, the source's chunks, tail."""

    __slots__ = ("_body", "_phase", "_reader", "_sent")

    def __init__(self, body: UploadBody, reader: Reader) -> None:
        self._body = body
        self._reader = reader
        self._sent = 0
        self._phase = 0  # 0: head, 1: file, 2: tail, 3: done

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        body = self._body
        if self._phase == 0:
            self._phase = 1
            if body._head:
                return body._head
        if self._phase == 1:
            progress = body._progress
            if progress is not None:
                # The transport asks for the next chunk once the previous one is written.
                await progress.report(self._sent)
            chunk = await self._next_chunk()
            if chunk:
                return chunk
            self._phase = 2
            await self._reader.aclose()
            if body._tail:
                return body._tail
        self._phase = 3
        raise StopAsyncIteration

    async def _next_chunk(self) -> bytes:
        source = self._body.source
        try:
            chunk = await self._reader.read()
        except BaseException:
            await self._reader.aclose()
            raise
        sent = self._sent + len(chunk)
        if not chunk and sent < source.size:
            await self._reader.aclose()
            raise UsageError(
                f"the {source.kind} ended after {sent} of the {source.size} bytes announced"
                + (" (it changed while being uploaded)" if source.replayable else " by size=")
            )
        if sent > source.size:
            await self._reader.aclose()
            raise UsageError(
                f"the {source.kind} produced more than the {source.size} bytes announced"
                + (" (it changed while being uploaded)" if source.replayable else " by size=")
            )
        self._sent = sent
        return chunk

    async def aclose(self) -> None:
        if self._phase < 3:
            self._phase = 3
            await self._reader.aclose()
