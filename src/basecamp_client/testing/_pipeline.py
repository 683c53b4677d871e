"""The fake's request pipeline: ``handle(FakeRequest) -> FakeResponse``, the synchronous
core every adapter (httpx transport, ASGI app, servers) drives.

It runs the checks the real service makes (user agent, credentials, account, content
type), routes to a resource handler, and adds what clients rely on: pagination headers,
validators and ``304``, request ids. Injected faults are decided first; every request
lands in the request log, secret headers redacted.
"""

from __future__ import annotations

import re
import secrets
import threading
import traceback
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import attrs

from ._caching import ResponseCache, send
from ._call import Call, Listing, Reply
from ._clock import FakeClock
from ._faults import Decision, Faults
from ._pagination import next_page_url, page_bounds, parse_page
from ._render import Urls
from ._resources import router
from ._router import BINARY, JSON, MULTIPART
from ._shapes import shapes
from ._storage import serve as serve_storage
from ._store import Record, Store
from ._validate import body_errors, check_query, unprocessable
from ._wire import (
    JSON_TYPE,
    RESET_AFTER,
    RESET_BEFORE,
    FakeRequest,
    FakeResponse,
    HttpError,
    dumps,
)

_ACCOUNT_PATH = re.compile(r"^/(\d+)(/.*)$")
_SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REASONS = {429: "Too many requests", 500: "Internal Server Error", 502: "Bad Gateway"}
_REASONS.update({503: "Service Unavailable", 504: "Gateway Timeout"})
_LOG_BODY_LIMIT = 64 * 1024
_NO_STORE = frozenset({"/events.json", "/events", "/inbox.json", "/inbox"})


