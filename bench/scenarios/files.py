"""Files: a large upload from disk and a download (through its redirect) to disk, streamed
by raw httpx and ours, in memory by the official SDK."""

from __future__ import annotations

import inspect
import os

from ..meter import Meter
from ..names import OFFICIAL, OURS, RAW
from .base import (
    Ctx,
    Extra,
    NotAvailable,
    Scenario,
    account_url,
    connected,
    official_sync,
    ours_sync,
    project_url,
    raw_headers,
)

CHUNK = 64 * 1024


def _check_and_remove(ctx: Ctx, path: str) -> None:
    """Check that the whole file arrived, then remove it (the next run starts clean)."""
    size = os.path.getsize(path)
    if size != ctx["file_bytes"]:
        raise RuntimeError(f"downloaded {size} bytes, expected {ctx['file_bytes']}")
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def upload_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    headers = {**raw_headers(ctx), "Content-Type": "application/octet-stream"}
    with httpx.Client(headers=headers, timeout=120) as client:
        client.get(project_url(ctx))
        meter.start()
        with open(ctx["upload_path"], "rb") as source:
            # A file object is streamed in chunks, with Content-Length from its size.
            response = client.post(
                f"{account_url(ctx)}/attachments.json", params={"name": "up.bin"}, content=source
            )
        response.raise_for_status()
        sgid = response.json()["attachable_sgid"]
        meter.stop()
    return {"sgid": bool(sgid)}


def upload_ours(ctx: Ctx, meter: Meter) -> Extra:
    with ours_sync(ctx, timeout=120) as client:
        account = client.for_account(ctx["account_id"])
        upload = account.attachments.upload
        if "source" not in inspect.signature(upload).parameters:
            raise NotAvailable("n/a (not available: attachments.upload(source, ...) not built)")
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        attachment = upload(ctx["upload_path"], name="up.bin")
        meter.stop()
    return {"sgid": bool(attachment.attachable_sgid)}


def upload_official(ctx: Ctx, meter: Meter) -> Extra:
    with connected(official_sync, ctx) as account:
        meter.start()
        # Its API takes the whole file as bytes.
        with open(ctx["upload_path"], "rb") as source:
            content = source.read()
        result = account.attachments.create(
            content=content, content_type="application/octet-stream", name="up.bin"
        )
        del content
        meter.stop()
    return {"sgid": bool(result["attachable_sgid"])}


def download_raw(ctx: Ctx, meter: Meter) -> Extra:
    import httpx

    target = ctx["download_path"]
    with (
        httpx.Client(headers=raw_headers(ctx), timeout=120) as api,
        httpx.Client(timeout=120) as storage,  # the signed URL must go without credentials
    ):
        api.get(project_url(ctx))
        meter.start()
        hop = api.get(ctx["download_url"])
        if hop.status_code != 302:
            raise RuntimeError(f"expected a redirect, got {hop.status_code}")
        with storage.stream("GET", hop.headers["location"]) as response, open(target, "wb") as out:
            response.raise_for_status()
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
        meter.stop()
    _check_and_remove(ctx, target)
    return {}


def download_ours(ctx: Ctx, meter: Meter) -> Extra:
    target = ctx["download_path"]
    with ours_sync(ctx, timeout=120) as client:
        account = client.for_account(ctx["account_id"])
        downloads = getattr(account, "downloads", None)
        if downloads is None or not hasattr(downloads, "to_file"):
            raise NotAvailable("n/a (not available: downloads.to_file() not built)")
        account.projects.get(project_id=ctx["project_id"])
        meter.start()
        downloads.to_file(ctx["download_url"], target)
        meter.stop()
    _check_and_remove(ctx, target)
    return {}


def download_official(ctx: Ctx, meter: Meter) -> Extra:
    target = ctx["download_path"]
    with connected(official_sync, ctx) as account:
        meter.start()
        result = account.download_url(ctx["download_url"])  # the whole body, in memory
        with open(target, "wb") as out:
            out.write(result.body)
        del result
        meter.stop()
    _check_and_remove(ctx, target)
    return {}


SCENARIOS = (
    Scenario(
        "download",
        "download a {mb} MB file to disk",
        {RAW: download_raw, OURS: download_ours, OFFICIAL: download_official},
        reps_factor=0.6,
    ),
    Scenario(
        "upload",
        "upload a {mb} MB file from disk",
        {RAW: upload_raw, OURS: upload_ours, OFFICIAL: upload_official},
        reps_factor=0.6,
    ),
)
