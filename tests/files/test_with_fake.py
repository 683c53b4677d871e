"""Files end to end against the fake Basecamp: in process, and over real sockets with
each HTTP backend (its storage host refuses any request carrying Authorization)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, ForbiddenError, ValidationError
from basecamp_client import rich_text as rt
from basecamp_client._core.attempts import ONE_SHOT_HINT
from basecamp_client._core.clock import FakeClock
from basecamp_client._generated.account import AsyncAccount
from basecamp_client.testing import FakeBasecamp, FakeServer
from basecamp_client.testing._sample import png

from .conftest import achunks, chunks

UA = "file tests (tests@example.com)"
IMAGE = png(40, 30, (10, 120, 200))
BLOB = os.urandom(300_000)


async def first_project(account: AsyncAccount) -> tuple[int, dict[str, int]]:
    project = (await account.projects.list(max_items=1))[0]
    tools = {t.name: t.id for t in project.dock or [] if t.name and t.id}
    return project.id, tools


async def round_trip(account: AsyncAccount, tmp_path: Path, fake: FakeBasecamp) -> None:
    """Upload every way, file into Docs & Files, embed in a message, download back."""
    _project, tools = await first_project(account)
    path = tmp_path / "chart.png"
    path.write_bytes(IMAGE)
    attachment = await account.attachments.upload(path)
    assert (attachment.filename, attachment.content_type) == ("chart.png", "image/png")
    assert (attachment.width, attachment.height) == (40, 30)
    streamed = await account.attachments.upload(
        achunks(BLOB, 7000), name="blob.bin", size=len(BLOB)
    )
    assert streamed.byte_size == len(BLOB)

    upload = await account.uploads.upload_file(
        vault_id=tools["vault"],
        path=path,
        description=rt.html(rt.paragraph("Q1 ", rt.bold("chart"))),
    )
    assert upload.filename == "chart.png"
    assert upload.description == "<div>Q1 <strong>chart</strong></div>"

    me = await account.my_profile.get()
    body = rt.html(
        rt.paragraph("Here it is, ", rt.mention(me), ":"),
        rt.attachment(attachment, caption='Q1 <"chart">'),
    )
    message = await account.messages.create(
        board_id=tools["message_board"], subject="Chart", content=body
    )
    assert attachment.attachable_sgid in (message.content or "")

    assert await account.downloads.read(attachment) == IMAGE
    assert await account.downloads.read(upload) == IMAGE
    out = await account.downloads.to_file(streamed, tmp_path / "blob-out.bin")
    assert out.read_bytes() == BLOB
    received = b"".join([chunk async for chunk in account.downloads.stream(streamed.download_url)])
    assert received == BLOB
    storage_hits = [r for r in fake.requests if r.target == "storage"]
    assert storage_hits
    assert all("authorization" not in r.headers for r in storage_hits)
    assert all(r.status == 200 for r in storage_hits)


@pytest.mark.anyio
async def test_in_process(tmp_path: Path) -> None:
    fake = FakeBasecamp.with_sample_data()
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        await round_trip(bc.for_account(fake.account_id), tmp_path, fake)


@pytest.fixture(scope="module", params=["stdlib", "uvicorn"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[FakeBasecamp, FakeServer]]:
    fake = FakeBasecamp.with_sample_data()
    with fake.serve(server=request.param) as server:
        yield fake, server


@pytest.fixture(params=["auto", "httpx"])
def http_backend(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_over_real_sockets(
    served: tuple[FakeBasecamp, FakeServer], http_backend: str, tmp_path: Path
) -> None:
    fake, server = served
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=server.base_url, http_backend=http_backend
    ) as bc:
        await round_trip(bc.for_account(fake.account_id), tmp_path, fake)


def test_sync_client_over_real_sockets(
    served: tuple[FakeBasecamp, FakeServer], tmp_path: Path
) -> None:
    fake, server = served
    src = tmp_path / "data.bin"
    src.write_bytes(BLOB)
    with Basecamp(access_token="t", user_agent=UA, base_url=server.base_url) as bc:
        account = bc.for_account(fake.account_id)
        attachment = account.attachments.upload(src)
        out = account.downloads.to_file(attachment, tmp_path / "copy.bin")
        assert out.read_bytes() == BLOB
        for _chunk in account.downloads.stream(attachment):
            break  # stopping early: the fake shrugs it off, the next call works
        assert account.downloads.read(attachment) == BLOB


# -- retries against the fake's faults ---------------------------------------------------------


def sync_client(fake: FakeBasecamp) -> Basecamp:
    return Basecamp(
        access_token="t",
        user_agent=UA,
        transport=fake.transport(),
        clock=FakeClock(),
        random=lambda: 0.0,
    )


def test_logo_upload_is_resent_from_a_path_after_a_503(tmp_path: Path) -> None:
    fake = FakeBasecamp.with_sample_data()
    path = tmp_path / "logo.png"
    path.write_bytes(IMAGE)
    fake.faults.fail(1, status=503, path="/account/logo*")
    with sync_client(fake) as bc:
        account = bc.for_account(fake.account_id)
        account.account.upload_logo(path)
        logo = account.account.get().logo
        assert logo is not None
        assert logo.url is not None
        assert account.downloads.read(logo.url) == IMAGE
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert [r.status for r in puts] == [503, 204]


def test_a_consumed_stream_is_not_resent_to_the_fake() -> None:
    fake = FakeBasecamp.with_sample_data()
    fake.faults.fail(1, status=503, path="/account/logo*")
    with sync_client(fake) as bc, pytest.raises(Exception) as info:
        bc.for_account(fake.account_id).account.upload_logo(
            chunks(IMAGE, 10), name="logo.png", size=len(IMAGE)
        )
    assert info.value.hint == ONE_SHOT_HINT  # type: ignore[attr-defined]
    assert len([r for r in fake.requests if r.method == "PUT"]) == 1


def test_attachments_are_resent_after_a_429() -> None:
    fake = FakeBasecamp.with_sample_data()
    fake.faults.fail(1, status=429, path="/attachments*", retry_after=1)
    with sync_client(fake) as bc:
        attachment = bc.for_account(fake.account_id).attachments.upload(BLOB, name="b.bin")
    assert attachment.byte_size == len(BLOB)
    assert [r.status for r in fake.requests if r.method == "POST"] == [429, 201]


# -- the fake's side of the contract -------------------------------------------------------------


def test_the_fake_checks_the_logo_like_basecamp() -> None:
    fake = FakeBasecamp.with_sample_data()
    with sync_client(fake) as bc:
        account = bc.for_account(fake.account_id)
        with pytest.raises(ValidationError, match="PNG, JPEG"):
            account.account.upload_logo(b"not an image", name="notes.txt")
        with pytest.raises(ValidationError, match="too large"):
            account.account.upload_logo(b"\0" * (5 * 1024 * 1024 + 1), name="huge.png")
        account.account.upload_logo(IMAGE, name="logo.png")
        assert account.account.get().logo is not None
        account.account.remove_logo()
        assert account.account.get().logo is None
    person = fake.add_person("Not Admin", "na@example.com")
    fake.add_token("member-token", person)
    with (
        Basecamp(access_token="member-token", user_agent=UA, transport=fake.transport()) as bc,
        pytest.raises(ForbiddenError),
    ):
        bc.for_account(fake.account_id).account.upload_logo(IMAGE, name="logo.png")


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("image/png", b"raw", 415),
        ("multipart/form-data", b"--x\r\n", 400),
        ("multipart/form-data; boundary=x", b"--x\r\nno headers--x--\r\n", 400),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\nbody\r\n--x--\r\n", 400),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data\r\n\r\nb\r\n--x--\r\n",
            400,
        ),
        ("multipart/form-data; boundary=x", b"--y\r\nsomething\r\n--y--\r\n", 400),
    ],
)
def test_the_fake_rejects_a_badly_framed_form(content_type: str, body: bytes, status: int) -> None:
    fake = FakeBasecamp.with_sample_data()
    with httpx.Client(transport=fake.transport()) as c:
        answer = c.put(
            f"https://3.basecampapi.com/{fake.account_id}/account/logo.json",
            content=body,
            headers={"Content-Type": content_type, "User-Agent": UA, "Authorization": "Bearer t"},
        )
    assert answer.status_code == status, answer.text


def test_campfire_uploads_land_in_the_chat(tmp_path: Path) -> None:
    fake = FakeBasecamp.with_sample_data()
    path = tmp_path / "notes.txt"
    path.write_bytes(b"meeting notes\n")
    with sync_client(fake) as bc:
        account = bc.for_account(fake.account_id)
        project = account.projects.list().collect()[0]
        chat_id = next(t.id for t in project.dock or [] if t.name == "chat")
        assert chat_id is not None
        line = account.campfires.upload_file(path, campfire_id=chat_id)
        assert line.id in {u.id for u in account.campfires.list_uploads(campfire_id=chat_id)}
    [post] = [r for r in fake.requests if r.method == "POST"]
    assert post.headers["content-type"] == "text/plain"
    assert post.query == "name=notes.txt"
