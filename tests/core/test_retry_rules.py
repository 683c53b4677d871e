"""The pure retry rules: which failures are retried, and how long to wait."""

from __future__ import annotations

import email.utils

import pytest

from basecamp_client._core import Operation, RetrySpec
from basecamp_client._core.retry import (
    backoff_delay,
    decide,
    parse_retry_after,
    policy_for,
    status_is_retryable,
)

METHODS = ["GET", "PUT", "DELETE", "POST"]
STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504]


def op(method: str, *, idempotent: bool = False, **retry: object) -> Operation:
    spec = RetrySpec(**retry) if retry else RetrySpec()  # type: ignore[arg-type]
    return Operation(id="X", method=method, path="/x", idempotent=idempotent, retry=spec)


def expected(method: str, status: int, idempotent: bool) -> bool:
    if status == 429:
        return True  # refused before processing: safe for every method
    safe = method in ("GET", "PUT", "DELETE") or idempotent
    return safe and status in (500, 502, 503, 504)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("idempotent", [False, True])
def test_status_matrix(method: str, status: int, idempotent: bool) -> None:
    policy = policy_for(op(method, idempotent=idempotent))
    decision = decide(policy, attempt=1, status=status)
    assert decision.retry is expected(method, status, idempotent), (method, status, idempotent)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("idempotent", [False, True])
@pytest.mark.parametrize("sent", [False, True])
def test_network_matrix(method: str, idempotent: bool, sent: bool) -> None:
    policy = policy_for(op(method, idempotent=idempotent))
    decision = decide(policy, attempt=1, request_sent=sent)
    safe = method != "POST" or idempotent
    assert decision.retry is (not sent or safe)


def test_description_retry_on_narrower_than_transient_keeps_transient_for_reads() -> None:
    # The published description says retryOn [429, 503]; reads still retry 500/502/504.
    policy = policy_for(op("GET", retry_on=frozenset({429, 503})))
    assert all(decide(policy, attempt=1, status=s).retry for s in (500, 502, 503, 504))


def test_description_can_add_statuses_for_replayable_ops_only() -> None:
    get = policy_for(op("GET", retry_on=frozenset({408})))
    post = policy_for(op("POST", retry_on=frozenset({408})))
    assert decide(get, attempt=1, status=408).retry
    assert not decide(post, attempt=1, status=408).retry


def test_config_override_replaces_the_status_set() -> None:
    policy = policy_for(op("GET"), retry_on=frozenset({503}))
    assert decide(policy, attempt=1, status=503).retry
    assert not decide(policy, attempt=1, status=500).retry
    assert decide(policy, attempt=1, status=429).retry  # never processed: always safe


def test_non_replayable_body_is_never_replayed_after_sending() -> None:
    policy = policy_for(op("PUT"), replayable_body=False)
    assert not decide(policy, attempt=1, status=503).retry
    assert not decide(policy, attempt=1, request_sent=True).retry
    assert decide(policy, attempt=1, request_sent=False).retry
    assert decide(policy, attempt=1, status=429).retry


def test_attempt_budget_counts_the_first_attempt() -> None:
    policy = policy_for(op("GET", max_attempts=3))
    assert decide(policy, attempt=1, status=503).retry
    assert decide(policy, attempt=2, status=503).retry
    last = decide(policy, attempt=3, status=503)
    assert not last.retry
    assert "3 attempts" in last.reason
    assert not decide(policy_for(op("GET"), max_attempts=1), attempt=1, status=503).retry


def test_operation_and_config_values_combine() -> None:
    operation = op("GET", max_attempts=2, base_delay=2.0)
    assert policy_for(operation).max_attempts == 2
    assert policy_for(operation).base_delay == 2.0
    overridden = policy_for(operation, max_attempts=6, base_delay=0.5)
    assert (overridden.max_attempts, overridden.base_delay) == (6, 0.5)


@pytest.mark.parametrize(
    ("attempt", "delay"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 30.0), (40, 30.0)]
)
def test_backoff_doubles_and_caps(attempt: int, delay: float) -> None:
    assert backoff_delay(attempt, base_delay=1.0, max_delay=30.0) == delay


def test_backoff_jitter_is_added_on_top_and_bounded() -> None:
    assert backoff_delay(2, base_delay=1.0, random=lambda: 0.0) == 2.0
    assert backoff_delay(2, base_delay=1.0, random=lambda: 0.999) == pytest.approx(2.4995)
    capped = backoff_delay(10, base_delay=1.0, max_delay=30.0, random=lambda: 0.5)
    assert 30.0 < capped <= 37.5  # cap first, jitter on top
    assert backoff_delay(10**6, base_delay=1.0) == 30.0  # no overflow on huge attempts


def test_decision_uses_backoff_or_retry_after() -> None:
    policy = policy_for(op("GET", base_delay=1.0))
    assert decide(policy, attempt=2, status=503).delay == 2.0
    assert decide(policy, attempt=2, status=503, random=lambda: 0.5).delay == 2.25
    assert decide(policy, attempt=2, status=503, retry_after=7.0).delay == 7.0


def test_retry_after_beyond_maximum_stops_at_once() -> None:
    policy = policy_for(op("GET"), max_retry_after=60.0)
    decision = decide(policy, attempt=1, status=429, retry_after=61.0)
    assert not decision.retry
    assert decision.retry_after_exceeded
    assert decision.delay == 61.0
    assert decide(policy, attempt=1, status=429, retry_after=60.0).retry


NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("0", None),  # "no wait" from a server limiting us: back off instead
        ("1.5", 1.5),
        ("-3", None),
        ("99999", 99999.0),  # bounded by decide() (max_retry_after), not here
        ("1e308", 1e308),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        ("Thu, 01 Jan 2026 00:01:00 GMT", 60.0),
        ("Thu, 01 Jan 2026 00:01:00 -0000", 60.0),  # no zone: GMT
        ("Fri, 31 Dec 9999 23:59:59 GMT", 253402300799.0 - NOW),
        ("Wed, 31 Dec 2025 23:00:00 GMT", None),  # in the past
        (email.utils.formatdate(NOW, usegmt=True), None),  # now
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("Thu, 99 Foo 2026 00:00:00 GMT", None),
    ],
)
def test_retry_after_forms(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_status_helper_for_never_processed_requests() -> None:
    assert status_is_retryable(429, replayable=False, retry_on=frozenset())
    assert not status_is_retryable(503, replayable=False, retry_on=frozenset({503}))


def test_a_429_is_a_quota_where_the_description_leaves_it_out() -> None:
    # retryOn [503] (new embeds per hour, the account's user limit): a 429 without
    # Retry-After is a quota that retrying does not lift; with Retry-After it is the
    # ordinary rate limit and is waited out as everywhere else.
    quota = policy_for(op("POST", idempotent=True, retry_on=frozenset({503})))
    refused = decide(quota, attempt=1, status=429)
    assert not refused.retry
    assert "quota" in refused.reason
    assert decide(quota, attempt=1, status=429, retry_after=2.0).retry
    assert decide(quota, attempt=1, status=503).retry
    ordinary = policy_for(op("POST", retry_on=frozenset({429, 503})))
    assert decide(ordinary, attempt=1, status=429).retry
    # A client-wide retry_on never turns an operation's quota into a rate limit.
    overridden = policy_for(op("GET", retry_on=frozenset({503})), retry_on=frozenset({429}))
    assert overridden.quota_429
    assert not decide(overridden, attempt=1, status=429).retry
