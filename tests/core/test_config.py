"""Configuration: validation, immutability, the environment, client construction."""

from __future__ import annotations

import attrs
import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, Config, UsageError
from basecamp_client._core.config import SDK_PRODUCT

from .helpers import UA, Recorder, json_response


def test_defaults() -> None:
    config = Config(user_agent=UA)
    assert config.base_url == "https://3.basecampapi.com"
    assert config.cache is True
    assert config.max_delay == 30.0
    assert config.max_attempts is None  # defer to each operation's metadata
    assert config.full_user_agent == f"{UA} {SDK_PRODUCT}"


def test_config_is_immutable() -> None:
    config = Config(user_agent=UA)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.timeout = 1  # type: ignore[misc]
    changed = config.replace(timeout=5)
    assert (config.timeout, changed.timeout) == (30.0, 5)
    with pytest.raises(UsageError, match="unknown Config setting"):
        config.replace(timout=5)
    with pytest.raises(UsageError, match="timeout"):
        config.replace(timeout=-1)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("timeout", 0),
        ("timeout", "30"),
        ("timeout", True),
        ("max_attempts", 1.5),
        ("max_attempts", 0),
        ("max_connections", -1),
        ("account_id", 0),
        ("rate_limit", (0, 10)),
        ("rate_limit", (50,)),
        ("rate_limit", "50/10"),
        ("rate_limit", (2.5, 1)),
        ("retry_on", 503),
        ("retry_on", [700]),
        ("cache", "yes"),
        ("max_in_flight", 0),
    ],
)
def test_bad_settings_are_usage_errors(setting: str, value: object) -> None:
    with pytest.raises(UsageError, match=setting):
        Config(user_agent=UA, **{setting: value})  # type: ignore[arg-type]


def test_rate_limit_and_retry_on_are_normalised() -> None:
    config = Config(user_agent=UA, rate_limit=[50, 10], retry_on=[503, 502])  # type: ignore[arg-type]
    assert config.rate_limit == (50, 10.0)
    assert config.retry_on == frozenset({502, 503})


