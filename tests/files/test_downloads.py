"""Downloads against a mock API and storage host: two hops with credentials only on the
first, refused redirects and origins, size caps, atomic files, streams and the sync
twins."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from basecamp_client import (
    AsyncBasecamp,
    Basecamp,
    ForbiddenError,
    Hooks,
    NetworkError,
    RequestStart,
    UnsafeLinkError,
    UsageError,
)
from basecamp_client._core.clock import FakeClock
from basecamp_client.models import Attachment, Upload

from .conftest import ACCOUNT, API, STORAGE, Recorder

pytestmark = pytest.mark.anyio

UA = "file tests (tests@example.com)"
TOKEN = "SECRET-TOKEN-f1les-9a8b7c"
FILE = bytes(range(256)) * 2000  # 512 000 bytes
DOWNLOAD = f"{API}/{ACCOUNT}/blobs/k3y/download/report.pdf"
SIGNED = f"{STORAGE}/objects/k3y?X-Signature=s1gn4tur3-abcdef&expires=99"


class Chunks(httpx.AsyncByteStream):
    """A response body in chunks, optionally failing after ``fail_after`` of them."""

    def __init__(self, data: bytes, size: int = 65_536, fail_after: int | None = None) -> None:
        self.data = data
        self.size = size
        self.fail_after = fail_after
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.size):
            if self.fail_after is not None and self.sent >= self.fail_after:
                raise httpx.ReadError("connection reset mid-body")
            self.sent += 1
            yield self.data[start : start + self.size]


def storage(
    body: bytes = FILE,
    *,
    location: str = SIGNED,
    stream: Chunks | None = None,
    length: bool = True,
    disposition: str | None = None,
    hop1: Callable[[httpx.Request], httpx.Response | None] | None = None,
    hop2: Callable[[httpx.Request], httpx.Response | None] | None = None,
) -> Recorder:
    """The API answers downloads with a redirect; the storage host serves the bytes and,
    like a real one, refuses a request that carries an Authorization header."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "3.basecampapi.com":
            answer = hop1(request) if hop1 else None
            return answer or httpx.Response(302, headers={"Location": location})
        answer = hop2(request) if hop2 else None
        if answer is not None:
            return answer
        if "authorization" in request.headers:
            return httpx.Response(400, text="no Authorization on signed URLs")
        headers = {"Content-Type": "application/pdf"}
        if disposition:
            headers["Content-Disposition"] = disposition
        if stream is not None:
            if length:
                headers["Content-Length"] = str(len(stream.data))
            return httpx.Response(200, headers=headers, stream=stream)
        return httpx.Response(200, headers=headers, content=body)

    return Recorder(handle)


def client(recorder: Recorder, **kwargs: Any) -> AsyncBasecamp:
    if not {"auth", "access_token"} & kwargs.keys():
        kwargs["access_token"] = TOKEN
    return AsyncBasecamp(
        user_agent=UA,
        transport=httpx.MockTransport(recorder),
        clock=FakeClock(),
        random=lambda: 0.0,
        **kwargs,
    )


async def read(recorder: Recorder, target: Any = DOWNLOAD, **kwargs: Any) -> bytes:
    async with client(recorder) as bc:
        return await bc.for_account(ACCOUNT).downloads.read(target, **kwargs)


# -- the two hops ---------------------------------------------------------------------------


async def test_credentials_go_to_the_api_and_never_to_storage() -> None:
    recorder = storage()
    assert await read(recorder) == FILE
    hop1, hop2 = recorder.requests
    assert str(hop1.url) == DOWNLOAD
    assert hop1.headers["authorization"] == f"Bearer {TOKEN}"
    assert str(hop2.url) == SIGNED
    assert "authorization" not in hop2.headers
    assert TOKEN not in str(hop2.headers.raw)
    assert hop2.headers["user-agent"].startswith(UA)


async def test_a_custom_auth_header_stays_on_the_api_origin() -> None:
    class KeyAuth:
        async def apply(self, headers: dict[str, str]) -> None:
            headers["X-Api-Key"] = "key-0123456789"
            headers["Authorization"] = "Custom key-0123456789"

    recorder = storage()
    async with client(recorder, auth=KeyAuth()) as bc:
        assert await bc.for_account(ACCOUNT).downloads.read(DOWNLOAD) == FILE
    hop1, hop2 = recorder.requests
    assert hop1.headers["x-api-key"] == "key-0123456789"
    assert "x-api-key" not in hop2.headers
    assert "authorization" not in hop2.headers
    assert "key-0123456789" not in str(hop2.headers.raw)


