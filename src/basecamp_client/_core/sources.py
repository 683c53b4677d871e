"""What an upload reads from: a path, an open binary file, bytes, or a stream of chunks.

:func:`open_source` turns whatever the caller passed into a :class:`Source` that knows
its size, the file name it implies, whether it can be read again from the start (which
decides whether a failed upload may be retried), and how to hand out its bytes one
small chunk at a time. Nothing here reads a whole file: memory stays bounded by
:data:`CHUNK_SIZE` whatever the size.

Blocking reads (files, sync iterators) run in a worker thread, so the event loop never
waits on a disk.
"""

from __future__ import annotations

import inspect
import io
import os
import stat
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Protocol, Union

import anyio.to_thread

from .errors import UsageError

#: Bytes read (and sent) per step. Each read of a file or sync iterator is a hop to a
#: worker thread, which costs tens of microseconds: with 1 MiB steps a 200 MB upload
#: makes 200 of them and spends about as much CPU as raw httpx (256 KiB steps cost
#: 1.5x, 64 KiB steps 4x); memory stays bounded by a few steps whatever the size.
CHUNK_SIZE = 1024 * 1024


class BinaryReadable(Protocol):
    """An open binary file, or anything with a file's ``read(n) -> bytes``."""

    def read(self, size: int, /) -> bytes: ...


#: Everything an upload accepts. Iterators of chunks need ``size=``.
UploadSource = Union[
    str,
    "os.PathLike[str]",
    bytes,
    bytearray,
    memoryview,
    BinaryReadable,
    Iterable[bytes],
    AsyncIterable[bytes],
]


class Reader(Protocol):
    """One pass over a source: ``read()`` gives the next chunk, ``b""`` at the end."""

    async def read(self) -> bytes: ...

    async def aclose(self) -> None: ...


class Source:
    """A normalised upload source.

    ``replayable`` sources (a path, bytes, a seekable file) may be read any number of
    times; the others can be read once, and :meth:`reader` refuses a second pass.
    """

    __slots__ = ("kind", "name", "replayable", "size", "started")

    def __init__(self, kind: str, size: int, name: str | None, replayable: bool) -> None:
        self.kind = kind
        self.size = size
        self.name = name
        self.replayable = replayable
        #: Whether anything was read from it yet.
        self.started = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind} size={self.size}>"

    def reader(self) -> Reader:
        """A pass over the bytes from the start; refused for a one-time source that was
        already (even partly) read."""
        if self.started and not self.replayable:
            raise UsageError(
                f"this upload's source ({self.kind}) was already consumed and cannot be sent "
                "again; pass a path, bytes or a seekable file to allow that"
            )
        return _Tracked(self, self._reader())

    def _reader(self) -> Reader:  # pragma: no cover - abstract
        raise NotImplementedError


class _Tracked:
    """Marks its source started on the first read. Closing a reader that never read
    leaves the source untouched, so an attempt that failed before sending (a refused
    connection) does not spoil a one-time stream for the retry."""

    __slots__ = ("_inner", "_source")

    def __init__(self, source: Source, inner: Reader) -> None:
        self._source = source
        self._inner = inner

    async def read(self) -> bytes:
        self._source.started = True
        return await self._inner.read()

    async def aclose(self) -> None:
        if self._source.started:
            await self._inner.aclose()


# -- bytes ----------------------------------------------------------------------------


class _BytesSource(Source):
    __slots__ = ("_data",)

    def __init__(self, data: memoryview, name: str | None) -> None:
        super().__init__("bytes", len(data), name, replayable=True)
        self._data = data

    def _reader(self) -> Reader:
        return _BytesReader(self._data)


class _BytesReader:
    __slots__ = ("_data", "_pos")

    def __init__(self, data: memoryview) -> None:
        self._data = data
        self._pos = 0

    async def read(self) -> bytes:
        pos = self._pos
        chunk = self._data[pos : pos + CHUNK_SIZE]
        self._pos = pos + len(chunk)
        return bytes(chunk)

    async def aclose(self) -> None:
        self._pos = len(self._data)


# -- files ----------------------------------------------------------------------------