@pytest.mark.parametrize(
    "url",
    [
        "http://3.basecampapi.com",
        "ftp://example.com",
        "3.basecampapi.com",
        "https://user:pw@example.com",
        "https://example.com/?q=1",
    ],
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        Config(user_agent=UA, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:3000", "http://127.0.0.1:8080/", "http://[::1]:9000"]
)
def test_plain_http_is_allowed_for_this_machine(url: str) -> None:
    assert Config(user_agent=UA, base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize(
    ("agent", "message"),
    [
        (None, "user_agent is required"),
        ("   ", "user_agent is required"),
        ("MyApp", "names no contact"),
        ("MyApp (a@b.co)\r\nX-Evil: 1", "single line"),
    ],
)
def test_user_agent_rules(agent: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Config(user_agent=agent)  # type: ignore[arg-type]
    assert Config(user_agent="MyApp (https://myapp.example)").user_agent


def test_from_env_reads_basecamp_variables() -> None:
    env = {
        "BASECAMP_TOKEN": "tok",
        "BASECAMP_USER_AGENT": UA,
        "BASECAMP_ACCOUNT_ID": "42",
        "BASECAMP_BASE_URL": "http://localhost:3000",
        "BASECAMP_TIMEOUT": "12.5",
        "BASECAMP_CONNECT_TIMEOUT": "3",
        "BASECAMP_MAX_ATTEMPTS": "5",
        "BASECAMP_BASE_DELAY": "0.5",
        "BASECAMP_MAX_RETRY_AFTER": "30",
        "BASECAMP_MAX_IN_FLIGHT": "8",
        "BASECAMP_RATE_LIMIT": "50/10",
        "BASECAMP_CACHE": "off",
        "BASECAMP_CACHE_MAX_ENTRIES": "10",
        "BASECAMP_CACHE_MAX_BYTES": "1000",
    }
    config = Config.from_env(env)
    assert config.access_token == "tok"
    assert config.account_id == 42
    assert config.base_url == "http://localhost:3000"
    assert (config.timeout, config.connect_timeout) == (12.5, 3.0)
    assert (config.max_attempts, config.base_delay, config.max_retry_after) == (5, 0.5, 30.0)
    assert config.max_in_flight == 8
    assert config.rate_limit == (50, 10.0)
    assert config.cache is False
    assert (config.cache_max_entries, config.cache_max_bytes) == (10, 1000)
    assert Config.from_env(env, timeout=1).timeout == 1  # keywords win


def test_from_env_errors_name_the_variable() -> None:
    with pytest.raises(UsageError, match="BASECAMP_USER_AGENT"):
        Config.from_env({})
    with pytest.raises(UsageError, match="BASECAMP_TIMEOUT"):
        Config.from_env({"BASECAMP_USER_AGENT": UA, "BASECAMP_TIMEOUT": "soon"})
    with pytest.raises(UsageError, match="BASECAMP_RATE_LIMIT"):
        Config.from_env({"BASECAMP_USER_AGENT": UA, "BASECAMP_RATE_LIMIT": "lots"})


def test_client_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASECAMP_TOKEN", "tok")
    monkeypatch.setenv("BASECAMP_USER_AGENT", UA)
    monkeypatch.setenv("BASECAMP_ACCOUNT_ID", "7")
    client = AsyncBasecamp.from_env(timeout=3)
    assert client.config.timeout == 3
    assert client.for_account().account_id == 7
    with Basecamp.from_env() as sync:
        assert sync.for_account().account_id == 7


def test_client_argument_errors() -> None:
    with pytest.raises(UsageError, match="unknown setting"):
        AsyncBasecamp(access_token="t", user_agent=UA, timout=3)
    with pytest.raises(UsageError, match="transport"):
        AsyncBasecamp(access_token="t", user_agent=UA, transport=object())
    with pytest.raises(UsageError, match="hooks"):
        AsyncBasecamp(access_token="t", user_agent=UA, hooks=print)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="cache_store"):
        AsyncBasecamp(access_token="t", user_agent=UA, cache_store=object())  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="not both"):
        AsyncBasecamp(config=Config(user_agent=UA, access_token="t"), timeout=3)
    with pytest.raises(UsageError, match="account id"):
        AsyncBasecamp(access_token="t", user_agent=UA).for_account()
    with pytest.raises(UsageError, match="positive integer"):
        AsyncBasecamp(access_token="t", user_agent=UA).for_account(-1)
    client = AsyncBasecamp(config=Config(user_agent=UA), access_token="t")
    assert client.config.user_agent == UA


@pytest.mark.anyio
async def test_async_context_manager_closes_the_pool() -> None:
    from .helpers import GET, identity, session

    server = Recorder(lambda r: json_response(200, {}))
    client = AsyncBasecamp(access_token="t", user_agent=UA, transport=httpx.MockTransport(server))
    async with client:
        await session(client).call(GET, path={"id": 1}, decode=identity)
    assert "closed" in repr(client)
    with pytest.raises(UsageError, match="closed"):
        await session(client).call(GET, path={"id": 1}, decode=identity)
    await client.aclose()  # idempotent


@pytest.mark.anyio
async def test_sent_headers() -> None:
    from .helpers import CREATE, GET, identity, session

    server = Recorder(lambda r: json_response(200, {}))
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=httpx.MockTransport(server)
    ) as client:
        s = session(client)
        await s.call(GET, path={"id": 1}, decode=identity)
        await s.call(
            CREATE, body={"name": "x", "skip": __import__("basecamp_client").UNSET}, decode=identity
        )
    get, post = server.requests
    assert get.headers["user-agent"] == f"{UA} {SDK_PRODUCT}"
    assert get.headers["accept"] == "application/json"
    assert "content-type" not in get.headers
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert post.content == b'{"name":"x"}'  # unset fields are never sent
