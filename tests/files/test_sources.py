"""Upload sources and bodies: sizes, names, types, replayability, chunked reading, and
the errors for everything that cannot be sent as announced."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from basecamp_client import UsageError
from basecamp_client._core.request_body import (
    UploadBody,
    file_name,
    media_type,
    multipart_framing,
)
from basecamp_client._core.sources import CHUNK_SIZE, Source, open_source

from .conftest import ReadLog, Unseekable, achunks, chunks

pytestmark = pytest.mark.anyio

DATA = bytes(range(256)) * 1000  # 256 000 bytes: several chunks


async def drain(body: UploadBody) -> bytes:
    stream = body.open()
    try:
        return b"".join([chunk async for chunk in stream])
    finally:
        await stream.aclose()


async def read_source(source: Source) -> bytes:
    return await drain(UploadBody(source, content_type="application/octet-stream"))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "report.pdf"
    target.write_bytes(DATA)
    return target


async def test_a_path_is_measured_named_and_replayable(path: Path) -> None:
    for given in (path, str(path)):
        source = open_source(given)
        assert (source.size, source.name, source.replayable) == (len(DATA), "report.pdf", True)
        assert await read_source(source) == DATA
        assert await read_source(source) == DATA  # again, from the start


async def test_bytes_of_every_kind(path: Path) -> None:
    for given in (DATA, bytearray(DATA), memoryview(DATA)):
        source = open_source(given)
        assert (source.size, source.name, source.replayable) == (len(DATA), None, True)
        assert await read_source(source) == DATA
    words = memoryview(bytearray(8)).cast("I")  # 2 items, 8 bytes
    assert open_source(words).size == 8


async def test_a_bytearray_is_copied_so_later_changes_do_not_leak_in() -> None:
    data = bytearray(b"before")
    source = open_source(data)
    data[:] = b"AFTER!"
    assert await read_source(source) == b"before"


async def test_a_seekable_file_is_read_from_its_position_on_every_attempt(path: Path) -> None:
    with path.open("rb") as file:
        file.seek(1000)
        source = open_source(file)
        assert (source.size, source.name, source.replayable) == (
            len(DATA) - 1000,
            "report.pdf",
            True,
        )
        assert await read_source(source) == DATA[1000:]
        assert await read_source(source) == DATA[1000:]
        assert not file.closed  # the caller's file stays the caller's


async def test_an_in_memory_file_is_read_in_small_steps() -> None:
    log = ReadLog(DATA)
    source = open_source(log)
    assert source.size == len(DATA)
    assert await read_source(source) == DATA
    assert max(log.reads) <= CHUNK_SIZE
    assert len(log.reads) >= len(DATA) // CHUNK_SIZE


async def test_an_unseekable_file_needs_its_size_and_is_read_once() -> None:
    with pytest.raises(UsageError, match=r"not seekable.*size="):
        open_source(Unseekable(DATA))
    source = open_source(io.BufferedReader(Unseekable(DATA)), size=len(DATA))
    assert not source.replayable
    assert await read_source(source) == DATA
    with pytest.raises(UsageError, match="already consumed"):
        await read_source(source)


async def test_iterators_need_a_size_and_are_read_once() -> None:
    with pytest.raises(UsageError, match="needs size="):
        open_source(chunks(DATA))
    with pytest.raises(UsageError, match="needs size="):
        open_source(achunks(DATA))
    for make in (chunks, achunks):
        source = open_source(make(DATA), size=len(DATA))
        assert (source.replayable, source.name) == (False, None)
        assert await read_source(source) == DATA
        with pytest.raises(UsageError, match="already consumed"):
            await read_source(source)


async def test_a_source_that_delivers_less_or_more_than_announced_is_an_error() -> None:
    with pytest.raises(UsageError, match="ended after 256000 of the 256001 bytes"):
        await read_source(open_source(chunks(DATA), size=len(DATA) + 1))
    with pytest.raises(UsageError, match="more than the 255999 bytes"):
        await read_source(open_source(achunks(DATA), size=len(DATA) - 1))


async def test_a_file_that_grows_while_it_is_sent_is_an_error(path: Path) -> None:
    source = open_source(path)
    with path.open("ab") as more:
        more.write(b"late")
    with pytest.raises(UsageError, match="changed while being uploaded"):
        await read_source(source)


async def test_chunks_that_are_not_bytes_are_refused() -> None:
    with pytest.raises(UsageError, match="gave str, expected bytes"):
        await read_source(open_source(iter(["text"]), size=4))
    with pytest.raises(UsageError, match="open it in binary mode"):
        open_source(io.StringIO("text"))


async def test_sizes_that_disagree_with_the_source_are_refused(path: Path) -> None:
    with pytest.raises(UsageError, match="size=5 does not match the bytes given"):
        open_source(DATA, size=5)
    with pytest.raises(UsageError, match="size=5 does not match"):
        open_source(path, size=5)
    for bad in (-1, True, 1.5, "10"):
        with pytest.raises(UsageError, match="size must be a non-negative integer"):
            open_source(DATA, size=bad)  # type: ignore[arg-type]
    assert open_source(DATA, size=len(DATA)).size == len(DATA)


def test_unusable_sources_name_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        open_source(tmp_path / "missing.png")
    with pytest.raises(UsageError, match="not a regular file"):
        open_source(tmp_path)
    with pytest.raises(UsageError, match="got int"):
        open_source(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="got dict"):
        open_source({"a": b"b"})  # type: ignore[arg-type]
    closed = io.BytesIO(b"x")
    closed.close()
    with pytest.raises(UsageError, match="closed"):
        open_source(closed)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_named_pipe_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        open_source(fifo)


def test_names_and_content_types() -> None:
    named = open_source(b"x")
    with pytest.raises(UsageError, match="name= is required when uploading bytes"):
        file_name(None, named)
    assert file_name("chart.png", named) == "chart.png"
    for bad in ("", "  ", 3, "a\nb.png"):
        with pytest.raises(UsageError, match="name must"):
            file_name(bad, named)
    assert media_type(None, "chart.png") == "image/png"
    assert media_type(None, "notes.txt") == "text/plain"
    assert media_type(None, "blob.unknown-ext") == "application/octet-stream"
    assert media_type(" image/jpeg ", "x.png") == "image/jpeg"
    assert media_type("text/plain; charset=utf-8", "x") == "text/plain; charset=utf-8"
    for bad in ("image", "image/png\r\nX-Evil: 1", 5):
        with pytest.raises(UsageError, match="content_type must be a media type"):
            media_type(bad, "x.png")


async def test_multipart_body_is_framed_with_an_exact_length(path: Path) -> None:
    header, head, tail = multipart_framing("logo", 'we"ird\r\nname.png', "image/png")
    boundary = header.split("boundary=")[1]
    body = UploadBody(open_source(path), content_type=header, head=head, tail=tail)
    sent = await drain(body)
    assert len(sent) == body.length == int(body.headers["Content-Length"])
    assert sent.startswith(f"--{boundary}\r\n".encode())
    assert b'name="logo"; filename="we%22ird%0D%0Aname.png"\r\n' in sent
    assert sent.endswith(f"\r\n--{boundary}--\r\n".encode())
    assert DATA in sent
    assert boundary.encode() not in DATA
    other = multipart_framing("logo", "a.png", "image/png")[0]
    assert other != header  # a fresh boundary every time


async def test_progress_counts_file_bytes_sync_or_async(path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    body = UploadBody(
        open_source(path), content_type="x/y", progress=lambda d, t: seen.append((d, t))
    )
    await drain(body)
    assert seen[0] == (0, len(DATA))
    assert seen[-1] == (len(DATA), len(DATA))
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})  # rising, never repeated
    assert len(seen) >= len(DATA) // CHUNK_SIZE

    async def record(done: int, total: int | None) -> None:
        seen.append((done, total))

    seen.clear()
    await drain(UploadBody(open_source(DATA), content_type="x/y", progress=record))
    assert seen[-1] == (len(DATA), len(DATA))
    seen.clear()
    await drain(UploadBody(open_source(DATA), content_type="x/y", progress=record))
    assert seen[0] == (0, len(DATA))  # a second attempt counts from zero again


async def test_a_progress_callback_can_stop_the_upload() -> None:
    def stop(done: int, total: int | None) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await drain(UploadBody(open_source(DATA), content_type="x/y", progress=stop))


async def test_async_files(path: Path) -> None:
    import anyio

    async with await anyio.open_file(path, "rb") as file:
        source = open_source(file)  # anyio's file wraps a plain one: measured, replayable
        assert (source.size, source.name, source.replayable) == (len(DATA), "report.pdf", True)
        assert await read_source(source) == DATA

    class AsyncReader:
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)
            self.name = "/somewhere/stream.bin"

        async def read(self, size: int) -> bytes:
            return self._data.read(size)

    with pytest.raises(UsageError, match="an async file needs size="):
        open_source(AsyncReader(DATA))
    source = open_source(AsyncReader(DATA), size=len(DATA))
    assert (source.name, source.replayable) == ("stream.bin", False)
    assert await read_source(source) == DATA
    with pytest.raises(UsageError, match="more than the 10 bytes"):
        await read_source(open_source(AsyncReader(DATA), size=10))