async def test_models_with_a_download_url_are_accepted() -> None:
    recorder = storage()
    for model in (
        Upload.from_dict({"id": 1, "download_url": DOWNLOAD}),
        Attachment.from_dict({"attachable_sgid": "s", "download_url": DOWNLOAD}),
    ):
        assert await read(recorder, model) == FILE


async def test_an_api_answer_with_the_file_itself_needs_no_second_hop() -> None:
    recorder = storage(hop1=lambda r: httpx.Response(200, content=b"direct"))
    assert await read(recorder) == b"direct"
    assert len(recorder.requests) == 1


async def test_a_relative_redirect_is_resolved_against_the_api_url() -> None:
    recorder = storage(location="/99/storage/k3y?sig=1")
    async with client(recorder) as bc:
        with pytest.raises(Exception):
            await bc.for_account(ACCOUNT).downloads.read(DOWNLOAD)
    assert str(recorder.requests[1].url) == f"{API}/99/storage/k3y?sig=1"
    assert "authorization" not in recorder.requests[1].headers


async def test_auth_routable_asset_urls_are_fetched_through_the_api_origin() -> None:
    recorder = storage()
    static = f"https://3.basecamp-static.com/{ACCOUNT}/blobs/k3y/download/report.pdf"
    assert await read(recorder, Attachment.from_dict({"download_url": static})) == FILE
    assert str(recorder.requests[0].url) == DOWNLOAD
    assert recorder.requests[0].url.host == "3.basecampapi.com"


# -- what is refused ------------------------------------------------------------------------


async def test_a_url_off_the_api_origin_is_refused_before_any_request() -> None:
    recorder = storage()
    for url in (
        "https://evil.example/99/blobs/k/download/x",
        "http://3.basecampapi.com/99/blobs/k/download/x",  # a downgrade is another origin
        "https://3.basecampapi.com:8443/99/blobs/k/download/x",
        "https://3.basecampapi.com.evil.example/99/x",
        f"{STORAGE}/objects/k3y",
    ):
        with pytest.raises(UsageError, match="refusing to send credentials"):
            await read(recorder, url)
    with pytest.raises(UnsafeLinkError, match="refusing to send credentials"):
        await read(recorder, Upload.from_dict({"download_url": "https://evil.example/x"}))
    with pytest.raises(UsageError, match="has no download_url"):
        await read(recorder, Upload.from_dict({"id": 1}))
    with pytest.raises(UsageError, match="expected a download URL"):
        await read(recorder, 42)
    assert recorder.requests == []


async def test_storage_redirecting_again_is_refused_and_never_followed() -> None:
    third = "https://third.example/elsewhere"
    recorder = storage(hop2=lambda r: httpx.Response(302, headers={"Location": third}))
    with pytest.raises(UnsafeLinkError, match="another redirect"):
        await read(recorder)
    assert [r.url.host for r in recorder.requests] == [
        "3.basecampapi.com",
        "bucket.storage.example",
    ]


async def test_unsafe_redirect_targets_are_refused() -> None:
    for location in (
        "http://bucket.storage.example/objects/k3y?sig=1",  # https → http
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:pass@bucket.storage.example/x",
    ):
        recorder = storage(location=location)
        with pytest.raises(UnsafeLinkError):
            await read(recorder)
        assert len(recorder.requests) == 1, location
    recorder = storage(hop1=lambda r: httpx.Response(302))
    with pytest.raises(UnsafeLinkError, match="without a Location"):
        await read(recorder)


async def test_storage_errors_are_typed_and_never_show_the_signature() -> None:
    events: list[Any] = []
    recorder = storage(hop2=lambda r: httpx.Response(403, text="signature expired"))
    async with client(recorder, hooks=Hooks(on_request_start=events.append)) as bc:
        with pytest.raises(ForbiddenError) as info:
            await bc.for_account(ACCOUNT).downloads.read(DOWNLOAD)
    assert "s1gn4tur3" not in str(info.value)
    assert "s1gn4tur3" not in repr(info.value.to_dict())
    starts = [e for e in events if isinstance(e, RequestStart)]
    assert [e.url for e in starts] == [DOWNLOAD, f"{STORAGE}/objects/k3y?…"]
    assert starts[0].headers["Authorization"] == "<redacted>"
    assert "Authorization" not in starts[1].headers


