"""What a type checker tells a user of ``update()``/``edit()`` and creates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USAGE = """
import datetime as dt
from basecamp_client import NULL, AsyncBasecamp, Basecamp


async def use(bc: AsyncBasecamp) -> None:
    account = bc.for_account(1)
    async with account.todos.edit(todo_id=1) as todo:
        todo.content = "fine"
        todo.due_on = None
        todo.due_on = dt.date(2030, 1, 1)
        todo.titel = "typo"  # line 11
        todo.content = 3  # line 12
        reveal_type(todo.saved)  # line 13
    await account.todos.update(todo_id=1, due_on=None, content="x")
    await account.todos.create(todolist_id=1, content="x", due_on=NULL)
    await account.todos.create(todolist_id=1, content="x", due_on=None)  # line 16


def use_sync(bc: Basecamp) -> None:
    with bc.for_account(1).schedule_entries.edit(entry_id=1) as entry:
        entry.participant_ids = [1, 2]
        reveal_type(entry.record)  # line 22
"""


def test_drafts_and_nulls_are_checked_statically(tmp_path: Path) -> None:
    source = tmp_path / "usage.py"
    source.write_text(USAGE.lstrip("\n"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(source)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    # Matched by file name: mypy's cache may report an earlier run's temporary path.
    lines = {
        int(line.split("usage.py:", 1)[1].split(":")[0]): line.split(": ", 2)[-1]
        for line in result.stdout.splitlines()
        if "usage.py:" in line
    }
    assert set(lines) == {11, 12, 13, 16, 22}, result.stdout
    assert '"TodoDraft" has no attribute "titel"' in lines[11]
    assert 'variable has type "str"' in lines[12]
    assert "Todo | None" in lines[13]
    assert '"date | Null | Unset"' in lines[16]
    assert "ScheduleEntry" in lines[22]
