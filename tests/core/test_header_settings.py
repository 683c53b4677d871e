"""Issue 12, item 8: settings that end up in a request's head fail the same way on every
backend — a UsageError with a clear message, before any connection is made."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from basecamp_client import AsyncBasecamp, Basecamp, Config, Token, UsageError
from basecamp_client._core.auth import OAuthRefreshingProvider
from basecamp_client._core.clock import FakeClock
from basecamp_client.oauth.launchpad import LaunchpadClient

from .example_service import AsyncProjectsService
from .helpers import UA
from .rawserver import ThreadServer, read_head, response

pytestmark = pytest.mark.anyio

SECRET = "s3cr3t-t0k3n-value"

BAD_TOKENS = [
    (SECRET + "é", "non-ASCII"),
    (SECRET + "\r\nX-Evil: 1", "line break"),
    (SECRET + "\n", "line break"),
    (SECRET + "\x00", "control character"),
    (SECRET + "\x7f", "control character"),
    (SECRET + " more", "spaces"),
    (SECRET + "\tmore", "spaces or tabs"),
    ("  ", "non-empty"),
]

BAD_AGENTS = [
    ("Acme Café (ops@acme.example)", "non-ASCII"),
    ("Acme (ops@acme.example)\r\nX-Evil: 1", "line break"),
    ("Acme (ops@acme.example)\x00", "control character"),
    ("Acme \x1b[31m(ops@acme.example)", "control character"),
]

BAD_URLS = [
    ("https://3.basecampapi.com\r\nX-Evil: 1", "line break"),
    ("https://3.basecampapi.com/\n", "line break"),
    ("https://3.basecamp api.com", "spaces"),
    ("https://3.basecampapi.com\t", "spaces or tabs"),
    ("https://3.basecampapi.com/\x00", "control character"),
    ("https://bäsecamp.example", "xn--"),
    ("https://3.basecampapi.com/pfad/ü", "ASCII"),
    ("https://3.basecampapi.com:http", "invalid port"),
    ("https://3.basecampapi.com:99999", "invalid port"),
]

BACKENDS = ["asyncio", "httpx"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("token", "problem"), BAD_TOKENS)
def test_bad_tokens_are_usage_errors_that_never_quote_the_token(
    backend: str, token: str, problem: str
) -> None:
    builds = [
        lambda: Config(user_agent=UA, access_token=token, http_backend=backend),
        lambda: AsyncBasecamp(access_token=token, user_agent=UA, http_backend=backend),
        lambda: Basecamp(access_token=token, user_agent=UA, http_backend=backend),
    ]
    if token.strip() == token:  # from_env strips what surrounds a value (a trailing newline)
        builds.append(lambda: Config.from_env({"BASECAMP_TOKEN": token, "BASECAMP_USER_AGENT": UA}))
    for build in builds:
        with pytest.raises(UsageError, match=problem) as info:
            build()
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value.to_dict())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("agent", "problem"), BAD_AGENTS)
def test_bad_user_agents_are_usage_errors(backend: str, agent: str, problem: str) -> None:
    with pytest.raises(UsageError, match=f"user_agent.*{problem}"):
        AsyncBasecamp(access_token="t", user_agent=agent, http_backend=backend)
    with pytest.raises(UsageError, match=problem):
        Basecamp(access_token="t", user_agent=agent, http_backend=backend)
    with pytest.raises(UsageError, match=problem):
        Config(user_agent=UA).replace(user_agent=agent)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("url", "problem"), BAD_URLS)
def test_bad_base_urls_are_usage_errors(backend: str, url: str, problem: str) -> None:
    with pytest.raises(UsageError, match=f"base_url.*{problem}"):
        AsyncBasecamp(access_token="t", user_agent=UA, base_url=url, http_backend=backend)
    if url.strip() == url:  # from_env strips what surrounds a value
        with pytest.raises(UsageError, match=problem):
            Config.from_env({"BASECAMP_BASE_URL": url, "BASECAMP_USER_AGENT": UA})
    with pytest.raises(UsageError, match="base_url must be a string"):
        Config(user_agent=UA, base_url=b"https://x.example")  # type: ignore[arg-type]


def test_good_values_still_pass() -> None:
    config = Config(
        user_agent="Acme\tReports (ops@acme.example)",
        access_token="abc.DEF-123_~+/=",
        base_url="https://xn--bsecamp-5wa.example:8443/",
    )
    assert config.base_url == "https://xn--bsecamp-5wa.example:8443"


def test_launchpad_user_agent_is_checked_too() -> None:
    with pytest.raises(UsageError, match=r"user_agent.*non-ASCII"):
        LaunchpadClient(
            client_id="id", redirect_uri="http://localhost:8000/cb", user_agent="Café (a@b.co)"
        )


def test_oauth_tokens_are_checked() -> None:
    async def refresher(token: Token) -> Token:
        return token

    with pytest.raises(UsageError, match="non-ASCII") as info:
        OAuthRefreshingProvider(Token(access_token=SECRET + "é"), refresher)
    assert SECRET not in str(info.value)


# -- at request time: what a token provider or an auth object hands over --------------------

COMBINATIONS = [("asyncio", "asyncio"), ("asyncio", "httpx"), ("trio", "auto"), ("trio", "httpx")]


@pytest.fixture(params=COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def combination(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(combination: tuple[str, str]) -> str:
    return combination[0]


def answer_ok(server: ThreadServer, conn: socket.socket) -> None:
    while read_head(conn) is not None:
        conn.sendall(response(200, b'{"id": 1, "name": "P"}'))


class Provider:
    def __init__(self, token: Any) -> None:
        self.token = token

    async def get_token(self) -> Any:
        return self.token

    async def refresh(self) -> bool:
        return False


class HeaderAuth:
    def __init__(self, name: Any, value: Any) -> None:
        self.name, self.value = name, value

    async def apply(self, headers: dict[str, Any]) -> None:
        headers[self.name] = self.value


BAD_CREDENTIALS: list[tuple[str, dict[str, Any], str]] = [
    ("provider-non-ascii", {"token_provider": Provider(SECRET + "é")}, "non-ASCII"),
    ("provider-crlf", {"token_provider": Provider(SECRET + "\r\nX: 1")}, "line break"),
    ("provider-bytes", {"token_provider": Provider(SECRET.encode())}, "no access token"),
    ("provider-empty", {"token_provider": Provider("")}, "no access token"),
    ("auth-non-ascii", {"auth": HeaderAuth("X-Api-Key", SECRET + "ü")}, "X-Api-Key.*non-ASCII"),
    ("auth-crlf", {"auth": HeaderAuth("X-Api-Key", SECRET + "\r\nX: 1")}, "line break"),
    ("auth-bad-name", {"auth": HeaderAuth("X Api", SECRET)}, "not a valid HTTP header name"),
    ("auth-non-str", {"auth": HeaderAuth("X-Api-Key", 42)}, "as strings"),
]


@pytest.mark.parametrize(
    ("credentials", "problem"),
    [c[1:] for c in BAD_CREDENTIALS],
    ids=[c[0] for c in BAD_CREDENTIALS],
)
async def test_bad_credentials_at_request_time_fail_before_connecting(
    combination: tuple[str, str], credentials: dict[str, Any], problem: str
) -> None:
    with ThreadServer(answer_ok) as server:
        async with AsyncBasecamp(
            user_agent=UA,
            base_url=server.url,
            http_backend=combination[1],
            clock=FakeClock(),
            **credentials,
        ) as bc:
            service = AsyncProjectsService(bc.for_account(1)._session)
            for _ in range(2):  # the same on a second call: nothing cached a bad header
                with pytest.raises(UsageError, match=problem) as info:
                    await service.get(project_id=1)
                assert SECRET not in str(info.value)
        assert server.connections == 0


async def test_a_good_provider_token_reaches_the_server(combination: tuple[str, str]) -> None:
    with ThreadServer(answer_ok) as server:
        async with AsyncBasecamp(
            user_agent=UA,
            base_url=server.url,
            http_backend=combination[1],
            token_provider=Provider("fine-token"),
        ) as bc:
            project = await AsyncProjectsService(bc.for_account(1)._session).get(project_id=1)
        assert project.id == 1
        assert server.connections == 1
