"""Executing operations: the one code path every generated method goes through.

:class:`ClientCore` holds what a client shares across accounts (configuration,
connection pool, credentials, HTTP cache, back-pressure, hooks) and runs the retry loop
every request goes through. :class:`~.session.AccountSession` binds it to one account.

The request path is kept lean on purpose: static headers are built once per
credential, and hooks, logging, rate limiting and the in-flight cap cost one test each
when they are off.
"""

from __future__ import annotations

import logging
import os
import random as _random
import weakref
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from .cache import (
    CacheEntry,
    CacheStore,
    MemoryCache,
    SharedCacheStore,
    SharedEntry,
    StoredBody,
    conditional_headers,
    entry_size,
    from_shared,
    shareable_headers,
    storable,
)
from .clock import SYSTEM_CLOCK, Clock
from .config import Config
from .credentials import (
    Credentials,
    Prepared,
    StaticCredentials,
    make_credentials,
)
from .deadlines import CallDeadline, TimeLimit, not_retried_before, past_deadline, until
from .errors import BasecampError, DecodeError, NetworkError, UsageError
from .errors import error_for_response as _error_for_response
from .hooks import (
    Hooks,
    OperationEnd,
    OperationStart,
    PageFetched,
    RequestEnd,
    RequestStart,
    RetryScheduled,
    emit,
)
from .json_body import parse_json
from .links import origin
from .logs import configure_from_env, redact_headers
from .operation import Operation
from .pagination import PageData
from .request_body import UploadBody
from .retry import (
    RETRY_AFTER_STATUSES,
    RetryDecision,
    RetryPolicy,
    backoff_delay,
    decide,
    parse_retry_after,
)
from .retry import policy_for as _policy_for
from .streams import (
    REDIRECT_STATUSES,
    OpenStream,
    Streaming,
    open_stream,
    query_values,
    send_upload,
    without_query,
)
from .strict import STRICT_HINT, strict_problem
from .throttle import Throttle
from .transport import (
    Content,
    HttpResponse,
    NetworkEnvironment,
    StreamedResponse,
    Transport,
    choose_backend,
    open_transport,
    read_environment,
)

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = {}
_log = logging.getLogger("basecamp_client")
_INFO = logging.INFO
_DEBUG = logging.DEBUG

#: Methods whose success invalidates a cached GET of the same URL.
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Live cores, so that a forked child can drop the pools it inherited.
_CORES: weakref.WeakSet[ClientCore] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for core in list(_CORES):
        core._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

#: Why an upload was not retried although the failure was retryable.
ONE_SHOT_HINT = (
    "not retried: the upload's source is a one-time stream that was already sent; "
    "pass a path, bytes or a seekable file to let the client retry"
)


# Pools and loops a forked child inherited: never used again, never collected (their
# finalisers would touch sockets and loops that belong to the parent).
ABANDONED: list[object] = []


