"""Receiving webhook deliveries: verify, parse, deduplicate, route to handlers.

:class:`WebhookReceiver` is framework-neutral. :meth:`~WebhookReceiver.handle` turns
one delivery (raw body and headers) into the response to send;
:meth:`~WebhookReceiver.asgi_app` and :meth:`~WebhookReceiver.fastapi_router` put it
on the web. Handlers run before the response is sent: a handler that fails makes the
response a 500, the event is not marked seen, and Basecamp's next redelivery runs it
again. Keep handlers quick (hand long work to a queue), since Basecamp treats a slow
answer as a failed one.
"""

from __future__ import annotations

import enum
import fnmatch
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
import attrs

from .._core.errors import BasecampError, UsageError
from .dedup import Claim, MemorySeenStore, SeenStore
from .events import WebhookEvent, WebhookPayloadError, parse_event
from .signature import MIN_PATH_TOKEN, SIGNATURE_HEADER, check_path_token, verify_signature

if TYPE_CHECKING:
    from .asgi import WebhookApp

logger = logging.getLogger("basecamp_client.webhooks")

Handler = Callable[[WebhookEvent], Any]
"""``handler(event)``, a plain function (run in a worker thread) or a coroutine function."""
Next = Callable[[WebhookEvent], Awaitable[None]]
Middleware = Callable[[WebhookEvent, Next], Awaitable[None]]
"""``async def middleware(event, call_next)``: wraps the handlers of every event."""
H = TypeVar("H", bound=Handler)
M = TypeVar("M", bound=Middleware)

DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_DEDUP_WINDOW = 7 * 24 * 3600.0
DEFAULT_LEASE = 300.0
#: What an in-flight duplicate is told: come back later, by when the first delivery
#: has either succeeded (the retry is then answered "duplicate") or failed (it runs).
RETRY_AFTER = 30

_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


class Outcome(str, enum.Enum):
    """What :meth:`WebhookReceiver.dispatch` did with an event."""

    PROCESSED = "processed"  #: its handlers ran and succeeded
    DUPLICATE = "duplicate"  #: already handled within the deduplication window
    IN_FLIGHT = "in_flight"  #: another delivery of it is being handled right now


class SeenStoreError(BasecampError):
    """The seen-store could not be reached; the delivery is answered 503 and retried."""

    code = "webhook_store"
    exit_code = 10


