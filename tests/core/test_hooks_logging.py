"""Hooks and logging: every event, sync and async hooks, failures contained, env switch."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from basecamp_client import (
    AsyncBasecamp,
    Hooks,
    OperationEnd,
    OperationStart,
    PageFetched,
    RequestEnd,
    RequestStart,
    RetryScheduled,
    UsageError,
)
from basecamp_client._core import logs

from .helpers import GET, LIST, Recorder, identity, json_response, make_client, session

pytestmark = pytest.mark.anyio


def flaky_then_ok() -> Recorder:
    state = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        state["n"] += 1
        if state["n"] == 1:
            return json_response(503, {}, **{"X-Request-Id": "r1"})
        return json_response(200, {"id": 1}, **{"X-Request-Id": "r2"})

    return Recorder(handler)


async def test_every_event_reaches_sync_and_async_hooks() -> None:
    events: list[Any] = []

    async def async_hook(event: Any) -> None:
        events.append(("async", event))

    def sync_hook(event: Any) -> None:
        events.append(("sync", event))

    both = [sync_hook, async_hook]
    hooks = Hooks(
        on_operation_start=both,
        on_operation_end=both,
        on_request_start=both,
        on_request_end=both,
        on_retry=both,
        on_page=both,
    )
    async with make_client(flaky_then_ok(), hooks=hooks) as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    kinds = [type(e).__name__ for tag, e in events if tag == "sync"]
    assert kinds == [
        "OperationStart",
        "RequestStart",
        "RequestEnd",
        "RetryScheduled",
        "RequestStart",
        "RequestEnd",
        "OperationEnd",
    ]
    assert [type(e).__name__ for tag, e in events if tag == "async"] == kinds
    by_type = {type(e): e for _, e in events}
    assert by_type[OperationStart].operation_id == "GetThing"
    retry = by_type[RetryScheduled]
    assert (retry.next_attempt, retry.delay, retry.status_code) == (2, 1.0, 503)
    end = by_type[RequestEnd]
    assert (end.attempt, end.status_code, end.request_id) == (2, 200, "r2")
    op_end = by_type[OperationEnd]
    assert op_end.error is None
    assert op_end.status_code == 200
    start = by_type[RequestStart]
    assert start.headers["Authorization"] == "<redacted>"


async def test_operation_end_reports_errors_and_cache_hits() -> None:
    ends: list[OperationEnd] = []
    hooks = Hooks(on_operation_end=ends.append)
    server = Recorder(lambda r: json_response(404, {}))
    async with make_client(server, hooks=hooks) as client:
        with pytest.raises(Exception):
            await session(client).call(GET, path={"id": 1}, decode=identity)
    assert ends[0].error is not None
    assert ends[0].status_code == 404

    ends.clear()

    def cached(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match"):
            return httpx.Response(304)
        return json_response(200, {}, ETag='"a"')

    async with make_client(Recorder(cached), hooks=hooks) as client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
        await session(client).call(GET, path={"id": 1}, decode=identity)
    assert [e.from_cache for e in ends] == [False, True]


async def test_page_fetched_events() -> None:
    pages: list[PageFetched] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if "cursor" in str(request.url):
            return json_response(200, [{"id": 3}], **{"X-Total-Count": "3"})
        return json_response(
            200,
            [{"id": 1}, {"id": 2}],
            Link='</99/things.json?cursor=2>; rel="next"',
            **{"X-Total-Count": "3"},
        )

    async with make_client(Recorder(handler), hooks=Hooks(on_page=pages.append)) as client:
        await session(client).paginate(LIST, decode=identity)
    assert [(p.number, p.item_count, p.has_next, p.total_count) for p in pages] == [
        (1, 2, True, 3),
        (2, 1, False, 3),
    ]


async def test_a_failing_hook_never_breaks_the_call(caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: Any) -> None:
        raise RuntimeError("hook bug")

    async def broken_async(event: Any) -> None:
        raise KeyError("async hook bug")

    hooks = Hooks(on_request_start=broken, on_request_end=[broken_async, broken])
    with caplog.at_level(logging.ERROR, logger="basecamp_client"):
        async with make_client(Recorder(lambda r: json_response(200, {"ok": 1})), hooks=hooks) as c:
            assert await session(c).call(GET, path={"id": 1}, decode=identity) == {"ok": 1}
    assert "hook" in caplog.text
    assert "failed" in caplog.text
    assert "hook bug" in caplog.text


def test_hooks_validate_their_fields() -> None:
    with pytest.raises(UsageError):
        Hooks(on_retry=42)
    with pytest.raises(UsageError):
        Hooks(on_retry=[print, "x"])
    assert not Hooks()
    assert Hooks(on_retry=print)


async def test_info_logging_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="basecamp_client"):
        async with make_client(flaky_then_ok()) as client:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    lines = [r.getMessage() for r in caplog.records if r.name == "basecamp_client"]
    assert any("→ 503" in line for line in lines)
    assert any("retrying GET" in line for line in lines)
    assert any("→ 200" in line and "request r2" in line for line in lines)


async def test_debug_logging_shows_redacted_headers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="basecamp_client"):
        async with make_client(Recorder(lambda r: json_response(200, {}))) as client:
            await session(client).call(GET, path={"id": 1}, decode=identity)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("'Authorization': '<redacted>'" in line for line in debug)


def test_basecamp_log_env_attaches_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("basecamp_client")
    saved = (logger.level, list(logger.handlers))
    try:
        logger.handlers.clear()
        logs.configure_from_env({"BASECAMP_LOG": "debug"})
        assert logger.level == logging.DEBUG
        assert len(logger.handlers) == 1
        logs.configure_from_env({"BASECAMP_LOG": "info"})
        assert logger.level == logging.INFO
        assert len(logger.handlers) == 1  # not added twice
    finally:
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]


def test_an_unknown_basecamp_log_value_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="BASECAMP_LOG='verbose' is not a log level"):
        logs.configure_from_env({"BASECAMP_LOG": "verbose"})
    monkeypatch.setattr(logs, "_configured", False)
    monkeypatch.setenv("BASECAMP_LOG", "Verbose")
    with pytest.raises(UsageError, match="debug, info, warning or error"):
        AsyncBasecamp(access_token="t" * 20, user_agent="logs (tests@example.com)")
    logs.configure_from_env({"BASECAMP_LOG": "off"})  # off and unset are fine


def test_redact_headers() -> None:
    redacted = logs.redact_headers(
        {"Authorization": "Bearer x", "Cookie": "a=b", "set-cookie": "c", "Accept": "json"}
    )
    assert redacted == {
        "Authorization": "<redacted>",
        "Cookie": "<redacted>",
        "set-cookie": "<redacted>",
        "Accept": "json",
    }
