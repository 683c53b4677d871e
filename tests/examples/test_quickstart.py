"""examples/quickstart.py: the tour `make demo` runs, and its real-account mode."""

from __future__ import annotations

from typing import Any

import pytest

from basecamp_client.testing import FakeBasecamp, FakeServer

from .conftest import TOKEN, USER_AGENT, clean_env, load_example, real_account_env, run_example

quickstart = load_example("quickstart")

WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}


def writes(fake: FakeBasecamp) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in WRITE_METHODS]


@pytest.mark.slow  # a subprocess
def test_the_tour_runs_green_against_the_fake() -> None:
    result = run_example("quickstart")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "tour against a fake Basecamp serving http://127.0.0.1:" in out
    expected = [
        "Async client: AsyncBasecamp",
        "Signed in as      Marisol Quintero",
        "Projects          2 (X-Total-Count: 2)",
        "[x] Install basecamp-client",
        "[ ] Run make demo",
        "Message + image",
        "Backlog: 120 open to-dos in 4 pages of 15 + 30 + 50 + 25 (X-Total-Count: 120)",
        "GET it again: 304 Not Modified, the cached Project returned",
        "Sync client: Basecamp",
        ": 1 done, 2 to go",
        "Backlog, page by page: 15, 30, 50, 25",
        "project fetched twice: 304, from the cache",
        "answered 304 Not Modified.",
    ]
    for line in expected:
        assert line in out, line
    # Expected lines appear in this order: the tour reads top to bottom.
    positions = [out.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "Traceback" not in out
    # Each step shows the SDK code it ran, right under it.
    code = [line.strip() for line in out.splitlines() if line.strip().startswith("» ")]
    assert "» me = await account.my_profile.get()" in code
    assert "» await account.todos.complete(todo_id=todo.id)" in code
    assert "» projects = account.projects.list().collect()" in code
    assert out.index("Signed in as") < out.index("» me = await") < out.index("Projects")
    assert len(out.splitlines()) < 55, "the tour should stay short"


def test_in_process_tour(capsys: pytest.CaptureFixture[str]) -> None:
    assert quickstart.main(["--in-process"], environ={}) == 0
    out = capsys.readouterr().out
    assert "a fake Basecamp in this process" in out
    assert "[x] Install basecamp-client" in out
    assert "304 Not Modified" in out


@pytest.mark.slow  # a subprocess
def test_real_account_mode_is_read_only_without_write(served: FakeServer) -> None:
    result = run_example("quickstart", env=real_account_env(served))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Basecamp at {served.base_url}, account {served.fake.account_id} (read-only" in out
    assert "To-do list        skipped (read-only): --write creates one" in out
    assert "Message + image   skipped (read-only): --write posts one" in out
    assert "Backlog: 120 open to-dos in 4 pages" in out
    assert "0 of them writes" in out
    assert writes(served.fake) == []
    # The settings came from the environment: the fake accepts only TOKEN, and saw our agent.
    assert all(r.headers["user-agent"].startswith(USER_AGENT) for r in served.fake.requests)
    assert TOKEN not in out + result.stderr


def test_write_creates_then_trashes(served: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    env = real_account_env(served)
    assert quickstart.main(["--write"], environ=env) == 0
    out = capsys.readouterr().out
    assert "(--write: creates, then trashes)" in out
    assert "[x] Install basecamp-client" in out
    assert "Cleanup           moved what the tour made to the trash (a to-do list" in out
    sent = writes(served.fake)
    assert any(w.endswith("/todolists.json") for w in sent)
    trashed = [w for w in sent if w.endswith("/status/trashed.json")]
    assert trashed, sent
    demo_lists = [
        r
        for r in served.fake.store.recordings.values()
        if r.kind == "Todolist" and r.data.get("name", "").startswith("basecamp-client demo")
    ]
    assert [r.status for r in demo_lists] == ["trashed"]


def test_write_keep_leaves_what_it_made(
    served: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert quickstart.main(["--write", "--keep"], environ=real_account_env(served)) == 0
    out = capsys.readouterr().out
    assert "Kept              what the tour made (a to-do list" in out
    assert not any(w.endswith("/status/trashed.json") for w in writes(served.fake))


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (
            "BASECAMP_TOKEN",
            "BASECAMP_ACCOUNT_ID and BASECAMP_USER_AGENT are set but BASECAMP_TOKEN is not",
        ),
        (
            "BASECAMP_USER_AGENT",
            "BASECAMP_TOKEN and BASECAMP_ACCOUNT_ID are set but BASECAMP_USER_AGENT is not",
        ),
    ],
)
def test_a_partial_environment_is_refused(
    served: FakeServer, missing: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = real_account_env(served)
    del env[missing]
    assert quickstart.main([], environ=env) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert served.fake.requests == []


@pytest.mark.slow  # a subprocess
def test_a_partial_environment_in_a_subprocess_is_one_line() -> None:
    result = run_example("quickstart", env=clean_env(BASECAMP_TOKEN=TOKEN))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "BASECAMP_ACCOUNT_ID and BASECAMP_USER_AGENT are not" in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_a_rejected_token_is_one_clear_line(
    served: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = real_account_env(served, BASECAMP_TOKEN="not-the-right-token-123")
    assert quickstart.main([], environ=env) == 3
    err = capsys.readouterr().err
    assert "AuthError" in err
    assert "HTTP 401" in err
    assert "not-the-right-token-123" not in err


def test_a_bad_setting_names_the_variable(
    served: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = real_account_env(served, BASECAMP_ACCOUNT_ID="abc")
    assert quickstart.main([], environ=env) == 2
    assert "BASECAMP_ACCOUNT_ID must be a number, got 'abc'" in capsys.readouterr().err


def test_fake_flag_ignores_the_account_settings(
    served: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert quickstart.main(["--fake", "--in-process"], environ=real_account_env(served)) == 0
    assert "a fake Basecamp in this process" in capsys.readouterr().out
    assert served.fake.requests == []


def test_keep_needs_write(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        quickstart.main(["--keep"], environ={})
    assert exit_info.value.code == 2
    assert "--keep only makes sense with --write" in capsys.readouterr().err


def test_project_choice_prefers_one_with_todos_and_a_board() -> None:
    fake = FakeBasecamp()
    bare = fake.add_project("Bare")
    full = fake.add_project("Full")
    projects: list[Any] = []
    import httpx

    from basecamp_client.models import Project

    with httpx.Client(
        transport=fake.transport(),
        base_url=f"https://3.basecampapi.com/{fake.account_id}",
        headers={"User-Agent": USER_AGENT, "Authorization": "Bearer x"},
    ) as http:
        for project_id in (bare, full):
            data = http.get(f"/projects/{project_id}").json()
            if project_id == bare:
                for tool in data["dock"]:
                    tool["enabled"] = tool["name"] not in {"todoset", "message_board"}
            projects.append(Project.from_dict(data))
    assert quickstart.pick_project(projects).name == "Full"
    assert quickstart.pick_project(projects[:1]).name == "Bare"
    assert quickstart.pick_project([]) is None
    assert quickstart.ratio_total("3/120") == 120
    assert quickstart.ratio_total(None) == 0
