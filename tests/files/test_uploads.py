"""Uploads through the client: every source kind streamed with an exact Content-Length,
raw and multipart; progress; and which failures re-send the body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from basecamp_client import (
    AsyncBasecamp,
    Basecamp,
    NetworkError,
    RateLimitError,
    UsageError,
)
from basecamp_client._core.attempts import ONE_SHOT_HINT
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.sources import CHUNK_SIZE
from basecamp_client._generated.account import AsyncAccount

from .conftest import ACCOUNT, ReadLog, achunks, chunks

pytestmark = pytest.mark.anyio

UA = "file tests (tests@example.com)"
DATA = b"%PDF-1.7 " + bytes(range(256)) * 700  # ~180 kB: three chunks
ATTACHMENT = {"id": 1, "attachable_sgid": "sgid-1", "filename": "report.pdf"}


class Scripted(httpx.AsyncBaseTransport):
    """Answers from a script, one step per request: an int status (the body is read
    first, as a server would), or ``"refuse"`` (a connection error before any byte of
    the request was read)."""

    def __init__(self, *steps: int | str, reply: Any = ATTACHMENT) -> None:
        self.steps = list(steps)
        self.reply = reply
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        step = self.steps.pop(0) if self.steps else 201
        self.requests.append(request)
        if step == "refuse":
            self.bodies.append(b"")
            raise httpx.ConnectError("refused", request=request)
        body = b"".join([chunk async for chunk in request.stream])  # type: ignore[union-attr]
        self.bodies.append(body)
        assert isinstance(step, int)
        if step == 204:
            return httpx.Response(204)
        if step >= 400:
            return httpx.Response(step, headers={"Retry-After": "1"}, json={"error": "try later"})
        return httpx.Response(step, json=self.reply)


def client(transport: httpx.AsyncBaseTransport, **kwargs: Any) -> AsyncBasecamp:
    return AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        transport=transport,
        clock=FakeClock(),
        random=lambda: 0.0,
        **kwargs,
    )


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(DATA)
    return path


def sources(pdf: Path) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(label, source, extra arguments) for every kind of source."""
    yield "path", pdf, {}
    yield "str path", str(pdf), {}
    yield "open file", pdf.open("rb"), {}
    yield "bytes", DATA, {"name": "report.pdf"}
    yield "bytearray", bytearray(DATA), {"name": "report.pdf"}
    yield "memoryview", memoryview(DATA), {"name": "report.pdf"}
    yield "iterator", chunks(DATA, 10_000), {"name": "report.pdf", "size": len(DATA)}
    yield "async iterator", achunks(DATA, 10_000), {"name": "report.pdf", "size": len(DATA)}


# -- what goes on the wire ------------------------------------------------------------------


async def test_every_source_kind_is_sent_raw_with_its_exact_length(pdf: Path) -> None:
    for label, source, extra in sources(pdf):
        transport = Scripted(201)
        async with client(transport) as bc:
            attachment = await bc.for_account(ACCOUNT).attachments.upload(source, **extra)
        assert attachment.attachable_sgid == "sgid-1", label
        [request] = transport.requests
        assert transport.bodies == [DATA], label
        assert request.headers["content-length"] == str(len(DATA)), label
        assert "transfer-encoding" not in request.headers, label
        assert request.headers["content-type"] == "application/pdf", label
        assert request.url.params["name"] == "report.pdf", label
        assert request.url.path == f"/{ACCOUNT}/attachments.json"
        if hasattr(source, "close"):
            source.close()


async def test_every_source_kind_is_sent_as_one_multipart_field(pdf: Path) -> None:
    for label, source, extra in sources(pdf):
        transport = Scripted(204)
        async with client(transport) as bc:
            extra = {**extra, "name": "logo.png"}
            assert await bc.for_account(ACCOUNT).account.upload_logo(source, **extra) is None
        [request] = transport.requests
        [body] = transport.bodies
        kind, _, boundary = request.headers["content-type"].partition("; boundary=")
        assert kind == "multipart/form-data", label
        assert request.headers["content-length"] == str(len(body)), label
        assert "transfer-encoding" not in request.headers, label
        head = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        )
        assert body == head.encode() + DATA + f"\r\n--{boundary}--\r\n".encode(), label
        assert request.url.path == f"/{ACCOUNT}/account/logo.json"
        assert request.method == "PUT"
        if hasattr(source, "close"):
            source.close()


async def test_name_and_content_type_can_be_given(pdf: Path) -> None:
    transport = Scripted(201)
    async with client(transport) as bc:
        await bc.for_account(ACCOUNT).attachments.upload(
            pdf, name="Q1 report & notes.bin", content_type="application/x-custom"
        )
    [request] = transport.requests
    assert request.url.params["name"] == "Q1 report & notes.bin"
    assert request.headers["content-type"] == "application/x-custom"


