"""The command tree: ``basecamp <service> <method> [--options]``, built from the catalog
on demand — only the group or command being run (or completed, or helped) is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from .._version import __version__
from . import catalog
from .catalog import Argument, Method, command_name
from .params import POSITIVE, click_type, expand_lists, metavar

#: Options the command line adds to a method's own arguments. An argument of the API
#: with the same name wins; the option is then available before the service
#: (``basecamp --account 1 …``) only, where the root has it.
_COMMON_HELP = {
    "account": "the account to use (default: $BASECAMP_ACCOUNT_ID, else the token file's)",
    "json": "print JSON even on a terminal",
    "jsonl": "print JSON lines: one object per line",
}


class Settings:
    """What the options common to every command chose (root, then command)."""

    __slots__ = ("account", "json", "jsonl")

    def __init__(self) -> None:
        self.account: int | None = None
        self.json = False
        self.jsonl = False

    def merge(self, values: dict[str, Any]) -> Settings:
        merged = Settings()
        merged.account = values.get("cli_account") or self.account
        merged.json = bool(values.get("cli_json")) or self.json
        merged.jsonl = bool(values.get("cli_jsonl")) or self.jsonl
        return merged


def _common_options(taken: set[str]) -> list[click.Option]:
    options = []
    if "--account" not in taken:
        options.append(
            click.Option(
                ["--account", "cli_account"],
                type=POSITIVE,
                metavar="ID",
                help=_COMMON_HELP["account"],
            )
        )
    for flag in ("json", "jsonl"):
        if f"--{flag}" not in taken:
            options.append(
                click.Option([f"--{flag}", f"cli_{flag}"], is_flag=True, help=_COMMON_HELP[flag])
            )
    return options


def _argument_option(argument: Argument) -> click.Option:
    kind, repeatable = click_type(argument.type)
    help_text = argument.help or _default_help(argument)
    if argument.required:
        help_text = f"{help_text}  [required]".strip()
    name = f"arg_{argument.name}"
    if argument.type == "bool":
        flag = argument.option[2:]
        return click.Option([f"--{flag}/--no-{flag}", name], default=None, help=help_text or None)
    return click.Option(
        [argument.option, name],
        type=kind,
        multiple=repeatable,
        metavar=metavar(argument.type),
        help=help_text or None,
    )


def _default_help(argument: Argument) -> str:
    """Ids need no description: ``todolist_id`` → "the todolist's id"."""
    if argument.name.endswith("_id") and argument.type == "int":
        return f"the {argument.name[:-3].replace('_', ' ')}'s id"
    return ""


def _extra_options(method: Method, taken: set[str]) -> list[click.Option]:
    """The options a kind of method adds: list caps, the upload's file, …"""
    wanted: list[click.Option] = []
    if method.kind == "paginated":
        wanted += [
            click.Option(
                ["--max-items", "cli_max_items"],
                type=POSITIVE,
                metavar="N",
                help="stop after N items",
            ),
            click.Option(
                ["--max-pages", "cli_max_pages"],
                type=POSITIVE,
                metavar="N",
                help="stop after N pages",
            ),
        ]
    if method.kind == "upload":
        wanted += [
            click.Option(
                ["--file", "cli_file"],
                metavar="PATH",
                required=True,
                help="the file to upload (- reads standard input)  [required]",
            ),
            click.Option(
                ["--name", "cli_name"],
                metavar="NAME",
                help="the file name to give it (default: the file's own; needed with -)",
            ),
            click.Option(
                ["--content-type", "cli_content_type"],
                metavar="TYPE",
                help="its media type (default: a guess from the name)",
            ),
        ]
    if method.kind == "update":
        clearable = [a.option[2:] for a in method.arguments if a.clearable]
        if clearable:
            wanted.append(
                click.Option(
                    ["--clear", "cli_clear"],
                    type=click.Choice(clearable),
                    multiple=True,
                    metavar="FIELD",
                    help="clear this field (repeatable): " + ", ".join(clearable),
                )
            )
    if any(a.location == "body" for a in method.arguments):
        wanted.append(
            click.Option(
                ["--body", "cli_body"],
                metavar="JSON",
                help="body fields as a JSON object (wire names), inline, @file or @- "
                "(standard input); the options above override its fields",
            )
        )
    return [o for o in wanted if o.opts[0] not in taken]


def _describe(method: Method) -> str:
    lines = [method.summary, ""]
    if method.kind == "update":
        lines += [
            "Reads the record, applies the fields given over it and writes the whole "
            "record back; a field changed by someone else meanwhile stops the write "
            "(exit code 8).",
            "",
        ]
    returns = method.returns
    if returns.startswith("list:"):
        what = f"a list of {returns[5:]} (JSON array; --jsonl: one per line)"
    elif returns:
        what = f"{returns} (JSON)"
    else:
        what = "nothing (exit code 0 when done)"
    lines.append(f"\b\n{method.http}   (operation {method.operation_id})\nReturns: {what}")
    if method.deprecated:
        lines += ["", "Deprecated by the API."]
    return "\n".join(lines)