async def test_transient_failures_are_retried_on_either_hop() -> None:
    failures = {"api": 1, "storage": 1}

    def flaky(where: str) -> Callable[[httpx.Request], httpx.Response | None]:
        def answer(request: httpx.Request) -> httpx.Response | None:
            if failures[where]:
                failures[where] -= 1
                return httpx.Response(503, text="busy")
            return None

        return answer

    recorder = storage(hop1=flaky("api"), hop2=flaky("storage"))
    assert await read(recorder) == FILE
    assert [r.url.host for r in recorder.requests] == [
        "3.basecampapi.com",
        "3.basecampapi.com",
        "bucket.storage.example",
        "bucket.storage.example",
    ]


# -- read(), stream() -----------------------------------------------------------------------


async def test_read_refuses_a_file_over_max_bytes_before_reading_it() -> None:
    body = Chunks(FILE)
    recorder = storage(stream=body)
    with pytest.raises(UsageError, match=r"\(512000 bytes\) is larger than max_bytes=1000"):
        await read(recorder, max_bytes=1000)
    assert body.sent == 0


async def test_read_stops_at_max_bytes_when_the_size_is_not_announced() -> None:
    body = Chunks(FILE, size=10_000)
    recorder = storage(stream=body, length=False)
    with pytest.raises(UsageError, match="larger than max_bytes=25000"):
        await read(recorder, max_bytes=25_000)
    assert body.sent == 3  # it stopped reading right there
    assert await read(storage(stream=Chunks(FILE), length=False), max_bytes=len(FILE)) == FILE
    for bad in (-1, True, "10"):
        with pytest.raises(UsageError, match="max_bytes must be"):
            await read(storage(), max_bytes=bad)


async def test_stream_yields_chunks_and_describes_the_file() -> None:
    seen: list[tuple[int, int | None]] = []
    recorder = storage(stream=Chunks(FILE), disposition='attachment; filename="Q1 report.pdf"')
    async with client(recorder) as bc:
        stream = bc.for_account(ACCOUNT).downloads.stream(
            DOWNLOAD, progress=lambda d, t: seen.append((d, t))
        )
        assert recorder.requests == []  # lazy until read
        parts = [chunk async for chunk in stream]
    assert b"".join(parts) == FILE
    assert len(parts) == len(FILE) // 65_536 + 1
    assert (stream.size, stream.content_type, stream.filename) == (
        len(FILE),
        "application/pdf",
        "Q1 report.pdf",
    )
    assert seen[0] == (0, len(FILE))
    assert seen[-1] == (len(FILE), len(FILE))


async def test_stopping_a_stream_early_releases_it() -> None:
    body = Chunks(FILE)
    recorder = storage(stream=body)
    async with client(recorder) as bc:
        async with bc.for_account(ACCOUNT).downloads.stream(DOWNLOAD) as stream:
            async for _chunk in stream:
                break
        assert [chunk async for chunk in stream] == []  # closed: nothing more
        with pytest.raises(UsageError, match="closed"):
            await stream.open()
    assert body.sent < 3


async def test_a_broken_body_is_a_network_error() -> None:
    recorder = storage(stream=Chunks(FILE, fail_after=2))
    with pytest.raises(NetworkError):
        await read(recorder)


# -- to_file() ------------------------------------------------------------------------------


async def test_to_file_writes_the_file_and_returns_its_path(tmp_path: Path) -> None:
    seen: list[int] = []
    recorder = storage(stream=Chunks(FILE))
    async with client(recorder) as bc:
        path = await bc.for_account(ACCOUNT).downloads.to_file(
            DOWNLOAD, tmp_path / "out.pdf", progress=lambda d, t: seen.append(d)
        )
    assert path == tmp_path / "out.pdf"
    assert path.read_bytes() == FILE
    assert os.listdir(tmp_path) == ["out.pdf"]
    assert seen[-1] == len(FILE)
    if os.name == "posix":  # created like open(path, "wb") would: the umask decides
        umask = os.umask(0o022)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


