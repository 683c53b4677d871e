"""Issue 12, item 11: a 507 is its own error and never retried; validation messages list
the field errors; a download's refused redirect says what it refused."""

from __future__ import annotations

import json

import httpx
import pytest

from basecamp_client import ApiError, AsyncBasecamp, LimitExceededError, UnsafeLinkError
from basecamp_client._core import Operation
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.errors import ValidationError, error_for_response

from .helpers import (
    CREATE_IDEMPOTENT,
    GET,
    UA,
    Recorder,
    identity,
    json_response,
    make_client,
    session,
)

pytestmark = pytest.mark.anyio


def test_507_is_limit_exceeded_with_a_storage_hint() -> None:
    error = error_for_response(507, {}, b'{"error": "Storage limit reached"}', operation_id="X")
    assert type(error) is LimitExceededError
    assert isinstance(error, ApiError)  # `except ApiError` keeps catching it
    assert error.code == "limit_exceeded"
    assert error.retryable is False
    assert error.message == "X: Storage limit reached"
    assert "storage" in (error.hint or "")
    assert error.to_dict()["code"] == "limit_exceeded"
    assert error_for_response(507, {}, b"").message == "insufficient storage"


@pytest.mark.parametrize("op", [GET, CREATE_IDEMPOTENT], ids=["GET", "idempotent-POST"])
async def test_507_is_sent_once_even_when_retry_on_names_it(op: Operation) -> None:
    recorder = Recorder(lambda request: json_response(507, {"error": "full"}))
    body = None if op is GET else {"x": 1}
    async with make_client(recorder, retry_on={507, 503}, max_attempts=5) as client:
        s = session(client)
        with pytest.raises(LimitExceededError) as info:
            await s.call(op, path={"id": 1}, body=body, decode=identity)
    assert recorder.count == 1
    assert info.value.attempts == 1
    assert info.value.http_status == 507


def test_validation_message_lists_field_errors_sorted_beside_the_error_string() -> None:
    body = {
        "error": "Validation failed",
        "title": ["can't be blank"],
        "due_on": ["is invalid", "is in the past"],
        "assignee_ids": "must be people on the project",
    }
    error = error_for_response(422, {}, json.dumps(body).encode(), operation_id="CreateTodo")
    assert isinstance(error, ValidationError)
    assert error.message == (
        "CreateTodo: Validation failed (assignee_ids: must be people on the project; "
        "due_on: is invalid, is in the past; title: can't be blank)"
    )
    assert error.field_errors == {
        "title": ["can't be blank"],
        "due_on": ["is invalid", "is in the past"],
        "assignee_ids": ["must be people on the project"],
    }
    nested = error_for_response(400, {}, b'{"error": "Bad", "errors": {"b": ["x"], "a": "y"}}')
    assert nested.message == "Bad (a: y; b: x)"
    fields_only = error_for_response(422, {}, b'{"z": ["late"], "a": ["early"]}')
    assert fields_only.message == "a: early; z: late"
    error_only = error_for_response(422, {}, b'{"error": "Nope"}')
    assert error_only.message == "Nope"
    assert error_for_response(422, {}, b"").message == "the request was rejected as invalid"


DOWNLOAD_URL = "https://3.basecampapi.com/99/blobs/k/download/report.pdf"


async def _download(handler: object) -> UnsafeLinkError:
    recorder = Recorder(handler)  # type: ignore[arg-type]
    async with AsyncBasecamp(
        access_token="t0k3n-for-downloads",
        user_agent=UA,
        transport=httpx.MockTransport(recorder),
        clock=FakeClock(),
        random=lambda: 0.0,
    ) as bc:
        with pytest.raises(UnsafeLinkError) as info:
            await bc.for_account(99).downloads.read(DOWNLOAD_URL)
    return info.value


async def test_a_second_redirect_is_refused_with_its_status() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "3.basecampapi.com":
            return httpx.Response(302, headers={"Location": "https://bucket.example/k?sig=1"})
        return httpx.Response(307, headers={"Location": "https://third.example/x"})

    error = await _download(handle)
    assert error.http_status == 307
    assert "redirect was not followed" in error.message
    assert error.operation_id == "DownloadFile"
    assert "(HTTP 307)" in str(error)


@pytest.mark.parametrize(
    "location",
    [None, "http://bucket.example/k", "https://user:pw@bucket.example/k"],
    ids=["no-location", "plain-http", "user-name"],
)
async def test_a_refused_first_redirect_carries_its_status(location: str | None) -> None:
    headers = {"Location": location} if location else {}
    error = await _download(lambda request: httpx.Response(301, headers=headers))
    assert error.http_status == 301
    assert "redirect was not followed" in error.message
