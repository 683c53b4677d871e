"""Every Python sample in README.md passes ``mypy --strict``, as the examples do.

A sample is checked as its reader meets it: the quick starts as programs; the others
with the names the surrounding prose assumes (``account``, ``todolist``, ``token``…)
declared with their types — ``async`` samples inside an ``async def``, since they use
top-level ``await`` as a notebook cell does.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT
from .snippets import Snippet, snippets

README = ROOT / "README.md"

# The names the prose assumes, with their types (what tests/examples/test_readme.py
# actually puts there when it runs the samples).
_CONTEXT = """\
from collections.abc import Callable

from basecamp_client import Token
from basecamp_client.models import Person, Todo, Todolist, Upload
from basecamp_client.oauth import LaunchpadClient
from basecamp_client.testing import FakeBasecamp

launchpad: LaunchpadClient
token: str
access: str
refresh_token: str
expires_at: float
save_token: Callable[[Token], None]
code: str
todolist: Todolist
todo: Todo
vault_id: int
board_id: int
upload: Upload
me: Person
fake: FakeBasecamp
"""
CONTEXTS = {
    "readme_async_context": _CONTEXT
    + "from basecamp_client._generated.account import AsyncAccount\n\naccount: AsyncAccount\n",
    "readme_sync_context": _CONTEXT
    + "from basecamp_client._generated.account import SyncAccount\n\naccount: SyncAccount\n",
}


def _module(sample: Snippet) -> str:
    if sample.mark == "check: script":
        return sample.code
    if sample.mark == "check: sync":
        return "from readme_sync_context import *  # noqa: F403\n\n" + sample.code
    context = "from readme_async_context import *  # noqa: F403\n\n"
    if not any(word in sample.code for word in ("await ", "async with", "async for")):
        return context + sample.code
    return context + "\nasync def _cell() -> None:\n" + textwrap.indent(sample.code, "    ")


# Samples whose library the tests do not install, by their first line, and why.
UNTYPED = {
    "# tasks.py — celery -A tasks worker --concurrency 8": "Celery is not a test dependency",
}


@pytest.mark.slow  # mypy in a subprocess
def test_every_readme_sample_passes_mypy_strict(tmp_path: Path) -> None:
    samples = [s for s in snippets(README) if s.code.splitlines()[0] not in UNTYPED]
    files = []
    for name, text in CONTEXTS.items():
        (tmp_path / f"{name}.py").write_text(text)
    added: dict[str, int] = {}  # file name → lines put before the sample's first
    for sample in samples:
        path = tmp_path / f"readme_line_{sample.line}.py"
        text = _module(sample)
        path.write_text(text)
        added[path.name] = text[: text.index(sample.code.splitlines()[0])].count("\n")
        files.append(str(path))
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--warn-unreachable",
            "--python-version", "3.10", "--no-error-summary", "--hide-error-context",
            "--cache-dir", str(ROOT / ".mypy_cache"), "--follow-imports", "silent",
            "--disable-error-code", "import-untyped", *files,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    # Point each error at README.md's own line numbers.
    report = []
    for line in result.stdout.splitlines():
        name, _, rest = line.partition(":")
        if name.startswith("readme_line_") and rest.split(":")[0].isdigit():
            first = int(name.removeprefix("readme_line_").removesuffix(".py"))
            number, _, message = rest.partition(":")
            report.append(f"README.md:{first + int(number) - 1 - added[name]}:{message}")
        else:
            report.append(line)
    assert result.returncode == 0, "\n".join(report)