async def test_to_file_into_a_directory_uses_a_safe_version_of_the_files_name(
    tmp_path: Path,
) -> None:
    hostile = 'attachment; filename="../../etc/pass\\"wd"'
    recorder = storage(disposition=hostile)
    async with client(recorder) as bc:
        path = await bc.for_account(ACCOUNT).downloads.to_file(DOWNLOAD, tmp_path)
    assert path.parent == tmp_path
    assert path.name == "pass_wd"
    unicode = "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; filename=\"resume.pdf\""
    async with client(storage(disposition=unicode)) as bc:
        path = await bc.for_account(ACCOUNT).downloads.to_file(DOWNLOAD, tmp_path)
    assert path.name == "résumé.pdf"
    async with client(storage()) as bc:  # no header: the URL names the file
        assert (await bc.for_account(ACCOUNT).downloads.to_file(DOWNLOAD, tmp_path)).name == "k3y"


async def test_to_file_never_clobbers_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"precious")
    recorder = storage()
    async with client(recorder) as bc:
        downloads = bc.for_account(ACCOUNT).downloads
        with pytest.raises(UsageError, match="already exists; pass overwrite=True"):
            await downloads.to_file(DOWNLOAD, target)
        assert recorder.requests == []  # refused before downloading
        assert target.read_bytes() == b"precious"
        await downloads.to_file(DOWNLOAD, target, overwrite=True)
    assert target.read_bytes() == FILE
    assert os.listdir(tmp_path) == ["out.pdf"]
    with pytest.raises(UsageError, match="no such directory"):
        async with client(storage()) as bc:
            await bc.for_account(ACCOUNT).downloads.to_file(DOWNLOAD, tmp_path / "no" / "x")


async def test_a_failure_mid_stream_leaves_no_file_and_no_temporary_file(tmp_path: Path) -> None:
    recorder = storage(stream=Chunks(FILE, fail_after=3))
    async with client(recorder) as bc:
        with pytest.raises(NetworkError, match="after 196608 bytes of the file") as info:
            await bc.for_account(ACCOUNT).downloads.to_file(DOWNLOAD, tmp_path / "out.pdf")
    assert info.value.operation_id == "DownloadFile"
    assert os.listdir(tmp_path) == []


async def test_a_cancelled_download_leaves_no_file_and_no_temporary_file(tmp_path: Path) -> None:
    arrived = anyio.Event()

    def slow_progress(done: int, total: int | None) -> None:
        if done > 100_000:
            arrived.set()

    async def gated(done: int, total: int | None) -> None:
        slow_progress(done, total)
        if arrived.is_set():
            await anyio.sleep_forever()

    recorder = storage(stream=Chunks(FILE))
    async with client(recorder) as bc:
        downloads = bc.for_account(ACCOUNT).downloads
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                await downloads.to_file(DOWNLOAD, tmp_path / "out.pdf", progress=gated)

            tg.start_soon(run)
            await arrived.wait()
            assert len(os.listdir(tmp_path)) == 1  # the temporary file, mid-download
            tg.cancel_scope.cancel()
    assert os.listdir(tmp_path) == []


async def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    def explode(done: int, total: int | None) -> None:
        if done > 100_000:
            raise OSError(28, "No space left on device")

    async with client(storage(stream=Chunks(FILE))) as bc:
        with pytest.raises(OSError, match="No space left"):
            await bc.for_account(ACCOUNT).downloads.to_file(
                DOWNLOAD, tmp_path / "out.pdf", progress=explode
            )
    assert os.listdir(tmp_path) == []


# -- the sync client ------------------------------------------------------------------------


def test_the_sync_twins(tmp_path: Path) -> None:
    body = Chunks(FILE)
    recorder = storage(stream=body)
    with Basecamp(
        access_token=TOKEN,
        user_agent=UA,
        transport=httpx.MockTransport(recorder),
        clock=FakeClock(),
    ) as bc:
        downloads = bc.for_account(ACCOUNT).downloads
        assert downloads.read(DOWNLOAD) == FILE
        body.sent = 0
        path = downloads.to_file(DOWNLOAD, tmp_path / "a.pdf")
        assert path.read_bytes() == FILE
        body.sent = 0
        stream = downloads.stream(DOWNLOAD)
        assert b"".join(stream) == FILE
        assert stream.size == len(FILE)
        body.sent = 0
        with downloads.stream(DOWNLOAD) as chunks:
            assert chunks.filename == "k3y"
            for _chunk in chunks:
                break
        assert body.sent < 3  # stopped early, released
        for _chunk in downloads.stream(DOWNLOAD):
            break
        with pytest.raises(UsageError, match="refusing to send credentials"):
            downloads.read("https://evil.example/x")
    assert all("authorization" not in r.headers for r in recorder.to("bucket.storage.example"))
