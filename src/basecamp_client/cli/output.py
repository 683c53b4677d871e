"""Results on standard output: JSON for programs, a table for people.

JSON (standard output is not a terminal, or ``--json``) is one document: an object, or
for a list an array written page by page as the pages arrive, so memory holds one page
however long the list. ``--jsonl`` writes one object per line instead. On a terminal, a
table (:mod:`.tables`), also printed page by page.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import AsyncIterator, Sequence
from typing import IO, Any


def jsonable(value: Any) -> Any:
    """A model (``to_dict()``), a list of them or plain JSON, as JSON-ready data."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(jsonable(value), indent=indent, ensure_ascii=False, default=_default)


class Output:
    """Where and how a command writes its result."""

    def __init__(self, *, json_: bool, jsonl: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.jsonl = jsonl
        self.table = not (json_ or jsonl) and self.stream.isatty() and _has_rich()

    def one(self, value: Any) -> None:
        if self.table:
            from .tables import ListTable, record_table

            data = jsonable(value)
            if isinstance(data, list):
                table = ListTable(self.stream)
                table.add(data)
                table.finish()
            elif isinstance(data, dict):
                record_table(data, self.stream)
            else:
                self.stream.write(dumps(data, indent=2) + "\n")
            return
        if self.jsonl and isinstance(value, list):
            for item in value:
                self.stream.write(dumps(item) + "\n")
        else:
            self.stream.write(dumps(value, indent=None if self.jsonl else 2) + "\n")
        self.stream.flush()

    async def pages(self, pages: AsyncIterator[Sequence[Any]]) -> int:
        """Write a list as its pages arrive; returns how many items were written."""
        count = 0
        if self.table:
            from .tables import ListTable

            table = ListTable(self.stream)
            async for page in pages:
                table.add([jsonable(v) for v in page])
            table.finish()
            return table.rows
        started = False
        async for page in pages:
            # "[" only once the first page is in: a command that fails before any item
            # writes nothing at all. One that fails later leaves the array unclosed, so
            # no reader mistakes the part for the whole list.
            if not started and not self.jsonl:
                self.stream.write("[")
            started = True
            for item in page:
                text = dumps(item)
                if self.jsonl:
                    self.stream.write(text + "\n")
                else:
                    self.stream.write(("\n  " if count == 0 else ",\n  ") + text)
                count += 1
            self.stream.flush()
        if not self.jsonl:
            self.stream.write("\n]\n" if count else "[]\n" if not started else "]\n")
        self.stream.flush()
        return count


def _has_rich() -> bool:
    """Tables need rich (the ``cli`` extra); without it a terminal gets JSON too."""
    import importlib.util

    return importlib.util.find_spec("rich") is not None


def reader_gone() -> int:
    """Standard output was closed early (``basecamp … | head``): stop quietly, as a
    process killed by SIGPIPE would (exit code 141), and keep Python's final flush of
    stdout from failing again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


def note(text: str, *, stream: IO[str] | None = None) -> None:
    """A remark for the person at the terminal (on stderr, never in the output)."""
    err = stream or sys.stderr
    if err.isatty():
        err.write(text + "\n")
        err.flush()
