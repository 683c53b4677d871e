"""Benchmark data: a lean project, one very long to-do list and one large file.

``make bench`` measures clients against a fake started with ``serve --bench``. Names
are fixed so that a harness finds everything through the API alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._resources.files import new_upload, new_vault
from ._resources.projects import new_project, tool
from ._resources.todos import new_todo, new_todolist

if TYPE_CHECKING:
    from ._app import FakeBasecamp

PROJECT = "Benchmarks"
LONG_LIST = "Long list"
WRITES_LIST = "Writes"
FILES_VAULT = "Large files"
FILE_NAME = "large.bin"
DEFAULT_TODOS = 10_000
DEFAULT_FILE_BYTES = 200 * 1024 * 1024

# With these three tools and this description the project's JSON is about 1.5 KB; the
# full seven-tool dock of a sample project makes it 2.4 KB.
_TOOLS = ("message_board", "todoset", "vault")
_DESCRIPTION = (
    "Fixtures for make bench: a to-do list with thousands of entries, a list that "
    "receives new to-dos, and one large upload."
)


@attrs.frozen
class BenchData:
    """Ids of what :func:`add_bench_data` created."""

    project_id: int
    long_list_id: int
    writes_list_id: int
    upload_id: int | None


def pattern_bytes(size: int) -> bytes:
    """``size`` bytes of a repeating, non-constant pattern (cheap to make, not all zeros)."""
    block = bytes(range(256)) * 4096  # 1 MiB
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


def add_bench_data(
    fake: FakeBasecamp, *, todos: int = DEFAULT_TODOS, file_bytes: int = DEFAULT_FILE_BYTES
) -> BenchData:
    """Add the benchmark project to ``fake``: ``todos`` to-dos in one list and, unless
    ``file_bytes`` is 0, an upload of that many bytes."""
    if isinstance(todos, bool) or not isinstance(todos, int) or todos < 0:
        raise ValueError(f"todos must be a non-negative integer, got {todos!r}")
    if isinstance(file_bytes, bool) or not isinstance(file_bytes, int) or file_bytes < 0:
        raise ValueError(f"file_bytes must be a non-negative integer, got {file_bytes!r}")
    with fake._lock:
        store = fake.store
        owner = fake.owner_id
        project = new_project(store, PROJECT, _DESCRIPTION, creator_id=owner)
        project.data["dock"] = [
            tid for tid in project.data["dock"] if store.recordings[tid].data["tool_name"] in _TOOLS
        ]
        todoset = tool(store, project, "Todoset")
        long_list = new_todolist(store, todoset, LONG_LIST, creator_id=owner)
        for n in range(1, todos + 1):
            new_todo(store, long_list, f"Benchmark to-do #{n:05d}", creator_id=owner)
        writes = new_todolist(store, todoset, WRITES_LIST, creator_id=owner)
        upload_id = None
        if file_bytes:
            vault = new_vault(store, tool(store, project, "Vault"), FILES_VAULT, creator_id=owner)
            blob = store.add_blob(
                filename=FILE_NAME,
                content_type="application/octet-stream",
                data=pattern_bytes(file_bytes),
                creator_id=owner,
                when=store.now(),
            )
            upload_id = new_upload(store, vault, blob, creator_id=owner).id
        return BenchData(project.id, long_list.id, writes.id, upload_id)
