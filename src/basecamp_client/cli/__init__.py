"""``basecamp``: every operation of the SDK from the shell.

``basecamp <service> <method> [--argument VALUE ...]``, ``basecamp call <OperationId>``,
``basecamp download URL``, ``basecamp login`` and ``basecamp completion SHELL``. The
commands are built from the generated catalog (``_generated/catalog.py``), never listed
by hand. Needs the ``cli`` extra (click, rich): ``pip install 'basecamp-client[cli]'``;
``import basecamp_client`` never imports this package.

Exit codes: 0 done; 2 a usage error (bad option, bad value, missing setting); otherwise
the ``exit_code`` of the :class:`~basecamp_client.BasecampError` raised (3 auth, 4
forbidden, 5 not found, 7 validation, 8 conflict, 9 rate limit, 10 API, 11 network);
130 interrupted; 141 standard output closed early (``basecamp … | head``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

    from .._core.errors import BasecampError

PROG = "basecamp"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    import click

    from .commands import build

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = build().main(args=args, prog_name=PROG, standalone_mode=False)
        return int(result or 0)
    except click.UsageError as exc:
        _usage_error(exc)
        return 2
    except click.ClickException as exc:
        _say(f"error: {exc.format_message()}")
        return exc.exit_code
    except (KeyboardInterrupt, click.Abort):
        _say("interrupted")
        return 130
    except BrokenPipeError:
        from .output import reader_gone

        return reader_gone()
    except Exception as exc:
        # Imported only now: the client core is not needed to print help or complete.
        from .._core.errors import BasecampError

        if isinstance(exc, BasecampError):
            _basecamp_error(exc, args)
            return exc.exit_code
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    """A bug (ours or a dependency's): one line, the traceback only when asked for."""
    from .._core.errors import scrub

    if os.environ.get("BASECAMP_LOG", "").strip().lower() == "debug":
        import traceback

        _say(scrub("".join(traceback.format_exception(exc))))
    _say(f"error: internal error: {type(exc).__name__}: {scrub(str(exc))[:300]}")
    _say("(set BASECAMP_LOG=debug to see where; please report it)")
    return 1


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _usage_error(exc: click.UsageError) -> None:
    _say(f"error: {exc.format_message()}")
    ctx = exc.ctx
    if ctx is not None:
        usage = ctx.command.get_usage(ctx).removeprefix("Usage: ").strip()
        _say(f"usage: {' '.join(usage.split())}  (more: {ctx.command_path} --help)")


def _basecamp_error(exc: BasecampError, args: list[str]) -> None:
    from .._core.errors import UsageError
    from .commands import command_names

    token = os.environ.get("BASECAMP_TOKEN")
    if token:
        exc.redact(token)
    _say(f"error: {exc}")
    field_errors = getattr(exc, "field_errors", None)
    if field_errors:
        for field, messages in field_errors.items():
            _say(f"  {field}: {'; '.join(messages)}")
    if isinstance(exc, UsageError):
        _say(f"usage: see {' '.join([PROG, *command_names(args)])} --help")
