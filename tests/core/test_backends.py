"""Choosing an HTTP backend, the seam's API on both, TLS, and the whole client over each
backend against the fake Basecamp on 127.0.0.1."""

from __future__ import annotations

import ssl
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import trustme

from basecamp_client import AsyncBasecamp, Basecamp, Config, NetworkError, UsageError
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.transport import HttpxTransport, Transport, open_transport
from basecamp_client.testing import FakeBasecamp, FakeServer

from .example_service import AsyncProjectsService, ProjectsService
from .helpers import UA
from .rawserver import RawServer, read_request, response

pytestmark = pytest.mark.anyio

COMBINATIONS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "auto"), ("trio", "httpx")]


@pytest.fixture(params=COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def combination(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(combination: tuple[str, str]) -> str:
    return combination[0]


@pytest.fixture
def http_backend(combination: tuple[str, str]) -> str:
    return combination[1]


@pytest.fixture
def expected_backend(combination: tuple[str, str]) -> str:
    library, setting = combination
    return "httpx" if setting == "httpx" or library == "trio" else "aiohttp"


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeServer]:
    with FakeBasecamp.with_sample_data().serve(server="stdlib") as server:
        yield server


def todolist_ids(server: FakeServer) -> dict[str, int]:
    with httpx.Client(base_url=server.account_url, headers={"User-Agent": UA}) as c:
        c.headers["Authorization"] = "Bearer t"
        project = c.get("/projects.json").json()[0]
        todoset = next(t for t in project["dock"] if t["name"] == "todoset")
        lists = c.get(c.get(todoset["url"]).json()["todolists_url"]).json()
    backlog = next(t for t in lists if t["name"] == "Backlog")
    return {"project": project["id"], "backlog": backlog["id"]}


# -- choosing ---------------------------------------------------------------------------------


async def test_auto_picks_by_async_library(
    local_server: str, expected_backend: str, http_backend: str
) -> None:
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=local_server, http_backend=http_backend
    ) as bc:
        core = bc._core
        assert core.backend == (None if http_backend == "auto" else expected_backend)
        session = bc.for_account(1)._session
        await AsyncProjectsService(session).get(project_id=1)
        assert core.backend == expected_backend


def test_an_injected_transport_means_httpx() -> None:
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    bc = AsyncBasecamp(access_token="t", user_agent=UA, transport=mock)
    assert bc._core.backend == "httpx"
    with pytest.raises(UsageError, match="cannot use an injected transport"):
        AsyncBasecamp(access_token="t", user_agent=UA, transport=mock, http_backend="aiohttp")
    with pytest.raises(UsageError, match="http_backend must be one of"):
        AsyncBasecamp(access_token="t", user_agent=UA, http_backend="curl")


def test_the_former_asyncio_name_means_aiohttp() -> None:
    assert Config(user_agent=UA, http_backend="asyncio").http_backend == "aiohttp"
    env = {"BASECAMP_USER_AGENT": UA, "BASECAMP_HTTP_BACKEND": "asyncio"}
    assert Config.from_env(env).http_backend == "aiohttp"
    with pytest.raises(UsageError, match="cannot use an injected transport"):
        AsyncBasecamp(
            access_token="t",
            user_agent=UA,
            transport=httpx.MockTransport(lambda request: httpx.Response(200)),
            http_backend="asyncio",
        )


