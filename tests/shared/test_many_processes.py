"""The proof of issue 15: four worker processes, one Basecamp limit, one Redis.

The fake Basecamp (served by this process) accepts 10 requests per 2 s; four worker
processes of 15 concurrent GETs each are configured only through environment variables
(``BASECAMP_RATE_LIMIT=10/2``, ``BASECAMP_SHARED_LIMITS=redis://…``). Real time, across
processes: kept to these two tests, which assert on counts and on the request times the
fake recorded, with a generous bound on the total (1.3x the 10 s the limit allows).
"""

from __future__ import annotations

import pytest

from bench.many import run

from ..redis_server import RedisServer

pytestmark = pytest.mark.slow


def test_four_workers_share_one_limit(redis_server: RedisServer) -> None:
    report = run(workers=4, gets=15, rate=(10, 2.0), redis_url=redis_server.url)
    assert report["calls_failed"] == 0, report["failures"]
    assert report["answered_429"] == 0
    assert report["requests"] == 60
    # (The exact window — never 11 starts within 2 s plus the margin — is asserted on
    # virtual time in tests/core/test_pacing.py; here arrivals carry the jitter of four
    # real processes on a shared machine, which the margin absorbs: no 429.)
    assert report["allowed_s"] == 10.0
    assert report["span_s"] <= 1.3 * report["allowed_s"]


def test_a_429_in_one_worker_pauses_the_others(redis_server: RedisServer) -> None:
    report = run(workers=4, gets=15, rate=(10, 2.0), redis_url=redis_server.url, inject_429=3.0)
    assert report["calls_failed"] == 0, report["failures"]
    log = report["log"]
    refused = [(at, worker) for at, worker, status in log if status == 429]
    assert len(refused) == 1  # the injected one: the window itself drew none
    at, worker = refused[0]
    # Requests already on the wire when the 429 was answered arrive within moments;
    # after that nobody (the other workers included) sends until the 3 s have passed.
    in_flight = 0.25
    during = [(t - at, w) for t, w, _status in log if at + in_flight < t < at + 3.0 - 0.01]
    assert during == []
    others_after = [t for t, w, _status in log if w != worker and t > at]
    assert others_after, "the other workers still had calls to make"
    assert min(others_after) >= at + 3.0 - 0.01 or min(others_after) <= at + in_flight
    assert report["span_s"] <= 1.3 * report["allowed_s"] + 3.0
