"""``basecamp …`` end to end: help, lists, a create, a chain of reads, errors and their
exit codes, files in and out — each a real subprocess against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from basecamp_client.testing import FakeServer

from .conftest import TOKEN, clean_env, run

pytestmark = pytest.mark.slow  # subprocesses


def test_help_at_every_level(env: dict[str, str]) -> None:
    top = run("--help", env=env)
    assert top.code == 0
    assert "todos" in top.out
    assert "To-dos: create, change, complete, reorder." in top.out
    assert "card-tables" in top.out  # services are kebab-case, like the options
    for tool in ("call", "completion", "download", "login"):
        assert f"\n  {tool} " in top.out

    service = run("todos", "--help", env=env)
    assert service.code == 0
    assert "create-in-todoset" in service.out
    assert "Mark a to-do as done." in service.out

    method = run("todos", "create", "--help", env=env)
    assert method.code == 0
    out = " ".join(method.out.split())
    assert "Usage: basecamp todos create --todolist-id INT --content TEXT [OPTIONS]" in out
    assert "--assignee-ids INT... Ids of the people to assign." in out
    assert "--due-on YYYY-MM-DD Due date." in out
    assert "--notify / --no-notify" in out
    assert "POST /todolists/{todolistId}/todos.json (operation CreateTodo)" in out

    listing = " ".join(run("projects", "list", "--help", env=env).out.split())
    assert "--status [active|archived|trashed]" in listing
    assert "--max-items N" in listing
    assert "--page INT" in listing


def test_no_arguments_prints_the_help_to_stderr(env: dict[str, str]) -> None:
    result = run(env=env)
    assert result.code == 2
    assert result.out == ""
    assert "Services" in result.err


def test_a_list_is_one_json_array_or_json_lines(env: dict[str, str]) -> None:
    result = run("projects", "list", env=env)
    assert result.code == 0, result.err
    projects = result.json()
    assert [p["name"] for p in projects][:1] == ["Riverside Market Launch"]
    assert result.err == ""

    lines = run("people", "list", "--jsonl", "--max-items", "2", env=env)
    assert lines.code == 0
    assert len(lines.lines()) == 2
    assert all("email_address" in p for p in lines.lines())


def test_a_chain_of_reads(env: dict[str, str]) -> None:
    project = run("projects", "list", "--max-items", "1", env=env).json()[0]
    tools = {t["name"]: t["id"] for t in project["dock"]}
    todoset = run("todosets", "get", "--todoset-id", str(tools["todoset"]), env=env).json()
    assert todoset["bucket"]["id"] == project["id"]
    lists = run("todolists", "list", "--todoset-id", str(todoset["id"]), env=env).json()
    first = lists[0]
    todos = run("todos", "list", "--todolist-id", str(first["id"]), env=env).json()
    by_op = run("call", "GetTodo", "--todo-id", str(todos[0]["id"]), env=env).json()
    assert by_op["id"] == todos[0]["id"]
    assert by_op["parent"]["id"] == first["id"]


def test_create_complete_and_update(env: dict[str, str], served: FakeServer) -> None:
    project = run("projects", "list", "--max-items", "1", env=env).json()[0]
    todoset_id = next(t["id"] for t in project["dock"] if t["name"] == "todoset")
    todolist = run(
        "todolists", "create", "--todoset-id", str(todoset_id), "--name", "From the shell",
        env=env,
    ).json()  # fmt: skip
    people = [p["id"] for p in run("people", "list", "--max-items", "2", env=env).json()]

    created = run(
        "todos", "create", "--todolist-id", str(todolist["id"]), "--content", "Ship it",
        "--assignee-ids", *map(str, people), "--due-on", "2026-03-01", "--notify",
        env=env,
    )  # fmt: skip
    assert created.code == 0, created.err
    todo = created.json()
    assert todo["content"] == "Ship it"
    assert [a["id"] for a in todo["assignees"]] == people
    assert todo["due_on"] == "2026-03-01"
    assert served.fake.store.recordings[todo["id"]].data["content"] == "Ship it"

    done = run("todos", "complete", "--todo-id", str(todo["id"]), env=env)
    assert (done.code, done.out, done.err) == (0, "", "")

    updated = run(
        "todos", "update", "--todo-id", str(todo["id"]), "--content", "Shipped",
        "--clear", "due-on", env=env,
    ).json()  # fmt: skip
    assert (updated["content"], updated["due_on"], updated["completed"]) == ("Shipped", None, True)
    assert [a["id"] for a in updated["assignees"]] == people  # kept: update merges


def test_a_body_from_a_file(env: dict[str, str], tmp_path: Path) -> None:
    project = run("projects", "list", "--max-items", "1", env=env).json()[0]
    board = next(t["id"] for t in project["dock"] if t["name"] == "message_board")
    body = tmp_path / "message.json"
    body.write_text(json.dumps({"subject": "From a file", "content": "<p>Hello</p>"}))
    result = run(
        "messages", "create", "--board-id", str(board), "--body", f"@{body}",
        "--subject", "The option wins", env=env,
    )  # fmt: skip
    assert result.code == 0, result.err
    message = result.json()
    assert (message["subject"], message["content"]) == ("The option wins", "<p>Hello</p>")


def test_not_found_exits_5_with_one_line_on_stderr(env: dict[str, str]) -> None:
    result = run("projects", "get", "--project-id", "999", env=env)
    assert result.code == 5
    assert result.out == ""
    assert result.err.startswith("error: GetProject: ")
    assert "(HTTP 404)" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["todos", "complete", "--todo-id", "abc"], "'abc' is not a valid integer"),
        (["todos", "create", "--todolist-id", "1"], "Missing option '--content'"),
        (["todos", "list", "--todolist-id", "1", "--status", "done"], "'done' is not one of"),
        (["todos", "create", "--todolist-id", "1", "--content", "x", "--due-on", "soon"],
         "'soon' is not a date"),
        (["todos", "get", "--todo-id", "1", "--color", "red"], "--color"),
        (["messages", "create", "--board-id", "1", "--body", "{"], "not valid JSON"),
        (["projects", "frobnicate"], "No such command 'frobnicate'"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_a_usage_hint(
    env: dict[str, str], args: list[str], message: str
) -> None:
    result = run(*args, env=env)
    assert result.code == 2
    assert result.out == ""
    first, *rest = result.err.strip().splitlines()
    assert first.startswith("error: ")
    assert message in first
    assert len(rest) == 1
    assert rest[0].startswith("usage: basecamp ")
    assert "--help" in rest[0]


def test_authentication_errors_and_tokens(env: dict[str, str]) -> None:
    wrong = "a-wrong-token-that-must-not-show-0123456789"
    result = run("projects", "list", env={**env, "BASECAMP_TOKEN": wrong})
    assert result.code == 3
    assert result.out == ""
    assert wrong not in result.err
    assert TOKEN not in result.err

    nothing = {k: v for k, v in env.items() if k != "BASECAMP_TOKEN"}
    missing = run("projects", "list", env=nothing)
    assert missing.code == 3
    assert "basecamp login" in missing.err

    no_agent = {k: v for k, v in env.items() if k != "BASECAMP_USER_AGENT"}
    result = run("projects", "list", env=no_agent)
    assert result.code == 2
    assert "BASECAMP_USER_AGENT" in result.err


def test_upload_from_stdin_and_download_to_stdout(env: dict[str, str], tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    attachment = run(
        "attachments", "upload", "--file", "-", "--name", "blob.bin", env=env, stdin=data
    )
    assert attachment.code == 0, attachment.err
    sgid = attachment.json()["attachable_sgid"]
    project = run("projects", "list", "--max-items", "1", env=env).json()[0]
    vault = next(t["id"] for t in project["dock"] if t["name"] == "vault")
    upload = run(
        "uploads", "create", "--vault-id", str(vault), "--attachable-sgid", sgid, env=env
    ).json()

    downloaded = run("download", upload["download_url"], env=env)
    assert downloaded.code == 0, downloaded.err
    assert downloaded.raw == data

    saved = run("download", upload["download_url"], "-o", str(tmp_path), env=env)
    assert saved.code == 0, saved.err
    assert json.loads(saved.out) == {"path": str(tmp_path / "blob.bin")}
    assert (tmp_path / "blob.bin").read_bytes() == data
    again = run("download", upload["download_url"], "-o", str(tmp_path / "blob.bin"), env=env)
    assert again.code == 2
    assert "--overwrite" in again.err


def test_the_token_file_written_by_login(served: FakeServer, tmp_path: Path) -> None:
    from basecamp_client import Token
    from basecamp_client.oauth.token_file import StoredLogin, write_token_file

    write_token_file(
        tmp_path / ".config" / "basecamp-client" / "token.json",
        StoredLogin(
            token=Token(access_token=TOKEN, refresh_token="r" * 20, expires_at=4e9),
            client_id="cli-tests",
            redirect_uri="http://localhost:8765/callback",
            accounts=((served.fake.account_id, "Larkspur"), (7, "Other")),
        ),
    )
    env = clean_env(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / ".config"),
        BASECAMP_USER_AGENT="cli tests (tests@example.com)",
        BASECAMP_BASE_URL=served.base_url,
    )
    undecided = run("my-profile", "get", env=env)
    assert undecided.code == 2
    assert f"{served.fake.account_id} (Larkspur), 7 (Other)" in undecided.err
    assert "--account" in undecided.err

    me = run("--account", str(served.fake.account_id), "my-profile", "get", env=env)
    assert me.code == 0, me.err
    assert me.json()["name"] == "Marisol Quintero"
    assert run("my-profile", "get", "--account", str(served.fake.account_id), env=env).code == 0


def test_completion_scripts(env: dict[str, str]) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = run("completion", shell, env=env)
        assert result.code == 0
        assert "_BASECAMP_COMPLETE" in result.out

    completions = run(
        env={**env, "_BASECAMP_COMPLETE": "bash_complete", "COMP_WORDS": "basecamp todos cr",
             "COMP_CWORD": "2"},
    )  # fmt: skip
    assert completions.code == 0
    assert "create" in completions.out
    assert "create-in-todoset" in completions.out


def test_a_reader_that_leaves_early_stops_the_list(env: dict[str, str]) -> None:
    import subprocess
    import sys

    project = run("projects", "list", "--max-items", "1", env=env).json()[0]
    todoset = next(t["id"] for t in project["dock"] if t["name"] == "todoset")
    lists = run("todolists", "list", "--todoset-id", str(todoset), env=env).json()
    backlog = next(t for t in lists if t["name"] == "Backlog")  # 120 to-dos, 4 pages
    with subprocess.Popen(
        [sys.executable, "-m", "basecamp_client", "todos", "list", "--jsonl",
         "--todolist-id", str(backlog["id"])],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        assert process.stderr is not None
        first = json.loads(process.stdout.readline())
        process.stdout.close()  # `| head -n 1`
        err = process.stderr.read()
        code = process.wait(timeout=60)
    assert first["parent"]["id"] == backlog["id"]
    assert code == 141
    assert err == b""


def test_an_expired_token_in_the_token_file_is_refreshed_and_saved(tmp_path: Path) -> None:
    from basecamp_client import Token
    from basecamp_client.oauth import LaunchpadEndpoints
    from basecamp_client.oauth.token_file import StoredLogin, read_token_file, write_token_file
    from basecamp_client.testing import FakeBasecamp

    from ..oauth.fake_launchpad import CLIENT_ID, CLIENT_SECRET, running_launchpad

    token_file = tmp_path / "token.json"
    with running_launchpad() as launchpad, FakeBasecamp.with_sample_data().serve() as server:
        launchpad.refresh_tokens.add("refresh-for-the-cli-test")
        write_token_file(
            token_file,
            StoredLogin(
                token=Token(
                    access_token="expired-access-token-0123",
                    refresh_token="refresh-for-the-cli-test",
                    expires_at=1_000_000.0,  # long ago
                ),
                client_id=CLIENT_ID,
                redirect_uri="http://localhost:8765/callback",
                endpoints=LaunchpadEndpoints.at(launchpad.url),
                account_id=server.fake.account_id,
            ),
        )
        env = clean_env(
            HOME=str(tmp_path),
            BASECAMP_TOKEN_FILE=str(token_file),
            BASECAMP_CLIENT_SECRET=CLIENT_SECRET,
            BASECAMP_USER_AGENT="cli tests (tests@example.com)",
            BASECAMP_BASE_URL=server.base_url,
        )
        result = run("my-profile", "get", env=env)

        assert result.code == 0, result.err
        assert result.json()["name"] == "Marisol Quintero"
        (issued,) = launchpad.issued
        saved = read_token_file(token_file)
        assert saved.token.access_token == issued["access_token"]
        assert saved.token.refresh_token == "refresh-for-the-cli-test"
        assert issued["access_token"] not in result.out + result.err
        assert CLIENT_SECRET not in result.out + result.err

        # Without the client secret, the expired token cannot be refreshed: a clear error.
        write_token_file(token_file, saved.with_token(Token(
            access_token="expired-again-0123", refresh_token="refresh-for-the-cli-test",
            expires_at=1_000_000.0,
        )))  # fmt: skip
        no_secret = {k: v for k, v in env.items() if k != "BASECAMP_CLIENT_SECRET"}
        result = run("my-profile", "get", env=no_secret)
        assert result.code == 2
        assert "no client secret to refresh" in result.err
        assert "BASECAMP_CLIENT_SECRET" in result.err