class MethodCommand(click.Command):
    """One SDK method as a command; the options are its arguments."""

    def __init__(self, name: str, method: Method, run: Callable[..., int]) -> None:
        self.method = method
        options = [_argument_option(a) for a in method.arguments]
        taken = {opt for option in options for opt in option.opts + option.secondary_opts}
        options += _extra_options(method, taken)
        taken |= {opt for option in options for opt in option.opts}
        options += _common_options(taken)
        self.list_options = frozenset(
            o.opts[0] for o in options if o.multiple and o.name and o.name.startswith("arg_")
        )

        def callback(**values: Any) -> int:
            ctx = click.get_current_context()
            settings = ctx.find_object(Settings) or Settings()
            return run(method, values, settings.merge(values))

        super().__init__(
            name,
            params=list(options),
            callback=callback,
            help=_describe(method),
            short_help=method.summary,
            context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
            deprecated=method.deprecated,
        )

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, expand_lists(args, self.list_options))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        required = [a for a in self.method.arguments if a.required]
        pieces = [f"{a.option} {metavar(a.type)}" for a in required]
        if self.method.kind == "upload":
            pieces.append("--file PATH")
        return [*pieces, "[OPTIONS]"]


def _runner() -> Callable[..., int]:
    def run(method: Method, values: dict[str, Any], settings: Settings) -> int:
        from .run import run_method

        return run_method(method, values, settings)

    return run


class ServiceGroup(click.Group):
    """``basecamp todos …``: the methods of one service."""

    def __init__(self, service: str) -> None:
        self.service = service
        super().__init__(
            command_name(service),
            help=catalog.services()[service],
            short_help=catalog.services()[service],
            context_settings={"help_option_names": ["-h", "--help"]},
            no_args_is_help=True,
        )

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(catalog.by_service()[self.service])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        method = catalog.by_service()[self.service].get(command_name(cmd_name))
        if method is None:
            return None
        return MethodCommand(method.command, method, _runner())

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        methods = catalog.by_service()[self.service]
        rows = [(name, methods[name].summary) for name in sorted(methods)]
        with formatter.section("Methods"):
            formatter.write_dl(rows)


class CallGroup(click.Group):
    """``basecamp call GetProject --project-id 1``: any operation by its id."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(catalog.by_operation())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        operations = catalog.by_operation()
        method = operations.get(cmd_name)
        if method is None:
            folded = {k.lower(): v for k, v in operations.items()}
            method = folded.get(cmd_name.lower())
        if method is None:
            return None
        return MethodCommand(method.operation_id, method, _runner())

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (op, f"{m.summary} ({command_name(m.service)} {m.command})")
            for op, m in sorted(catalog.by_operation().items())
        ]
        with formatter.section("Operations"):
            formatter.write_dl(rows)


def _tool_commands() -> dict[str, Callable[[], click.Command]]:
    from . import tools

    return {
        "call": lambda: CallGroup(
            "call",
            help="Call an operation by its id (as in the API description): "
            "basecamp call GetProject --project-id 1",
            short_help="call an operation by its id: basecamp call GetProject --project-id 1",
            context_settings={"help_option_names": ["-h", "--help"]},
            no_args_is_help=True,
        ),
        "completion": tools.completion_command,
        "download": tools.download_command,
        "login": tools.login_command,
    }


class BasecampGroup(click.Group):
    """``basecamp``: the services, then the tools (call, download, login, completion)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*sorted(_tool_commands()), *(command_name(s) for s in catalog.services())]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        tool = _tool_commands().get(cmd_name)
        if tool is not None:
            return tool()
        service = cmd_name.replace("-", "_")
        if service in catalog.services():
            return ServiceGroup(service)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        services = catalog.services()
        with formatter.section("Services (basecamp SERVICE --help lists its methods)"):
            formatter.write_dl([(command_name(s), services[s]) for s in services])
        tools = [(name, make().get_short_help_str(70)) for name, make in _tool_commands().items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(tools))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            # Nothing asked: the help, on stderr, and the exit code of a usage error.
            click.echo(ctx.get_help(), err=True)
            ctx.exit(2)
        return super().parse_args(ctx, args)


def _root_callback(cli_account: int | None, cli_json: bool, cli_jsonl: bool) -> None:
    ctx = click.get_current_context()
    settings = ctx.ensure_object(Settings)
    settings.account = cli_account
    settings.json = cli_json
    settings.jsonl = cli_jsonl


def build() -> click.Group:
    root = BasecampGroup(
        "basecamp",
        help="Every Basecamp 4 API operation from the shell: basecamp SERVICE METHOD "
        "[--argument VALUE ...].\n\n"
        "Credentials and settings come from BASECAMP_* variables (BASECAMP_TOKEN, "
        "BASECAMP_USER_AGENT, BASECAMP_ACCOUNT_ID, ...) or from the token file "
        "`basecamp login` writes. Output is JSON when standard output is not a terminal, "
        "a table when it is. Errors go to standard error; the exit code says which "
        "(2 usage, 3 auth, 4 forbidden, 5 not found, 7 validation, 8 conflict, "
        "9 rate limit, 10 API, 11 network).",
        params=_common_options(set()),
        callback=_root_callback,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    root.params.append(
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_print_version,
            help="print the version and exit",
        )
    )
    return root


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"basecamp {__version__}")
        ctx.exit(0)


def command_names(args: Sequence[str]) -> list[str]:
    """The command words in ``args`` (for error messages): ``["todos", "create"]``."""
    tools = _tool_commands()
    words: list[str] = []
    for arg in args:
        if arg.startswith("-"):
            continue
        if not words:
            if arg in tools or arg.replace("-", "_") in catalog.services():
                words.append(arg)
        elif words[0] == "call":
            if arg in catalog.by_operation():
                return [*words, arg]
        elif words[0] in tools:
            return words
        elif command_name(arg) in catalog.by_service().get(words[0].replace("-", "_"), {}):
            return [*words, command_name(arg)]
    return words
