"""Regenerating from Basecamp's published description still works.

This is the regenerate-on-upstream-change workflow: generate an SDK from
``../shared/reference/basecamp-openapi.json`` (or ``$BASECAMP_REFERENCE_DIR``) into a
temporary package, import it, and run a few operations through the real client core.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client._core import AccountSession
from codegen.generate import api_from

from .support import REPO, generated_package, reference_dir

UPSTREAM = reference_dir() / "basecamp-openapi.json"

pytestmark = pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} is absent")


@pytest.fixture(scope="module")
def upstream_sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    tmp = tmp_path_factory.mktemp("upstream")
    with generated_package(api_from(UPSTREAM), tmp, "upstream_sdk") as package:
        yield package


def test_every_upstream_operation_is_generated(upstream_sdk: ModuleType) -> None:
    from upstream_sdk.account import OPERATIONS  # type: ignore[import-not-found]

    document = json.loads(UPSTREAM.read_text(encoding="utf-8"))
    ids = {
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert set(OPERATIONS) == ids
    assert OPERATIONS["GetProject"] == ("projects", "get")
    assert OPERATIONS["ListProjects"] == ("projects", "list")
    assert OPERATIONS["GetCardTable"] == ("card_tables", "get")


@pytest.mark.slow
def test_upstream_package_passes_mypy_strict(upstream_sdk: ModuleType) -> None:
    package_dir = Path(upstream_sdk.__file__).parent
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10",
            "--no-incremental", "--cache-dir", str(package_dir.parent / ".mypy_cache"),
            "-p", "upstream_sdk",
        ],
        capture_output=True, text=True, check=False, cwd=package_dir.parent,
        env={"MYPYPATH": str(REPO / "src"), "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.anyio
async def test_calls_through_the_real_core(upstream_sdk: ModuleType) -> None:
    from upstream_sdk.account import AsyncAccount  # type: ignore[import-not-found]

    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        path = request.url.path
        if path == "/42/projects/1":
            return httpx.Response(
                200, json={"id": 1, "name": "HQ", "created_at": "2026-01-02T03:04:05Z", "new": 1}
            )
        if path == "/42/projects.json" and request.method == "GET":
            return httpx.Response(200, json=[{"id": 1, "name": "HQ"}, {"id": 2, "name": "B"}])
        if path == "/42/todolists/5/todos.json":
            return httpx.Response(201, json={"id": 9, "content": "Ship it", "due_on": "2026-02-03"})
        if path == "/42/projects/1" and request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(204)

    async with AsyncBasecamp(
        access_token="t", user_agent="up (t@example.com)", transport=httpx.MockTransport(handler)
    ) as client:
        account = AsyncAccount(AccountSession(client._core, 42))
        project = await account.projects.get(project_id=1)
        assert project.created_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert project.extra == {"new": 1}
        assert [p.id for p in await account.projects.list()] == [1, 2]
        todo: Any = await account.call(
            "CreateTodo", todolist_id=5, content="Ship it", due_on=dt.date(2026, 2, 3)
        )
        assert todo.due_on == dt.date(2026, 2, 3)
        assert await account.projects.trash(project_id=1) is None

    assert [(r.method, r.url.path) for r in sent] == [
        ("GET", "/42/projects/1"),
        ("GET", "/42/projects.json"),
        ("POST", "/42/todolists/5/todos.json"),
        ("DELETE", "/42/projects/1"),
    ]
    assert json.loads(sent[2].content) == {"content": "Ship it", "due_on": "2026-02-03"}
