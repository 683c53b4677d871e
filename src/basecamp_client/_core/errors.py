"""The error hierarchy every failure of the client is reported through.

Each error has a stable ``code`` (for programs), an ``exit_code`` (for command-line
tools), the HTTP status when there was a response, whether retrying could help, and a
short ``hint`` for the human reading it. Messages and captured bodies are truncated, and
no credential ever appears in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

MAX_MESSAGE = 500
MAX_BODY = 2000


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BasecampError(Exception):
    """Base class of every error the client raises on purpose."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = 1
    default_hint: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        body: str | None = None,
        operation_id: str | None = None,
    ) -> None:
        self.message = _truncate(message, MAX_MESSAGE)
        self.http_status = http_status
        self.retryable = retryable
        self.retry_after = retry_after
        self.request_id = request_id
        self.hint = hint if hint is not None else self.default_hint
        self.body = _truncate(body, MAX_BODY) if body is not None else None
        self.operation_id = operation_id
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.http_status is not None:
            parts.append(f"(HTTP {self.http_status})")
        if self.request_id:
            parts.append(f"[request {self.request_id}]")
        if self.hint:
            parts.append(f"— {self.hint}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status!r}, "
            f"message={self.message!r})"
        )


class UsageError(BasecampError, ValueError):
    """The call itself is wrong (a bad argument, a missing setting); nothing was sent."""

    code = "usage"
    exit_code = 2


class AuthError(BasecampError):
    """401: the credentials are missing, expired or revoked."""

    code = "auth_required"
    exit_code = 3
    default_hint = "check the access token, or log in again to get a new one"


class ForbiddenError(BasecampError):
    """403: authenticated, but not allowed to do this."""

    code = "forbidden"
    exit_code = 4
    default_hint = "the authenticated person lacks permission for this resource"


class NotFoundError(BasecampError):
    """404: no such resource (or no access to it)."""

    code = "not_found"
    exit_code = 5


class AccountInactiveError(NotFoundError):
    """404 with ``Reason: Account Inactive``: the whole account is suspended or expired."""

    code = "account_inactive"
    exit_code = 6
    default_hint = "the Basecamp account is inactive; its owner must reactivate it"


class ValidationError(BasecampError):
    """400 or 422: the API refused the data sent; ``field_errors`` says which fields."""

    code = "validation"
    exit_code = 7

    def __init__(
        self, message: str, *, field_errors: Mapping[str, list[str]] | None = None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})


class ConflictError(BasecampError):
    """The record changed between reading and writing it; nothing was overwritten."""

    code = "conflict"
    exit_code = 8


class RateLimitError(BasecampError):
    """429: too many requests; ``retry_after`` says how long the API asked us to wait."""

    code = "rate_limit"
    exit_code = 9
    default_hint = "slow down; the client waits automatically up to its max_retry_after"


class ApiError(BasecampError):
    """A server error (5xx) or any other unexpected response."""

    code = "api_error"
    exit_code = 10


class NetworkError(BasecampError):
    """The request failed on the network; ``request_sent`` tells whether it may have arrived."""

    code = "network"
    exit_code = 11

    def __init__(self, message: str, *, request_sent: bool = True, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.request_sent = request_sent


class DecodeError(BasecampError):
    """The response was not the JSON the operation promises."""

    code = "decode"
    exit_code = 10


def _field_errors(payload: Any) -> dict[str, list[str]]:
    """Basecamp reports validation problems as ``{"field": ["message", ...]}`` or
    ``{"errors": {...}}``; anything else yields no field errors."""
    if isinstance(payload, Mapping) and isinstance(payload.get("errors"), Mapping):
        payload = payload["errors"]
    result: dict[str, list[str]] = {}
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            if key in ("error", "status", "message"):
                continue
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                result[str(key)] = list(value)
            elif isinstance(value, str):
                result[str(key)] = [value]
    return result


def _message(payload: Any, fallback: str) -> str:
    if isinstance(payload, Mapping):
        for key in ("error", "message"):
            value = payload.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return fallback


def error_for_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    operation_id: str | None = None,
    retry_after: float | None = None,
) -> BasecampError:
    """The typed error for an unsuccessful response. Pure: no I/O, no secrets read."""
    import json

    text = body[:MAX_BODY].decode("utf-8", "replace") if body else ""
    try:
        payload: Any = json.loads(body) if body else None
    except ValueError:
        payload = None
    request_id = headers.get("x-request-id")
    where = f"{operation_id}: " if operation_id else ""
    common: dict[str, Any] = {
        "http_status": status,
        "request_id": request_id,
        "body": text or None,
        "operation_id": operation_id,
    }
    if status == 401:
        return AuthError(where + _message(payload, "authentication required"), **common)
    if status == 403:
        return ForbiddenError(where + _message(payload, "forbidden"), **common)
    if status == 404:
        if (headers.get("reason") or "").strip().lower() == "account inactive":
            return AccountInactiveError(where + "account inactive", **common)
        return NotFoundError(where + _message(payload, "not found"), **common)
    if status in (400, 422):
        fields = _field_errors(payload)
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items())
        message = _message(payload, summary or "the request was rejected as invalid")
        return ValidationError(where + message, field_errors=fields, **common)
    if status == 409 or status == 412:
        return ConflictError(where + _message(payload, "conflict"), **common)
    if status == 429:
        return RateLimitError(
            where + "rate limited", retryable=True, retry_after=retry_after, **common
        )
    return ApiError(
        where + _message(payload, f"unexpected HTTP {status}"),
        retryable=status in (500, 502, 503, 504),
        retry_after=retry_after,
        **common,
    )
