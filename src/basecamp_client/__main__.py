"""The command line: ``python -m basecamp_client <command> …`` (or ``basecamp-client``).

Each command is a :class:`Command`: a name, one line of help, and the module that
provides ``add_arguments(parser)`` and ``run(args) -> int`` (its exit code). To add a
command, write such a module and list it in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import attrs

from ._version import __version__


@attrs.frozen
class Command:
    name: str
    help: str
    module: str  # provides add_arguments(parser) and run(args) -> int

    def load(self) -> Any:
        return importlib.import_module(self.module, __package__)


COMMANDS: tuple[Command, ...] = (
    Command(
        "login",
        "log in through Launchpad (OAuth 2) and store the tokens in a private file",
        ".oauth.login",
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m basecamp_client",
        description="Tools for the basecamp-client library.",
    )
    parser.add_argument("--version", action="version", version=f"basecamp-client {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.load().add_arguments(sub)
        sub.set_defaults(_command=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command | None = getattr(args, "_command", None)
    if command is None:
        parser.print_help(sys.stderr)
        return 2
    return int(command.load().run(args))


if __name__ == "__main__":
    sys.exit(main())
