"""Server mode on 127.0.0.1: uvicorn when installed, and the standard-library fallback."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from unittest import mock

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client.testing import FakeBasecamp, FakeServer
from basecamp_client.testing._server import uvicorn_available

from ..core.example_service import AsyncProjectsService
from .conftest import HEADERS, UA

KINDS = [
    "stdlib",
    pytest.param(
        "uvicorn", marks=pytest.mark.skipif(not uvicorn_available(), reason="uvicorn not installed")
    ),
]


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[FakeServer]:
    fake = FakeBasecamp.with_sample_data()
    with fake.serve(server=request.param) as running:
        yield running


def test_answers_several_requests_on_one_connection(server: FakeServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        for _ in range(5):
            r = c.get("/projects.json")
            assert r.status_code == 200
            assert r.headers["x-request-id"]
        created = c.post("/projects.json", json={"name": "Over the wire"})
        assert created.status_code == 201
        assert created.headers["location"].startswith(server.account_url)
        assert (
            c.get(
                "/projects.json", headers={"If-None-Match": c.get("/projects.json").headers["etag"]}
            ).status_code
            == 304
        )
        assert c.get("/projects.json", headers={"User-Agent": ""}).status_code == 400
        assert (
            c.post(
                "/projects.json", content=b"x", headers={"Content-Type": "text/plain"}
            ).status_code
            == 415
        )


def test_pagination_links_point_at_the_server(server: FakeServer) -> None:
    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        projects = c.get("/projects.json").json()
        todoset = next(t for t in projects[0]["dock"] if t["name"] == "todoset")
        assert todoset["url"].startswith(server.account_url)
        lists = c.get(c.get(todoset["url"]).json()["todolists_url"]).json()
        url = next(t for t in lists if t["name"] == "Backlog")["todos_url"]
        sizes = []
        while url:
            r = c.get(url)
            sizes.append(len(r.json()))
            url = r.links.get("next", {}).get("url")
            assert url is None or url.startswith(server.account_url + "/")
    assert sizes == [15, 30, 50, 25]


def test_downloads_redirect_to_another_origin(server: FakeServer) -> None:
    assert server.storage_port != server.port
    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        attachment = c.post(
            "/attachments.json",
            params={"name": "n.txt"},
            content=b"over the river",
            headers={"Content-Type": "text/plain"},
        ).json()
        redirect = c.get(attachment["download_url"])
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith(server.storage_url + "/blobs/")
    assert httpx.get(location).content == b"over the river"
    assert httpx.get(location, headers={"Authorization": "Bearer t"}).status_code == 400


def test_injected_resets_drop_the_connection(server: FakeServer) -> None:
    server.fake.faults.reset_connections(1, when="after", method="POST")
    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            c.post("/projects.json", json={"name": "Lost answer"})
        assert "Lost answer" in c.get("/projects.json").text


def test_injected_delay_really_waits_in_server_mode(server: FakeServer) -> None:
    server.fake.faults.slow(0.05, count=1)
    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        start = time.monotonic()
        assert c.get("/people.json").status_code == 200
        assert time.monotonic() - start >= 0.05


@pytest.mark.anyio
async def test_sdk_client_against_the_server(server: FakeServer) -> None:
    async with AsyncBasecamp(access_token="t", user_agent=UA, base_url=server.base_url) as bc:
        projects = AsyncProjectsService(bc.for_account(server.fake.account_id)._session)
        names = [p.name async for p in projects.list()]
    assert names == ["Riverside Market Launch", "Web Shop Refresh"]


@pytest.mark.parametrize("kind", KINDS)
def test_shuts_down_cleanly_and_releases_its_ports(kind: str) -> None:
    fake = FakeBasecamp()
    server = fake.serve(server=kind)
    port, storage_port = server.port, server.storage_port
    idle = httpx.Client(base_url=server.account_url, headers=HEADERS)
    assert idle.get("/people.json").status_code == 200  # leaves a keep-alive connection open
    server.stop()
    for p in (port, storage_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", p)) != 0
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", p))
    with pytest.raises(httpx.TransportError):
        idle.get("/people.json")
    idle.close()
    server.stop()  # stopping twice is harmless


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match="cannot listen"):
            FakeBasecamp().serve(port=taken.getsockname()[1], server="stdlib")


def test_unknown_server_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="server must be one of"):
        FakeBasecamp().serve(server="gunicorn")


def test_cli_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "basecamp_client.testing",
            "serve",
            "--port",
            "0",
            "--seed",
            "3",
            "--token",
            "cli-token",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Fake Basecamp on http://127.0.0.1:"), first + proc.stderr.read()
        assert "(stdlib)" in first  # the default server, uvicorn installed or not
        base_url = first.split()[3]
        account = first.rsplit("account ", 1)[1].strip()
        with httpx.Client(base_url=f"{base_url}/{account}", headers={"User-Agent": UA}) as c:
            ok = c.get("/projects.json", headers={"Authorization": "Bearer cli-token"})
            denied = c.get("/projects.json", headers={"Authorization": "Bearer other"})
        assert ok.status_code == 200
        assert len(ok.json()) == 2
        assert denied.status_code == 401
        # The second line exports all a client from_env() needs: the quick start works.
        exports = proc.stdout.readline().split()
        assert exports[0] == "export"
        env_vars = dict(pair.split("=", 1) for pair in shlex.split(" ".join(exports[1:])))
        assert set(env_vars) == {
            "BASECAMP_BASE_URL",
            "BASECAMP_ACCOUNT_ID",
            "BASECAMP_TOKEN",
            "BASECAMP_USER_AGENT",
        }
        with mock.patch.dict(os.environ, env_vars), Basecamp.from_env() as client:
            account_client = client.for_account(int(env_vars["BASECAMP_ACCOUNT_ID"]))
            assert len(account_client.projects.list().collect()) == 2
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Stopped." in out


def test_cli_rejects_bad_arguments() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "basecamp_client.testing", "serve", "--rate-limit", "lots"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2
    assert "REQUESTS/SECONDS" in bad.stderr


def test_auto_falls_back_to_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from basecamp_client.testing import _server

    monkeypatch.setattr(_server, "uvicorn_available", lambda: False)
    with FakeBasecamp().serve() as running:
        assert running.kind == "stdlib"
        with httpx.Client(base_url=running.account_url, headers=HEADERS) as c:
            assert c.get("/people.json").status_code == 200
    with pytest.raises(RuntimeError, match="uvicorn is not installed"):
        FakeBasecamp().serve(server="uvicorn")


def test_concurrent_writers_get_consistent_state(server: FakeServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with httpx.Client(base_url=server.account_url, headers=HEADERS) as c:
        todoset = next(
            t for t in c.get("/projects.json").json()[0]["dock"] if t["name"] == "todoset"
        )
        url = c.post(c.get(todoset["url"]).json()["todolists_url"], json={"name": "Busy"}).json()[
            "todos_url"
        ]

    def write(worker: int) -> list[int]:
        with httpx.Client(headers=HEADERS) as own:
            return [
                own.post(url, json={"content": f"w{worker}-{n}"}).json()["id"] for n in range(15)
            ]

    with ThreadPoolExecutor(4) as pool:
        ids = [i for batch in pool.map(write, range(4)) for i in batch]
    assert len(set(ids)) == 60
    with httpx.Client(headers=HEADERS) as c:
        r = c.get(url, params={"page": 3})
        assert r.headers["x-total-count"] == "60"
        positions = [
            t["position"] for page in (1, 2, 3) for t in c.get(url, params={"page": page}).json()
        ]
    assert positions == list(range(1, 61))