class _FileReader:
    """Reads ``size`` bytes from a file object, then checks that nothing follows."""

    __slots__ = ("_close", "_file", "_left")

    def __init__(self, file: BinaryReadable, size: int, *, close: bool) -> None:
        self._file = file
        self._left = size
        self._close = close

    async def read(self) -> bytes:
        file = self._file
        if self._left <= 0:
            # One more byte says whether the file grew since its size was taken.
            extra = await anyio.to_thread.run_sync(file.read, 1)
            return _as_bytes(extra, "the file")
        chunk = _as_bytes(
            await anyio.to_thread.run_sync(file.read, min(CHUNK_SIZE, self._left)), "the file"
        )
        self._left -= len(chunk)
        return chunk

    async def aclose(self) -> None:
        if self._close:
            self._close = False
            await anyio.to_thread.run_sync(self._file.close)  # type: ignore[attr-defined]


class _PathSource(Source):
    __slots__ = ("_path",)

    def __init__(self, path: str, size: int, name: str | None) -> None:
        super().__init__("file", size, name, replayable=True)
        self._path = path

    def _reader(self) -> Reader:
        return _PathReader(self._path, self.size)


class _PathReader:
    """Opens the file on the first read (in a worker thread, like every read)."""

    __slots__ = ("_inner", "_path", "_size")

    def __init__(self, path: str, size: int) -> None:
        self._path = path
        self._size = size
        self._inner: _FileReader | None = None

    async def read(self) -> bytes:
        inner = self._inner
        if inner is None:
            try:
                file = await anyio.to_thread.run_sync(open, self._path, "rb")
            except OSError as exc:
                raise UsageError(f"cannot read {self._path!r}: {exc.strerror or exc}") from None
            inner = self._inner = _FileReader(file, self._size, close=True)
        return await inner.read()

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


class _FileSource(Source):
    __slots__ = ("_file", "_start")

    def __init__(
        self, file: BinaryReadable, size: int, name: str | None, start: int | None
    ) -> None:
        super().__init__("open file", size, name, replayable=start is not None)
        self._file = file
        self._start = start

    def _reader(self) -> Reader:
        return _SeekingReader(self._file, self.size, self._start)


class _SeekingReader:
    """A file object read from where the upload found it (rewound there on every pass)."""

    __slots__ = ("_inner", "_start")

    def __init__(self, file: BinaryReadable, size: int, start: int | None) -> None:
        self._inner = _FileReader(file, size, close=False)
        self._start = start

    async def read(self) -> bytes:
        if self._start is not None:
            start, self._start = self._start, None
            await anyio.to_thread.run_sync(self._inner._file.seek, start)  # type: ignore[attr-defined]
        return await self._inner.read()

    async def aclose(self) -> None:
        pass  # the caller opened the file, the caller closes it


class _AsyncFileSource(Source):
    __slots__ = ("_file",)

    def __init__(self, file: Any, size: int, name: str | None) -> None:
        super().__init__("async file", size, name, replayable=False)
        self._file = file

    def _reader(self) -> Reader:
        return _AsyncFileReader(self._file, self.size)


class _AsyncFileReader:
    """An object with ``async def read(n)``: read where it stands, once."""

    __slots__ = ("_file", "_left")

    def __init__(self, file: Any, size: int) -> None:
        self._file = file
        self._left = size

    async def read(self) -> bytes:
        step = min(CHUNK_SIZE, self._left) if self._left > 0 else 1
        chunk = _as_bytes(await self._file.read(step), "the async file")
        self._left -= len(chunk)
        return chunk

    async def aclose(self) -> None:
        pass  # the caller opened it, the caller closes it


# -- streams of chunks ----------------------------------------------------------------


class _IterSource(Source):
    __slots__ = ("_iterable",)

    def __init__(self, iterable: Iterable[bytes], size: int, name: str | None) -> None:
        super().__init__("iterator", size, name, replayable=False)
        self._iterable = iterable

    def _reader(self) -> Reader:
        return _IterReader(iter(self._iterable))


_DONE = object()


class _IterReader:
    """A sync iterator, advanced in a worker thread (it may block on I/O)."""

    __slots__ = ("_iterator",)

    def __init__(self, iterator: Iterator[bytes]) -> None:
        self._iterator = iterator

    async def read(self) -> bytes:
        while True:
            chunk = await anyio.to_thread.run_sync(next, self._iterator, _DONE)
            if chunk is _DONE:
                return b""
            data = _as_bytes(chunk, "the iterator")
            if data:
                return data

    async def aclose(self) -> None:
        close = getattr(self._iterator, "close", None)
        if close is not None:
            await anyio.to_thread.run_sync(close)


class _AsyncIterSource(Source):
    __slots__ = ("_iterable",)

    def __init__(self, iterable: AsyncIterable[bytes], size: int, name: str | None) -> None:
        super().__init__("async iterator", size, name, replayable=False)
        self._iterable = iterable

    def _reader(self) -> Reader:
        return _AsyncIterReader(aiter(self._iterable))


