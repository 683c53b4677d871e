"""The import scenario: import a client library and construct a client, from cold.

This module imports only what the worker itself needs, so that none of the modules a
client library pulls in (asyncio, dataclasses, inspect, …) is already loaded when
the measurement starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .meter import Meter
from .names import OFFICIAL, OURS, RAW


def import_raw(ctx: Mapping[str, Any], meter: Meter) -> dict[str, Any]:
    meter.start()
    import httpx

    client = httpx.Client(
        headers={
            "User-Agent": ctx["wire_user_agent"],
            "Authorization": f"Bearer {ctx['token']}",
            "Accept": "application/json",
        }
    )
    meter.stop()
    client.close()
    return {}


def import_ours(ctx: Mapping[str, Any], meter: Meter) -> dict[str, Any]:
    meter.start()
    from basecamp_client import Basecamp

    client = Basecamp(
        access_token=ctx["token"], user_agent=ctx["user_agent"], base_url=ctx["base_url"]
    )
    client.for_account(ctx["account_id"])
    meter.stop()
    client.close()
    return {}


def import_official(ctx: Mapping[str, Any], meter: Meter) -> dict[str, Any]:
    meter.start()
    from basecamp import Client, Config

    client = Client(
        access_token=ctx["token"],
        config=Config(base_url=ctx["base_url"]),
        user_agent=ctx["wire_user_agent"],
    )
    client.for_account(ctx["account_id"])
    meter.stop()
    client.close()
    return {}


IMPORTS: dict[str, Callable[[Mapping[str, Any], Meter], dict[str, Any]]] = {
    RAW: import_raw,
    OURS: import_ours,
    OFFICIAL: import_official,
}