async def test_bad_arguments_fail_before_anything_is_sent(pdf: Path) -> None:
    transport = Scripted()
    async with client(transport) as bc:
        attachments = bc.for_account(ACCOUNT).attachments
        with pytest.raises(UsageError, match="name= is required"):
            await attachments.upload(DATA)
        with pytest.raises(UsageError, match="needs size="):
            await attachments.upload(chunks(DATA), name="a.bin")
        with pytest.raises(UsageError, match="content_type must be a media type"):
            await attachments.upload(pdf, content_type="pdf")
        with pytest.raises(UsageError, match="progress must be a callable"):
            await attachments.upload(pdf, progress=42)  # type: ignore[arg-type]
    assert transport.requests == []


async def test_the_body_is_streamed_chunk_by_chunk_never_read_ahead() -> None:
    produced = 0

    def generate() -> Iterator[bytes]:
        nonlocal produced
        for _ in range(20):
            produced += 1
            yield b"x" * 50_000

    seen: list[int] = []

    class Probe(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            async for _chunk in request.stream:  # type: ignore[union-attr]
                seen.append(produced)
            return httpx.Response(201, json=ATTACHMENT)

    async with client(Probe()) as bc:
        await bc.for_account(ACCOUNT).attachments.upload(
            generate(), name="big.bin", size=20 * 50_000
        )
    # When the transport gets chunk k, the source has produced exactly k chunks.
    assert seen == list(range(1, 21))


async def test_a_file_is_read_in_small_steps_through_the_client() -> None:
    log = ReadLog(DATA * 10)
    transport = Scripted(201)
    async with client(transport) as bc:
        await bc.for_account(ACCOUNT).attachments.upload(log, name="big.bin")
    assert max(log.reads) <= CHUNK_SIZE
    assert len(log.reads) > 1
    assert transport.bodies == [DATA * 10]


async def test_progress_reports_bytes_sent_sync_and_async(pdf: Path) -> None:
    seen: list[tuple[int, int | None]] = []

    async def on_progress(done: int, total: int | None) -> None:
        seen.append((done, total))

    async with client(Scripted(201, 204)) as bc:
        account = bc.for_account(ACCOUNT)
        await account.attachments.upload(pdf, progress=lambda d, t: seen.append((d, t)))
        assert seen[0] == (0, len(DATA))
        assert seen[-1] == (len(DATA), len(DATA))
        seen.clear()
        await account.account.upload_logo(pdf, name="logo.png", progress=on_progress)
        assert seen[-1] == (len(DATA), len(DATA))


# -- retries --------------------------------------------------------------------------------


async def test_a_replayable_source_is_sent_again_after_503_on_an_idempotent_put(
    pdf: Path,
) -> None:
    for source in (pdf, DATA, pdf.open("rb")):
        transport = Scripted(503, 204)
        async with client(transport) as bc:
            await bc.for_account(ACCOUNT).account.upload_logo(source, name="logo.png")
        assert len(transport.requests) == 2
        first, second = transport.bodies
        assert first == second
        assert DATA in first
        if hasattr(source, "close"):
            source.close()


async def test_a_consumed_stream_is_never_replayed(pdf: Path) -> None:
    for make in (chunks, achunks):
        transport = Scripted(503, 204)
        async with client(transport) as bc:
            with pytest.raises(Exception) as info:
                await bc.for_account(ACCOUNT).account.upload_logo(
                    make(DATA), name="logo.png", size=len(DATA)
                )
        assert info.value.http_status == 503  # type: ignore[attr-defined]
        assert info.value.hint == ONE_SHOT_HINT  # type: ignore[attr-defined]
        assert "one-time stream" in str(info.value)
        assert len(transport.requests) == 1


async def test_a_429_resends_a_replayable_upload_but_not_a_consumed_stream(pdf: Path) -> None:
    transport = Scripted(429, 201)
    async with client(transport) as bc:
        await bc.for_account(ACCOUNT).attachments.upload(pdf)
    assert transport.bodies == [DATA, DATA]

    transport = Scripted(429, 201)
    async with client(transport) as bc:
        with pytest.raises(RateLimitError) as info:
            await bc.for_account(ACCOUNT).attachments.upload(
                achunks(DATA), name="a.pdf", size=len(DATA)
            )
    assert info.value.hint == ONE_SHOT_HINT
    assert len(transport.requests) == 1


async def test_a_stream_not_yet_read_may_be_sent_after_a_refused_connection() -> None:
    transport = Scripted("refuse", 201)
    async with client(transport) as bc:
        await bc.for_account(ACCOUNT).attachments.upload(chunks(DATA), name="a.pdf", size=len(DATA))
    assert transport.bodies == [b"", DATA]


async def test_a_non_idempotent_upload_is_not_replayed_after_a_503(pdf: Path) -> None:
    transport = Scripted(503, 201)
    async with client(transport) as bc:
        with pytest.raises(Exception) as info:
            await bc.for_account(ACCOUNT).attachments.upload(pdf)
    assert info.value.http_status == 503  # type: ignore[attr-defined]
    assert "may have been processed" in str(info.value)
    assert len(transport.requests) == 1


async def test_a_dropped_connection_mid_stream_is_a_network_error(pdf: Path) -> None:
    class Drops(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            async for _ in request.stream:  # type: ignore[union-attr]
                raise httpx.WriteError("connection reset", request=request)
            raise AssertionError("unreachable")

    async with client(Drops()) as bc:
        with pytest.raises(NetworkError) as info:
            await bc.for_account(ACCOUNT).attachments.upload(
                chunks(DATA), name="a.pdf", size=len(DATA)
            )
    assert info.value.request_sent


# -- the whole client, sync included ----------------------------------------------------------


def test_the_sync_client_uploads_every_way(pdf: Path) -> None:
    transport = Scripted(201, 201, 201, 204)
    seen: list[int] = []
    with Basecamp(access_token="t", user_agent=UA, transport=transport, clock=FakeClock()) as bc:
        account = bc.for_account(ACCOUNT)
        assert account.attachments.upload(pdf).attachable_sgid == "sgid-1"
        account.attachments.upload(chunks(DATA), name="a.pdf", size=len(DATA))
        account.campfires.upload_file(pdf, campfire_id=5, progress=lambda d, t: seen.append(d))
        account.account.upload_logo(DATA, name="logo.png")
    assert transport.bodies[:3] == [DATA, DATA, DATA]
    assert transport.requests[2].url.path == f"/{ACCOUNT}/chats/5/uploads.json"
    assert transport.requests[2].url.params["name"] == "report.pdf"
    assert seen[-1] == len(DATA)


async def test_upload_by_operation_id(pdf: Path) -> None:
    transport = Scripted(201)
    async with client(transport) as bc:
        account: AsyncAccount = bc.for_account(ACCOUNT)
        attachment = await account.call("CreateAttachment", source=pdf)
    assert attachment.filename == "report.pdf"
    assert transport.bodies == [DATA]


async def test_upload_file_does_both_steps(pdf: Path) -> None:
    upload = {"id": 7, "title": "report", "filename": "report.pdf"}

    class TwoSteps(Scripted):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/uploads.json"):
                self.requests.append(request)
                self.bodies.append(await request.aread())
                return httpx.Response(201, json=upload)
            return await super().handle_async_request(request)

    transport = TwoSteps()
    async with client(transport) as bc:
        result = await bc.for_account(ACCOUNT).uploads.upload_file(
            vault_id=3, path=pdf, description="<div>Q1</div>"
        )
    assert result.id == 7
    attach, create = transport.requests
    assert attach.url.path == f"/{ACCOUNT}/attachments.json"
    assert create.url.path == f"/{ACCOUNT}/vaults/3/uploads.json"
    assert json.loads(transport.bodies[1]) == {
        "attachable_sgid": "sgid-1",
        "description": "<div>Q1</div>",
    }


async def test_upload_file_without_an_sgid_in_the_answer_is_a_decode_error(pdf: Path) -> None:
    from basecamp_client import DecodeError

    async with client(Scripted(201, reply={"id": 1})) as bc:
        with pytest.raises(DecodeError, match="no attachable_sgid"):
            await bc.for_account(ACCOUNT).uploads.upload_file(vault_id=3, path=pdf)


@pytest.mark.parametrize(
    "bad",
    [
        {"vault_id": 0},
        {"description": 5},
        {"description": None},
        {"subscriptions": [float("nan")]},
        {"visible_to_clients": "yes"},
    ],
)
async def test_upload_file_checks_both_steps_arguments_before_sending_anything(
    pdf: Path, bad: dict[str, Any]
) -> None:
    from basecamp_client import UsageError

    transport = Scripted(201)
    async with client(transport) as bc:
        with pytest.raises(UsageError, match=f"CreateUpload: {next(iter(bad))}"):
            await bc.for_account(ACCOUNT).uploads.upload_file(**{"vault_id": 3, "path": pdf, **bad})
    assert transport.requests == []
