"""Results on standard output: JSON for programs, a table for people.

JSON (standard output is not a terminal, or ``--json``) is one document: an object, or
for a list an array written page by page as the pages arrive, so memory holds one page
however long the list. ``--jsonl`` writes one object per line instead. On a terminal, a
table: the columns chosen from the first page, each page printed as it arrives.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import IO, Any

#: Fields shown as table columns when a list has them, in this order.
COLUMNS = (
    "id",
    "name",
    "title",
    "subject",
    "content",
    "summary",
    "status",
    "completed",
    "due_on",
    "starts_on",
    "starts_at",
    "created_at",
    "updated_at",
)
MAX_COLUMNS = 6
_TAGS = re.compile(r"<[^>]+>")


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
        self.table = not (json_ or jsonl) and self.stream.isatty()

    def one(self, value: Any) -> None:
        if self.table:
            if isinstance(value, list):
                self._table_rows([jsonable(v) for v in value], header=True, widths=None)
            else:
                _record_table(jsonable(value), self.stream)
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
            widths: list[int] | None = None
            async for page in pages:
                rows = [jsonable(v) for v in page]
                widths = self._table_rows(rows, header=widths is None, widths=widths)
                count += len(rows)
            if widths is None:
                self.stream.write("(none)\n")
            return count
        if not self.jsonl:
            self.stream.write("[")
        async for page in pages:
            for item in page:
                text = dumps(item)
                if self.jsonl:
                    self.stream.write(text + "\n")
                else:
                    self.stream.write(("\n  " if count == 0 else ",\n  ") + text)
                count += 1
            self.stream.flush()
        if not self.jsonl:
            self.stream.write("\n]\n" if count else "]\n")
        self.stream.flush()
        return count

    def _table_rows(
        self, rows: list[Any], *, header: bool, widths: list[int] | None
    ) -> list[int] | None:
        """Print rows under the columns of the first page (their widths kept, so pages
        line up); returns the widths used."""
        if not rows:
            return widths
        if not isinstance(rows[0], dict):
            for row in rows:
                self.stream.write(_cell(row) + "\n")
            return widths or []
        if not hasattr(self, "_columns"):
            self._columns = _choose_columns(rows[0])
        columns: list[str] = self._columns
        cells = [
            [_cell(row.get(c)) if isinstance(row, dict) else "" for c in columns] for row in rows
        ]
        if widths is None:
            widths = _fit(columns, cells, _width(self.stream))
        from rich import box
        from rich.console import Console
        from rich.table import Table

        table = Table(
            box=box.SIMPLE_HEAD if header else None,
            show_header=header,
            show_edge=False,
            pad_edge=False,
        )
        for column, width in zip(columns, widths, strict=True):
            table.add_column(column, width=width, no_wrap=True, overflow="ellipsis")
        for row_cells in cells:
            table.add_row(*row_cells)
        Console(file=self.stream, highlight=False, soft_wrap=False).print(table)
        return widths


def _choose_columns(first: dict[str, Any]) -> list[str]:
    chosen = [c for c in COLUMNS if c in first][:MAX_COLUMNS]
    if not chosen:
        chosen = [k for k, v in first.items() if not isinstance(v, (dict, list))][:MAX_COLUMNS]
    return chosen or list(first)[:MAX_COLUMNS]


def _width(stream: IO[str]) -> int:
    import shutil

    return max(40, shutil.get_terminal_size((100, 24)).columns)


def _fit(columns: Sequence[str], cells: Sequence[Sequence[str]], total: int) -> list[int]:
    """Column widths: each as wide as its widest cell (or header), the widest shrunk
    until the row fits the terminal."""
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    budget = total - 2 * (len(columns) - 1)
    while sum(widths) > budget and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _cell(value: Any) -> str:
    """One value as short, single-line text: a nested record by its name, lists by
    their names or size, rich text without its tags."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        for key in ("name", "title", "content", "id"):
            if key in value and not isinstance(value[key], (dict, list)):
                return _cell(value[key])
        return "{…}"
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value) and len(value) <= 3:
            return ", ".join(_cell(v) for v in value)
        return f"[{len(value)}]"
    text = str(value)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    return " ".join(text.split())


def _record_table(record: Any, stream: IO[str]) -> None:
    """One record as two columns: field, value."""
    if not isinstance(record, dict):
        stream.write(dumps(record, indent=2) + "\n")
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False, show_edge=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in record.items():
        table.add_row(key, _cell(value))
    Console(file=stream, highlight=False).print(table)


def note(text: str, *, stream: IO[str] | None = None) -> None:
    """A remark for the person at the terminal (on stderr, never in the output)."""
    err = stream or sys.stderr
    if err.isatty():
        err.write(text + "\n")
        err.flush()


def plain(items: Iterable[str]) -> str:
    return "\n".join(items)
