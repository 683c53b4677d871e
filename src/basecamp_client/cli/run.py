"""Running one method: the options become the SDK method's keyword arguments, the
method runs on an :class:`~basecamp_client.AsyncBasecamp`, the result is written out.

The SDK method is called with typed values, so it checks them exactly as it checks a
program's call; whatever it refuses is a ``UsageError`` (exit code 2).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
import click

from .catalog import Argument, Method
from .commands import Settings
from .params import flatten, from_json_value, parse_json


def sdk_arguments(method: Method, values: dict[str, Any]) -> dict[str, Any]:
    """The SDK keyword arguments the parsed options stand for (unset ones left out)."""
    from .. import NULL

    kwargs: dict[str, Any] = {}
    raw_body = values.get("cli_body")
    if raw_body is not None:
        kwargs.update(_from_body(method, raw_body, null=None if method.kind == "update" else NULL))
    for argument in method.arguments:
        value = values.get(f"arg_{argument.name}")
        if isinstance(value, tuple):
            if not value:
                continue
            value = flatten(value)
        if value is None:
            continue
        kwargs[argument.name] = value
    for field in values.get("cli_clear") or ():
        name = next(a.name for a in method.arguments if a.option == f"--{field}")
        if name in kwargs:
            raise click.UsageError(f"--clear {field} and --{field} contradict each other")
        kwargs[name] = None
    missing = [a.option for a in method.arguments if a.required and a.name not in kwargs]
    if missing:
        raise click.UsageError(f"Missing option '{missing[0]}'.")
    return kwargs


def _from_body(method: Method, raw: str, *, null: Any) -> dict[str, Any]:
    try:
        data = parse_json(raw, "the body")
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message, param_hint="'--body'") from None
    if not isinstance(data, dict):
        raise click.BadParameter("expected a JSON object", param_hint="'--body'")
    fields: dict[str, Argument] = {a.wire: a for a in method.arguments if a.location == "body"}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        argument = fields.get(key)
        if argument is None:
            known = ", ".join(sorted(fields))
            raise click.BadParameter(
                f"{key!r} is not a field of this body (fields: {known})", param_hint="'--body'"
            )
        try:
            kwargs[argument.name] = null if value is None else from_json_value(argument, value)
        except click.BadParameter as exc:
            raise click.BadParameter(f"{key}: {exc.message}", param_hint="'--body'") from None
    return kwargs


def run_method(method: Method, values: dict[str, Any], settings: Settings) -> int:
    kwargs = sdk_arguments(method, values)
    from .output import Output

    output = Output(json_=settings.json, jsonl=settings.jsonl)
    try:
        return int(anyio.run(_invoke, method, kwargs, values, settings, output))
    except BrokenPipeError:  # caught here: click would turn it into exit code 1
        from .output import reader_gone

        return reader_gone()


async def _invoke(
    method: Method, kwargs: dict[str, Any], values: dict[str, Any], settings: Settings, output: Any
) -> int:
    from .client import open_client
    from .output import note

    opened = open_client(settings.account)
    async with opened.client as client:
        service = getattr(client.for_account(opened.account_id), method.service)
        function = getattr(service, method.name)
        if method.kind == "paginated":
            paginator = function(
                **kwargs,
                max_items=values.get("cli_max_items"),
                max_pages=values.get("cli_max_pages"),
            )
            cut: list[bool] = []
            count = await output.pages(_items(paginator.pages(), cut))
            if any(cut):
                note(f"({count} shown; the list goes on: raise --max-items / --max-pages)")
            return 0
        if method.kind == "upload":
            from .transfer import upload

            result = await upload(function, values, kwargs)
        else:
            result = await function(**kwargs)
        if method.kind == "empty" or result is None:
            note(f"done: {method.operation_id}")
            return 0
        output.one(result)
        return 0


async def _items(pages: Any, cut: list[bool]) -> AsyncIterator[Sequence[Any]]:
    async with contextlib.aclosing(pages):
        async for page in pages:
            cut.append(page.truncated)
            yield page.items
