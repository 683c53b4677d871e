"""Files in and out: uploads from a path or standard input, downloads to a file or
standard output, with a progress bar when standard error is a terminal."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from typing import IO, Any

import anyio
import click

#: Standard input that is a pipe is first spooled here (memory up to this, then a
#: temporary file): an upload must announce its length before sending a byte.
SPOOL_IN_MEMORY = 8 * 1024 * 1024
_CHUNK = 256 * 1024


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar on stderr, or ``None`` when
    stderr is not a terminal (nothing is drawn into a log)."""
    if not sys.stderr.isatty() or importlib.util.find_spec("rich") is None:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TransferSpeedColumn,
    )

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        transient=True,
        console=_stderr_console(),
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)


@contextlib.contextmanager
def _stdin_source() -> Iterator[IO[bytes]]:
    stdin = sys.stdin.buffer
    try:
        if stdin.seekable():
            yield stdin  # a redirected file: measured and streamed as it is
            return
    except (OSError, ValueError):
        pass
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        try:
            while chunk := stdin.read(_CHUNK):
                spool.write(chunk)
            spool.seek(0)
        except OSError as exc:  # a full temporary directory, most likely: say so, send nothing
            raise click.ClickException(
                f"could not hold standard input for the upload ({exc.strerror or exc}); "
                "pass the file's path with --file, or point TMPDIR at a larger disk"
            ) from None
        yield spool


def upload_file(values: dict[str, Any]) -> tuple[str, str | None]:
    """(path or ``-``, name) of ``--file`` and ``--name``, checked before anything is sent."""
    path: str = values["cli_file"]
    if path.startswith("@"):
        path = path[1:]
    name = values.get("cli_name")
    if path == "-" and not name:
        raise click.UsageError("--name is needed when the file comes from standard input (-)")
    if path != "-" and not os.path.isfile(path):
        raise click.BadParameter(f"no such file: {path!r}", param_hint="'--file'")
    return path, name


async def upload(
    function: Callable[..., Awaitable[Any]], values: dict[str, Any], kwargs: dict[str, Any]
) -> Any:
    """Call an upload method with the file named by ``--file`` (``-``: standard input)."""
    path, name = upload_file(values)
    label = name or os.path.basename(path)
    with contextlib.ExitStack() as stack:
        source: Any = stack.enter_context(_stdin_source()) if path == "-" else path
        progress = stack.enter_context(progress_bar(f"uploading {label}"))
        return await function(
            source,
            name=name,
            content_type=values.get("cli_content_type"),
            progress=progress,
            **kwargs,
        )


def download(url: str, *, output: str | None, overwrite: bool, account: int | None) -> int:
    to_stdout = output == "-" or (output is None and not sys.stdout.isatty())
    if output and not to_stdout:
        _check_destination(output, overwrite)
    try:
        return int(anyio.run(_download, url, output, to_stdout, overwrite, account))
    except BrokenPipeError:  # caught here: click would turn it into exit code 1
        from .output import reader_gone

        return reader_gone()


def _check_destination(output: str, overwrite: bool) -> None:
    """Refuse, before any request, what the download could not be saved to."""
    if output.endswith(("/", os.sep)) and not os.path.isdir(output):
        raise click.BadParameter(f"no such directory: {output!r}", param_hint="'--output'")
    if os.path.isfile(output) and not overwrite:
        raise click.BadParameter(
            f"{output!r} already exists; pass --overwrite to replace it", param_hint="'--output'"
        )


async def _download(
    url: str, output: str | None, to_stdout: bool, overwrite: bool, account: int | None
) -> int:
    from .client import open_client
    from .output import note

    opened = open_client(account)
    async with opened.client as client:
        downloads = client.for_account(opened.account_id).downloads
        with progress_bar("downloading") as progress:
            if to_stdout:
                sink = sys.stdout.buffer
                async with downloads.stream(url, progress=progress) as chunks:
                    async for chunk in chunks:
                        sink.write(chunk)
                sink.flush()
                return 0
            saved = await downloads.to_file(
                url, output or ".", progress=progress, overwrite=overwrite
            )
        if sys.stdout.isatty():
            note(f"saved {saved}")
        else:
            from .output import dumps

            sys.stdout.write(dumps({"path": str(saved)}) + "\n")
        return 0
