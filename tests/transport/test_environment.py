"""Proxies and CAs from the environment, on every backend, sync and async.

A TLS origin with a private CA (trustme) answers for ``basecamp.test``, a name that
resolves nowhere: only the local proxy, which maps it to the origin's port, can reach
it. Name resolution of ``*.test`` names is made to fail at once (a stand-in for DNS,
so that a client that wrongly bypasses the proxy fails fast and sends nothing out).
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from basecamp_client import AsyncBasecamp, Basecamp, Config, NetworkError, UsageError
from basecamp_client._core.clock import FakeClock
from basecamp_client._core.transport import read_environment

from .conftest import H, make_transport
from .proxy import Proxy
from .wire import Script, WireServer, response

pytestmark = pytest.mark.anyio

UA = "tests (t@example.com)"
ORIGIN = "basecamp.test"
IDN_ORIGIN = "xn--fa-hia.test"  # faß.test under IDNA 2008 (IDNA 2003 made it fass.test)
PROJECT = json.dumps({"id": 7, "name": "through the proxy"}).encode()
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUEST_METHOD",
    "BASECAMP_TRUST_ENV",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(autouse=True)
def no_dns_for_test_names(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def origin(ca: trustme.CA) -> Iterator[WireServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(ORIGIN, IDN_ORIGIN).configure_cert(context)
    with WireServer(tls=context, name=ORIGIN) as server:
        project = Script([response(200, PROJECT, [("Content-Type", "application/json")])])
        server.script("*", project)
        yield server


@pytest.fixture
def proxy(origin: WireServer) -> Iterator[Proxy]:
    routes = {f"{ORIGIN}:443": origin.port, f"{IDN_ORIGIN}:443": origin.port}
    with Proxy(routes) as server:
        yield server


@pytest.fixture
def through_proxy(monkeypatch: pytest.MonkeyPatch, proxy: Proxy, ca_file: str) -> Proxy:
    """Only the environment names the proxy and the CA."""
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    return proxy


CONNECT = f"CONNECT {ORIGIN}:443 HTTP/1.1"


# -- a client with no settings, through the environment's proxy and CA ------------------


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_async_client_reaches_the_origin_through_the_environment(
    through_proxy: Proxy, anyio_backend: str
) -> None:
    async with AsyncBasecamp(access_token="t", user_agent=UA, base_url=f"https://{ORIGIN}") as bc:
        project = await bc.for_account(1).projects.get(project_id=7)
        assert project.name == "through the proxy"
        assert bc._core.backend == ("aiohttp" if anyio_backend == "asyncio" else "httpx")
    assert through_proxy.requests == [CONNECT]


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_httpx_backend_on_asyncio_too(through_proxy: Proxy) -> None:
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=f"https://{ORIGIN}", http_backend="httpx"
    ) as bc:
        assert (await bc.for_account(1).projects.get(project_id=7)).id == 7
    assert through_proxy.requests == [CONNECT]


def test_sync_client_reaches_the_origin_through_the_environment(through_proxy: Proxy) -> None:
    with Basecamp(access_token="t", user_agent=UA, base_url=f"https://{ORIGIN}") as bc:
        assert bc.for_account(1).projects.get(project_id=7).name == "through the proxy"
        assert bc._async._core.backend == "aiohttp"
    assert through_proxy.requests == [CONNECT]


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_trust_env_false_ignores_the_environment(through_proxy: Proxy) -> None:
    clock = FakeClock()
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, base_url=f"https://{ORIGIN}", trust_env=False, clock=clock
    ) as bc:
        with pytest.raises(NetworkError) as info:
            await bc.for_account(1).projects.get(project_id=7)
    assert not info.value.request_sent  # straight to a name that does not resolve
    assert through_proxy.requests == []
    off = {"BASECAMP_USER_AGENT": UA, "BASECAMP_TRUST_ENV": "off"}
    assert Config.from_env(off).trust_env is False
    assert Config.from_env({"BASECAMP_USER_AGENT": UA}).trust_env is True


# -- the pieces, on each backend ---------------------------------------------------------


async def test_the_private_ca_is_needed(
    backend: str, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    http = make_transport(backend, network=read_environment())
    with pytest.raises(NetworkError, match=r"(?i)certificate verif") as info:
        await http.send("GET", f"https://{ORIGIN}/x", H)
    await http.aclose()
    assert not info.value.request_sent
    assert not info.value.retryable
    assert proxy.requests == [CONNECT]


async def test_no_proxy_sends_matching_hosts_direct(
    backend: str, through_proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value in (ORIGIN, ".test", "*"):
        monkeypatch.setenv("NO_PROXY", value)
        http = make_transport(backend, network=read_environment())
        with pytest.raises(NetworkError) as info:
            await http.send("GET", f"https://{ORIGIN}/x", H)
        await http.aclose()
        assert not info.value.request_sent, value
    assert through_proxy.requests == []
    monkeypatch.setenv("no_proxy", "elsewhere.example, other.test")  # lower case wins
    http = make_transport(backend, network=read_environment())
    assert (await http.send("GET", f"https://{ORIGIN}/x", H)).content == PROJECT
    await http.aclose()
    assert through_proxy.requests == [CONNECT]


async def test_explicit_proxy_wins_over_the_environment(
    backend: str, proxy: Proxy, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")  # nobody listens there
    monkeypatch.setenv("NO_PROXY", "*")
    network = read_environment(proxy=proxy.url)
    context = ssl.create_default_context(cafile=ca_file)
    http = make_transport(backend, network=network, ssl_context=context)
    assert (await http.send("GET", f"https://{ORIGIN}/x", H)).content == PROJECT
    await http.aclose()
    assert proxy.requests == [CONNECT]


async def test_proxy_credentials_from_the_url(
    backend: str, origin: WireServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = "Basic " + base64.b64encode(b"ann:s3cret word").decode()
    with Proxy({f"{ORIGIN}:443": origin.port}, credentials=expected) as guarded:
        monkeypatch.setenv("SSL_CERT_FILE", ca_file)
        monkeypatch.setenv("HTTPS_PROXY", f"http://ann:s3cret%20word@127.0.0.1:{guarded.port}")
        http = make_transport(backend, network=read_environment())
        assert (await http.send("GET", f"https://{ORIGIN}/x", H)).content == PROJECT
        await http.aclose()
        assert guarded.authorizations == [expected]
        # Without them, the proxy refuses the tunnel: nothing reached the origin, and
        # asking again will not help.
        monkeypatch.setenv("HTTPS_PROXY", guarded.url)
        http = make_transport(backend, network=read_environment())
        with pytest.raises(NetworkError, match="407") as info:
            await http.send("GET", f"https://{ORIGIN}/x", H)
        await http.aclose()
    assert not info.value.request_sent
    assert not info.value.retryable
    assert [s.path for s in origin.seen] == ["/x"]


async def test_plain_http_goes_through_the_http_proxy_in_absolute_form(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WireServer() as plain:
        plain.script("/x", Script([response(200, b"plain")]))
        with Proxy({"plain.test:80": plain.port}) as forward:
            monkeypatch.setenv("HTTP_PROXY", forward.url)
            http = make_transport(backend, network=read_environment())
            assert (await http.send("GET", "http://plain.test/x", H)).content == b"plain"
            # A server on this machine is never reached through the environment's proxy.
            assert (await http.send("GET", f"{plain.url}/x", H)).content == b"plain"
            await http.aclose()
    assert forward.requests == ["GET http://plain.test/x HTTP/1.1"]


async def test_all_proxy_is_the_fallback(
    backend: str, proxy: Proxy, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    http = make_transport(backend, network=read_environment())
    assert (await http.send("GET", f"https://{ORIGIN}/x", H)).content == PROJECT
    await http.aclose()
    assert proxy.requests == [CONNECT]


async def test_host_names_are_encoded_with_idna_2008(backend: str, through_proxy: Proxy) -> None:
    http = make_transport(backend, network=read_environment())
    assert (await http.send("GET", "https://faß.test/x", H)).content == PROJECT
    await http.aclose()
    assert through_proxy.requests == [f"CONNECT {IDN_ORIGIN}:443 HTTP/1.1"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_a_ca_directory_from_ssl_cert_dir(
    backend: str, proxy: Proxy, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "certs"
    directory.mkdir()
    pem = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    subject_hash = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(pem)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pem.rename(directory / f"{subject_hash}.0")
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_DIR", str(directory))
    http = make_transport(backend, network=read_environment())
    assert (await http.send("GET", f"https://{ORIGIN}/x", H)).content == PROJECT
    await http.aclose()


# -- happy eyeballs -----------------------------------------------------------------------


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port on ::1 that never completes a connection (its backlog is full), so that
    connecting there hangs as over a broken IPv6 route; 127.0.0.1 answers on the same
    port number."""
    with WireServer() as v4:
        v4.script("/x", Script([response(200, b"over IPv4")]))
        hole = socket.socket(socket.AF_INET6)
        hole.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            hole.bind(("::1", v4.port))
        except OSError:
            pytest.skip("no IPv6 loopback here")
        hole.listen(0)
        fillers = []
        for _ in range(4):
            filler = socket.socket(socket.AF_INET6)
            filler.setblocking(False)
            try:
                filler.connect(("::1", v4.port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        try:
            yield v4.port
        finally:
            for sock in (*fillers, hole):
                sock.close()


async def test_happy_eyeballs_gets_past_a_dead_ipv6_route(
    backend: str, black_hole: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def dual_stack(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("dualstack.test", b"dualstack.test"):
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", black_hole, 0, 0)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", black_hole)),
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dual_stack)
    # A client trying the addresses one after the other would give up after
    # connect_timeout on the first; both libraries start on IPv4 after 250 ms.
    http = make_transport(backend, connect_timeout=3.0, network=read_environment())
    response_ = await http.send("GET", f"http://dualstack.test:{black_hole}/x", H)
    await http.aclose()
    assert response_.content == b"over IPv4"


# -- settings and variables that cannot work ----------------------------------------------


def test_unusable_variables_are_usage_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(UsageError, match="SSL_CERT_FILE"):
        AsyncBasecamp(access_token="t", user_agent=UA)
    AsyncBasecamp(access_token="t", user_agent=UA, trust_env=False)  # ignored then
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "missing"))
    with pytest.raises(UsageError, match="SSL_CERT_DIR"):
        Basecamp(access_token="t", user_agent=UA)
    monkeypatch.delenv("SSL_CERT_DIR")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(UsageError, match=r"ALL_PROXY names a socks5:// proxy"):
        AsyncBasecamp(access_token="t", user_agent=UA)
    monkeypatch.setenv("ALL_PROXY", "http://[::1")
    with pytest.raises(UsageError, match="ALL_PROXY is not a valid proxy URL"):
        AsyncBasecamp(access_token="t", user_agent=UA)


