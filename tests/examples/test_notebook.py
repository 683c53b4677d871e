"""examples/notebook.md: its cells run in order, inside a running event loop, as in Jupyter."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import EXAMPLES
from .snippets import run_cell, snippets

NOTEBOOK = EXAMPLES / "notebook.md"


def test_the_cells_run_inside_a_running_event_loop(capsys: pytest.CaptureFixture[str]) -> None:
    cells = [s for s in snippets(NOTEBOOK) if s.mark != "notebook-test: skip"]
    assert len(cells) >= 6
    namespace: dict[str, Any] = {"__name__": "__main__"}

    async def kernel() -> None:
        for cell in cells:
            await run_cell(cell, namespace, str(NOTEBOOK))

    asyncio.run(kernel())
    out = capsys.readouterr().out
    assert "2 projects" in out
    assert "Riverside Market Launch" in out
    assert "Backlog" in out
    assert "page 4: 25 to-dos of 120" in out
    assert "'Backlog': 120" in out
    assert "closed" in repr(namespace["bc"])


def test_the_skipped_cell_is_only_the_real_account_one() -> None:
    skipped = [s for s in snippets(NOTEBOOK) if s.mark == "notebook-test: skip"]
    assert [s.code for s in skipped] == [
        "from basecamp_client import Basecamp\n\nbc = Basecamp.from_env()\n"
        "account = bc.for_account()\n"
    ]
