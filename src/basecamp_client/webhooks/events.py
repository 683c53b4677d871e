"""The typed form of a webhook delivery, and the one function that builds it.

Parsing is lenient like the rest of the client: unknown keys are kept in ``extra``, a
value of an unexpected type is moved to ``extra`` instead of failing the delivery. Only
``id`` and ``kind`` are required, since deduplication and routing depend on them.

:func:`parse_event` is the single entry point, so a generated model can replace these
classes by changing it alone.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._core.decoding import parse_datetime
from .._core.errors import BasecampError


class WebhookPayloadError(BasecampError):
    """The delivery is not a webhook event (not a JSON object, or no ``id``/``kind``)."""

    code = "webhook_payload"
    exit_code = 7


_Extra = Mapping[str, Any]


@attrs.frozen(kw_only=True)
class Person:
    """Who did it (``creator``), as Basecamp describes people."""

    id: int | None = None
    name: str | None = None
    email_address: str | None = None
    personable_type: str | None = None
    title: str | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Bucket:
    """The project (or other bucket) the recording lives in."""

    id: int | None = None
    name: str | None = None
    type: str | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class RecordingParent:
    """The recording's container (a to-do list for a to-do, a message board for a message)."""

    id: int | None = None
    title: str | None = None
    type: str | None = None
    url: str | None = None
    app_url: str | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Recording:
    """The thing the event is about: a to-do, message, comment, document…"""

    id: int | None = None
    type: str | None = None
    title: str | None = None
    status: str | None = None
    created_at: _dt.datetime | None = None
    updated_at: _dt.datetime | None = None
    url: str | None = None
    app_url: str | None = None
    content: str | None = attrs.field(default=None, repr=False)
    parent: RecordingParent | None = None
    bucket: Bucket | None = None
    creator: Person | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class WebhookCopy:
    """Where a recording was copied or moved to (``*_copied`` / ``*_moved`` events)."""

    id: int | None = None
    url: str | None = None
    app_url: str | None = None
    bucket: Bucket | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """One delivery: ``kind`` (``todo_created``…) happened to ``recording``, by ``creator``."""

    id: int
    kind: str
    created_at: _dt.datetime | None = None
    recording: Recording | None = None
    creator: Person | None = None
    details: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    copy: WebhookCopy | None = None
    extra: _Extra = attrs.field(factory=dict, repr=False)

    @property
    def account_id(self) -> int | None:
        """The Basecamp account, read from the recording's API URL (``/{account_id}/…``)."""
        for url in (
            self.recording.url if self.recording else None,
            self.recording.app_url if self.recording else None,
        ):
            if url:
                first = urlsplit(url).path.strip("/").split("/", 1)[0]
                if first.isdigit():
                    return int(first)
        return None

    @property
    def bucket_id(self) -> int | None:
        bucket = self.recording.bucket if self.recording else None
        return bucket.id if bucket else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_datetime(value: Any) -> bool:
    return isinstance(value, _dt.datetime)


_SCALARS: dict[str, Any] = {
    "id": _is_int,
    "name": _is_str,
    "email_address": _is_str,
    "personable_type": _is_str,
    "title": _is_str,
    "type": _is_str,
    "status": _is_str,
    "url": _is_str,
    "app_url": _is_str,
    "content": _is_str,
    "kind": _is_str,
    "created_at": _is_datetime,
    "updated_at": _is_datetime,
}
_DATETIMES = frozenset({"created_at", "updated_at"})


def _build(cls: type[Any], raw: Any, nested: Mapping[str, type[Any]] | None = None) -> Any:
    """``cls`` from a JSON object: known fields checked, everything else into ``extra``."""
    if not isinstance(raw, Mapping):
        return None
    nested = nested or {}
    names = {f.name for f in attrs.fields(cls)} - {"extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key in nested and key in names:
            built = _build(nested[key], value, _NESTED.get(nested[key]))
            if built is not None or value is None:
                values[key] = built
                continue
        elif key in names:
            converted = parse_datetime(value) if key in _DATETIMES else value
            if converted is None or _SCALARS[key](converted):
                values[key] = converted
                continue
        extra[key] = value
    return cls(**values, extra=extra)


_NESTED: dict[type[Any], Mapping[str, type[Any]]] = {
    Recording: {"parent": RecordingParent, "bucket": Bucket, "creator": Person},
    WebhookCopy: {"bucket": Bucket},
}


def parse_event(payload: Any) -> WebhookEvent:
    """A :class:`WebhookEvent` from a decoded delivery body."""
    if not isinstance(payload, Mapping):
        raise WebhookPayloadError("the webhook body is not a JSON object")
    event_id, kind = payload.get("id"), payload.get("kind")
    if not isinstance(event_id, int) or isinstance(event_id, bool):
        raise WebhookPayloadError("the webhook body has no integer id")
    if not isinstance(kind, str) or not kind:
        raise WebhookPayloadError("the webhook body has no kind")
    details = payload.get("details")
    created_at = parse_datetime(payload.get("created_at"))
    known = {"id", "kind", "created_at", "recording", "creator", "details", "copy"}
    extra = {k: v for k, v in payload.items() if k not in known}
    if payload.get("created_at") is not None and not _is_datetime(created_at):
        extra["created_at"] = payload["created_at"]
    if details is not None and not isinstance(details, Mapping):
        extra["details"] = details
    parts: dict[str, Any] = {}
    for key, cls in (("recording", Recording), ("creator", Person), ("copy", WebhookCopy)):
        built = _build(cls, payload.get(key), _NESTED.get(cls))
        if built is None and payload.get(key) is not None:
            extra[key] = payload[key]
        parts[key] = built
    return WebhookEvent(
        id=event_id,
        kind=kind,
        created_at=created_at if _is_datetime(created_at) else None,
        details=dict(details) if isinstance(details, Mapping) else {},
        extra=extra,
        **parts,
    )
