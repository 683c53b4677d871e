"""The login command end to end, against a fake Launchpad on 127.0.0.1."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import stat
import subprocess
import sys
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest

from basecamp_client.__main__ import main
from basecamp_client.oauth import (
    AuthorizationDeniedError,
    LaunchpadClient,
    LaunchpadEndpoints,
    LoginError,
    StateMismatchError,
    read_token_file,
)
from basecamp_client.oauth.login import LoginSettings, authorize, login

from .fake_launchpad import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeLaunchpad,
    Page,
    fetch,
    running_launchpad,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def launchpad() -> Iterator[FakeLaunchpad]:
    with running_launchpad() as fake:
        yield fake


@pytest.fixture
def redirect_uri(launchpad: FakeLaunchpad) -> str:
    uri = f"http://localhost:{free_port()}/callback"
    launchpad.redirect_uris.add(uri)
    return uri


def settings(
    launchpad: FakeLaunchpad, redirect_uri: str, token_file: Path, **kw: object
) -> LoginSettings:
    client = LaunchpadClient(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=redirect_uri,
        endpoints=LaunchpadEndpoints.at(launchpad.url),
        grant_style=kw.pop("grant_style", "legacy"),  # type: ignore[arg-type]
    )
    return LoginSettings(launchpad=client, token_file=token_file, **kw)  # type: ignore[arg-type]


def secrets_of(launchpad: FakeLaunchpad) -> list[str]:
    issued = [t for p in launchpad.issued for t in (p["access_token"], p.get("refresh_token")) if t]
    return [CLIENT_SECRET, *issued, *launchpad.issued_codes]


def assert_no_secrets(text: str, launchpad: FakeLaunchpad) -> None:
    for secret in secrets_of(launchpad):
        assert secret not in text


def test_login_stores_tokens_privately_and_prints_no_secret(
    launchpad: FakeLaunchpad,
    redirect_uri: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token_file = tmp_path / "conf" / "token.json"
    pages: list[Page] = []
    out = io.StringIO()

    stored = login(
        settings(launchpad, redirect_uri, token_file),
        out=out,
        browser=lambda url: pages.append(launchpad.browse(url)),
    )

    assert pages[0].status == 200
    assert "You can close this tab" in pages[0].text
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(token_file.parent).st_mode) == 0o700
    saved = read_token_file(token_file)
    assert saved.token.access_token == launchpad.issued[0]["access_token"]
    assert saved.token.refresh_token == launchpad.issued[0]["refresh_token"]
    assert saved.token.expires_at is not None
    assert saved.account_id == 99999999 == stored.account_id
    assert saved.account_name == "Honcho Design"
    assert saved.client_secret is None  # not stored unless asked
    assert saved.identity["email_address"] == "jason@example.com"
    # The secret travelled in the POST body, never in a URL.
    posts = [r for r in launchpad.requests if r["method"] == "POST"]
    assert posts[0]["form"]["type"] == "web_server"
    assert posts[0]["form"]["client_secret"] == CLIENT_SECRET
    assert posts[0]["query"] == ""
    printed = out.getvalue()
    assert "99999999" in printed
    assert "Honcho Design" in printed
    assert "not usable here" in printed  # the bcx account is listed, not selectable
    assert_no_secrets(printed + caplog.text + repr(stored), launchpad)


@pytest.mark.anyio
async def test_authorize_under_each_backend_with_standard_grants_and_pkce(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    client = settings(launchpad, redirect_uri, tmp_path / "t.json", grant_style="standard")
    assert client.launchpad.uses_pkce
    token, authorization = await authorize(
        client.launchpad, out=io.StringIO(), browser=launchpad.browse, wait_seconds=30
    )
    assert token.access_token == launchpad.issued[0]["access_token"]
    assert [a.id for a in authorization.basecamp_accounts] == [99999999]
    authorize_request = next(r for r in launchpad.requests if r["path"] == "/authorization/new")
    assert authorize_request["query"]["code_challenge_method"] == "S256"
    post = next(r for r in launchpad.requests if r["method"] == "POST")
    assert post["form"]["grant_type"] == "authorization_code"
    assert len(post["form"]["code_verifier"]) >= 43


def test_forged_state_is_refused_and_nothing_is_exchanged(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    token_file = tmp_path / "token.json"
    pages: list[Page] = []
    with pytest.raises(StateMismatchError) as info:
        login(
            settings(launchpad, redirect_uri, token_file),
            out=io.StringIO(),
            browser=lambda url: pages.append(launchpad.browse(url, state="forged")),
        )
    assert info.value.hint
    assert pages[0].status == 400
    assert not any(r["method"] == "POST" for r in launchpad.requests)
    assert not token_file.exists()


def test_declined_authorization(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    launchpad.deny = True
    with pytest.raises(AuthorizationDeniedError):
        login(
            settings(launchpad, redirect_uri, tmp_path / "t.json"),
            out=io.StringIO(),
            browser=launchpad.browse,
        )


def test_other_paths_are_ignored_until_the_callback(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    def browser(url: str) -> None:
        base = redirect_uri.rsplit("/", 1)[0]
        assert fetch("GET", base + "/favicon.ico").status == 404
        assert fetch("POST", redirect_uri).status == 405
        launchpad.browse(url)

    stored = login(
        settings(launchpad, redirect_uri, tmp_path / "t.json"), out=io.StringIO(), browser=browser
    )
    assert stored.account_id == 99999999


def test_no_callback_times_out(launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path) -> None:
    with pytest.raises(LoginError, match="no callback arrived"):
        login(
            settings(launchpad, redirect_uri, tmp_path / "t.json", timeout=0.2),
            out=io.StringIO(),
            browser=lambda url: None,
        )


def test_busy_port_is_a_clear_error(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    port = int(redirect_uri.split(":")[2].split("/")[0])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        with pytest.raises(LoginError, match=f"127.0.0.1:{port}"):
            login(
                settings(launchpad, redirect_uri, tmp_path / "t.json"),
                out=io.StringIO(),
                browser=lambda url: None,
            )


def test_account_choice(launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path) -> None:
    launchpad.accounts.append(
        {"product": "bc3", "id": 5550001, "name": "Second", "href": "https://x.example/5550001"}
    )
    # Nobody to ask (no terminal): the fresh tokens are kept, with every account named
    # and none made the default.
    out = io.StringIO()
    stored = login(
        settings(launchpad, redirect_uri, tmp_path / "t.json"),
        out=out,
        browser=launchpad.browse,
    )
    assert stored.account_id is None
    assert read_token_file(tmp_path / "t.json") == stored
    assert [a_id for a_id, _name in stored.accounts] == [99999999, 5550001]
    assert "no default account" in out.getvalue()
    assert "--account ID" in out.getvalue()

    asked: list[str] = []
    answers = iter(["7", "2"])  # out of range first, then the second Basecamp account

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    stored = login(
        settings(launchpad, redirect_uri, tmp_path / "t.json"),
        out=io.StringIO(),
        browser=launchpad.browse,
        ask=ask,
    )
    assert stored.account_id == 5550001
    assert len(asked) == 2

    stored = login(
        settings(launchpad, redirect_uri, tmp_path / "t.json", account_id=99999999),
        out=io.StringIO(),
        browser=launchpad.browse,
    )
    assert stored.account_id == 99999999

    with pytest.raises(LoginError, match="bcx account"):
        login(
            settings(launchpad, redirect_uri, tmp_path / "t.json", account_id=1234567),
            out=io.StringIO(),
            browser=launchpad.browse,
        )


def test_no_basecamp_account(launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path) -> None:
    launchpad.accounts = [a for a in launchpad.accounts if a["product"] != "bc3"]
    with pytest.raises(LoginError, match="no Basecamp 4 account"):
        login(
            settings(launchpad, redirect_uri, tmp_path / "t.json"),
            out=io.StringIO(),
            browser=launchpad.browse,
        )


# -- the command line -----------------------------------------------------------------


def cli_args(launchpad: FakeLaunchpad, redirect_uri: str, token_file: Path) -> list[str]:
    return [
        "login",
        "--client-id",
        CLIENT_ID,
        "--redirect-uri",
        redirect_uri,
        "--launchpad-url",
        launchpad.url,
        "--token-file",
        str(token_file),
    ]


def test_cli_reads_the_secret_from_the_environment(
    launchpad: FakeLaunchpad,
    redirect_uri: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("BASECAMP_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setattr(webbrowser, "open", launchpad.browse)
    token_file = tmp_path / "token.json"

    code = main([*cli_args(launchpad, redirect_uri, token_file), "--save-client-secret", "-v"])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Saved the tokens for account 99999999" in captured.out
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert read_token_file(token_file).client_secret == CLIENT_SECRET
    assert_no_secrets(captured.out + captured.err + caplog.text, launchpad)


def test_cli_errors_are_one_line_with_an_exit_code(
    launchpad: FakeLaunchpad,
    redirect_uri: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("BASECAMP_CLIENT_SECRET", raising=False)
    assert main(cli_args(launchpad, redirect_uri, tmp_path / "t.json")) == 2
    assert "BASECAMP_CLIENT_SECRET" in capsys.readouterr().err

    monkeypatch.setenv("BASECAMP_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setattr(webbrowser, "open", lambda url: launchpad.browse(url, state="x"))
    assert main(cli_args(launchpad, redirect_uri, tmp_path / "t.json")) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "state" in err
    assert "Traceback" not in err

    args = cli_args(launchpad, "https://example.com/callback", tmp_path / "t.json")
    assert main(args) == 2
    assert "http://localhost:PORT" in capsys.readouterr().err


def test_cli_without_a_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "login" in capsys.readouterr().err


def test_cli_no_browser_in_a_subprocess(
    launchpad: FakeLaunchpad, redirect_uri: str, tmp_path: Path
) -> None:
    token_file = tmp_path / "token.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    env["BASECAMP_CLIENT_SECRET"] = CLIENT_SECRET
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "basecamp_client",
            *cli_args(launchpad, redirect_uri, token_file),
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.strip().startswith("http"):
                launchpad.browse(line.strip())
                break
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    printed = "".join(lines) + out + err
    assert "Open this URL" in printed
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    data = json.loads(token_file.read_text())
    assert data["account"]["id"] == 99999999
    assert "client_secret" not in data["client"]
    assert_no_secrets(printed, launchpad)
