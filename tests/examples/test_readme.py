"""Every Python sample in README.md runs against the fake Basecamp, or is listed below
with the reason it cannot.

A sample is marked by an HTML comment on the line above its fence (invisible on the
rendered page): ``<!-- check: script -->`` runs as a program in a subprocess, with the
``BASECAMP_*`` variables pointing at a fake server; ``check: async`` runs like a notebook
cell (top-level ``await``) and ``check: sync`` like plain code, both with ``account``,
``token``, ``todolist``… already defined, as the surrounding prose assumes.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from basecamp_client import AsyncBasecamp, Basecamp, Token
from basecamp_client.oauth.token_file import StoredLogin, write_token_file
from basecamp_client.testing import FakeBasecamp, FakeServer

from .conftest import EXAMPLES, ROOT, TOKEN, USER_AGENT, real_account_env
from .snippets import Snippet, run_cell, snippets

README = ROOT / "README.md"
SAMPLES = snippets(README)

# Samples that cannot run here, by their first line, and why.
UNCHECKED = {
    "from basecamp_client.oauth import LaunchpadClient": "talks to Launchpad",
    "from typing import Any": "needs Redis (the RedisSeenStore sample)",
    "# app.py — gunicorn app:app -k uvicorn.workers.UvicornWorker -w 4": "needs gunicorn, Redis",
    "# tasks.py — celery -A tasks worker --concurrency 8": "needs Celery and a broker",
    "from typing import Literal": "streams until stopped "
    "(tests/events/test_stream.py covers it against the fake's WebSocket channel)",
}


def marked(kind: str) -> list[Snippet]:
    return [s for s in SAMPLES if s.mark == f"check: {kind}"]


def test_every_sample_is_checked_or_excused() -> None:
    unmarked = {s.code.splitlines()[0] for s in SAMPLES if not s.mark.startswith("check: ")}
    assert unmarked == set(UNCHECKED)
    assert len(marked("script")) == 2  # the two quick starts


@pytest.mark.slow  # a subprocess
def test_the_quick_starts_say_what_they_did(served: FakeServer) -> None:
    async_start, sync_start = marked("script")
    out = _run(async_start, served)
    assert out.splitlines()[0] == "Hello, Marisol Quintero"
    assert "Riverside Market Launch        updated 2026-01-05" in out
    out = _run(sync_start, served)
    assert out.startswith("Done: http")
    created = [
        r
        for r in served.fake.store.recordings.values()
        if r.kind == "Todolist" and r.data.get("name") == "Tried basecamp-client"
    ]
    assert len(created) == 1


def _run(sample: Snippet, served: FakeServer) -> str:
    result = subprocess.run(
        [sys.executable, "-c", sample.code],
        env=real_account_env(served),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture
def context(served: FakeServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """What the README's prose assumes is already there when a sample starts."""
    # A home with the token file `python -m basecamp_client login` would have written.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("BASECAMP_CLIENT_SECRET", "the-client-secret-from-launchpad")
    login = StoredLogin(
        token=Token(access_token=TOKEN, refresh_token="refresh-me-later", expires_at=2e9),
        client_id="readme-client",
        redirect_uri="http://localhost:8765/callback",
        account_id=served.fake.account_id,
    )
    write_token_file(tmp_path / ".config" / "basecamp-client" / "token.json", login)
    # Files the samples upload, and a folder they download into, in the current directory.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "q3.pdf").write_bytes(b"%PDF-1.4 a tiny made-up report\n")
    (tmp_path / "chart.png").write_bytes((EXAMPLES / "assets" / "demo-card.png").read_bytes())
    (tmp_path / "downloads").mkdir()
    for name, value in real_account_env(served).items():
        if name.startswith("BASECAMP_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("BASECAMP_WEBHOOK_TOKEN", "t" * 32)
    return {
        "__name__": "readme_sample",
        "fake": served.fake,
        "token": TOKEN,
        "access": TOKEN,
        "refresh_token": "a-refresh-token-for-the-readme",
        "expires_at": 1_900_000_000.0,
        "save_token": lambda token: None,
    }


@pytest.mark.parametrize("sample", marked("async"), ids=str)
def test_async_sample_runs(sample: Snippet, context: dict[str, Any]) -> None:
    async def cell() -> None:
        async with AsyncBasecamp(
            access_token=TOKEN, user_agent=USER_AGENT, base_url=_base_url(context)
        ) as client:
            account = client.for_account(context["fake"].account_id)
            context["account"] = account
            context.update(await _scene(account))
            await run_cell(sample, context, str(README))

    asyncio.run(cell())


@pytest.mark.parametrize("sample", marked("sync"), ids=str)
def test_sync_sample_runs(sample: Snippet, context: dict[str, Any]) -> None:
    with Basecamp(access_token=TOKEN, user_agent=USER_AGENT, base_url=_base_url(context)) as c:
        context["account"] = c.for_account(context["fake"].account_id)
        exec(compile(sample.code, f"{README}, {sample}", "exec"), context)  # noqa: S102


def _base_url(context: dict[str, Any]) -> str:
    fake: FakeBasecamp = context["fake"]
    import os

    assert os.environ["BASECAMP_ACCOUNT_ID"] == str(fake.account_id)
    return os.environ["BASECAMP_BASE_URL"]


async def _scene(account: Any) -> dict[str, Any]:
    """The records the prose refers to: a to-do list and one of its to-dos, a project's
    folder and message board, an upload in that folder, and the person signed in."""
    project = (await account.projects.list())[0]
    tools = {t.name: t.id for t in project.dock}
    lists = await account.todolists.list(todoset_id=tools["todoset"])
    uploads = await account.uploads.list(vault_id=tools["vault"])
    backlog = next(t for t in lists if t.name == "Backlog")
    return {
        "todolist": backlog,
        "todo": (await account.todos.list(todolist_id=backlog.id, max_items=1))[0],
        "vault_id": tools["vault"],
        "board_id": tools["message_board"],
        "upload": uploads[0],
        "me": await account.my_profile.get(),
    }