@attrs.frozen
class WebhookResponse:
    """An HTTP answer, independent of any framework."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(status: int, message: str, *extra_headers: tuple[str, str]) -> WebhookResponse:
    """A small JSON answer: ``{"status": …}`` below 400, ``{"error": …}`` from 400 on."""
    key = "status" if status < 400 else "error"
    body = json.dumps({key: message}).encode()
    return WebhookResponse(
        status,
        body,
        (
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
            *extra_headers,
        ),
    )


def _secrets(secret: str | bytes | Sequence[str | bytes] | None) -> tuple[bytes, ...]:
    if secret is None:
        return ()
    items = [secret] if isinstance(secret, (str, bytes)) else list(secret)
    keys = tuple(s.encode("utf-8") if isinstance(s, str) else s for s in items)
    if not keys or not all(isinstance(k, bytes) and k for k in keys):
        raise UsageError("secret must be a non-empty string (or a list of them, for rotation)")
    return keys


def _positive(name: str, value: float | None) -> None:
    if value is not None and (isinstance(value, bool) or not value > 0):
        raise UsageError(f"{name} must be a positive number, got {value!r}")


class WebhookReceiver:
    """Routes Basecamp webhook events to handlers, each event at most once per window.

    >>> receiver = WebhookReceiver(secret=os.environ["BASECAMP_WEBHOOK_SECRET"])
    >>> @receiver.on("todo_created", "todo_completed")
    ... async def todo_changed(event: WebhookEvent) -> None: ...
    >>> app = receiver.asgi_app()        # or: app.include_router(receiver.fastapi_router())

    Without a signing ``secret``, protect the endpoint with ``path_token``: a long random
    value (``new_path_token()``) that must be the last segment of the URL Basecamp posts
    to; other requests get a 404.
    """

    def __init__(
        self,
        *,
        secret: str | bytes | Sequence[str | bytes] | None = None,
        path_token: str | None = None,
        seen_store: SeenStore | None = None,
        dedup_window: float = DEFAULT_DEDUP_WINDOW,
        in_flight_lease: float = DEFAULT_LEASE,
        handler_timeout: float | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY,
        signature_header: str = SIGNATURE_HEADER,
    ) -> None:
        self._secrets = _secrets(secret)
        if path_token is not None and (
            len(path_token) < MIN_PATH_TOKEN or not _TOKEN_CHARS.fullmatch(path_token)
        ):
            raise UsageError(
                f"path_token must be at least {MIN_PATH_TOKEN} URL-safe characters "
                "(letters, digits, '-', '_'); make one with new_path_token()"
            )
        for name, value in (
            ("dedup_window", dedup_window),
            ("in_flight_lease", in_flight_lease),
            ("handler_timeout", handler_timeout),
            ("max_body_bytes", max_body_bytes),
        ):
            _positive(name, value)
        self.path_token = path_token
        self.seen_store: SeenStore = seen_store if seen_store is not None else MemorySeenStore()
        self.dedup_window = float(dedup_window)
        self.handler_timeout = handler_timeout
        self.in_flight_lease = float(
            max(in_flight_lease, 2 * handler_timeout) if handler_timeout else in_flight_lease
        )
        self.max_body_bytes = int(max_body_bytes)
        self.signature_header = signature_header.lower()
        self._routes: list[tuple[tuple[str, ...], Handler]] = []
        self._middleware: list[Middleware] = []
        self._by_kind: dict[str, tuple[Handler, ...]] = {}

    def __repr__(self) -> str:
        return (
            f"<WebhookReceiver handlers={len(self._routes)} signed={bool(self._secrets)} "
            f"path_token={'set' if self.path_token else 'unset'}>"
        )

    @property
    def authenticated(self) -> bool:
        """Whether deliveries are checked at all (signature or path token)."""
        return bool(self._secrets) or self.path_token is not None

    # -- registration -----------------------------------------------------------------

    def on(self, *patterns: str) -> Callable[[H], H]:
        """Decorator: run the handler for events whose kind matches a pattern.

        Patterns are exact kinds (``message_created``) or globs (``todo_*``, ``*_copied``).
        """
        if not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise UsageError("on() needs at least one event kind or glob, e.g. on('todo_*')")

        def register(handler: H) -> H:
            self.add_handler(handler, *patterns)
            return handler

        return register

    def on_any(self, handler: H) -> H:
        """Decorator: run the handler for every event."""
        self.add_handler(handler, "*")
        return handler

    def add_handler(self, handler: Handler, *patterns: str) -> None:
        if not callable(handler):
            raise UsageError(f"a handler must be callable, got {handler!r}")
        self._routes.append((tuple(patterns) or ("*",), handler))
        self._by_kind.clear()

    def middleware(self, middleware: M) -> M:
        """Decorator: ``async def mw(event, call_next)`` around every event's handlers.

        The first registered is the outermost. Not calling ``call_next`` skips the
        handlers (the event still counts as handled); raising fails the delivery.
        """
        if not _is_async(middleware):
            raise UsageError("middleware must be an async function: async def mw(event, call_next)")
        self._middleware.append(middleware)
        return middleware

    def handlers_for(self, kind: str) -> tuple[Handler, ...]:
        """The handlers an event of ``kind`` runs, in registration order."""
        found = self._by_kind.get(kind)
        if found is None:
            found = tuple(
                handler
                for patterns, handler in self._routes
                if any(fnmatch.fnmatchcase(kind, p) for p in patterns)
            )
            self._by_kind[kind] = found
        return found

    # -- processing -------------------------------------------------------------------

    async def dispatch(self, event: WebhookEvent) -> Outcome:
        """Run the event's handlers unless it was seen or is in flight; an :class:`Outcome`.

        A handler's exception propagates; the event is then released, not marked seen.
        """
        key = str(event.id)
        try:
            claim = await self.seen_store.claim(key, lease=self.in_flight_lease)
        except Exception as exc:
            raise SeenStoreError(
                f"the seen-store failed to claim event {key}: {type(exc).__name__}",
                retryable=True,
            ) from exc
        if claim is Claim.SEEN:
            return Outcome.DUPLICATE
        if claim is Claim.IN_FLIGHT:
            return Outcome.IN_FLIGHT
        try:
            if self.handler_timeout is None:
                await self._run(event)
            else:
                with anyio.fail_after(self.handler_timeout):
                    await self._run(event)
        except BaseException:
            with anyio.CancelScope(shield=True):
                try:
                    await self.seen_store.release(key)
                except Exception as exc:
                    logger.error("could not release event %s: %s", key, type(exc).__name__)
            raise
        try:
            await self.seen_store.mark_seen(key, ttl=self.dedup_window)
        except Exception as exc:
            # The handlers ran; at worst a redelivery after the lease runs them again.
            logger.error("could not mark event %s as seen: %s", key, type(exc).__name__)
        return Outcome.PROCESSED

    async def _run(self, event: WebhookEvent) -> None:
        call: Next = self._call_handlers
        for middleware in reversed(self._middleware):
            call = _chain(middleware, call)
        await call(event)

    async def _call_handlers(self, event: WebhookEvent) -> None:
        for handler in self.handlers_for(event.kind):
            if _is_async(handler):
                await handler(event)
            else:
                result = await anyio.to_thread.run_sync(handler, event)
                if inspect.isawaitable(result):
                    await result

    def check_request(
        self, *, method: str, path_token: str | None, content_length: int | None
    ) -> WebhookResponse | None:
        """The early rejections, decided before reading the body; ``None`` to go on."""
        if self.path_token is not None and not check_path_token(path_token, self.path_token):
            return json_reply(404, "not found")
        if method != "POST":
            return json_reply(405, "method not allowed", ("allow", "POST"))
        if content_length is not None and content_length > self.max_body_bytes:
            logger.warning("refused a webhook delivery of %d bytes", content_length)
            return json_reply(413, "payload too large")
        return None

    async def handle(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        path_token: str | None = None,
        method: str = "POST",
    ) -> WebhookResponse:
        """One delivery in, the HTTP response out; never raises for a bad delivery.

        ``path_token`` is the last segment of the request path (checked when the
        receiver has one). The response: 200 (processed, duplicate), 400 (not JSON,
        not an event), 401/403 (signature missing/wrong), 404 (wrong path token),
        413 (too large), 500 (a handler failed), 503 (in flight elsewhere, timed out,
        or the seen-store failed; Basecamp redelivers).
        """
        early = self.check_request(method=method, path_token=path_token, content_length=len(body))
        if early is not None:
            return early
        if self._secrets:
            lowered = {k.lower(): v for k, v in headers.items()}
            signature = lowered.get(self.signature_header)
            if not signature:
                logger.warning("refused an unsigned webhook delivery")
                return json_reply(401, "signature required")
            if not verify_signature(body, signature, self._secrets):
                logger.warning("refused a webhook delivery with a wrong signature")
                return json_reply(403, "bad signature")
        try:
            event = parse_event(json.loads(body))
        except (ValueError, RecursionError):
            logger.warning("refused a webhook delivery that is not valid JSON")
            return json_reply(400, "body is not valid JSON")
        except WebhookPayloadError as exc:
            logger.warning("refused a webhook delivery: %s", exc.message)
            return json_reply(400, exc.message)
        return await self._respond(event)

    async def _respond(self, event: WebhookEvent) -> WebhookResponse:
        label = _label(event)
        try:
            outcome = await self.dispatch(event)
        except SeenStoreError as exc:
            logger.error("%s not handled: %s", label, exc.message)
            return json_reply(503, "seen-store unavailable", ("retry-after", str(RETRY_AFTER)))
        except TimeoutError:
            logger.error("handlers of %s timed out after %ss", label, self.handler_timeout)
            return json_reply(503, "handler timed out", ("retry-after", str(RETRY_AFTER)))
        except Exception:
            # The traceback is the handler's own; the payload is not logged.
            logger.exception("a handler of %s failed", label)
            return json_reply(500, "handler failed")
        if outcome is Outcome.IN_FLIGHT:
            logger.info("%s is being handled by another delivery", label)
            return json_reply(503, "in flight", ("retry-after", str(RETRY_AFTER)))
        logger.info("%s: %s", label, outcome.value)
        return json_reply(200, outcome.value)

    # -- web front ends ---------------------------------------------------------------

    def asgi_app(self) -> WebhookApp:
        """A pure ASGI application serving this receiver at whatever path it is mounted."""
        from .asgi import WebhookApp

        if not self.authenticated:
            logger.warning(
                "the webhook endpoint accepts unauthenticated deliveries: configure "
                "secret= or an unguessable path_token= (see new_path_token())"
            )
        return WebhookApp(self)

    def fastapi_router(
        self, *, path: str = "/webhooks/basecamp", include_in_schema: bool = False, **kwargs: Any
    ) -> Any:
        """A FastAPI ``APIRouter`` serving this receiver at ``path`` (plus ``/{token}`` when
        a path token is set). Needs the ``fastapi`` extra; ``kwargs`` go to ``APIRouter``."""
        from .fastapi_support import build_router

        return build_router(self, path=path, include_in_schema=include_in_schema, **kwargs)


def _chain(middleware: Middleware, call_next: Next) -> Next:
    async def step(event: WebhookEvent) -> None:
        await middleware(event, call_next)

    return step


def _is_async(fn: Any) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004  (callable objects with async __call__)
    )


def _label(event: WebhookEvent) -> str:
    # Kind and ids only: titles, content and people's details stay out of logs.
    recording = event.recording
    about = f" on {recording.type or 'recording'} {recording.id}" if recording else ""
    return f"{event.kind} event {event.id}{about}"
