"""The error hierarchy every failure of the client is reported through.

Each error has a stable ``code`` (for programs), an ``exit_code`` (for command-line
tools), the HTTP status when there was a response, whether retrying could help, and a
short ``hint`` for the human reading it. Messages and captured bodies are truncated, and
no credential ever appears in them: anything shaped like a bearer token or an OAuth
token field is masked before it is stored.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

MAX_MESSAGE = 500
MAX_BODY = 2000

# Credentials that might be echoed back by a proxy or an error page.
_SECRETS = re.compile(
    r"(?i)(bearer\s+)[^\s\"',;]+"
    r"|((?:access|refresh)_token\"?\s*[:=]\s*\"?)[^\s\"',;&]+"
    r"|((?:client_secret|code)=)[^\s\"',;&]+"
)


def _mask(match: re.Match[str]) -> str:
    prefix = match.group(1) or match.group(2) or match.group(3) or ""
    return prefix + "***"


def scrub(text: str) -> str:
    """``text`` with anything that looks like a credential replaced by ``***``."""
    return _SECRETS.sub(_mask, text)


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
        attempts: int | None = None,
    ) -> None:
        self.message = _truncate(scrub(str(message)), MAX_MESSAGE)
        self.http_status = http_status
        self.retryable = retryable
        self.retry_after = retry_after
        self.request_id = request_id
        self.hint = hint if hint is not None else self.default_hint
        self.body = _truncate(scrub(body), MAX_BODY) if body is not None else None
        self.operation_id = operation_id
        #: How many times the request was sent before giving up (``None``: not sent).
        self.attempts = attempts
        super().__init__(self.message)

    def _state(self) -> dict[str, Any]:
        return {
            "http_status": self.http_status,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
            "request_id": self.request_id,
            "hint": self.hint,
            "body": self.body,
            "operation_id": self.operation_id,
            "attempts": self.attempts,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive pickling by default; errors cross
        # process boundaries in worker pools.
        return (_rebuild, (type(self), self.message, self._state(), self.__dict__))

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

    def redact(self, secret: str) -> None:
        """Remove ``secret`` wherever this error quotes the server (a server may echo a
        credential back verbatim). Strings shorter than 8 characters are left alone: no
        real credential is that short, and masking them would garble ordinary words."""
        if len(secret) < 8:
            return
        self.message = self.message.replace(secret, "***")
        self.args = (self.message,)
        if self.body is not None:
            self.body = self.body.replace(secret, "***")
        field_errors = getattr(self, "field_errors", None)
        if isinstance(field_errors, dict):
            for key, values in field_errors.items():
                field_errors[key] = [v.replace(secret, "***") for v in values]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (for command-line tools and structured logs)."""
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        for key in ("http_status", "retryable", "retry_after", "request_id", "hint"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.operation_id:
            data["operation_id"] = self.operation_id
        return data


def _rebuild(
    cls: type[BasecampError], message: str, state: dict[str, Any], extra: dict[str, Any]
) -> BasecampError:
    error = cls.__new__(cls)
    BasecampError.__init__(error, message, **state)
    error.__dict__.update(extra)
    return error


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
    default_hint = "check the ids; Basecamp also answers 404 for records you cannot see"


class AccountInactiveError(NotFoundError):
    """404 with ``Reason: Account Inactive``: the whole account is suspended or expired."""

    code = "account_inactive"
    exit_code = 6
    default_hint = "the Basecamp account is inactive; its owner must reactivate it"


class ValidationError(BasecampError):
    """400 or 422: the API refused the data sent; ``field_errors`` says which fields."""

    code = "validation"
    exit_code = 7
    default_hint = "fix the values named in field_errors and send again"

    def __init__(
        self, message: str, *, field_errors: Mapping[str, list[str]] | None = None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.field_errors: dict[str, list[str]] = {
            key: [_truncate(scrub(v), MAX_MESSAGE) for v in values]
            for key, values in (field_errors or {}).items()
        }

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.field_errors:
            data["field_errors"] = self.field_errors
        return data


class ConflictError(BasecampError):
    """409/412, or a merge-safe update that found the record changed since it was read:
    nothing was overwritten. ``changed_fields`` names the fields that changed, when known."""

    code = "conflict"
    exit_code = 8
    default_hint = "read the record again, reapply the change and retry"

    def __init__(self, message: str, *, changed_fields: Sequence[str] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.changed_fields: tuple[str, ...] = tuple(changed_fields)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.changed_fields:
            data["changed_fields"] = list(self.changed_fields)
        return data


class RateLimitError(BasecampError):
    """429: too many requests; ``retry_after`` says how long the API asked us to wait."""

    code = "rate_limit"
    exit_code = 9
    default_hint = "slow down; the client waits automatically up to its max_retry_after"


class ApiError(BasecampError):
    """A server error (5xx) or any other unexpected response."""

    code = "api_error"
    exit_code = 10


class LimitExceededError(ApiError):
    """507: the account has hit a limit of its plan (storage full); retrying does not help."""

    code = "limit_exceeded"
    exit_code = 12
    default_hint = (
        "the Basecamp account is out of storage: delete files or trash, or upgrade the plan"
    )


class DecodeError(ApiError):
    """The response was not the JSON the operation promises."""

    code = "decode"
    exit_code = 10


class UnsafeLinkError(ApiError):
    """The API pointed at another origin (or from https to http); it was not followed,
    so no credential left the API origin."""

    code = "unsafe_link"
    exit_code = 10
    default_hint = "report this response; the client only follows links on the API origin"


class PaginationError(ApiError):
    """A list's pages did not add up: a next link back to a page already fetched, an
    empty page that still offers a next one, an unreadable Link header, or more pages
    than the listing may fetch. The listing stopped there."""

    code = "pagination"
    exit_code = 10
    default_hint = "report this response; max_pages= bounds how far a listing goes"


class NetworkError(BasecampError):
    """The request failed on the network; ``request_sent`` tells whether it may have arrived."""

    code = "network"
    exit_code = 11
    default_hint = "check the network connection; the request may be retried"

    def __init__(self, message: str, *, request_sent: bool = True, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.request_sent = request_sent

    def for_operation(self, operation_id: str, attempts: int) -> NetworkError:
        """A copy (same class, same details) naming the operation and the attempts made."""
        error = copy.copy(self)
        error.message = _truncate(f"{operation_id}: {self.message}", MAX_MESSAGE)
        error.args = (error.message,)
        error.operation_id = operation_id
        error.attempts = attempts
        return error


class ResponseTooLargeError(NetworkError):
    """The answer was bigger than ``max_response_bytes``: refused as soon as its
    ``Content-Length`` said so, or as soon as that many bytes (after decompression) had
    arrived. Never retried: the server would send the same answer again."""

    code = "response_too_large"
    default_hint = (
        "the answer exceeds max_response_bytes; raise that setting if such large "
        "answers are expected"
    )

    def __init__(self, message: str, *, limit: int | None = None, **kw: Any) -> None:
        kw.setdefault("request_sent", True)
        kw.setdefault("retryable", False)
        super().__init__(message, **kw)
        #: The ``max_response_bytes`` in force.
        self.limit = limit


_HINTS: dict[int, str] = {
    400: "the request was malformed; Basecamp also answers 400 without a proper User-Agent",
    405: "this operation does not accept that HTTP method",
    406: "the API only speaks JSON",
    413: "the request body is too large",
    415: "writes must be sent as application/json; charset=utf-8",
    500: "Basecamp had an internal error; retrying later may help",
    502: "a gateway in front of Basecamp failed; retrying later may help",
    503: "Basecamp is unavailable or overloaded; retrying later may help",
    504: "a gateway in front of Basecamp timed out; retrying later may help",
}

RETRYABLE_API_STATUSES = frozenset({500, 502, 503, 504})


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
    attempts: int | None = None,
) -> BasecampError:
    """The typed error for an unsuccessful response. Pure: no I/O, no secrets read."""
    text = body[:MAX_BODY].decode("utf-8", "replace") if body else ""
    payload: Any = None
    if body and len(body) <= 1_000_000:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
    request_id = headers.get("x-request-id")
    where = f"{operation_id}: " if operation_id else ""
    common: dict[str, Any] = {
        "http_status": status,
        "request_id": request_id,
        "body": text or None,
        "operation_id": operation_id,
        "attempts": attempts,
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
        # The field errors are what the caller must fix: always in the message (sorted, so
        # the message is stable), after the server's own summary when it sent one.
        summary = "; ".join(f"{k}: {', '.join(fields[k])}" for k in sorted(fields))
        message = _message(payload, "")
        if summary:
            message = f"{message} ({summary})" if message else summary
        message = message or "the request was rejected as invalid"
        hint = _HINTS.get(status) if not fields else None
        return ValidationError(where + message, field_errors=fields, hint=hint, **common)
    if status in (409, 412):
        return ConflictError(where + _message(payload, "conflict"), **common)
    if status == 507:
        return LimitExceededError(where + _message(payload, "insufficient storage"), **common)
    if status == 429:
        wait = f" (retry after {retry_after:g}s)" if retry_after is not None else ""
        return RateLimitError(
            where + "rate limited" + wait, retryable=True, retry_after=retry_after, **common
        )
    return ApiError(
        where + _message(payload, f"unexpected HTTP {status}"),
        retryable=status in RETRYABLE_API_STATUSES,
        retry_after=retry_after,
        hint=_HINTS.get(status),
        **common,
    )