class _AsyncIterReader:
    __slots__ = ("_iterator",)

    def __init__(self, iterator: AsyncIterator[bytes]) -> None:
        self._iterator = iterator

    async def read(self) -> bytes:
        while True:
            try:
                chunk = await anext(self._iterator)
            except StopAsyncIteration:
                return b""
            data = _as_bytes(chunk, "the async iterator")
            if data:
                return data

    async def aclose(self) -> None:
        close = getattr(self._iterator, "aclose", None)
        if close is not None:
            await close()


def _as_bytes(chunk: object, what: str) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    raise UsageError(
        f"{what} gave {type(chunk).__name__}, expected bytes"
        + (" (open the file in binary mode, 'rb')" if isinstance(chunk, str) else "")
    )


# -- choosing ---------------------------------------------------------------------------


def _check_size(size: object) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise UsageError(f"size must be a non-negative integer (bytes), got {size!r}")
    return size


def _agree(declared: int | None, actual: int, what: str) -> int:
    if declared is not None and declared != actual:
        raise UsageError(f"size={declared} does not match {what}, which has {actual} bytes")
    return actual


def _base_name(value: object) -> str | None:
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if isinstance(text, str):
            return os.path.basename(text) or None
    return None


def _from_path(raw: str | os.PathLike[str], size: int | None) -> Source:
    path = os.fspath(raw)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path!r}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path!r} is not a regular file")
    return _PathSource(path, _agree(size, info.st_size, repr(path)), _base_name(path))


def _from_file(file: Any, size: int | None) -> Source:
    if isinstance(file, io.TextIOBase):
        raise UsageError("the file is open in text mode; open it in binary mode ('rb')")
    if getattr(file, "closed", False):
        raise UsageError("the file is closed")
    name = _base_name(getattr(file, "name", None))
    start: int | None = None
    remaining: int | None = None
    try:
        seekable = bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        seekable = False
    if seekable:
        try:
            start = file.tell()
            try:
                info = os.fstat(file.fileno())
            except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
                info = None
            if info is not None and stat.S_ISREG(info.st_mode):
                end = info.st_size
            else:
                end = file.seek(0, os.SEEK_END)
                file.seek(start)
            remaining = max(end - start, 0)
        except (AttributeError, OSError, ValueError):
            start = remaining = None
    if remaining is None:
        if size is None:
            raise UsageError(
                "this file cannot be measured (it is not seekable); pass size= with the "
                "number of bytes to send"
            )
        return _FileSource(file, size, name, None)
    return _FileSource(file, _agree(size, remaining, "the rest of the file"), name, start)


def open_source(source: UploadSource, *, size: int | None = None) -> Source:
    """The :class:`Source` for whatever an upload was given.

    ``size`` is required for iterators (their length cannot be known before reading
    them); for paths, bytes and files it is optional and must agree with theirs.
    """
    size = _check_size(size)
    if isinstance(source, (bytes, bytearray, memoryview)):
        # A bytearray is copied: the caller could change it while it is being sent.
        try:
            data = memoryview(bytes(source) if isinstance(source, bytearray) else source).cast("B")
        except TypeError:
            raise UsageError("a memoryview to upload must be contiguous") from None
        if size is not None:
            _agree(size, len(data), "the bytes given")
        return _BytesSource(data, None)
    if isinstance(source, (str, os.PathLike)):
        return _from_path(source, size)
    read = getattr(source, "read", None)
    if callable(read):
        if not inspect.iscoroutinefunction(read):
            return _from_file(source, size)
        wrapped = getattr(source, "wrapped", None)  # anyio's AsyncFile wraps a plain file
        if wrapped is not None and callable(getattr(wrapped, "read", None)):
            return _from_file(wrapped, size)
        name = _base_name(getattr(source, "name", None))
        return _AsyncFileSource(source, _need_size(size, "an async file"), name)
    if isinstance(source, AsyncIterable):
        return _AsyncIterSource(source, _need_size(size, "an async iterator"), None)
    if isinstance(source, Iterable) and not isinstance(source, (dict, set, frozenset)):
        return _IterSource(source, _need_size(size, "an iterator"), None)
    raise UsageError(
        "an upload takes a path, an open binary file, bytes, or an iterator of bytes; "
        f"got {type(source).__name__}"
    )


def _need_size(size: int | None, what: str) -> int:
    if size is None:
        raise UsageError(
            f"uploading from {what} needs size= (the number of bytes it will produce): "
            "the request must announce its length before sending"
        )
    return size