@attrs.frozen
class LoggedRequest:
    """One request the fake received, for tests to assert on. Secret headers are redacted."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes = attrs.field(repr=False)
    status: int | None
    request_id: str
    target: str = "api"
    fault: str | None = None
    error: str | None = attrs.field(default=None, repr=False)
    #: When it arrived, on the fake's monotonic clock (``fake.clock.monotonic()``).
    at: float = attrs.field(default=0.0, repr=False)

    def json(self) -> Any:
        """The request body parsed as JSON (``None`` when there was none)."""
        import json

        return json.loads(self.body) if self.body else None

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)


class RequestPipeline:
    """Answers requests for one fake account (its store, clock and faults), under the
    fake's lock, and keeps the request log."""

    def __init__(
        self,
        store: Store,
        clock: FakeClock,
        faults: Faults,
        *,
        lock: threading.RLock,
        page_sizes: tuple[int, ...],
        request_log_size: int,
    ) -> None:
        self._store = store
        self.clock = clock
        self.faults = faults
        self._lock = lock
        self._page_sizes = page_sizes
        #: The last ``request_log_size`` requests, oldest first.
        self.log: deque[LoggedRequest] = deque(maxlen=request_log_size)
        #: Accepted bearer tokens → the person each acts as; ``None``: any token, as
        #: the owner.
        self.tokens: dict[str, int] | None = None
        self._cache = ResponseCache()
        self._counter = 0
        self._rid_prefix = secrets.token_hex(4)

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one request. Thread-safe; never blocks (delays are the adapter's job)."""
        with self._lock:
            self._counter += 1
            rid = f"{self._rid_prefix}-{self._counter:08x}"
            decision = None
            if self.faults.active:
                account_path = _ACCOUNT_PATH.match(request.path)
                relative = account_path.group(2) if account_path else request.path
                decision = self.faults.decide(
                    request.method, request.path, relative, request.target
                )
            error = None
            if decision is not None and decision.reset == "before":
                response = FakeResponse(0, fault=RESET_BEFORE)
            elif decision is not None and decision.status:
                response = self._fault_response(decision, rid)
            elif request.target == "storage":
                response = serve_storage(
                    self._store, request, now=self.clock.time(), request_id=rid
                )
            else:
                try:
                    response = self._api(request, rid)
                except HttpError as exc:
                    response = self._error(exc, rid)
                except Exception as exc:  # a bug in the fake: answer 500, keep the trace
                    error = traceback.format_exc()
                    response = self._error(
                        HttpError(
                            500, f"fake Basecamp internal error: {type(exc).__name__}: {exc}"
                        ),
                        rid,
                    )
            if decision is not None:
                response.delay = decision.delay
                if decision.reset == "after":
                    response.fault = RESET_AFTER
            self.log.append(self._entry(request, response, rid, error))
            return response

    def _entry(
        self, request: FakeRequest, response: FakeResponse, rid: str, error: str | None
    ) -> LoggedRequest:
        headers = {
            k: ("[redacted]" if k in _SECRET_HEADERS else v) for k, v in request.headers.items()
        }
        body = request.body
        if len(body) > _LOG_BODY_LIMIT and "json" not in headers.get("content-type", ""):
            body = b""
        return LoggedRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=headers,
            body=body,
            status=None if response.fault == RESET_BEFORE else response.status,
            request_id=rid,
            target=request.target,
            fault=response.fault,
            error=error,
            at=self.clock.monotonic(),
        )

    def _fault_response(self, decision: Decision, rid: str) -> FakeResponse:
        status = decision.status
        body: dict[str, Any] = {"error": _REASONS.get(status, "Injected failure")}
        headers = [("Content-Type", JSON_TYPE), ("X-Request-Id", rid)]
        if decision.retry_after is not None:
            seconds = decision.retry_after
            text = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
            headers.append(("Retry-After", text))
            if status == 429:
                body["retry_after"] = int(seconds)
        return FakeResponse(status, headers, dumps(body))

    def _error(self, exc: HttpError, rid: str) -> FakeResponse:
        headers = [("Content-Type", JSON_TYPE), ("X-Request-Id", rid), *exc.headers]
        return FakeResponse(exc.status, headers, dumps(exc.payload()))

    def _me(self, request: FakeRequest) -> Record:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        challenge = [("WWW-Authenticate", 'Bearer realm="Basecamp"')]
        if scheme.lower() != "bearer" or not token:
            raise HttpError(
                401,
                "Authentication required: send Authorization: Bearer <token>",
                headers=challenge,
            )
        if self.tokens is None:
            person_id = self._store.owner_id
        else:
            found = self.tokens.get(token)
            if found is None:
                raise HttpError(401, "The access token is invalid or expired", headers=challenge)
            person_id = found
        return self._store.people[person_id]

    def _api(self, request: FakeRequest, rid: str) -> FakeResponse:
        if not request.headers.get("user-agent", "").strip():
            raise HttpError(
                400,
                "A User-Agent header naming your application and a contact is required, "
                'e.g. "Acme Reports (ops@acme.example)"',
            )
        me = self._me(request)
        m = _ACCOUNT_PATH.match(request.path)
        if m is None or int(m.group(1)) != self._store.account_id:
            raise HttpError(404, "Not found: no such account")
        if self.faults.inactive:
            raise HttpError(404, "Account inactive", headers=[("Reason", "Account Inactive")])
        path = m.group(2)
        method = request.method
        readonly = method in ("GET", "HEAD")
        cache_key = (request.origin, request.path, request.query, me.id)
        # The event feed's answers depend on more than the store (cursors, faults).
        cacheable = readonly and path not in _NO_STORE
        if cacheable:
            cached = self._cache.get(cache_key, self._store.gen)
            if cached is not None:
                return send(request, rid, 200, cached)
        raw = request.raw_path
        if raw is not None and "%2f" in raw.lower():
            # An escaped slash inside one segment: route on the path as sent.
            m_raw = _ACCOUNT_PATH.match(raw)
            match = router().match(method, m_raw.group(2) if m_raw else raw, encoded=True)
        else:
            match = router().match(method, path)
        route = match.route
        body: Any = None
        query = parse_qs(request.query, keep_blank_values=True)
        shape = shapes().operations.get(route.operation) if route.operation else None
        if shape is not None:
            check_query(shape, query)
        errors: dict[str, list[str]] = {}
        if method in _WRITES:
            body = self._read_body(request, route.body)
            if shape is not None and route.body == JSON:
                errors = body_errors(shapes(), shape, body)
                if errors and route.generated:
                    raise unprocessable(errors)
        call = Call(
            self._store,
            request,
            Urls(request.origin, self._store.account_id),
            match.params,
            query,
            me,
            match.bucket_id,
            body,
        )
        # A hand-written handler reports the description's findings with its own, in the
        # one 422 its form raises before it changes anything.
        call.errors = errors
        result = route.handler(call)
        if errors and not call.checked:
            raise unprocessable(errors)
        if isinstance(result, Listing):
            return self._list(request, rid, call, result, cache_key)
        assert isinstance(result, Reply)
        return self._reply(request, rid, result, cache_key if cacheable else None)

    def _read_body(self, request: FakeRequest, kind: str) -> Any:
        raw = request.body
        content_type = request.headers.get("content-type", "")
        if kind == BINARY:
            if not content_type:
                raise HttpError(415, "Send the file's Content-Type (e.g. image/png)")
            return None
        if kind == MULTIPART:
            from ._form import parse_form

            return parse_form(content_type, raw)
        if not raw:
            return None
        if kind == JSON and content_type.split(";")[0].strip().lower() != "application/json":
            raise HttpError(
                415,
                "Content-Type must be application/json; charset=utf-8 "
                f"(got {content_type or 'none'!r})",
            )
        import json

        try:
            value = json.loads(raw)
        except ValueError:
            raise HttpError(400, "The request body is not valid JSON") from None
        if not isinstance(value, dict):
            raise HttpError(400, "The request body must be a JSON object")
        return value

    def _list(
        self,
        request: FakeRequest,
        rid: str,
        call: Call,
        listing: Listing,
        cache_key: tuple[str, str, str, int],
    ) -> FakeResponse:
        page = parse_page(call.q("page"))
        sizes = self._page_sizes
        if listing.max_page_size is not None:
            sizes = tuple(min(size, listing.max_page_size) for size in sizes)
        start, stop = page_bounds(page, sizes)
        items = listing.items
        total = len(items)
        body = b"[" + b",".join(listing.serialize(item) for item in items[start:stop]) + b"]"
        if listing.wrapper is not None:
            key, rest = listing.wrapper
            head = dumps({k: v for k, v in rest.items() if k != key})
            body = head[:-1] + (b"," if len(head) > 2 else b"") + dumps(key) + b":" + body + b"}"
        headers = [("X-Total-Count", str(total))]
        if stop < total:
            pairs = parse_qsl(request.query, keep_blank_values=True)
            url = next_page_url(request.origin, request.path, pairs, page + 1)
            headers.append(("Link", f'<{url}>; rel="next"'))
        stamp = self._store.collection_last_modified()
        entry = self._cache.remember(cache_key, headers, body, stamp, self._store.gen)
        return send(request, rid, 200, entry)

    def _reply(
        self,
        request: FakeRequest,
        rid: str,
        reply: Reply,
        cache_key: tuple[str, str, str, int] | None,
    ) -> FakeResponse:
        body = reply.body
        if body is None and reply.value is not None:
            body = dumps(reply.value)
        if cache_key is not None and reply.status == 200 and body is not None:
            record = _record_of(self._store, reply)
            stamp = (
                self._store.last_modified(record)
                if record is not None
                else self._store.collection_last_modified()
            )
            entry = self._cache.remember(
                cache_key, list(reply.headers), body, stamp, self._store.gen
            )
            return send(request, rid, 200, entry)
        headers = [("X-Request-Id", rid), *reply.headers]
        if body is not None:
            headers.append(("Content-Type", JSON_TYPE))
        return FakeResponse(reply.status, headers, body or b"")


def _record_of(store: Store, reply: Reply) -> Record | None:
    return reply.value if isinstance(reply.value, Record) else None
