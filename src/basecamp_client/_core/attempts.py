"""The retry loop: one request's attempts, until it succeeds or the rules say stop.

Each attempt waits for the client's pacing (:mod:`.throttle`), takes the current
credentials (and the cache's validators for a GET), and runs under its limit on total
time (:mod:`.deadlines`). Between attempts: a 401 is replayed once with refreshed
credentials (not counted as a retry), a 429 holds the whole client (:mod:`.throttle`),
and everything else is up to the pure rules of :mod:`.retry`. A write that may have
arrived is never sent twice unless its operation is safe to replay.

Kept lean on purpose — it runs for every request: hooks, logging, rate limiting and the
in-flight cap cost one test each when they are off.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from .cache import CacheEntry, conditional_headers, from_shared
from .credentials import Prepared
from .deadlines import CallDeadline, TimeLimit, not_retried_before, past_deadline, until
from .errors import NetworkError
from .errors import error_for_response as _error_for_response
from .observe import INFO, logger, request_ended, request_started, retry_scheduled
from .operation import Operation
from .request_body import UploadBody
from .retry import (
    RETRY_AFTER_STATUSES,
    RetryDecision,
    RetryPolicy,
    backoff_delay,
    decide,
    parse_retry_after,
)
from .streams import (
    REDIRECT_STATUSES,
    OpenStream,
    SentBody,
    Streaming,
    open_stream,
    query_values,
    without_query,
)
from .transport import Content, HttpResponse, StreamedResponse

if TYPE_CHECKING:
    from .core import ClientCore

#: Why an upload was not retried although the failure was retryable.
ONE_SHOT_HINT = (
    "not retried: the upload's source is a one-time stream that was already sent; "
    "pass a path, bytes or a seekable file to let the client retry"
)


async def send(
    core: ClientCore,
    op: Operation,
    url: str,
    content: Content | UploadBody,
    content_type: str | None,
    cache_decoder: Hashable,
    replayable: bool,
    streaming: Streaming | None,
    deadline: CallDeadline | None = None,
) -> tuple[Any, Prepared, CacheEntry | None]:
    """Send ``op`` to ``url`` until it succeeds or the retry rules say stop.

    Returns the successful response (2xx, or a 304 answering the returned cache entry's
    validators; with ``streaming``, an :class:`OpenStream`, and a 3xx too when it asks
    for redirects), the credential headers used, and that cache entry. Raises the typed
    error for anything else.

    ``cache_decoder`` (a GET's decoder) looks the URL up in the HTTP cache and sends its
    validators. An :class:`UploadBody` is streamed afresh on every attempt; a retry the
    rules allow is still skipped when the body cannot be produced again (a one-time
    stream already read), and the error says so in its hint. ``replayable=False`` marks
    any other body that cannot be sent twice. ``deadline`` bounds the whole call.
    """
    if deadline is None:
        return await _attempts(
            core, op, url, content, content_type, cache_decoder, replayable, streaming, None
        )
    # The whole call — attempts, backoff, pauses, a token refresh — within the deadline.
    clock = core.clock
    limit = until(clock, deadline)
    try:
        with limit:
            return await _attempts(
                core, op, url, content, content_type, cache_decoder, replayable, streaming, deadline
            )
    except NetworkError as exc:
        if not limit.expired and clock.now() < deadline.end:
            raise
        raise past_deadline(op, deadline, exc, replayable=replayable) from None
    raise AssertionError("unreachable")  # pragma: no cover  (the limit raises)


async def _attempts(
    core: ClientCore,
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
    cache = core.cache if cache_decoder is not None else None
    shared_cache = core.shared_cache
    throttle = core.throttle
    credentials = core.credentials
    static = core.static_prepared
    http = core.http
    hooks = core.hooks
    observe = hooks is not None or logger.isEnabledFor(INFO)
    clock = core.clock
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
        headers: Mapping[str, str]
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
                if entry is None and shared_cache is not None:
                    # No entry of our own: another process may have one.
                    found = await shared_cache.lookup((prepared.fingerprint, url))
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
            await request_started(hooks, op, shown, attempt, headers, prepared.secret_names)
        limiter = throttle.limiter() if anonymous is None else None
        opened: OpenStream | None = None
        # The attempt's total time; an upload's starts once its body is sent.
        limit = TimeLimit(clock, core.attempt_timeout, core.attempt_message, started=upload is None)
        if deadline is not None:
            deadline.attempts = attempt
            deadline.sending = True
        try:
            if streaming is not None:
                opened = await open_stream(http, limiter, method, url, headers, limit)
                response: HttpResponse | StreamedResponse = opened.response
            else:
                body = upload.open() if upload is not None else None
                try:
                    # An upload's body starts its time limit once all of it was handed over.
                    sent = content if body is None else SentBody(body, limit.start)
                    if limiter is None:
                        with limit:
                            response = await http.send(method, url, headers, sent)
                    else:
                        async with limiter:
                            with limit:
                                response = await http.send(method, url, headers, sent)
                finally:
                    if body is not None:
                        await body.aclose()
        except NetworkError as exc:
            error = exc.for_operation(op.id, attempt)  # keeps the subclass
            if observe:
                await request_ended(hooks, clock, op, shown, attempt, started, None, error)
            if policy is None:
                policy = core.policy(op, replayable_body=replayable)
            decision = decide(
                policy, attempt=attempt, request_sent=exc.request_sent, random=core.random
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
            await retry_scheduled(hooks, op, shown, attempt, decision.delay, exc.message, None)
            await clock.sleep(decision.delay)
            continue
        status = response.status_code
        if status != 429 and anonymous is None:
            # What the server let through: paces the tasks held by a later 429.
            throttle.accepted.append(clock.now())
        if observe:
            try:
                await request_ended(hooks, clock, op, shown, attempt, started, response, None)
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
                with TimeLimit(clock, core.attempt_timeout, core.attempt_message):
                    error_body = await opened.read_error()
            except NetworkError:
                error_body = b""  # the status says enough
        else:
            error_body = response.content  # type: ignore[union-attr]
        resendable = upload is None or upload.can_resend()
        if status == 401 and not auth_replayed and replayable and resendable and anonymous is None:
            auth_replayed = True
            if await credentials.recover(prepared.marker):
                attempt -= 1  # a replay with new credentials is not a retry
                await retry_scheduled(
                    hooks, op, shown, attempt, 0.0, "credentials refreshed after 401", 401
                )
                continue
        retry_after = None
        if status in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"), now=clock.time())
        if policy is None:
            policy = core.policy(op, replayable_body=replayable)
        decision = decide(
            policy, attempt=attempt, status=status, retry_after=retry_after, random=core.random
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
            deadline is not None and decision.retry and clock.now() + decision.delay >= deadline.end
        )
        if not decision.retry or not resendable or too_late:
            if held and throttle.unpublished:
                await throttle.publish()
            failure = _error_for_response(
                status,
                response.headers,
                error_body,
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
            await retry_scheduled(
                hooks, op, shown, attempt, throttle.paused_for, f"HTTP {status}", status
            )
            continue
        await retry_scheduled(hooks, op, shown, attempt, decision.delay, f"HTTP {status}", status)
        await clock.sleep(decision.delay)
