"""WebhookReceiver: routing, middleware, handlers, deduplication, signatures, failures."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import anyio
import pytest

from basecamp_client import UsageError
from basecamp_client.webhooks import (
    Claim,
    MemorySeenStore,
    Next,
    Outcome,
    WebhookEvent,
    WebhookReceiver,
    WebhookResponse,
    new_path_token,
    parse_event,
    sign_payload,
    verify_signature,
)

from .payloads import body, event

pytestmark = pytest.mark.anyio

SECRET = "whsec-0123456789abcdef"


def status_of(response: WebhookResponse) -> tuple[int, dict[str, Any]]:
    return response.status, json.loads(response.body)


async def test_routing_by_kind_glob_and_any() -> None:
    receiver = WebhookReceiver()
    calls: list[str] = []

    @receiver.on("todo_*")
    async def todos(e: WebhookEvent) -> None:
        calls.append(f"todos:{e.kind}")

    @receiver.on("message_created", "*_copied")
    async def messages(e: WebhookEvent) -> None:
        calls.append(f"messages:{e.kind}")

    @receiver.on_any
    async def everything(e: WebhookEvent) -> None:
        calls.append(f"any:{e.kind}")

    for number, kind in enumerate(
        ["todo_created", "message_created", "todo_copied", "comment_created"]
    ):
        assert await receiver.dispatch(parse_event(event(kind, number))) is Outcome.PROCESSED
    assert calls == [
        "todos:todo_created",
        "any:todo_created",
        "messages:message_created",
        "any:message_created",
        "todos:todo_copied",
        "messages:todo_copied",
        "any:todo_copied",
        "any:comment_created",
    ]
    assert receiver.handlers_for("todolist_created") == (everything,)  # todo_* is not todolist*


async def test_sync_handlers_run_in_a_worker_thread() -> None:
    receiver = WebhookReceiver()
    threads: list[threading.Thread] = []
    receiver.add_handler(lambda e: threads.append(threading.current_thread()), "todo_created")

    class AsyncCallable:
        def __init__(self) -> None:
            self.seen: list[int] = []

        async def __call__(self, e: WebhookEvent) -> None:
            self.seen.append(e.id)

    callable_object = AsyncCallable()
    receiver.on("todo_created")(callable_object)
    await receiver.dispatch(parse_event(event(event_id=1)))
    assert threads
    assert threads[0] is not threading.current_thread()
    assert callable_object.seen == [1]


async def test_middleware_wraps_in_order_and_can_short_circuit() -> None:
    receiver = WebhookReceiver()
    trail: list[str] = []

    @receiver.middleware
    async def outer(e: WebhookEvent, call_next: Next) -> None:
        trail.append("outer>")
        await call_next(e)
        trail.append("<outer")

    @receiver.middleware
    async def skip_bots(e: WebhookEvent, call_next: Next) -> None:
        if e.creator is not None and e.creator.name == "Bot":
            trail.append("skipped")
            return
        await call_next(e)

    @receiver.on_any
    async def handler(e: WebhookEvent) -> None:
        trail.append(f"handler:{e.id}")

    await receiver.dispatch(parse_event(event(event_id=1)))
    await receiver.dispatch(parse_event(event(event_id=2, creator={"id": 1, "name": "Bot"})))
    assert trail == ["outer>", "handler:1", "<outer", "outer>", "skipped", "<outer"]
    # A skipped event still counts as handled.
    assert await receiver.dispatch(parse_event(event(event_id=2))) is Outcome.DUPLICATE

    with pytest.raises(UsageError, match="async"):
        receiver.middleware(lambda e, n: None)  # type: ignore[arg-type,return-value]


async def test_a_failed_handler_is_retried_by_the_next_delivery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver = WebhookReceiver()
    attempts: list[int] = []

    @receiver.on("todo_created")
    async def flaky(e: WebhookEvent) -> None:
        attempts.append(e.id)
        if len(attempts) == 1:
            raise RuntimeError("database unavailable")

    payload = body(event_id=77)
    assert status_of(await receiver.handle(payload, {})) == (500, {"error": "handler failed"})
    assert "database unavailable" in caplog.text  # the handler's traceback is logged
    assert status_of(await receiver.handle(payload, {})) == (200, {"status": "processed"})
    assert status_of(await receiver.handle(payload, {})) == (200, {"status": "duplicate"})
    assert attempts == [77, 77]


async def test_concurrent_duplicates_run_once() -> None:
    receiver = WebhookReceiver()
    started, release = anyio.Event(), anyio.Event()
    runs: list[int] = []

    @receiver.on("todo_created")
    async def slow(e: WebhookEvent) -> None:
        runs.append(e.id)
        started.set()
        await release.wait()

    results: dict[str, WebhookResponse] = {}

    async def deliver(name: str) -> None:
        results[name] = await receiver.handle(body(event_id=5), {})

    async with anyio.create_task_group() as tg:
        tg.start_soon(deliver, "first")
        await started.wait()
        await deliver("second")  # arrives while the first is still being handled
        release.set()
    assert results["second"].status == 503
    assert dict(results["second"].headers)["retry-after"] == "30"
    assert status_of(results["first"]) == (200, {"status": "processed"})
    assert status_of(await receiver.handle(body(event_id=5), {})) == (200, {"status": "duplicate"})
    assert runs == [5]


async def test_many_concurrent_duplicates_with_a_shared_store() -> None:
    """Two receivers (two workers) sharing one store: one delivery runs, others do not."""
    store = MemorySeenStore()
    runs: list[int] = []
    workers = [WebhookReceiver(seen_store=store) for _ in range(2)]
    for worker in workers:
        worker.add_handler(lambda e: runs.append(e.id), "*")
    statuses: list[int] = []

    async def deliver(worker: WebhookReceiver) -> None:
        statuses.append((await worker.handle(body(event_id=9), {})).status)

    async with anyio.create_task_group() as tg:
        for n in range(20):
            tg.start_soon(deliver, workers[n % 2])
    assert runs == [9]
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 503}
    assert await store.claim("9", lease=1) is Claim.SEEN


async def test_handler_timeout_releases_the_event() -> None:
    receiver = WebhookReceiver(handler_timeout=0.01)
    calls: list[int] = []

    @receiver.on_any
    async def stuck(e: WebhookEvent) -> None:
        calls.append(e.id)
        if len(calls) == 1:
            await anyio.sleep_forever()

    first = await receiver.handle(body(event_id=3), {})
    assert status_of(first) == (503, {"error": "handler timed out"})
    assert status_of(await receiver.handle(body(event_id=3), {}))[0] == 200
    assert calls == [3, 3]


async def test_a_failing_store_means_503() -> None:
    class DownStore:
        async def claim(self, key: str, *, lease: float) -> Claim:
            raise ConnectionError("redis down")

        async def mark_seen(self, key: str, *, ttl: float) -> None:
            pass

        async def release(self, key: str) -> None:
            pass

    receiver = WebhookReceiver(seen_store=DownStore())
    response = await receiver.handle(body(), {})
    assert status_of(response) == (503, {"error": "seen-store unavailable"})


async def test_signatures() -> None:
    receiver = WebhookReceiver(secret=[SECRET, "old-secret-value"])
    payload = body()
    good = sign_payload(payload, SECRET)
    assert (await receiver.handle(payload, {"X-Basecamp-Signature": good})).status == 200
    again = body(event_id=2)
    rotated = "sha256=" + sign_payload(again, "old-secret-value").upper()
    assert (await receiver.handle(again, {"x-basecamp-signature": rotated})).status == 200
    assert status_of(await receiver.handle(payload, {})) == (401, {"error": "signature required"})
    tampered = payload.replace(b"Ship", b"Sink")
    assert status_of(await receiver.handle(tampered, {"X-Basecamp-Signature": good}))[0] == 403
    assert (await receiver.handle(payload, {"X-Basecamp-Signature": "zz"})).status == 403
    assert verify_signature(payload, good, [SECRET])
    assert not verify_signature(payload, None, [SECRET])
    assert not verify_signature(payload, "é" * 64, [SECRET])


async def test_bad_bodies_are_400() -> None:
    receiver = WebhookReceiver()
    for bad in (b"{not json", b"[1, 2]", b'{"kind": "todo_created"}', b"\xff\xfe", b"[" * 100000):
        status, payload = status_of(await receiver.handle(bad, {}))
        assert status == 400, bad[:20]
        assert "error" in payload


async def test_oversized_body_is_413() -> None:
    receiver = WebhookReceiver(max_body_bytes=100)
    assert (await receiver.handle(b" " * 101, {})).status == 413


async def test_path_token() -> None:
    token = new_path_token()
    receiver = WebhookReceiver(path_token=token)
    assert (await receiver.handle(body(), {})).status == 404
    assert (await receiver.handle(body(), {}, path_token=token[:-1] + "x")).status == 404
    assert (await receiver.handle(body(), {}, path_token=token)).status == 200
    with pytest.raises(UsageError, match="path_token"):
        WebhookReceiver(path_token="short")
    with pytest.raises(UsageError, match="path_token"):
        WebhookReceiver(path_token="has/slash/" + "x" * 30)


async def test_logs_hold_no_payload_or_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver = WebhookReceiver(secret=SECRET)
    receiver.add_handler(lambda e: None, "*")
    payload = body(event_id=11)
    signature = sign_payload(payload, SECRET)
    await receiver.handle(payload, {"X-Basecamp-Signature": signature})
    await receiver.handle(payload, {"X-Basecamp-Signature": "0" * 64})
    await receiver.handle(b"{oops " + SECRET.encode(), {"X-Basecamp-Signature": "x"})
    assert "todo_created event 11 on Todo 1069479406" in caplog.text
    for leaked in (SECRET, signature, "Ship it", "Ship the microsite", "victor@honcho.example"):
        assert leaked not in caplog.text


def test_configuration_is_validated() -> None:
    with pytest.raises(UsageError, match="secret"):
        WebhookReceiver(secret="")
    with pytest.raises(UsageError, match="max_body_bytes"):
        WebhookReceiver(max_body_bytes=0)
    with pytest.raises(UsageError, match="at least one"):
        WebhookReceiver().on()
    with pytest.raises(UsageError, match="callable"):
        WebhookReceiver().add_handler("nope", "*")  # type: ignore[arg-type]
    receiver = WebhookReceiver(secret=SECRET, handler_timeout=400)
    assert receiver.in_flight_lease == 800  # a lease never ends before the handler's timeout
    assert SECRET not in repr(receiver)
