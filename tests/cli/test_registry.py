"""Every operation in the registry has a command, with an option for each argument of
its SDK method — checked against the methods themselves, not against the catalog the
commands are built from, so a new operation in openapi/ is covered once generated."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import click
import pytest

from basecamp_client._generated.account import OPERATIONS
from basecamp_client.cli import catalog
from basecamp_client.cli.catalog import Argument, Method
from basecamp_client.cli.commands import MethodCommand, build
from basecamp_client.cli.run import sdk_arguments

#: Arguments of SDK methods that are not the operation's own: the command line fills
#: them from its options (``--file``, ``--name``, ``--max-items`` …).
PLUMBING = {"source", "name", "content_type", "size", "progress", "max_items", "max_pages"}
#: SDK methods with no command, and why.
NO_COMMAND = {
    "edit": "a with-block for programs; the command line has update",
    "upload_file": "two operations in one (attachments upload, then uploads create)",
}


def sdk_method(service: str, name: str) -> Any:
    module = importlib.import_module(f"basecamp_client._generated.services.{service}")
    (cls,) = (
        c
        for n, c in vars(module).items()
        if n.startswith("Async") and n.endswith("Service") and c.__module__ == module.__name__
    )
    return getattr(cls, name)


def own_parameters(function: Any, method: Method) -> dict[str, inspect.Parameter]:
    parameters = dict(inspect.signature(function).parameters)
    parameters.pop("self")
    if method.kind in ("upload", "paginated"):
        for name in PLUMBING:
            parameters.pop(name, None)
    return parameters


def test_the_catalog_and_the_registry_agree() -> None:
    assert set(catalog.by_operation()) == set(OPERATIONS)
    for op_id, (service, name) in OPERATIONS.items():
        method = catalog.by_operation()[op_id]
        assert (method.service, method.name) == (service, name), op_id


def test_every_generated_method_has_a_command() -> None:
    commands = {(m.service, m.name) for m in catalog.methods()}
    for service in catalog.services():
        module = importlib.import_module(f"basecamp_client._generated.services.{service}")
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__name__.endswith("Service")):
                continue
            for name, _ in inspect.getmembers(cls, inspect.isfunction):
                if name.startswith("_") or name in NO_COMMAND:
                    continue
                assert (service, name) in commands, f"{service}.{name} has no command"


def sample_argv(argument: Argument, option: click.Option) -> list[str]:
    """A valid value on the command line for ``argument``."""
    spec = argument.type
    if spec == "bool":
        return [option.opts[0]]
    values = {"int": "7", "float": "1.5", "date": "2026-03-01", "json": "{}"}
    if spec.startswith("list:"):
        item = spec[5:]
        if item == "int":
            return [option.opts[0], "1", "2,3"]
        one = "{}" if item.startswith("model:") else values.get(item, "x")
        return [option.opts[0], one, one]
    if spec.startswith("enum:"):
        return [option.opts[0], spec[5:].split("|")[0]]
    if spec.startswith("model:"):
        return [option.opts[0], "{}"]
    if spec == "datetime":
        return [option.opts[0], "2026-03-01T09:30:00Z"]
    return [option.opts[0], values.get(spec, "x")]


@pytest.mark.parametrize("method", catalog.methods(), ids=lambda m: f"{m.service}.{m.name}")
def test_each_command_takes_every_argument_of_its_method(method: Method) -> None:
    function = sdk_method(method.service, method.name)
    parameters = own_parameters(function, method)
    command = MethodCommand(method.command, method, lambda *a: 0)
    options = {p.name: p for p in command.params if isinstance(p, click.Option)}

    assert {a.name for a in method.arguments} == set(parameters)
    argv: list[str] = []
    for argument in method.arguments:
        option = options[f"arg_{argument.name}"]
        assert argument.option in option.opts
        required = parameters[argument.name].default is inspect.Parameter.empty
        assert argument.required == required, argument.name
        argv += sample_argv(argument, option)
    if method.kind == "upload":
        argv += ["--file", __file__]

    ctx = command.make_context(method.command, list(argv))
    kwargs = sdk_arguments(method, ctx.params)
    assert set(kwargs) == {a.name for a in method.arguments}
    extra: dict[str, Any] = {}
    if method.kind == "upload":
        extra = {"source": __file__}
    inspect.signature(function).bind(object(), **extra, **kwargs)  # the method accepts them


def test_an_argument_named_like_a_command_line_option_keeps_its_name() -> None:
    # An API argument called "account" wins over the command line's --account, which
    # then stays available before the service.
    argument = Argument("account", "account", "body", "str", False, "")
    method = Method("X", "todos", "x", "call", "POST /x", "X.", "", False, (argument,))
    command = MethodCommand("x", method, lambda *a: 0)
    owners = [p.name for p in command.params if "--account" in getattr(p, "opts", ())]
    assert owners == ["arg_account"]


def test_every_service_and_operation_resolves_from_the_root() -> None:
    root = build()
    ctx = click.Context(root)
    for service in catalog.services():
        group = root.get_command(ctx, service.replace("_", "-"))
        assert isinstance(group, click.Group)
        assert root.get_command(ctx, service) is not None  # snake_case also works
        for name in group.list_commands(ctx):
            assert isinstance(group.get_command(ctx, name), MethodCommand)
    call = root.get_command(ctx, "call")
    assert isinstance(call, click.Group)
    assert sorted(call.list_commands(ctx)) == sorted(OPERATIONS)
    assert call.get_command(ctx, "getproject") is not None  # any case
