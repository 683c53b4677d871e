"""Python code blocks pulled out of Markdown files, to run them as a reader would."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import attrs

_BLOCK = re.compile(
    r"^(?:<!-- (?P<mark>[^>]*?) -->\n)?```python\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL
)


@attrs.frozen
class Snippet:
    code: str
    mark: str  # the HTML comment right above the block ("" when none)
    line: int

    def __str__(self) -> str:
        return f"line {self.line}"


def snippets(path: Path) -> list[Snippet]:
    text = path.read_text(encoding="utf-8")
    return [
        Snippet(m["code"], (m["mark"] or "").strip(), text.count("\n", 0, m.start("code")) + 1)
        for m in _BLOCK.finditer(text)
    ]


async def run_cell(snippet: Snippet, namespace: dict[str, Any], filename: str) -> None:
    """Run one block as a notebook cell does: top-level ``await`` allowed, on the running
    event loop, in a namespace shared with the other cells."""
    code = compile(
        snippet.code, f"{filename}, {snippet}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    result = eval(code, namespace)  # noqa: S307 - our own documentation, run on purpose
    if inspect.iscoroutine(result):
        await result
