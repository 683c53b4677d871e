"""The differential suite: every backend, fed the same malformed or unusual responses by
a raw-socket server, must give the caller the same typed outcome — the decoded body, or
the same error class with the same ``request_sent`` — never a raw exception, never a
hang past the timeout, and never leave anything on a kept-alive connection that the
next request would take for its answer.

``docs/http-backends.md`` claims that the backends behave the same only as far as these
cases (and the other tests in this directory) check.
"""

from __future__ import annotations

import pytest

from .cases import CASES, Case
from .conftest import H, make_transport, outcome_of
from .wire import WireServer

pytestmark = pytest.mark.anyio

#: Client timeout for the cases that wait on a silent server.
SLOW_TIMEOUT = 0.5


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_case(case: Case, backend: str, wire: WireServer) -> None:
    path = f"/{case.name}"
    wire.script(path, case.script)
    http = make_transport(backend, timeout=SLOW_TIMEOUT if case.slow else 5.0)
    try:
        expected = case.aiohttp if backend == "aiohttp" and case.aiohttp else case.expect
        assert await outcome_of(http, wire.url + path, case) == expected
        # Whatever the case left behind, the next answer on this client is the right one.
        canary = await http.send("GET", wire.url + "/canary", H)
        assert (canary.status_code, canary.content) == (200, b"canary")
    finally:
        await http.aclose()
    seen = [s for s in wire.seen if s.path == path]
    assert len(seen) == 1, "the transport itself never sends a request twice"
    canary_request = next(s for s in wire.seen if s.path == "/canary")
    assert "cookie" not in canary_request.headers
