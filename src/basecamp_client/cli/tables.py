"""Tables for people at a terminal (rich draws them; imported only when one is drawn).

A list's columns are chosen from its first record and sized to the terminal from its
first page; later pages are printed under the same columns as they arrive, so a long
list streams instead of waiting for its last page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

#: Fields shown as columns when a list's records have them, in this order.
COLUMNS = (
    "id", "name", "title", "subject", "content", "summary", "status", "completed",
    "due_on", "starts_on", "starts_at", "created_at", "updated_at",
)  # fmt: skip
MAX_COLUMNS = 6
#: Columns never shortened (an id cut short is a wrong id).
_WHOLE = frozenset({"id"})
_GAP = 3  # what rich puts between two columns
_TAGS = re.compile(r"<[^>]+>")
_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)[\d:.]*(Z|[+-]\d\d:?\d\d)?$")


def cell(value: Any) -> str:
    """One value as short, single-line text: a nested record by its name, lists by
    their names or size, rich text without its tags, timestamps to the minute."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        for key in ("name", "title", "content", "id"):
            if key in value and not isinstance(value[key], (dict, list)):
                return cell(value[key])
        return "{…}"
    if isinstance(value, list):
        if value and len(value) <= 3 and all(isinstance(v, dict) for v in value):
            return ", ".join(cell(v) for v in value)
        return f"[{len(value)}]"
    text = str(value)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    stamp = _TIMESTAMP.match(text)
    if stamp:
        return f"{stamp[1]} {stamp[2]}"
    return " ".join(text.split())


def choose_columns(first: dict[str, Any]) -> list[str]:
    chosen: list[str] = []
    for column in COLUMNS:
        # A to-do's title repeats its content: one column is enough.
        if column in first and all(first[column] != first[c] for c in chosen):
            chosen.append(column)
    chosen = chosen[:MAX_COLUMNS]
    if not chosen:
        chosen = [k for k, v in first.items() if not isinstance(v, (dict, list))][:MAX_COLUMNS]
    return chosen or list(first)[:MAX_COLUMNS]


def fit(
    columns: Sequence[str], cells: Sequence[Sequence[str]], total: int
) -> tuple[list[str], list[int]]:
    """(columns kept, their widths): each as wide as its widest cell or header; the
    widest shortenable one narrowed (not below 10) until the row fits ``total``, and
    trailing columns dropped when that is not enough."""
    kept = list(columns)
    widths = [
        min(60, max([len(c), *(len(row[i]) for row in cells)])) for i, c in enumerate(columns)
    ]
    while True:
        budget = total - _GAP * (len(kept) - 1)
        if sum(widths) <= budget:
            return kept, widths
        narrowable = [i for i, c in enumerate(kept) if c not in _WHOLE and widths[i] > 10]
        if narrowable:
            widest = max(narrowable, key=lambda i: widths[i])
            widths[widest] -= 1
        elif len(kept) > 1:
            kept.pop()
            widths.pop()
        else:
            return kept, widths


class ListTable:
    """The records of one list, page after page, under the first page's columns."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.columns: list[str] | None = None
        self.widths: list[int] = []
        self.rows = 0

    def add(self, records: Sequence[Any]) -> None:
        if not records:
            return
        if not isinstance(records[0], dict):
            for record in records:
                self.stream.write(cell(record) + "\n")
            self.rows += len(records)
            return
        first = self.columns is None
        if self.columns is None:
            candidates = choose_columns(records[0])
            cells = _cells(records, candidates)
            width = _console(self.stream).size.width
            self.columns, self.widths = fit(candidates, cells, width)
            # fit keeps a leading run of the candidates: their cells are already made.
            cells = [row[: len(self.columns)] for row in cells]
        else:
            cells = _cells(records, self.columns)
        from rich import box
        from rich.table import Table

        # The same box on every page (it draws no line without a header), so the columns
        # of later pages line up with the first.
        table = Table(
            box=box.SIMPLE_HEAD,
            show_header=first,
            show_edge=False,
            pad_edge=False,
        )
        for column, width in zip(self.columns, self.widths, strict=True):
            table.add_column(column, width=width, no_wrap=True, overflow="ellipsis")
        for row in cells:
            table.add_row(*row)
        _console(self.stream).print(table)
        self.rows += len(records)

    def finish(self) -> None:
        if self.rows == 0:
            self.stream.write("(none)\n")


def _cells(records: Sequence[Any], columns: Sequence[str]) -> list[list[str]]:
    """The cells of ``records`` under ``columns``; a record that is not an object (a
    list may mix them) gets empty cells."""
    return [[cell(r.get(c)) if isinstance(r, dict) else "" for c in columns] for r in records]


def record_table(record: Any, stream: IO[str]) -> None:
    """One record as two columns: field, value."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False, show_edge=False, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in record.items():
        table.add_row(key, cell(value))
    _console(stream).print(table)


def _console(stream: IO[str]) -> Any:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=False)