class ClientCore:
    """Account-independent state of one client: config, pool, credentials, cache."""

    def __init__(
        self,
        config: Config,
        *,
        transport: Any = None,
        token_provider: Any = None,
        auth: Any = None,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        cache_store: CacheStore | SharedCacheStore | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        configure_from_env()
        self.config = config
        self.origin = origin(config.base_url)
        #: Check decoded models against their annotations (``strict=True``): per client,
        #: so clients with different settings share the generated decoders.
        self.strict = config.strict
        base_headers = {
            "User-Agent": config.full_user_agent,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }
        self.credentials: Credentials = make_credentials(
            base_headers,
            access_token=config.access_token,
            token_provider=token_provider,
            auth=auth,
        )
        self.clock: Clock = clock if clock is not None else SYSTEM_CLOCK
        self.random: Callable[[], float] = random if random is not None else _random.random
        self.hooks: Hooks | None = hooks if hooks else None
        #: A store shared by processes (RedisCacheStore): validators and raw bodies,
        #: behind this process's memory cache of decoded results.
        self.shared_cache: SharedCacheStore | None = None
        if isinstance(cache_store, SharedCacheStore):
            self.shared_cache = cache_store
            self.cache: CacheStore | None = MemoryCache(
                max_entries=config.cache_max_entries, max_bytes=config.cache_max_bytes
            )
        elif cache_store is not None:
            self.cache = cache_store
        elif config.cache:
            self.cache = MemoryCache(
                max_entries=config.cache_max_entries, max_bytes=config.cache_max_bytes
            )
        else:
            self.cache = None
        # Each attempt's limit on its total time (see Config.attempt_timeout).
        self.attempt_timeout = config.attempt_timeout
        self._attempt_message = (
            f"no complete answer within {self.attempt_timeout:g}s, the limit for one attempt"
        )
        shared = None
        if config.shared_limits is not None:
            # Imported only when used: it brings in redis-py.
            from .shared_limits import RedisLimits, default_key

            shared = RedisLimits(
                config.shared_limits,
                config.shared_limits_key or default_key(config.base_url),
                max_retry_after=config.max_retry_after,
            )
        self.throttle = Throttle(
            self.clock,
            rate_limit=config.rate_limit,
            max_in_flight=config.max_in_flight,
            max_retry_after=config.max_retry_after,
            shared=shared,
        )
        static = self.credentials
        self._static = static.prepared if isinstance(static, StaticCredentials) else None
        self._transport_arg = transport
        self._closed = False
        #: The backend in use ("aiohttp" or "httpx"); None until chosen.
        self.backend: str | None = None
        injected = transport is not None
        choose_backend(config.http_backend, injected=injected)  # refuse bad combinations now
        # Proxies and CA locations, read from the environment once, now (an injected
        # transport brings its own).
        self._network: NetworkEnvironment | None = None
        if not injected:
            self._network = read_environment(trust_env=config.trust_env, proxy=config.proxy)
        # Built now, outside any event loop: creating the TLS context takes a while
        # and would otherwise stall the loop on the first request.
        self._ssl = config.ssl_context
        if self._ssl is None and self._network is not None and config.base_url.startswith("https:"):
            self._ssl = self._network.ssl_context()
        # "auto" without an injected transport waits for the first request to see which
        # async library runs it.
        self._http: Transport | None = None
        if injected or config.http_backend != "auto":
            self._http = self._open()
        _CORES.add(self)

    # -- lifecycle -------------------------------------------------------------------

    def _open(self) -> Transport:
        c = self.config
        backend = choose_backend(c.http_backend, injected=self._transport_arg is not None)
        http = open_transport(
            backend,
            timeout=c.timeout,
            connect_timeout=c.connect_timeout,
            max_connections=c.max_connections,
            max_keepalive_connections=c.max_keepalive_connections,
            keepalive_expiry=c.keepalive_expiry,
            transport=self._transport_arg,
            ssl_context=self._ssl,
            network=self._network,
            max_response_bytes=c.max_response_bytes,
        )
        self.backend = backend
        return http

    @property
    def http(self) -> Transport:
        """The connection pool (reopened in a forked child, which cannot share the
        parent's sockets)."""
        http = self._http
        if http is None:
            if self._closed:
                raise UsageError("the client is closed; create a new one")
            http = self._http = self._open()
        return http

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        http, self._http = self._http, None
        try:
            if http is not None:
                await http.aclose()
        finally:
            await self.throttle.aclose()
            if self.shared_cache is not None:
                await self.shared_cache.aclose()

    def _after_fork(self) -> None:
        # The inherited pool's sockets are shared with the parent: never touch them.
        if self._http is not None:
            ABANDONED.append(self._http)
            self._http = None
        self.throttle.reset()
        reset = getattr(self.cache, "reset_lock", None)
        if reset is not None:
            reset()
        if self.shared_cache is not None:
            self.shared_cache.reset()

    # -- the request path ------------------------------------------------------------

    def policy(self, op: Operation, *, replayable_body: bool = True) -> RetryPolicy:
        c = self.config
        return _policy_for(
            op,
            max_attempts=c.max_attempts,
            base_delay=c.base_delay,
            retry_on=c.retry_on,
            max_delay=c.max_delay,
            max_retry_after=c.max_retry_after,
            replayable_body=replayable_body,
        )

    async def execute(
        self,
        op: Operation,
        url: str,
        decode: Callable[[Any], T] | None,
        *,
        content: Content | UploadBody = None,
        content_type: str | None = None,
        raw: bool = False,
        replayable: bool = True,
        store: bool = True,
        deadline: CallDeadline | None = None,
    ) -> T:
        """Run one operation: send (with retries), then decode the response.

        ``decode`` gets the parsed JSON (or, with ``raw=True``, the
        :class:`HttpResponse`); ``None`` ignores the body. GETs go through the HTTP
        cache: a 304 returns the stored decoded result without decoding again.
        ``replayable=False`` marks a streamed body that cannot be sent twice; an
        :class:`UploadBody` says for itself whether it can (see :meth:`send`).
        ``store=False`` revalidates against the cache but adds nothing to it (streamed
        list pages). ``deadline`` bounds the whole call (see :mod:`.deadlines`).
        """
        hooks = self.hooks
        if hooks is None or not (hooks.on_operation_start or hooks.on_operation_end):
            result = await self._execute(
                op, url, decode, content, content_type, raw, replayable, store, deadline
            )
            return result[0]
        clock = self.clock
        start = clock.now()
        if hooks.on_operation_start:
            await emit(hooks.on_operation_start, OperationStart(op.id, op.method, url))
        try:
            value, status = await self._execute(
                op, url, decode, content, content_type, raw, replayable, store, deadline
            )
        except BasecampError as exc:
            if hooks.on_operation_end:
                duration = clock.now() - start
                await emit(
                    hooks.on_operation_end,
                    OperationEnd(op.id, op.method, url, duration, exc.http_status, error=exc),
                )
            raise
        if hooks.on_operation_end:
            duration = clock.now() - start
            await emit(
                hooks.on_operation_end,
                OperationEnd(op.id, op.method, url, duration, status, from_cache=status == 304),
            )
        return value

    async def _execute(
        self,
        op: Operation,
        url: str,
        decode: Callable[[Any], T] | None,
        content: Content | UploadBody,
        content_type: str | None,
        raw: bool,
        replayable: bool,
        store: bool = True,
        deadline: CallDeadline | None = None,
    ) -> tuple[T, int]:
        cache = self.cache
        cacheable = cache is not None and decode is not None and op.method == "GET"
        response: HttpResponse
        response, prepared, entry = await self._send(
            op,
            url,
            content,
            content_type,
            decode if cacheable else None,
            replayable,
            None,
            deadline,
        )
        status = response.status_code
        shared_hit = False
        if status == 304:
            assert entry is not None  # send() only returns a 304 it asked for
            value: Any = entry.value
            if type(value) is StoredBody:
                # Validators another process stored: decode the body stored with them
                # (once; the decoded result is kept in this process like any other).
                response = value.response(url)
                shared_hit = True
            else:
                if self.strict:  # the cache may be shared with a lenient client
                    self._check_strictly(op, decode, value, response)
                if raw and isinstance(value, PageData):
                    # Hand out a copy: the caller may mutate the list it gets.
                    value = value.copy()
                return value, status
        if cache is not None and op.method in _UNSAFE:
            # A write makes any cached GET of the same URL worthless.
            cache.delete((prepared.fingerprint, url))
            if self.shared_cache is not None:
                await self.shared_cache.discard((prepared.fingerprint, url))
        if decode is None:
            return None, status  # type: ignore[return-value]
        try:
            value = decode(response) if raw else decode(parse_json(op, response))
        except BasecampError:
            raise
        except Exception as exc:
            raise DecodeError(
                f"{op.id}: could not decode the response ({type(exc).__name__}: {exc})",
                http_status=status,
                request_id=response.headers.get("x-request-id"),
                operation_id=op.id,
            ) from exc
        if self.strict:
            self._check_strictly(op, decode, value, response)
        if cacheable and store and (status == 200 or shared_hit):
            headers = response.headers
            etag = headers.get("etag")
            modified = headers.get("last-modified")
            if shared_hit:
                assert entry is not None
                etag, modified = entry.etag, entry.last_modified
            if (etag or modified) and storable(headers.get("cache-control")):
                key = (prepared.fingerprint, url)
                local = CacheEntry(etag, modified, value, entry_size(len(response.content)), decode)
                cache.set(key, local)  # type: ignore[union-attr]
                if self.shared_cache is not None and not shared_hit:
                    shared = SharedEntry(
                        etag, modified, shareable_headers(headers), response.content
                    )
                    await self.shared_cache.save(key, shared)
                if raw and isinstance(value, PageData):
                    value = value.copy()
        return value, status

    def _check_strictly(
        self, op: Operation, decode: Any, value: Any, response: HttpResponse
    ) -> None:
        """A strict client's second pass over what ``decode`` made (see :mod:`.strict`)."""
        problem = strict_problem(decode, value)
        if problem is not None:
            raise DecodeError(
                f"{op.id}: {problem} (strict decoding)",
                http_status=response.status_code,
                request_id=response.headers.get("x-request-id"),
                operation_id=op.id,
                hint=STRICT_HINT,
            )

    async def send(
        self,
        op: Operation,
        url: str,
        content: Content | UploadBody = None,
        content_type: str | None = None,
        *,
        cache_decoder: Hashable = None,
        replayable: bool = True,
        deadline: CallDeadline | None = None,
    ) -> tuple[HttpResponse, Prepared, CacheEntry | None]:
        """Send ``op`` to ``url`` until it succeeds or the retry rules say stop.

        Returns the successful response (2xx, or a 304 answering the returned cache
        entry's validators), the credential headers used, and that cache entry.
        Raises the typed error for anything else.

        An :class:`UploadBody` is streamed afresh on every attempt. A retry the rules
        allow is still skipped when the body cannot be produced again (a one-time
        stream already read): the error then says so in its hint.
        """
        return await self._send(
            op, url, content, content_type, cache_decoder, replayable, None, deadline
        )

    async def open_stream(
        self,
        op: Operation,
        url: str,
        *,
        anonymous: Mapping[str, str] | None = None,
        redirect: bool = False,
        deadline: CallDeadline | None = None,
    ) -> OpenStream:
        """Like :meth:`send` for a body-less request, but the successful response is
        returned open, its body unread (close it with ``aclose()``).

        ``anonymous`` replaces the credential headers with exactly these headers (for a
        host that must not see the client's credentials: no throttling, no 401 replay,
        and the URL's query is left out of logs, hooks and errors). ``redirect=True``
        also returns a 3xx answer, for the caller to follow or refuse. The attempt's time
        limit covers the response head only; ``deadline`` bounds the opening.
        """
        opened: OpenStream
        opened, _prepared, _entry = await self._send(
            op, url, None, None, None, True, Streaming(anonymous, redirect), deadline
        )
        return opened

    async def _send(
        self,
        op: Operation,
        url: str,
        content: Content | UploadBody,
        content_type: str | None,
        cache_decoder: Hashable,
        replayable: bool,
        streaming: Streaming | None,
        deadline: CallDeadline | None = None,
    ) -> tuple[Any, Prepared, CacheEntry | None]:
        if deadline is None:
            return await self._attempts(
                op, url, content, content_type, cache_decoder, replayable, streaming, None
            )
        # The whole call — attempts, backoff, pauses, a token refresh — within the deadline.
        limit = until(self.clock, deadline)
        try:
            with limit:
                return await self._attempts(
                    op, url, content, content_type, cache_decoder, replayable, streaming, deadline
                )
        except NetworkError as exc:
            if not limit.expired and self.clock.now() < deadline.end:
                raise
            raise past_deadline(op, deadline, exc, replayable=replayable) from None
        raise AssertionError("unreachable")  # pragma: no cover  (the limit raises)

    async def _attempts(
        self,
        op: Operation,
        url: str,
        content: Content | UploadBody,
        content_type: str | None,
        cache_decoder: Hashable,
        replayable: bool,
        streaming: Streaming | None,
        deadline: CallDeadline | None,
    ) -> tuple[Any, Prepared, CacheEntry | None]:
        upload: UploadBody | None = None
        if isinstance(content, UploadBody):
            upload, content = content, None
        cache = self.cache if cache_decoder is not None else None
        throttle = self.throttle
        credentials = self.credentials
        static = self._static
        http = self.http
        observe = self.hooks is not None or _log.isEnabledFor(_INFO)
        clock = self.clock
        method = op.method
        policy: RetryPolicy | None = None
        attempt = 0
        auth_replayed = False
        anonymous = streaming.anonymous if streaming is not None else None
        shown = url
        if anonymous is not None:
            shown = without_query(url)
            # A storage host may echo its signed URL's parameters back in an error body.
            unsigned = Prepared({}, "anonymous", None, query_values(url), frozenset())
        while True:
            attempt += 1
            if deadline is not None:
                deadline.sending = False  # until this attempt's request goes out
            entry: CacheEntry | None = None
            if anonymous is not None:
                prepared, headers = unsigned, anonymous
            else:
                if throttle.pause_until or throttle.rate:
                    await throttle.acquire()
                prepared = static if static is not None else await credentials.prepare()
                if cache is not None:
                    entry = cache.get((prepared.fingerprint, url))
                    if entry is not None and entry.decoder != cache_decoder:
                        entry = None
                    if entry is None and self.shared_cache is not None:
                        # No entry of our own: another process may have one.
                        found = await self.shared_cache.lookup((prepared.fingerprint, url))
                        if found is not None:
                            entry = from_shared(found, cache_decoder)
                    if entry is not None:
                        headers = conditional_headers(prepared.headers, entry)
                    else:
                        headers = prepared.headers
                elif upload is not None:
                    headers = {**prepared.headers, **upload.headers}
                elif content_type is None:
                    headers = prepared.headers
                else:
                    headers = prepared.with_content_type(content_type)
            started = 0.0
            if observe:
                started = clock.now()
                await self._request_started(op, shown, attempt, headers, prepared.secret_names)
            limiter = throttle.limiter() if anonymous is None else None
            opened: OpenStream | None = None
            # The attempt's total time; an upload's starts once its body is sent.
            limit = TimeLimit(
                clock, self.attempt_timeout, self._attempt_message, started=upload is None
            )
            if deadline is not None:
                deadline.attempts = attempt
                deadline.sending = True
            try:
                if streaming is not None:
                    opened = await open_stream(http, limiter, method, url, headers, limit)
                    response: HttpResponse | StreamedResponse = opened.response
                elif upload is not None:
                    response = await send_upload(http, limiter, method, url, headers, upload, limit)
                elif limiter is None:
                    with limit:
                        response = await http.send(method, url, headers, content)
                else:
                    async with limiter:
                        with limit:
                            response = await http.send(method, url, headers, content)
            except NetworkError as exc:
                error = exc.for_operation(op.id, attempt)  # keeps the subclass
                if observe:
                    await self._request_ended(op, shown, attempt, started, None, error)
                if policy is None:
                    policy = self.policy(op, replayable_body=replayable)
                decision = decide(
                    policy, attempt=attempt, request_sent=exc.request_sent, random=self.random
                )
                if decision.retry and not exc.retryable:
                    decision = RetryDecision(False, reason="the failure is permanent")
                if decision.retry and upload is not None and not upload.can_resend():
                    error.hint = ONE_SHOT_HINT
                    raise error from None
                if not decision.retry:
                    if exc.request_sent and not policy.replayable:
                        error.retryable = False  # the write may have arrived
                        error.hint = "the request may have been processed; check before resending"
                    raise error from None
                if deadline is not None and clock.now() + decision.delay >= deadline.end:
                    raise not_retried_before(error, deadline) from None
                await self._retry_scheduled(op, shown, attempt, decision.delay, exc.message, None)
                await clock.sleep(decision.delay)
                continue
            status = response.status_code
            if status != 429 and anonymous is None:
                # What the server let through: paces the tasks held by a later 429.
                throttle.accepted.append(clock.now())
            if observe:
                try:
                    await self._request_ended(op, shown, attempt, started, response, None)
                except BaseException:
                    if opened is not None:
                        await opened.aclose()
                    raise
            if status < 300 or (status == 304 and entry is not None):
                return (response if opened is None else opened), prepared, entry
            if opened is not None:
                if streaming is not None and streaming.redirect and status in REDIRECT_STATUSES:
                    return opened, prepared, entry
                try:
                    # The start of the error body, within the attempt's time too.
                    with TimeLimit(clock, self.attempt_timeout, self._attempt_message):
                        body = await opened.read_error()
                except NetworkError:
                    body = b""  # the status says enough
            else:
                body = response.content  # type: ignore[union-attr]
            resendable = upload is None or upload.can_resend()
            if (
                status == 401
                and not auth_replayed
                and replayable
                and resendable
                and anonymous is None
            ):
                auth_replayed = True
                if await credentials.recover(prepared.marker):
                    attempt -= 1  # a replay with new credentials is not a retry
                    await self._retry_scheduled(
                        op, shown, attempt, 0.0, "credentials refreshed after 401", 401
                    )
                    continue
            retry_after = None
            if status in RETRY_AFTER_STATUSES:
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), now=clock.time()
                )
            if policy is None:
                policy = self.policy(op, replayable_body=replayable)
            decision = decide(
                policy, attempt=attempt, status=status, retry_after=retry_after, random=self.random
            )
            # A 429 without Retry-After where the description leaves 429 out of retryOn is
            # this operation's quota (see retry.py): it neither waits nor holds the client.
            quota = status == 429 and retry_after is None and policy.quota_429
            held = status == 429 and anonymous is None and not quota
            if held:
                # Hold the whole client (every process, with shared limits), not just
                # this task; never longer than max_retry_after.
                throttle.pause(
                    retry_after
                    if retry_after is not None
                    else backoff_delay(
                        attempt, base_delay=policy.base_delay, max_delay=policy.max_delay
                    )
                )
            too_late = (
                deadline is not None
                and decision.retry
                and clock.now() + decision.delay >= deadline.end
            )
            if not decision.retry or not resendable or too_late:
                if held and throttle.unpublished:
                    await throttle.publish()
                failure = _error_for_response(
                    status,
                    response.headers,
                    body,
                    operation_id=op.id,
                    retry_after=retry_after,
                    attempts=attempt,
                )
                for secret in prepared.secrets:
                    failure.redact(secret)
                if too_late and deadline is not None:
                    failure = not_retried_before(failure, deadline)
                elif decision.retry:
                    failure.hint = ONE_SHOT_HINT
                elif decision.retry_after_exceeded:
                    failure.hint = decision.reason
                elif quota:
                    failure.retryable = False
                    failure.hint = decision.reason
                elif failure.retryable and status != 429 and not policy.replayable:
                    failure.retryable = False
                    failure.hint = "the write may have been processed; check before resending"
                raise failure
            if held:
                # The pause is the wait: acquire() waits it out with the other tasks, then
                # paces them (and carries the pause to the other processes).
                await self._retry_scheduled(
                    op, shown, attempt, throttle.paused_for, f"HTTP {status}", status
                )
                continue
            await self._retry_scheduled(
                op, shown, attempt, decision.delay, f"HTTP {status}", status
            )
            await clock.sleep(decision.delay)

    # -- observation (only reached when hooks or logging are on) ---------------------

    async def _request_started(
        self,
        op: Operation,
        url: str,
        attempt: int,
        headers: Mapping[str, str],
        secret_names: frozenset[str],
    ) -> None:
        hooks = self.hooks
        wants_hook = hooks is not None and bool(hooks.on_request_start)
        if not (wants_hook or _log.isEnabledFor(_DEBUG)):
            return
        shown = redact_headers(headers, secret_names)
        _log.debug("→ %s %s (attempt %d) headers=%s", op.method, url, attempt, shown)
        if wants_hook:
            assert hooks is not None
            await emit(hooks.on_request_start, RequestStart(op.id, op.method, url, attempt, shown))

    async def _request_ended(
        self,
        op: Operation,
        url: str,
        attempt: int,
        started: float,
        response: HttpResponse | StreamedResponse | None,
        error: BasecampError | None,
    ) -> None:
        duration = self.clock.now() - started
        status = response.status_code if response is not None else None
        request_id = response.headers.get("x-request-id") if response is not None else None
        if _log.isEnabledFor(_INFO):
            outcome = str(status) if status is not None else f"failed ({error})"
            _log.info(
                "%s %s → %s in %.0f ms (attempt %d%s)",
                op.method,
                url,
                outcome,
                duration * 1000,
                attempt,
                f", request {request_id}" if request_id else "",
            )
        hooks = self.hooks
        if hooks is not None and hooks.on_request_end:
            await emit(
                hooks.on_request_end,
                RequestEnd(op.id, op.method, url, attempt, duration, status, request_id, error),
            )

    async def _retry_scheduled(
        self, op: Operation, url: str, attempt: int, delay: float, reason: str, status: int | None
    ) -> None:
        if _log.isEnabledFor(_INFO):
            _log.info(
                "retrying %s %s in %.2fs (attempt %d): %s",
                op.method,
                url,
                delay,
                attempt + 1,
                reason,
            )
        hooks = self.hooks
        if hooks is not None and hooks.on_retry:
            await emit(
                hooks.on_retry,
                RetryScheduled(op.id, op.method, url, attempt + 1, delay, reason, status),
            )

    async def page_fetched(self, event: PageFetched) -> None:
        hooks = self.hooks
        if hooks is not None and hooks.on_page:
            await emit(hooks.on_page, event)
