"""The parts of the command line that need no server: value parsing, list options,
streamed output, tables, and what gets imported when."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import anyio
import click
import pytest

from basecamp_client.cli.output import Output
from basecamp_client.cli.params import (
    DateTimeType,
    DateType,
    IntListType,
    ModelType,
    expand_lists,
    parse_json,
)
from basecamp_client.cli.tables import cell, choose_columns, fit

# -- values -------------------------------------------------------------------------------


def test_list_options_take_several_values() -> None:
    lists = frozenset({"--ids"})
    assert expand_lists(["--ids", "1", "2", "--x", "3"], lists) == [
        "--ids", "1", "--ids", "2", "--x", "3",
    ]  # fmt: skip
    assert expand_lists(["--ids", "-4", "5"], lists) == ["--ids", "-4", "--ids", "5"]
    assert expand_lists(["--ids", "1", "--", "2"], lists) == ["--ids", "1", "--", "2"]
    assert expand_lists(["--other", "1", "2"], lists) == ["--other", "1", "2"]
    assert IntListType().convert("1, 2,3", None, None) == [1, 2, 3]
    with pytest.raises(click.BadParameter, match="not a valid integer"):
        IntListType().convert("1,x", None, None)


def test_dates_and_times() -> None:
    assert DateType().convert("2026-03-01", None, None) == dt.date(2026, 3, 1)
    with pytest.raises(click.BadParameter, match="not a date"):
        DateType().convert("03/01/2026", None, None)
    moment = DateTimeType().convert("2026-03-01T09:30:00Z", None, None)
    assert moment == dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc)
    with pytest.raises(click.BadParameter, match="no time zone"):
        DateTimeType().convert("2026-03-01T09:30:00", None, None)


def test_json_inline_from_a_file_and_capped(tmp_path: Path) -> None:
    assert parse_json('{"a": 1}') == {"a": 1}
    path = tmp_path / "body.json"
    path.write_text('{"b": [1, 2]}')
    assert parse_json(f"@{path}") == {"b": [1, 2]}
    with pytest.raises(click.BadParameter, match="cannot read"):
        parse_json(f"@{tmp_path / 'missing.json'}")
    with pytest.raises(click.BadParameter, match="not valid JSON"):
        parse_json("{")


def test_models_are_built_from_json_objects() -> None:
    kind = ModelType("answer_attributes", "AnswerAttributes")
    answer = kind.convert('{"content": "<p>Fine</p>"}', None, None)
    assert type(answer).__name__ == "AnswerAttributes"
    assert answer.to_dict()["content"] == "<p>Fine</p>"
    with pytest.raises(click.BadParameter, match="expected a JSON object"):
        kind.convert("[1]", None, None)


def test_body_fields_of_model_type_are_decoded_from_the_parsed_json() -> None:
    from basecamp_client.cli.catalog import Argument
    from basecamp_client.cli.params import from_json_value

    one = Argument("x", "x", "body", "model:answer_attributes:AnswerAttributes", False, "")
    answer = from_json_value(one, {"content": "<p>Fine</p>"})
    assert type(answer).__name__ == "AnswerAttributes"
    many = Argument("x", "x", "body", "list:model:person_create:PersonCreate", False, "")
    people = from_json_value(many, [{"name": "A", "email_address": "a@example.com"}])
    assert [type(p).__name__ for p in people] == ["PersonCreate"]
    with pytest.raises(click.BadParameter, match="expected a JSON object"):
        from_json_value(one, "@/etc/passwd")


# -- output -------------------------------------------------------------------------------


class Record:
    def __init__(self, number: int) -> None:
        self.number = number

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.number, "name": f"item {self.number}"}


class Stream(io.StringIO):
    def __init__(self, tty: bool = False) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


async def _pages(stream: Stream, sizes: Sequence[int]) -> AsyncIterator[list[Record]]:
    """Pages of records; before handing out the next page, checks that the previous
    one is already written out (nothing waits for the end of the list)."""
    number = 0
    for size in sizes:
        if number:
            assert f'"id": {number - 1}' in stream.getvalue()
        yield [Record(number + i) for i in range(size)]
        number += size


@pytest.mark.parametrize("sizes", [[50] * 200, [3, 0, 2], [], [0]])
def test_lists_stream_as_one_json_array(sizes: list[int]) -> None:
    stream = Stream()
    count = anyio.run(Output(json_=False, jsonl=False, stream=stream).pages, _pages(stream, sizes))
    assert count == sum(sizes)
    assert [r["id"] for r in json.loads(stream.getvalue())] == list(range(sum(sizes)))


def test_json_lines() -> None:
    stream = Stream()
    anyio.run(Output(json_=False, jsonl=True, stream=stream).pages, _pages(stream, [2, 2]))
    assert [json.loads(line)["id"] for line in stream.getvalue().splitlines()] == [0, 1, 2, 3]


def test_a_terminal_gets_a_table_page_by_page() -> None:
    stream = Stream(tty=True)
    output = Output(json_=False, jsonl=False, stream=stream)
    assert output.table

    async def pages() -> AsyncIterator[list[Record]]:
        yield [Record(1), Record(2)]
        assert "item 2" in stream.getvalue()
        yield [Record(3)]

    assert anyio.run(output.pages, pages()) == 3
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # no colours
    lines = [line.split() for line in text.splitlines() if line.strip()]
    assert lines[0] == ["id", "name"]
    assert [line[0] for line in lines[2:]] == ["1", "2", "3"]
    assert not Output(json_=True, jsonl=False, stream=Stream(tty=True)).table


def test_table_cells_and_columns() -> None:
    assert cell({"id": 1, "name": "Ada"}) == "Ada"
    assert cell([{"name": "A"}, {"name": "B"}]) == "A, B"
    assert cell(list(range(9))) == "[9]"
    assert cell("<p>Hello <b>you</b></p>") == "Hello you"
    assert cell("2026-01-05T09:25:00.123Z") == "2026-01-05 09:25"
    assert cell(True) == "yes"
    assert choose_columns({"id": 1, "title": "T", "content": "T", "status": "a"}) == [
        "id", "title", "status",
    ]  # fmt: skip
    kept, widths = fit(["id", "name"], [["1000000001", "x" * 200]], 40)
    assert kept == ["id", "name"]
    assert widths[0] == 10  # ids are never cut
    assert sum(widths) + 3 <= 40
    kept, _ = fit(["id", "a", "b", "c"], [["1" * 30, "x" * 30, "y" * 30, "z" * 30]], 60)
    assert kept[0] == "id"
    assert len(kept) < 4


# -- imports ------------------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(result.stdout.split())


@pytest.mark.slow
def test_the_sdk_never_imports_the_command_line_libraries() -> None:
    modules = _modules_after(
        "import basecamp_client\n"
        "from basecamp_client import AsyncBasecamp, Basecamp, NotFoundError\n"
        "Basecamp(access_token='t' * 20, user_agent='x (a@b.example)').for_account(1).todos"
    )
    assert "basecamp_client._core" in modules
    assert not {m for m in modules if m.split(".")[0] in ("click", "rich")}


@pytest.mark.slow
def test_help_needs_neither_the_core_nor_the_services() -> None:
    modules = _modules_after(
        "import contextlib, io\n"
        "from basecamp_client.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--help']) == 0\n"
        "    assert main(['todos', 'create', '--help']) == 0\n"
    )
    assert "click" in modules
    assert not {m for m in modules if m.startswith("basecamp_client._core")}
    assert not {m for m in modules if m.startswith("basecamp_client._generated.services")}
    assert not {m for m in modules if m.split(".")[0] in ("httpx", "anyio", "attrs", "rich")}


def test_body_fields_must_have_their_json_type() -> None:
    from basecamp_client.cli.catalog import Argument
    from basecamp_client.cli.params import from_json_value

    def arg(spec: str) -> Argument:
        return Argument("x", "x", "body", spec, False, "")

    assert from_json_value(arg("list:int"), [1, 2]) == [1, 2]
    assert from_json_value(arg("date"), "2026-03-01") == dt.date(2026, 3, 1)
    assert from_json_value(arg("enum:a|b"), "b") == "b"
    assert from_json_value(arg("bool"), False) is False
    assert from_json_value(arg("str"), None) is None
    for spec, value, message in [
        ("list:int", ["1"], "expected a number"),
        ("list:int", 1, "expected a JSON array"),
        ("int", True, "expected a number"),
        ("int", 1.5, "expected an integer"),
        ("str", 5, "expected a string"),
        ("bool", "yes", "expected true or false"),
        ("enum:a|b", "c", "'c' is not one of"),
        ("date", "soon", "not a date"),
    ]:
        with pytest.raises(click.BadParameter, match=message):
            from_json_value(arg(spec), value)


# -- standard input for uploads -------------------------------------------------------------


class _Pipe(io.RawIOBase):
    """A pipe on standard input: not seekable, a few chunks, then the given failure."""

    def __init__(self, chunks: int, failure: OSError | None) -> None:
        self.left = chunks
        self.failure = failure

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        if self.left == 0:
            if self.failure is not None:
                raise self.failure
            return 0
        self.left -= 1
        buffer[:4] = b"data"
        return 4


def _with_stdin(monkeypatch: pytest.MonkeyPatch, pipe: _Pipe) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(pipe)))


def test_piped_standard_input_is_spooled_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from basecamp_client.cli.transfer import _stdin_source

    _with_stdin(monkeypatch, _Pipe(3, None))
    with _stdin_source() as source:
        assert source.read() == b"data" * 3


def test_a_spool_that_cannot_be_written_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from basecamp_client.cli.transfer import _stdin_source

    _with_stdin(monkeypatch, _Pipe(2, OSError(errno.ENOSPC, "No space left on device")))
    with (
        pytest.raises(click.ClickException, match=r"No space left on device.*--file"),
        _stdin_source(),
    ):
        pass


def test_json_nested_too_deeply_is_a_bad_value_not_an_internal_error() -> None:
    with pytest.raises(click.BadParameter, match="nested too deeply"):
        parse_json("[" * 100_000)


def test_a_table_of_a_list_mixing_records_and_other_values() -> None:
    # A JSON-typed response is whatever the server sent: a later item that is not an
    # object gets empty cells instead of failing the command.
    from basecamp_client.cli.tables import ListTable

    stream = Stream(tty=True)
    table = ListTable(stream)
    table.add([{"id": 1, "name": "first"}, 5, {"id": 2, "name": "second"}])
    table.finish()
    text = stream.getvalue()
    assert "first" in text
    assert "second" in text
    assert table.rows == 3
