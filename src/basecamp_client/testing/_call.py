"""What a resource handler receives (:class:`Call`) and returns (`Reply`, `Listing`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

from ._fragments import fragment
from ._render import Urls, location
from ._store import STATUSES, Record, Store
from ._wire import FakeRequest, HttpError


class Reply:
    """A single response: a JSON value (or pre-serialized JSON bytes), or no body."""

    __slots__ = ("body", "headers", "status", "value")

    def __init__(
        self,
        status: int = 200,
        value: Any = None,
        *,
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self.status = status
        self.value = value
        self.body = body
        self.headers = headers or []


class Listing:
    """A paginated list: the pipeline cuts the page, then serializes only that page.

    ``max_page_size`` caps the geared page sizes (an operation that pages by 5);
    ``wrapper`` is ``(key, object)`` for pages that are an object holding the items
    under ``key`` rather than a bare array."""

    __slots__ = ("items", "max_page_size", "serialize", "wrapper")

    def __init__(
        self,
        items: Sequence[Any],
        serialize: Callable[[Any], bytes],
        *,
        max_page_size: int | None = None,
        wrapper: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        self.items = items
        self.serialize = serialize
        self.max_page_size = max_page_size
        self.wrapper = wrapper


class Call:
    """One routed request, with the store and helpers handlers share."""

    __slots__ = (
        "body",
        "bucket_id",
        "errors",
        "forms",
        "me",
        "params",
        "query",
        "raw",
        "request",
        "store",
        "urls",
    )

    def __init__(
        self,
        store: Store,
        request: FakeRequest,
        urls: Urls,
        params: dict[str, str],
        query: Mapping[str, list[str]],
        me: Record,
        bucket_id: int | None,
        body: Any,
    ) -> None:
        self.store = store
        self.request = request
        self.urls = urls
        self.params = params
        self.query = query
        self.me = me
        self.bucket_id = bucket_id
        self.body = body
        self.raw = request.body
        # What the API description finds wrong with the body: reported with the
        # handler's own findings by the first form it reads (see ``form``).
        self.errors: dict[str, list[str]] = {}
        self.forms: list[Form] = []

    def id(self, name: str) -> int:
        return int(self.params[name])

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def q_status(self) -> str:
        status = self.q("status") or "active"
        if status not in STATUSES:
            raise HttpError(400, f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        return status

    def project(self, project_id: int) -> Record:
        project = self.store.projects.get(project_id)
        if project is None:
            raise HttpError(404, f"Project {project_id} not found")
        return project

    def recording(self, record_id: int, *kinds: str) -> Record:
        """The recording ``record_id`` of one of ``kinds``, in the addressed bucket; else 404."""
        record = self.store.recordings.get(record_id)
        if (
            record is None
            or (kinds and record.kind not in kinds)
            or (self.bucket_id is not None and record.bucket_id != self.bucket_id)
        ):
            what = kinds[0].split("::")[-1] if len(kinds) == 1 else "Recording"
            raise HttpError(404, f"{what} {record_id} not found")
        return record

    def frag(self, record: Record) -> bytes:
        return fragment(self.store, record, self.urls)

    def ok(self, record: Record, status: int = 200) -> Reply:
        headers = []
        if status == 201:
            headers.append(("Location", location(record, self.urls)))
        return Reply(status, record, body=self.frag(record), headers=headers)

    def listing(self, records: Sequence[Record]) -> Listing:
        return Listing(records, self.frag)

    def form(self) -> Form:
        form = Form(self.body, self.errors)
        self.forms.append(form)
        return form

    @property
    def checked(self) -> bool:
        """A form of this call was checked (so it reported the description's findings)."""
        return any(form.checked for form in self.forms)


def empty(status: int = 204) -> Reply:
    return Reply(status)


class Form:
    """Reads and validates a JSON request body, collecting field errors for one 422."""

    def __init__(self, body: Any, described: Mapping[str, list[str]] | None = None) -> None:
        self.body: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
        self.errors: dict[str, list[str]] = {}
        # What the API description found wrong: reported for the fields the handler's own
        # checks leave alone (its messages say more).
        self.described = described or {}
        self.checked = False

    def has(self, name: str) -> bool:
        return name in self.body

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def string(
        self, name: str, *, required: bool = False, default: str | None = None
    ) -> str | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.error(name, "can't be blank")
            return default
        if not isinstance(value, str):
            self.error(name, "must be a string")
            return default
        if required and not value.strip():
            self.error(name, "can't be blank")
        return value

    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        value = self.body.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(name, "must be true or false")
            return default
        return value

    def integer(
        self, name: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.error(name, "can't be blank")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, "must be an integer")
            return None
        if minimum is not None and value < minimum:
            self.error(name, f"must be greater than or equal to {minimum}")
            return None
        return value

    def date(self, name: str) -> str | None:
        """``YYYY-MM-DD``; ``null`` or absent reads as no date."""
        value = self.body.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.error(name, "must be a date like 2026-03-01")
        return None

    def timestamp(self, name: str, *, required: bool = False) -> str | None:
        """An ISO 8601 date-time, answered back in UTC with milliseconds."""
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "can't be blank")
            return None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=timezone.utc)
                moment = moment.astimezone(timezone.utc)
                return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        self.error(name, "must be a date-time like 2026-03-01T09:00:00Z")
        return None

    def ids(self, name: str, known: Callable[[int], bool]) -> list[int] | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            self.error(name, "must be a list of integer ids")
            return None
        unknown = [v for v in value if not known(v)]
        if unknown:
            self.error(name, f"unknown id{'s' if len(unknown) > 1 else ''}: {unknown}")
            return None
        return list(dict.fromkeys(value))

    def strings(self, name: str, *, required: bool = False) -> list[str] | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.error(name, "can't be blank")
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(name, "must be a list of strings")
            return None
        if required and not value:
            self.error(name, "can't be blank")
        return list(value)

    def check(self) -> None:
        """Raise the 422 Basecamp answers, naming every invalid field."""
        self.checked = True
        errors = dict(self.errors)
        for field, messages in self.described.items():
            errors.setdefault(field, list(messages))
        if errors:
            field, messages = next(iter(errors.items()))
            if field == "base":  # about the whole record: the message says it all
                summary = messages[0][:1].upper() + messages[0][1:]
            else:
                summary = f"{field.replace('_', ' ').capitalize()} {messages[0]}"
            raise HttpError(422, summary, errors=errors)
