"""``account.downloads``: files out of Basecamp, streamed, into memory or onto disk.

Every method takes a download URL or an object with a ``download_url`` (an
:class:`~basecamp_client.models.Upload`, an
:class:`~basecamp_client.models.Attachment`, …). The request goes to the API origin with
the client's credentials, then to the pre-signed storage URL it redirects to without
them (see :mod:`basecamp_client._core.downloads`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

import anyio.to_thread

from .._core.deadlines import call_deadline
from .._core.downloads import Download, DownloadTarget, open_download
from .._core.errors import UsageError
from .._core.progress import ProgressCallback, check_progress
from .._core.unset import UNSET, Unset

if TYPE_CHECKING:
    from .._core.core import ClientCore
    from .._core.runner import Runner
    from .._core.session import AccountSession

#: What ``read()`` accepts at most unless told otherwise.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
#: Bytes gathered before a write to disk.
WRITE_SIZE = 256 * 1024


class AsyncDownloadStream:
    """The chunks of one download: ``async for chunk in stream`` (or ``async with
    stream as chunks``, which also guarantees the connection is released early).

    Nothing is requested until the first chunk (or ``async with``) asks for it. After
    that, :attr:`size`, :attr:`content_type` and :attr:`filename` describe the file.
    """

    __slots__ = ("_closed", "_core", "_deadline", "_download", "_progress", "_target")

    def __init__(
        self,
        core: ClientCore,
        target: DownloadTarget,
        progress: ProgressCallback | None,
        deadline: float | Unset | None = UNSET,
    ) -> None:
        self._core = core
        self._deadline = deadline
        self._target = target
        self._progress = check_progress(progress)
        self._download: Download | None = None
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("open" if self._download else "not started")
        return f"<AsyncDownloadStream {state}>"

    @property
    def size(self) -> int | None:
        """The file's size in bytes, when the server said (after opening)."""
        return self._download.size if self._download is not None else None

    @property
    def content_type(self) -> str | None:
        return self._download.content_type if self._download is not None else None

    @property
    def filename(self) -> str | None:
        """The file's name (safe to use as one), when known (after opening)."""
        return self._download.filename if self._download is not None else None

    async def open(self) -> Download:
        """Send the requests (idempotent): the response head is then known."""
        if self._closed:
            raise UsageError("this download stream is closed")
        if self._download is None:
            self._download = await open_download(
                self._core,
                self._target,
                progress=self._progress,
                deadline=call_deadline(self._core, self._deadline),
            )
        return self._download

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        if self._closed:
            raise StopAsyncIteration
        try:
            chunk = await (await self.open()).read_chunk()
        except BaseException:
            await self.aclose()
            raise
        if not chunk:
            self._closed = True
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        """Stop: release the connection (idempotent)."""
        self._closed = True
        if self._download is not None:
            await self._download.aclose()  # its size, type and name stay readable

    async def __aenter__(self) -> AsyncDownloadStream:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _check_max_bytes(max_bytes: object) -> int:
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
        raise UsageError(f"max_bytes must be a non-negative integer, got {max_bytes!r}")
    return max_bytes


def _too_large(limit: int, size: int | None) -> UsageError:
    told = f" ({size} bytes)" if size is not None else ""
    return UsageError(
        f"the file{told} is larger than max_bytes={limit}; raise max_bytes, or use "
        "downloads.to_file() or downloads.stream() for large files"
    )


def _destination(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"path must be a file path, got {type(path).__name__}")
    return Path(os.fspath(path))


def _final_path(dest: Path, filename: str | None, overwrite: bool) -> Path:
    if dest.is_dir():
        if not filename:
            raise UsageError(
                f"{str(dest)!r} is a directory and the download does not name its file; "
                "give a file path instead"
            )
        dest = dest / filename
    if not dest.parent.is_dir():
        raise UsageError(f"no such directory: {str(dest.parent)!r}")
    if not overwrite and dest.exists():
        raise UsageError(f"{str(dest)!r} already exists; pass overwrite=True to replace it")
    return dest


def _place(tmp: str, dest: Path, overwrite: bool) -> None:
    """Move the finished temporary file into place, never clobbering without leave."""
    if overwrite:
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)  # fails, atomically, if dest appeared meanwhile
    except FileExistsError:
        raise UsageError(
            f"{str(dest)!r} already exists; pass overwrite=True to replace it"
        ) from None
    except OSError:
        # No hard links on this file system: check, then rename.
        if dest.exists():
            raise UsageError(
                f"{str(dest)!r} already exists; pass overwrite=True to replace it"
            ) from None
        os.replace(tmp, dest)
        return
    os.unlink(tmp)


