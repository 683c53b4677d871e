"""No token, ever: in reprs, error messages, logs or hook payloads."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import attrs
import httpx
import pytest

from basecamp_client import (
    Basecamp,
    BasecampError,
    Config,
    Hooks,
    OAuthRefreshingProvider,
    Token,
)
from basecamp_client._core.clock import FakeClock

from .helpers import CREATE, GET, LIST, TOKEN, UA, Recorder, identity, json_response, make_client
from .helpers import session as account_session

REFRESH = "REFRESH-SECRET-9q8w7e"
NEW_TOKEN = "NEW-ACCESS-SECRET-1z2x3c"
SECRETS = (TOKEN, REFRESH, NEW_TOKEN)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret leaked into: {text[:200]!r}"


def deep_text(value: Any) -> str:
    """repr() of an event and everything inside it."""
    parts = [repr(value), str(value)]
    if attrs.has(type(value)):
        parts.extend(deep_text(v) for v in attrs.asdict(value, recurse=False).values())
    elif isinstance(value, dict):
        parts.extend(deep_text(v) for v in value.values())
    return " ".join(parts)


def echoing_server() -> Recorder:
    """A hostile server that echoes the Authorization header back in every error."""
    state = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        state["n"] += 1
        echo = request.headers.get("authorization", "")
        if request.url.path.endswith("/1"):
            return json_response(
                401,
                {"error": f"bad token {echo}", "access_token": TOKEN},
                **{"WWW-Authenticate": echo},
            )
        if request.url.path.endswith("/2"):
            bare = echo.removeprefix("Bearer ")
            return json_response(503, {"error": f"busy for {bare}", "detail": bare})
        if request.method == "POST":
            return json_response(422, {"title": [f"rejected {echo}"]})
        if "things.json" in request.url.path:
            return json_response(200, [{"id": 1}], Link='<https://evil.example/x>; rel="next"')
        return json_response(200, {"ok": True})

    return Recorder(handler)


@pytest.mark.anyio
async def test_no_secret_in_errors_logs_or_hook_payloads(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    events: list[Any] = []
    hooks = Hooks(
        on_operation_start=events.append,
        on_operation_end=events.append,
        on_request_start=events.append,
        on_request_end=events.append,
        on_retry=events.append,
        on_page=events.append,
    )

    async def refresher(token: Token) -> Token:
        return Token(access_token=NEW_TOKEN, refresh_token=REFRESH, expires_at=clock.time() + 9e3)

    provider = OAuthRefreshingProvider(
        Token(access_token=TOKEN, refresh_token=REFRESH, expires_at=clock.time() + 9e3),
        refresher,
        clock=clock,
    )
    errors: list[BasecampError] = []
    with caplog.at_level(logging.DEBUG, logger="basecamp_client"):
        async with make_client(
            echoing_server(), token_provider=provider, clock=clock, hooks=hooks
        ) as client:
            s = account_session(client)
            for call in (
                lambda: s.call(GET, path={"id": 1}, decode=identity),
                lambda: s.call(GET, path={"id": 2}, decode=identity),
                lambda: s.call(CREATE, body={"title": "x"}, decode=identity),
                lambda: s.paginate(LIST, decode=identity).collect(),
            ):
                try:
                    await call()
                except BasecampError as exc:
                    errors.append(exc)
            assert_clean(repr(client) + repr(s) + repr(client.cache) + repr(provider))
    assert len(errors) == 4
    for error in errors:
        assert_clean(repr(error) + str(error) + str(error.to_dict()) + (error.body or ""))
        assert_clean(str(getattr(error, "field_errors", "")))
        assert_clean(repr(pickle.loads(pickle.dumps(error)).__dict__))  # noqa: S301
    assert events
    for event in events:
        assert_clean(deep_text(event))
    assert caplog.records
    for record in caplog.records:
        assert_clean(record.getMessage() + str(record.exc_text or ""))


def test_no_secret_in_reprs_of_configuration_objects() -> None:
    config = Config(user_agent=UA, access_token=TOKEN)
    token = Token(access_token=TOKEN, refresh_token=REFRESH)
    assert_clean(repr(config) + str(config) + repr(token) + str(token))
    with Basecamp(access_token=TOKEN, user_agent=UA) as client:
        assert_clean(repr(client) + repr(client.for_account(1)) + repr(client.config))
    assert_clean(repr(Config.from_env({"BASECAMP_TOKEN": TOKEN, "BASECAMP_USER_AGENT": UA})))


@pytest.mark.anyio
async def test_custom_auth_headers_are_redacted_in_logs_and_hooks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class ApiKeyAuth:
        async def apply(self, headers: dict[str, str]) -> None:
            headers["X-Api-Key"] = TOKEN

    starts: list[Any] = []
    server = Recorder(lambda r: json_response(500, {"error": f"key {TOKEN} rejected"}))
    with caplog.at_level(logging.DEBUG, logger="basecamp_client"):
        async with make_client(
            server, auth=ApiKeyAuth(), hooks=Hooks(on_request_start=starts.append)
        ) as client:
            with pytest.raises(BasecampError) as info:
                await account_session(client).call(GET, path={"id": 1}, decode=identity)
    assert server.requests[0].headers["x-api-key"] == TOKEN  # it was sent...
    assert starts[0].headers["X-Api-Key"] == "<redacted>"  # ...but never shown
    for event in starts:
        assert_clean(deep_text(event))
    for record in caplog.records:
        assert_clean(record.getMessage())
    assert_clean(str(info.value) + (info.value.body or ""))
