"""The commands beside the services: ``login``, ``download`` and ``completion``."""

from __future__ import annotations

import argparse
from typing import Any

import click

SHELLS = ("bash", "zsh", "fish")

_COMPLETION_HELP = """Print the shell completion script for SHELL (bash, zsh or fish).

\b
bash:  eval "$(basecamp completion bash)"      (in ~/.bashrc)
zsh:   eval "$(basecamp completion zsh)"       (in ~/.zshrc)
fish:  basecamp completion fish > ~/.config/fish/completions/basecamp.fish

Services, methods, options and choices are completed."""


def completion_command() -> click.Command:
    def run(shell: str) -> int:
        from click.shell_completion import get_completion_class

        from .commands import build

        cls = get_completion_class(shell)
        assert cls is not None  # the choice allows only the shells click knows
        source = cls(build(), {}, "basecamp", "_BASECAMP_COMPLETE").source()
        click.echo(source)
        return 0

    return click.Command(
        "completion",
        params=[click.Argument(["shell"], type=click.Choice(SHELLS))],
        callback=run,
        help=_COMPLETION_HELP,
        short_help="print the shell completion script (bash, zsh, fish)",
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def download_command() -> click.Command:
    from .params import POSITIVE

    def run(**values: Any) -> int:
        from .commands import Settings
        from .transfer import download

        ctx = click.get_current_context()
        settings = (ctx.find_object(Settings) or Settings()).merge(values)
        return download(
            values["url"],
            output=values["output"],
            overwrite=values["overwrite"],
            account=settings.account,
        )

    return click.Command(
        "download",
        params=[
            click.Argument(["url"], metavar="URL"),
            click.Option(
                ["-o", "--output"],
                metavar="PATH",
                help="where to save it: a file, a directory (the file keeps its own name), "
                "or - for standard output. Default: standard output when it is not a "
                "terminal, else the current directory.",
            ),
            click.Option(["--overwrite"], is_flag=True, help="replace an existing file"),
            click.Option(
                ["--account", "cli_account"],
                type=POSITIVE,
                metavar="ID",
                help="the account to use",
            ),
        ],
        callback=run,
        help="Download a file: URL is a download_url from an upload, an attachment or a "
        "chat file (basecamp uploads get --upload-id N shows it). The file is streamed, "
        "never held in memory; a file on disk appears only once complete.",
        short_help="download a file by its download_url, to a file or standard output",
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def login_command() -> click.Command:
    def run(args: tuple[str, ...]) -> int:
        from ..oauth import login

        parser = argparse.ArgumentParser(
            prog="basecamp login",
            description="log in through Launchpad (OAuth 2) and store the tokens in a private file",
        )
        login.add_arguments(parser)
        try:
            parsed = parser.parse_args(list(args))
        except SystemExit as exc:  # argparse's --help (0) and its usage errors (2)
            return int(exc.code or 0)
        return int(login.run(parsed))

    return click.Command(
        "login",
        params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
        callback=run,
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        help="Log in through Launchpad (OAuth 2) and store the tokens in a private file "
        "(basecamp login --help).",
        short_help="log in through Launchpad (OAuth 2) and store the tokens",
    )
