"""Attachments, uploads, rich-text embeds and downloads through a signed storage origin."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp, FakeClock
from basecamp_client.testing._sample import png

from .conftest import HEADERS, api, dock

STORAGE = "https://storage.basecamp-fake.test"
IMAGE = png(6, 4, (200, 30, 30))


def attach(client: httpx.Client, data: bytes, name: str, content_type: str) -> dict:
    r = client.post(
        "/attachments.json",
        params={"name": name},
        content=data,
        headers={"Content-Type": content_type},
    )
    assert r.status_code == 201, r.text
    return r.json()


def download(fake: FakeBasecamp, client: httpx.Client, url: str) -> httpx.Response:
    """Follow a download the way a careful client does: API with credentials, then the
    signed URL on the storage origin without them."""
    redirect = client.get(url)
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith(STORAGE + "/")
    with httpx.Client(transport=fake.transport()) as anonymous:
        return anonymous.get(location)


def test_attachment_then_upload_then_download(fake: FakeBasecamp, client: httpx.Client) -> None:
    attachment = attach(client, IMAGE, "chart.png", "image/png")
    assert set(attachment) >= {"attachable_sgid", "download_url", "byte_size", "content_type"}
    assert attachment["byte_size"] == len(IMAGE)
    assert attachment["width"] == 6
    assert attachment["height"] == 4
    vault = dock(client, "vault")
    upload = client.post(
        vault["uploads_url"],
        json={
            "attachable_sgid": attachment["attachable_sgid"],
            "description": "<div>Q1</div>",
            "base_name": "q1-chart",
        },
    ).json()
    assert upload["filename"] == "q1-chart.png"
    assert upload["content_type"] == "image/png"
    assert upload["byte_size"] == len(IMAGE)
    assert upload["download_url"].startswith("https://3.basecampapi.com/")
    got = download(fake, client, upload["download_url"])
    assert got.status_code == 200
    assert got.content == IMAGE
    assert got.headers["content-type"] == "image/png"
    assert download(fake, client, attachment["download_url"]).content == IMAGE
    renamed = client.put(upload["url"], json={"base_name": "chart-final"}).json()
    assert renamed["filename"] == "chart-final.png"
    assert renamed["description"] == "<div>Q1</div>"


def test_upload_validation(client: httpx.Client) -> None:
    vault = dock(client, "vault")
    assert client.post(vault["uploads_url"], json={"attachable_sgid": "forged"}).status_code == 422
    assert client.post(vault["uploads_url"], json={}).status_code == 422
    empty = client.post(
        "/attachments.json",
        params={"name": "a.txt"},
        content=b"",
        headers={"Content-Type": "text/plain"},
    )
    assert empty.status_code == 422
    nameless = client.post(
        "/attachments.json", content=b"x", headers={"Content-Type": "text/plain"}
    )
    assert nameless.status_code == 422
    untyped = client.post("/attachments.json", params={"name": "a.bin"}, content=b"x")
    assert untyped.status_code == 415


def test_rich_text_embeds_become_attachments(client: httpx.Client) -> None:
    attachment = attach(client, IMAGE, "sketch.png", "image/png")
    board = dock(client, "message_board")
    content = (
        f'<div>See <bc-attachment sgid="{attachment["attachable_sgid"]}"></bc-attachment></div>'
    )
    message = client.post(
        board["messages_url"], json={"subject": "Sketch", "content": content}
    ).json()
    [embedded] = message["content_attachments"]
    assert embedded["sgid"] == attachment["attachable_sgid"]
    assert embedded["filename"] == "sketch.png"
    assert embedded["previewable"] is True
    assert embedded["width"] == 6
    unknown = '<bc-attachment sgid="not-a-real-one"></bc-attachment>'
    other = client.post(board["messages_url"], json={"subject": "x", "content": unknown}).json()
    assert other["content_attachments"] == []


def test_campfire_uploads(fake: FakeBasecamp, client: httpx.Client) -> None:
    chat = dock(client, "chat")
    r = client.post(
        chat["files_url"],
        params={"name": "menu.txt"},
        content=b"soup",
        headers={"Content-Type": "text/plain"},
    )
    assert r.status_code == 201
    line = r.json()
    assert line["type"] == "Chat::Lines::Upload"
    [attached] = line["attachments"]
    assert download(fake, client, attached["download_url"]).content == b"soup"
    assert [x["id"] for x in client.get(chat["files_url"]).json()] == [line["id"]]


def test_storage_refuses_credentials(fake: FakeBasecamp, client: httpx.Client) -> None:
    attachment = attach(client, b"secret plans", "plans.txt", "text/plain")
    location = client.get(attachment["download_url"]).headers["location"]
    leaked = client.get(location)  # the API client still sends its Authorization header
    assert leaked.status_code == 400
    assert "Authorization" in leaked.text


def test_storage_rejects_forged_and_expired_urls(
    fake: FakeBasecamp, client: httpx.Client, clock: FakeClock
) -> None:
    attachment = attach(client, b"bytes", "f.txt", "text/plain")
    location = client.get(attachment["download_url"]).headers["location"]
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    with httpx.Client(transport=fake.transport()) as anonymous:
        assert anonymous.get(location).status_code == 200
        forged = location.replace(query["signature"][0], "0" * 64)
        assert anonymous.get(forged).status_code == 403
        later = location.replace(
            f"expires={query['expires'][0]}", f"expires={int(query['expires'][0]) + 999}"
        )
        assert anonymous.get(later).status_code == 403
        unsigned = f"{parts.scheme}://{parts.netloc}{parts.path}"
        assert anonymous.get(unsigned).status_code == 403
        clock.advance(301)
        expired = anonymous.get(location)
        assert expired.status_code == 403
        assert "expired" in expired.text
        assert anonymous.post(location).status_code == 405


def test_large_downloads_stream_in_chunks_and_support_ranges(
    fake: FakeBasecamp, client: httpx.Client
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    attachment = attach(client, data, "big.bin", "application/octet-stream")
    location = client.get(attachment["download_url"]).headers["location"]
    with httpx.Client(transport=fake.transport()) as anonymous:
        with anonymous.stream("GET", location) as r:
            chunks = list(r.iter_raw())
        assert len(chunks) > 10
        assert max(len(c) for c in chunks) <= 64 * 1024
        assert b"".join(chunks) == data
        part = anonymous.get(location, headers={"Range": "bytes=10-19"})
        assert part.status_code == 206
        assert part.content == data[10:20]
        assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
        tail = anonymous.get(location, headers={"Range": "bytes=-5"})
        assert tail.content == data[-5:]
        beyond = anonymous.get(location, headers={"Range": f"bytes={len(data)}-"})
        assert beyond.status_code == 416


@pytest.mark.anyio
async def test_async_download_streams(fake: FakeBasecamp) -> None:
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=api(fake), headers=HEADERS
    ) as c:
        r = await c.post(
            "/attachments.json",
            params={"name": "a.bin"},
            content=b"z" * 200_000,
            headers={"Content-Type": "application/octet-stream"},
        )
        location = (await c.get(r.json()["download_url"])).headers["location"]
    async with (
        httpx.AsyncClient(transport=fake.transport()) as anonymous,
        anonymous.stream("GET", location) as got,
    ):
        body = b"".join([chunk async for chunk in got.aiter_raw()])
    assert body == b"z" * 200_000