def test_proxy_setting_is_checked_and_kept_out_of_the_repr() -> None:
    config = Config(user_agent=UA, proxy="http://ann:s3cret@proxy.internal:3128")
    assert "s3cret" not in repr(config)
    assert config.trust_env is True
    for bad in ("ftp://proxy.internal", "http://", "http://a b:1", 3128):
        with pytest.raises(UsageError, match="proxy"):
            Config(user_agent=UA, proxy=bad)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="trust_env must be True or False"):
        Config(user_agent=UA, trust_env="no")  # type: ignore[arg-type]


def test_reading_the_environment() -> None:
    env = {
        "HTTPS_PROXY": "proxy.internal:3128",  # no scheme: http:// is meant
        "http_proxy": "http://lower.internal:8080",
        "HTTP_PROXY": "http://upper.internal:8080",
        "no_proxy": "intranet.example,.corp.example:8443",
    }
    network = read_environment(environ=env)
    assert network.proxy_for("https", "3.basecampapi.com", None) == "http://proxy.internal:3128"
    assert network.proxy_for("http", "example.com", None) == "http://lower.internal:8080"
    assert network.proxy_for("https", "intranet.example", None) is None
    assert network.proxy_for("https", "api.corp.example", 8443) is None
    assert network.proxy_for("https", "api.corp.example", None) == "http://proxy.internal:3128"
    for loopback in ("localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "app.localhost"):
        assert network.proxy_for("http", loopback, 8000) is None, loopback
    # Under CGI, HTTP_PROXY may be a request header: ignored, as urllib does.
    cgi = read_environment(environ={"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"})
    assert cgi.proxy_for("http", "example.com", None) is None
    assert read_environment(trust_env=False, environ=env).proxy_for("https", "x", None) is None
    explicit = read_environment(proxy="http://p:1", environ=env)
    assert explicit.proxy_for("http", "localhost", 8000) == "http://p:1"
