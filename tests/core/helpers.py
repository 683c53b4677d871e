"""Shared test helpers: a recording mock server and client factories."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core import AccountSession, Operation, PaginationSpec, RetrySpec
from basecamp_client._core.clock import FakeClock

UA = "basecamp-client tests (tests@example.com)"
BASE = "https://3.basecampapi.com"
TOKEN = "SECRET-TOKEN-b4s3c4mp-7f3a9e"  # recognisable: must never leak anywhere

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Wraps a handler, remembering every request (and the virtual time it arrived)."""

    def __init__(self, handler: Handler, clock: FakeClock | None = None) -> None:
        self.handler = handler
        self.clock = clock
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.clock is not None:
            self.times.append(self.clock.now())
        return self.handler(request)

    @property
    def count(self) -> int:
        return len(self.requests)


def json_response(status: int, data: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(data).encode(),
        headers={"content-type": "application/json", **headers},
    )


def make_client(
    handler: Handler,
    *,
    clock: FakeClock | None = None,
    random: Callable[[], float] | None = None,
    **kwargs: Any,
) -> AsyncBasecamp:
    kwargs.setdefault("user_agent", UA)
    if not {"access_token", "token_provider", "auth", "config"} & set(kwargs):
        kwargs["access_token"] = TOKEN
    return AsyncBasecamp(
        transport=httpx.MockTransport(handler),
        clock=clock or FakeClock(),
        random=random or (lambda: 0.0),
        **kwargs,
    )


def make_sync_client(handler: Handler, **kwargs: Any) -> Basecamp:
    kwargs.setdefault("user_agent", UA)
    if not {"access_token", "token_provider", "auth", "config"} & set(kwargs):
        kwargs["access_token"] = TOKEN
    kwargs.setdefault("clock", FakeClock())
    kwargs.setdefault("random", lambda: 0.0)
    return Basecamp(transport=httpx.MockTransport(handler), **kwargs)


def session(client: AsyncBasecamp, account_id: int = 99) -> AccountSession:
    return client.for_account(account_id)._session


def identity(data: Any) -> Any:
    return data


GET = Operation(id="GetThing", method="GET", path="/things/{id}", path_params=("id",))
LIST = Operation(
    id="ListThings",
    method="GET",
    path="/things.json",
    pagination=PaginationSpec(),
)
CREATE = Operation(id="CreateThing", method="POST", path="/things.json", body="json")
CREATE_IDEMPOTENT = Operation(
    id="CreateThingIdem", method="POST", path="/things.json", body="json", idempotent=True
)
UPDATE = Operation(
    id="UpdateThing", method="PUT", path="/things/{id}", path_params=("id",), body="json"
)
DELETE = Operation(id="DeleteThing", method="DELETE", path="/things/{id}", path_params=("id",))
GET_FIVE_TRIES = Operation(
    id="GetThing5",
    method="GET",
    path="/things/{id}",
    path_params=("id",),
    retry=RetrySpec(max_attempts=5, base_delay=1.0),
)
