"""Error mapping: every status to its typed error, with stable codes and useful details."""

from __future__ import annotations

import json
import pickle

import pytest

from basecamp_client import (
    AccountInactiveError,
    ApiError,
    AuthError,
    BasecampError,
    ConflictError,
    DecodeError,
    ForbiddenError,
    LimitExceededError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    UsageError,
    ValidationError,
)
from basecamp_client._core.errors import MAX_BODY, MAX_MESSAGE, error_for_response, scrub

from .helpers import GET, Recorder, identity, json_response, make_client, session

CASES: list[tuple[int, dict[str, str], type[BasecampError], str, int, bool]] = [
    (400, {}, ValidationError, "validation", 7, False),
    (401, {}, AuthError, "auth_required", 3, False),
    (403, {}, ForbiddenError, "forbidden", 4, False),
    (404, {}, NotFoundError, "not_found", 5, False),
    (404, {"Reason": "Account Inactive"}, AccountInactiveError, "account_inactive", 6, False),
    (405, {}, ApiError, "api_error", 10, False),
    (406, {}, ApiError, "api_error", 10, False),
    (409, {}, ConflictError, "conflict", 8, False),
    (410, {}, ApiError, "api_error", 10, False),
    (412, {}, ConflictError, "conflict", 8, False),
    (413, {}, ApiError, "api_error", 10, False),
    (415, {}, ApiError, "api_error", 10, False),
    (422, {}, ValidationError, "validation", 7, False),
    (429, {}, RateLimitError, "rate_limit", 9, True),
    (500, {}, ApiError, "api_error", 10, True),
    (501, {}, ApiError, "api_error", 10, False),
    (502, {}, ApiError, "api_error", 10, True),
    (503, {}, ApiError, "api_error", 10, True),
    (504, {}, ApiError, "api_error", 10, True),
    (507, {}, LimitExceededError, "limit_exceeded", 12, False),
    (302, {}, ApiError, "api_error", 10, False),
    (418, {}, ApiError, "api_error", 10, False),
]


@pytest.mark.parametrize(("status", "headers", "cls", "code", "exit_code", "retryable"), CASES)
def test_every_status_maps_to_its_error(
    status: int,
    headers: dict[str, str],
    cls: type[BasecampError],
    code: str,
    exit_code: int,
    retryable: bool,
) -> None:
    headers = {**{k.lower(): v for k, v in headers.items()}, "x-request-id": "req-42"}
    error = error_for_response(status, headers, b'{"error": "boom"}', operation_id="GetThing")
    assert type(error) is cls
    assert error.code == code
    assert error.exit_code == exit_code
    assert error.http_status == status
    assert error.retryable is retryable
    assert error.request_id == "req-42"
    assert error.operation_id == "GetThing"
    assert "[request req-42]" in str(error)
    assert error.to_dict()["code"] == code


def test_account_inactive_is_a_not_found() -> None:
    error = error_for_response(404, {"reason": "Account Inactive"}, b"")
    assert isinstance(error, NotFoundError)
    assert "reactivate" in (error.hint or "")


def test_validation_errors_carry_field_errors() -> None:
    body = json.dumps({"name": ["can't be blank", "is too short"], "due_on": "is invalid"})
    error = error_for_response(422, {}, body.encode())
    assert isinstance(error, ValidationError)
    assert error.field_errors == {
        "name": ["can't be blank", "is too short"],
        "due_on": ["is invalid"],
    }
    assert "name: can't be blank, is too short" in error.message
    assert error.to_dict()["field_errors"]["due_on"] == ["is invalid"]
    nested = error_for_response(400, {}, b'{"errors": {"title": ["taken"]}}')
    assert nested.field_errors == {"title": ["taken"]}  # type: ignore[attr-defined]
    plain = error_for_response(400, {}, b"Bad Request")
    assert plain.field_errors == {}  # type: ignore[attr-defined]
    assert "User-Agent" in (plain.hint or "")


def test_rate_limit_error_reports_retry_after() -> None:
    error = error_for_response(429, {}, b"", retry_after=12.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 12.0
    assert "retry after 12s" in str(error)


def test_messages_and_bodies_are_truncated() -> None:
    error = error_for_response(500, {}, json.dumps({"error": "x" * 5000}).encode())
    assert len(error.message) <= MAX_MESSAGE
    assert error.message.endswith("…")
    assert error.body is not None
    assert len(error.body) <= MAX_BODY
    huge = error_for_response(500, {}, b"y" * 10_000_000)
    assert huge.body is not None
    assert len(huge.body) <= MAX_BODY


def test_non_utf8_and_non_json_bodies_are_handled() -> None:
    error = error_for_response(500, {}, b"\xff\xfe<html>oops</html>")
    assert error.message == "unexpected HTTP 500"
    assert "oops" in (error.body or "")


def test_errors_survive_pickling() -> None:
    original = error_for_response(
        422, {"x-request-id": "r1"}, b'{"name": ["bad"]}', operation_id="CreateThing"
    )
    copy = pickle.loads(pickle.dumps(original))  # noqa: S301 - our own bytes
    assert type(copy) is ValidationError
    assert copy.field_errors == {"name": ["bad"]}
    assert (copy.http_status, copy.request_id, copy.operation_id) == (422, "r1", "CreateThing")
    network = pickle.loads(pickle.dumps(NetworkError("down", request_sent=False)))  # noqa: S301
    assert network.request_sent is False


def test_scrub_masks_credentials() -> None:
    text = 'Authorization: Bearer abc.def-123 {"access_token": "tok", "refresh_token":"r"} code=xyz'
    cleaned = scrub(text)
    for secret in ("abc.def-123", '"tok"', '"r"', "xyz"):
        assert secret not in cleaned
    assert "Bearer ***" in cleaned


def test_hierarchy() -> None:
    assert issubclass(UsageError, ValueError)
    assert issubclass(DecodeError, ApiError)
    for cls in (AuthError, ForbiddenError, NotFoundError, ValidationError, RateLimitError):
        assert issubclass(cls, BasecampError)
    codes = {
        c.code
        for c in (
            UsageError,
            AuthError,
            ForbiddenError,
            NotFoundError,
            AccountInactiveError,
            ValidationError,
            RateLimitError,
            ApiError,
            NetworkError,
        )
    }
    assert codes == {
        "usage", "auth_required", "forbidden", "not_found", "account_inactive",
        "validation", "rate_limit", "api_error", "network",
    }  # fmt: skip


@pytest.mark.anyio
async def test_errors_from_a_real_call_carry_the_request_id_and_body() -> None:
    server = Recorder(
        lambda r: json_response(403, {"error": "You can't"}, **{"X-Request-Id": "abc123"})
    )
    async with make_client(server) as client:
        with pytest.raises(ForbiddenError) as info:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert info.value.request_id == "abc123"
    assert "You can't" in info.value.message
    assert info.value.message.startswith("GetThing: ")


@pytest.mark.anyio
async def test_decode_failures_become_decode_errors() -> None:
    server = Recorder(lambda r: json_response(200, ["not", "a", "dict"]))

    def strict(data: dict[str, int]) -> int:
        return data["id"]

    async with make_client(server) as client:
        with pytest.raises(DecodeError, match="could not decode"):
            await session(client).call(GET, path={"id": 1}, decode=strict)
    server = Recorder(lambda r: json_response(200, None).__class__(200, content=b"{oops"))
    async with make_client(server) as client:
        with pytest.raises(DecodeError, match="not valid JSON"):
            await session(client).call(GET, path={"id": 1}, decode=identity)