def test_building_a_client_imports_no_http_library() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        import basecamp_client
        from basecamp_client import AsyncBasecamp, Basecamp
        AsyncBasecamp(access_token="t", user_agent={UA!r})
        Basecamp(access_token="t", user_agent={UA!r}).close()
        print(sorted(m for m in ("aiohttp", "yarl", "httpx", "httpcore") if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_setting_from_the_environment() -> None:
    env = {"BASECAMP_USER_AGENT": UA, "BASECAMP_HTTP_BACKEND": "HTTPX"}
    assert Config.from_env(env).http_backend == "httpx"
    assert Config.from_env({"BASECAMP_USER_AGENT": UA}).http_backend == "auto"
    with pytest.raises(UsageError, match="http_backend"):
        Config.from_env({**env, "BASECAMP_HTTP_BACKEND": "fast"})
    with pytest.raises(UsageError, match=r"ssl_context must be an ssl\.SSLContext"):
        Config(user_agent=UA, ssl_context="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("combination", [("trio", "asyncio")], ids=["trio-asyncio"])
async def test_the_aiohttp_backend_refuses_trio(combination: tuple[str, str]) -> None:
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url="http://127.0.0.1:1", http_backend="aiohttp"
    ) as bc:
        with pytest.raises(UsageError, match="needs a running asyncio event loop"):
            await AsyncProjectsService(bc.for_account(1)._session).get(project_id=1)


def test_the_aiohttp_backend_never_imports_httpx(fake_server: FakeServer) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from basecamp_client import AsyncBasecamp, Basecamp

        async def main():
            async with AsyncBasecamp(access_token="t", user_agent={UA!r},
                                     base_url={fake_server.base_url!r}) as bc:
                await bc.for_account({fake_server.fake.account_id}).projects.list()

        asyncio.run(main())
        with Basecamp(access_token="t", user_agent={UA!r}, base_url={fake_server.base_url!r}) as bc:
            bc.for_account({fake_server.fake.account_id}).projects.list().collect()
        print("httpx" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# -- the seam, on both backends -------------------------------------------------------------


def make_transport(backend: str, **options: Any) -> Transport:
    settings: dict[str, Any] = {
        "timeout": 5.0,
        "connect_timeout": 5.0,
        "max_connections": 10,
        "max_keepalive_connections": 5,
    }
    settings.update(options)
    return open_transport(backend, **settings)


@pytest.mark.parametrize(
    "combination", [("asyncio", "aiohttp"), ("asyncio", "httpx")], ids=["asyncio", "httpx"]
)
async def test_stream_api(expected_backend: str) -> None:
    body = b"0123456789" * 10_000

    async def handler(server: RawServer, reader: Any, writer: Any) -> None:
        while (request := await read_request(reader)) is not None:
            server.requests.append(request)
            if request.method == "PUT":
                writer.write(response(200, str(len(request.body)).encode()))
                continue
            head = (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                'Link: <http://x/2>; rel="next"\r\nLink: <http://x/9>; rel="last"\r\n\r\n'
            )
            writer.write(head.encode())
            for i in range(0, len(body), 7000):
                part = body[i : i + 7000]
                writer.write(b"%x\r\n%b\r\n" % (len(part), part))
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    async def upload() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"u" * 1000

    async with RawServer(handler) as server:
        http = make_transport(expected_backend)
        async with http.stream("GET", f"{server.url}/file", {"User-Agent": UA}) as streamed:
            assert streamed.status_code == 200
            assert streamed.url == f"{server.url}/file"
            assert streamed.headers["LINK"] == '<http://x/2>; rel="next", <http://x/9>; rel="last"'
            chunks = [chunk async for chunk in streamed.aiter_bytes()]
        assert b"".join(chunks) == body
        async with http.stream("GET", f"{server.url}/file", {"User-Agent": UA}) as streamed:
            assert await streamed.aread() == body
        sized = await http.send("PUT", server.url, {"Content-Length": "10000"}, upload())
        chunked = await http.send("PUT", server.url, {}, upload())
        assert sized.content == chunked.content == b"10000"
        await http.aclose()
    puts = [r for r in server.requests if r.method == "PUT"]
    assert puts[0].headers.get("content-length") == "10000"
    assert "transfer-encoding" not in puts[0].headers
    assert puts[1].headers.get("transfer-encoding") == "chunked"
    assert server.connections == 1


@pytest.mark.parametrize(
    "combination", [("asyncio", "aiohttp"), ("asyncio", "httpx")], ids=["asyncio", "httpx"]
)
async def test_stream_failures_are_network_errors(expected_backend: str) -> None:
    async def cut(server: RawServer, reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
        await writer.drain()
        writer.close()

    async with RawServer(cut) as server:
        http = make_transport(expected_backend)
        async with http.stream("GET", server.url, {}) as streamed:
            with pytest.raises(NetworkError) as info:
                await streamed.aread()
        assert info.value.request_sent
        with pytest.raises(NetworkError) as refused:
            async with http.stream("GET", "http://127.0.0.1:1/", {}):
                pass
        assert not refused.value.request_sent
        await http.aclose()
    assert isinstance(make_transport("httpx"), HttpxTransport)


# -- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, seen: list[str | None]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)

    def remember(_sock: Any, name: str | None, _ctx: Any) -> None:
        seen.append(name)

    context.sni_callback = remember  # type: ignore[assignment]
    return context


@pytest.mark.parametrize(
    "combination", [("asyncio", "aiohttp"), ("asyncio", "httpx")], ids=["asyncio", "httpx"]
)
async def test_tls_verifies_and_sends_sni(ca: trustme.CA, expected_backend: str) -> None:
    seen: list[str | None] = []
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    async with RawServer(ssl_context=server_context(ca, seen)) as server:
        async with AsyncBasecamp(
            access_token="t",
            user_agent=UA,
            base_url=server.url,
            ssl_context=trusting,
            http_backend=expected_backend,
        ) as bc:
            session = bc.for_account(1)._session
            await AsyncProjectsService(session).get(project_id=1)
            await AsyncProjectsService(session).get(project_id=2)
        assert server.connections == 1
        assert "localhost" in seen
        # The default trust store has never heard of this CA.
        http = make_transport(expected_backend)
        with pytest.raises(NetworkError, match=r"(?i)certificate verif") as info:
            await http.send("GET", server.url, {})
        assert not info.value.request_sent
        assert not info.value.retryable  # retrying cannot fix an untrusted certificate
        await http.aclose()
        # ...so the client reports it after one attempt, without backing off.
        clock = FakeClock()
        async with AsyncBasecamp(
            access_token="t",
            user_agent=UA,
            base_url=server.url,
            http_backend=expected_backend,
            clock=clock,
        ) as untrusting:
            with pytest.raises(NetworkError, match=r"(?i)certificate verif"):
                await AsyncProjectsService(untrusting.for_account(1)._session).get(project_id=1)
        assert clock.sleeps == []


# -- the whole client over each backend -------------------------------------------------------


async def test_end_to_end(
    fake_server: FakeServer, http_backend: str, expected_backend: str
) -> None:
    ids = todolist_ids(fake_server)
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t",
        user_agent=UA,
        base_url=fake_server.base_url,
        http_backend=http_backend,
        clock=clock,
    ) as bc:
        account = bc.for_account(fake_server.fake.account_id)
        project = await account.projects.get(project_id=ids["project"])
        # An unchanged resource: answered 304 and served from the cache, not decoded again.
        assert await account.projects.get(project_id=ids["project"]) is project
        pages = [
            len(page.items) async for page in account.todos.list(todolist_id=ids["backlog"]).pages()
        ]
        assert pages[:3] == [15, 30, 50]  # geared pages, followed by Link
        assert sum(pages) >= 120
        made = await account.todos.create(todolist_id=ids["backlog"], content="over the wire")
        assert (await account.todos.get(todo_id=made.id)).content == "over the wire"
        fake_server.fake.faults.fail(1, status=503)
        await account.projects.get(project_id=ids["project"])
        assert len(clock.sleeps) == 1  # retried once after the 503
        fake_server.fake.faults.reset_connections(1, when="after", method="POST")
        with pytest.raises(NetworkError) as info:
            await account.todos.create(todolist_id=ids["backlog"], content="answer lost")
        assert info.value.request_sent  # a write whose answer was lost is never replayed
        assert bc._core.backend == expected_backend


def test_sync_client_runs_on_the_asyncio_backend(fake_server: FakeServer) -> None:
    ids = todolist_ids(fake_server)
    with Basecamp(access_token="t", user_agent=UA, base_url=fake_server.base_url) as bc:
        account = bc.for_account(fake_server.fake.account_id)
        names = [p.name for p in account.projects.list()]
        assert names
        assert len(account.todos.list(todolist_id=ids["backlog"]).collect()) >= 120
        project = account.projects.get(project_id=ids["project"])
        assert account.projects.get(project_id=ids["project"]) is project
        assert bc._async._core.backend == "aiohttp"
        session = account._async._session
        service = ProjectsService(AsyncProjectsService(session), account._runner)
        assert service.get(project_id=ids["project"]).id == ids["project"]


def test_closed_clients_close_their_connections(fake_server: FakeServer) -> None:
    bc = Basecamp(access_token="t", user_agent=UA, base_url=fake_server.base_url)
    bc.for_account(fake_server.fake.account_id).projects.list().collect()
    http = bc._async._core._http
    bc.close()
    assert http is not None
    assert getattr(http, "_closed", False)
    with pytest.raises(UsageError, match="closed"):
        bc.for_account(fake_server.fake.account_id).projects.list().collect()
