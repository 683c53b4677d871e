"""``python -m basecamp_client …`` (and the ``basecamp-client`` script): the ``basecamp``
command line (:mod:`basecamp_client.cli`) when its extra is installed.

Without click (no ``cli`` extra), only the commands in :data:`COMMANDS` work — ``login``,
which needs nothing beyond the SDK. Each is a :class:`Command`: a name, one line of
help, and the module that provides ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

from ._version import __version__


class Command(NamedTuple):
    # A NamedTuple rather than an attrs class: this module is imported on every run of
    # the command line, and `basecamp --help` should not pay for importing attrs.
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
        epilog="Every API operation as a command: pip install 'basecamp-client[cli]'.",
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
    try:
        import click  # noqa: F401  (only to know whether the cli extra is there)
    except ImportError:
        return _minimal(argv)
    from .cli import main as cli_main

    return cli_main(argv)


def _minimal(argv: Sequence[str] | None) -> int:
    """The command line without the ``cli`` extra: ``login`` only."""
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] not in {c.name for c in COMMANDS} and not words[0].startswith("-"):
        print(
            f"error: {words[0]!r} needs the command line's extra: "
            "pip install 'basecamp-client[cli]'",
            file=sys.stderr,
        )
        return 2
    parser = build_parser()
    args = parser.parse_args(words)
    command: Command | None = getattr(args, "_command", None)
    if command is None:
        parser.print_help(sys.stderr)
        return 2
    return int(command.load().run(args))


if __name__ == "__main__":
    sys.exit(main())