def _temporary(final: Path) -> tuple[IO[bytes], str]:
    """A new file next to ``final``, created like ``open(path, "wb")`` would (the
    umask decides its permissions), under a name no one else is using."""
    for _ in range(100):
        tmp = str(final.parent / f".{final.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
        except FileExistsError:
            continue
        return os.fdopen(fd, "wb"), tmp
    raise UsageError(
        f"could not create a temporary file in {str(final.parent)!r}"
    )  # pragma: no cover


def _finish(file: IO[bytes], pending: list[bytes]) -> None:
    file.writelines(pending)
    file.flush()
    os.fsync(file.fileno())
    file.close()


def _discard(file: IO[bytes], tmp: str) -> None:
    # Synchronous on purpose: it must complete even while the task is being cancelled.
    try:
        file.close()
    except OSError:
        pass
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


class AsyncDownloadsService:
    """Download files: to disk (atomically), as a stream of chunks, or into memory."""

    __slots__ = ("_session",)

    def __init__(self, session: AccountSession) -> None:
        self._session = session

    def stream(
        self, target: DownloadTarget, *, progress: ProgressCallback | None = None
    ) -> AsyncDownloadStream:
        """The file's bytes, chunk by chunk: ``async for chunk in downloads.stream(upload)``.

        ``progress(received, total)`` is called as chunks arrive (``total`` is ``None``
        when the size is not known).
        """
        session = self._session
        return AsyncDownloadStream(session.core, target, progress, session.deadline)

    async def read(
        self,
        target: DownloadTarget,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        progress: ProgressCallback | None = None,
    ) -> bytes:
        """The whole file in memory, refused (``UsageError``) beyond ``max_bytes``."""
        limit = _check_max_bytes(max_bytes)
        async with self.stream(target, progress=progress) as stream:
            if stream.size is not None and stream.size > limit:
                raise _too_large(limit, stream.size)
            data = bytearray()
            async for chunk in stream:
                if len(data) + len(chunk) > limit:
                    raise _too_large(limit, stream.size)
                data += chunk
        return bytes(data)

    async def to_file(
        self,
        target: DownloadTarget,
        path: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Save the file at ``path`` (or, when ``path`` is a directory, inside it under
        the file's own name) and return where it went.

        The bytes go to a temporary file next to the destination, which is renamed into
        place only once complete: a failure or a cancellation leaves neither a partial
        file nor the temporary one. An existing file is replaced only with
        ``overwrite=True``.
        """
        dest = _destination(path)
        if not dest.is_dir():
            _final_path(dest, None, overwrite)  # fail before downloading anything
        async with self.stream(target, progress=progress) as stream:
            final = _final_path(dest, stream.filename, overwrite)
            file, tmp = _temporary(final)
            try:
                pending: list[bytes] = []
                held = 0
                async for chunk in stream:
                    pending.append(chunk)
                    held += len(chunk)
                    if held >= WRITE_SIZE:
                        # One trip to the worker thread per few chunks, not per chunk.
                        await anyio.to_thread.run_sync(file.writelines, pending)
                        pending, held = [], 0
                await anyio.to_thread.run_sync(_finish, file, pending)
                await anyio.to_thread.run_sync(_place, tmp, final, overwrite)
            except BaseException:
                _discard(file, tmp)
                raise
        return final


class DownloadStream:
    """The sync twin of :class:`AsyncDownloadStream`: ``for chunk in stream`` (or
    ``with stream as chunks``). Each chunk is fetched through the client's event loop
    thread, so memory stays bounded by one chunk."""

    __slots__ = ("_a", "_runner")

    def __init__(self, async_stream: AsyncDownloadStream, runner: Runner) -> None:
        self._a = async_stream
        self._runner = runner

    def __repr__(self) -> str:
        return repr(self._a).replace("AsyncDownloadStream", "DownloadStream")

    @property
    def size(self) -> int | None:
        return self._a.size

    @property
    def content_type(self) -> str | None:
        return self._a.content_type

    @property
    def filename(self) -> str | None:
        return self._a.filename

    def open(self) -> Download:
        return self._runner.run(self._a.open)

    def __iter__(self) -> Iterator[bytes]:
        runner = self._runner
        try:
            while True:
                try:
                    chunk = runner.run(self._a.__anext__)
                except StopAsyncIteration:
                    return
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        try:
            self._runner.run(self._a.aclose)
        except UsageError:
            pass  # the client was closed meanwhile; nothing left to release

    def __enter__(self) -> DownloadStream:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class DownloadsService:
    """The sync twin of :class:`AsyncDownloadsService`."""

    __slots__ = ("_a", "_runner")

    def __init__(self, async_service: AsyncDownloadsService, runner: Runner) -> None:
        self._a = async_service
        self._runner = runner

    def stream(
        self, target: DownloadTarget, *, progress: ProgressCallback | None = None
    ) -> DownloadStream:
        """The file's bytes, chunk by chunk: ``for chunk in downloads.stream(upload)``."""
        return DownloadStream(self._a.stream(target, progress=progress), self._runner)

    def read(
        self,
        target: DownloadTarget,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        progress: ProgressCallback | None = None,
    ) -> bytes:
        """The whole file in memory, refused (``UsageError``) beyond ``max_bytes``."""
        return self._runner.run(self._a.read, target, max_bytes=max_bytes, progress=progress)

    def to_file(
        self,
        target: DownloadTarget,
        path: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Save the file at ``path`` atomically (see :meth:`AsyncDownloadsService.to_file`)."""
        return self._runner.run(
            self._a.to_file, target, path, progress=progress, overwrite=overwrite
        )


__all__ = [
    "DEFAULT_MAX_BYTES",
    "AsyncDownloadStream",
    "AsyncDownloadsService",
    "DownloadStream",
    "DownloadsService",
]
