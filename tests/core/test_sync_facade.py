"""The sync facade: scripts, many threads, inside a running loop, after fork, at exit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from basecamp_client import Basecamp, Hooks, NotFoundError, SyncPaginator, UsageError
from basecamp_client._core import Runner

from .example_service import AsyncProjectsService, ProjectsService
from .helpers import BASE, UA, json_response, make_sync_client


def api(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.startswith("/99/projects/") and request.method == "GET":
        project_id = int(path.rsplit("/", 1)[1])
        if project_id >= 1000:
            return json_response(404, {"error": "Not found"})
        return json_response(200, {"id": project_id, "name": f"P{project_id}"})
    if path.startswith("/99/projects/") and request.method == "DELETE":
        return httpx.Response(204)
    if path == "/99/projects.json" and request.method == "POST":
        return json_response(201, {"id": 7, **json.loads(request.content)})
    if path == "/99/projects.json":
        page = int(request.url.params.get("page", "1"))
        items = [{"id": page * 100 + i, "name": "x"} for i in range(3)]
        headers = {"X-Total-Count": "9"}
        if page < 3 and "one" not in request.url.params:
            headers["Link"] = f'<{BASE}/99/projects.json?page={page + 1}>; rel="next"'
        return json_response(200, items, **headers)
    return json_response(404, {})


def projects(client: Basecamp) -> ProjectsService:
    account = client.for_account(99)
    return ProjectsService(AsyncProjectsService(account._async._session), account._runner)


@pytest.fixture
def client() -> Iterator[Basecamp]:
    with make_sync_client(api) as bc:
        yield bc


def loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "basecamp-client"]


def test_plain_script_usage(client: Basecamp) -> None:
    service = projects(client)
    assert service.get(project_id=1).name == "P1"
    assert service.create(name="New").id == 7
    assert service.trash(project_id=1) is None
    with pytest.raises(NotFoundError):
        service.get(project_id=1000)
    listing = service.list()
    assert isinstance(listing, SyncPaginator)
    result = listing.collect()
    assert [p.id for p in result] == [100, 101, 102, 200, 201, 202, 300, 301, 302]
    assert result.meta.total_count == 9


def test_loop_thread_starts_lazily_and_stops_on_close() -> None:
    before = len(loop_threads())
    bc = make_sync_client(api)
    assert len(loop_threads()) == before  # nothing started yet
    projects(bc).get(project_id=1)
    assert len(loop_threads()) == before + 1
    bc.close()
    bc.close()  # idempotent
    assert len(loop_threads()) == before
    with pytest.raises(UsageError, match="closed"):
        projects(bc).get(project_id=1)


def test_sync_iteration_fetches_page_by_page() -> None:
    seen_pages: list[int] = []

    def counting(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/99/projects.json":
            seen_pages.append(int(request.url.params.get("page", "1")))
        return api(request)

    with make_sync_client(counting) as bc:
        service = projects(bc)
        iterator = iter(service.list())
        assert next(iterator).id == 100
        assert seen_pages == [1]
        for _ in range(3):
            next(iterator)
        assert seen_pages == [1, 2]
        del iterator  # abandoning the iteration closes it cleanly
        pages = list(service.list().pages())
        assert [p.number for p in pages] == [1, 2, 3]
        assert [p.id for p in service.list(max_items=4)] == [100, 101, 102, 200]
        assert len(list(service.list(page=2))) == 3


def test_many_threads_share_one_loop(client: Basecamp) -> None:
    service = projects(client)
    service.get(project_id=0)
    errors: list[BaseException] = []
    results: dict[int, str] = {}

    def worker(n: int) -> None:
        try:
            for i in range(20):
                pid = n * 100 + i
                results[pid] = service.get(project_id=pid).name
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(results) == 160
    assert all(name == f"P{pid}" for pid, name in results.items())
    assert len([t for t in loop_threads() if t.is_alive()]) >= 1
    assert client._runner.loop is not None


def test_works_inside_a_running_asyncio_loop(client: Basecamp) -> None:
    # A notebook cell: sync code called while an event loop runs in this thread.
    async def cell() -> str:
        return projects(client).get(project_id=5).name

    assert asyncio.run(cell()) == "P5"


def test_works_inside_a_running_trio_loop(client: Basecamp) -> None:
    import trio

    async def cell() -> str:
        return projects(client).get(project_id=6).name

    assert trio.run(cell) == "P6"


def test_calling_from_the_loop_thread_is_a_clear_error() -> None:
    runner = Runner()

    async def reenter() -> None:
        runner.run(asyncio.sleep, 0)

    with pytest.raises(UsageError, match="its own event loop thread"):
        runner.run(reenter)
    runner.close()


def test_an_async_hook_calling_the_sync_client_does_not_deadlock(
    caplog: pytest.LogCaptureFixture,
) -> None:
    holder: dict[str, Basecamp] = {}

    async def nosy(event: Any) -> None:
        projects(holder["bc"]).get(project_id=2)  # would deadlock without the check

    with make_sync_client(api, hooks=Hooks(on_operation_end=nosy)) as bc:
        holder["bc"] = bc
        assert projects(bc).get(project_id=1).name == "P1"
    assert "its own event loop thread" in caplog.text


def test_exceptions_cross_the_thread_boundary_with_their_type(client: Basecamp) -> None:
    runner = client._runner

    async def boom() -> None:
        raise KeyError("inner")

    with pytest.raises(KeyError, match="inner"):
        runner.run(boom)

    def not_async() -> None:
        raise ValueError("called on the loop")

    with pytest.raises(ValueError, match="called on the loop"):
        runner.run(not_async)  # type: ignore[arg-type]


def wait_child(pid: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_after_fork_the_child_gets_a_fresh_loop(client: Basecamp) -> None:
    service = projects(client)
    assert service.get(project_id=1).name == "P1"  # the parent's loop is running
    parent_loop = client._runner.loop
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            ok = service.get(project_id=2).name == "P2"
            fresh = client._runner.loop is not parent_loop
            listed = len(service.list().collect()) == 9
            client.close()
            code = 0 if (ok and fresh and listed) else 3
        finally:
            os._exit(code)
    assert wait_child(pid) == 0
    assert service.get(project_id=3).name == "P3"  # the parent is unaffected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("backend", ["aiohttp", "httpx"])
def test_after_fork_the_child_opens_its_own_connections(local_server: str, backend: str) -> None:
    with Basecamp(
        access_token="t", user_agent=UA, base_url=local_server, http_backend=backend
    ) as bc:
        service = projects(bc)
        assert service.get(project_id=1).name == "real"  # a pooled keep-alive connection
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                ok = service.get(project_id=1).name == "real"
                code = 0 if ok and bc._async._core.backend == backend else 3
            finally:
                os._exit(code)
        assert wait_child(pid) == 0
        assert service.get(project_id=1).name == "real"  # the parent's pool still works


EXIT_SCRIPT = """
import asyncio, sys, httpx
from basecamp_client import AsyncBasecamp, Basecamp
sys.path.insert(0, {tests!r})
from core.example_service import AsyncProjectsService, ProjectsService

