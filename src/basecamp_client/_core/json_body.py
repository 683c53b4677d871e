"""Parsing and decoding a JSON response body: UTF-8 fast path, typed errors."""

from __future__ import annotations

import json
from typing import Any

from .errors import DecodeError
from .operation import Operation
from .transport import HttpResponse

_json_decode = json.JSONDecoder().decode


def loads(content: bytes) -> Any:
    # The API speaks UTF-8: decoding it directly skips json.loads's encoding sniffing.
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return json.loads(content)  # UTF-16/32 with a BOM, or invalid (raises)
    if text[:1] == "\ufeff":
        text = text[1:]
    return _json_decode(text)


def parse_json(op: Operation, response: HttpResponse) -> Any:
    try:
        return loads(response.content)
    except ValueError:
        what = "is not valid JSON" if response.content else "has no body"
        raise DecodeError(
            f"{op.id}: the response {what}",
            http_status=response.status_code,
            request_id=response.headers.get("x-request-id"),
            operation_id=op.id,
        ) from None


def decode_failure(
    op: Operation, exc: Exception, http_status: int | None, *, request_id: str | None = None
) -> DecodeError:
    """The error for a decoder that failed on a response's parsed body."""
    return DecodeError(
        f"{op.id}: could not decode the response ({type(exc).__name__}: {exc})",
        http_status=http_status,
        request_id=request_id,
        operation_id=op.id,
    )
