"""The object store behind downloads: pre-signed URLs on an origin of their own.

Like a real object store it serves bytes to anyone holding a valid, unexpired
signature, and refuses requests that also carry an ``Authorization`` header — a
client that forwards its API token across the redirect is caught here.
"""

from __future__ import annotations

import hmac
import math
import re
from urllib.parse import parse_qs, quote, unquote

from ._store import Blob, Store
from ._wire import BlobStream, FakeRequest, FakeResponse

IN_PROCESS_STORAGE_ORIGIN = "https://storage.basecamp-fake.test"
URL_LIFETIME = 300.0

_PATH = re.compile(r"^/blobs/([0-9a-f]+)/([^/]+)$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _signature(store: Store, key: str, filename: str, expires: int) -> str:
    return store.sign(f"storage|{key}|{filename}|{expires}")


def signed_url(store: Store, origin: str, blob: Blob, *, now: float) -> str:
    expires = math.ceil(now + URL_LIFETIME)
    name = quote(blob.filename, safe="")
    signature = _signature(store, blob.key, blob.filename, expires)
    return f"{origin}/blobs/{blob.key}/{name}?expires={expires}&signature={signature}"


def _text(status: int, message: str, request_id: str) -> FakeResponse:
    return FakeResponse(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("X-Request-Id", request_id)],
        message.encode(),
    )


def serve(store: Store, request: FakeRequest, *, now: float, request_id: str) -> FakeResponse:
    if request.method not in ("GET", "HEAD"):
        return _text(405, "storage objects are read-only here", request_id)
    if "authorization" in request.headers:
        return _text(
            400,
            "pre-signed URLs carry their own authorization: send no Authorization header",
            request_id,
        )
    match = _PATH.match(request.path)
    blob = store.blobs_by_key.get(match.group(1)) if match else None
    if match is None or blob is None:
        return _text(404, "no such object", request_id)
    query = parse_qs(request.query)
    try:
        expires = int(query["expires"][0])
        given = query["signature"][0]
    except (KeyError, ValueError, IndexError):
        return _text(403, "missing or malformed signature", request_id)
    expected = _signature(store, blob.key, unquote(match.group(2)), expires)
    if not hmac.compare_digest(given, expected):
        return _text(403, "signature does not match", request_id)
    if now > expires:
        return _text(403, "this signed URL has expired", request_id)
    return _object(blob, request, request_id)


def _object(blob: Blob, request: FakeRequest, request_id: str) -> FakeResponse:
    size = blob.byte_size
    start, end, status = 0, size, 200
    requested = request.headers.get("range")
    if requested:
        m = _RANGE.match(requested.strip())
        if m is None or (not m.group(1) and not m.group(2)):
            return _text(416, "unsupported range", request_id)
        if m.group(1):
            start = int(m.group(1))
            end = min(size, int(m.group(2)) + 1) if m.group(2) else size
        else:
            start = max(0, size - int(m.group(2)))
        if start >= size or start >= end:
            response = _text(416, "range not satisfiable", request_id)
            response.headers.append(("Content-Range", f"bytes */{size}"))
            return response
        status = 206
    headers = [
        ("Content-Type", blob.content_type),
        ("Content-Length", str(end - start)),
        ("Content-Disposition", f'attachment; filename="{blob.filename}"'),
        ("ETag", f'"{blob.digest}"'),
        ("Accept-Ranges", "bytes"),
        ("Cache-Control", "private, max-age=300"),
        ("X-Request-Id", request_id),
    ]
    if status == 206:
        headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))
    body = b"" if request.method == "HEAD" else BlobStream(blob.data, start, end)
    return FakeResponse(status, headers, body)