UA = "exit test (t@example.com)"
mode = sys.argv[1]
if mode == "sync-unclosed":
    bc = Basecamp(access_token="t", user_agent=UA, base_url={url!r})
    account = bc.for_account(99)
    svc = ProjectsService(AsyncProjectsService(account._async._session), account._runner)
    print(svc.get(project_id=1).name)
elif mode == "sync-with":
    with Basecamp(access_token="t", user_agent=UA, base_url={url!r}) as bc:
        account = bc.for_account(99)
        svc = ProjectsService(AsyncProjectsService(account._async._session), account._runner)
        print(svc.get(project_id=1).name)
elif mode == "async-with":
    async def main():
        async with AsyncBasecamp(access_token="t", user_agent=UA, base_url={url!r}) as bc:
            svc = AsyncProjectsService(bc.for_account(99)._session)
            print((await svc.get(project_id=1)).name)
    asyncio.run(main())
"""


@pytest.mark.parametrize("mode", ["sync-unclosed", "sync-with", "async-with"])
def test_no_noise_at_interpreter_exit(local_server: str, mode: str) -> None:
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = textwrap.dedent(EXIT_SCRIPT).format(url=local_server, tests=tests_dir)
    # Every warning shown, ResourceWarning included.
    env = {**os.environ, "PYTHONWARNINGS": "always"}
    env.pop("BASECAMP_LOG", None)
    done = subprocess.run(
        [sys.executable, "-c", script, mode],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "real"
    assert done.stderr == ""


def hanging(request: httpx.Request) -> Any:
    async def forever() -> httpx.Response:
        import anyio

        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    if request.url.path.endswith("/hang"):
        return forever()
    return api(request)


class _AsyncMock(httpx.MockTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        result = self.handler(request)
        if not isinstance(result, httpx.Response):
            result = await result
        return result


def test_closing_wakes_calls_still_waiting() -> None:
    from basecamp_client._core import Operation

    hang = Operation(id="Hang", method="GET", path="/hang")
    bc = Basecamp(access_token="t", user_agent=UA, transport=_AsyncMock(hanging))
    session = bc.for_account(99)._async._session
    outcome: list[BaseException] = []

    def caller() -> None:
        try:
            bc._runner.run(session.call, hang, decode=lambda d: d)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=caller)
    worker.start()
    deadline = time.monotonic() + 10
    while bc._runner.loop is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    bc.close()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], UsageError)


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs pthread_kill")
def test_ctrl_c_while_waiting_cancels_the_call() -> None:
    from basecamp_client._core import Operation

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    hang = Operation(id="Hang", method="GET", path="/hang")
    with Basecamp(access_token="t", user_agent=UA, transport=_AsyncMock(hanging)) as bc:
        session = bc.for_account(99)._async._session
        main = threading.main_thread().ident
        assert main is not None
        timer = threading.Timer(0.2, signal.pthread_kill, args=(main, signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            bc._runner.run(session.call, hang, decode=lambda d: d)
        # The client is still usable afterwards.
        assert projects(bc).get(project_id=4).name == "P4"
