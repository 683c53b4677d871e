"""The token file: owner-only from the first byte, atomic rewrites, clear errors."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from basecamp_client.oauth import (
    LaunchpadEndpoints,
    StoredLogin,
    Token,
    TokenFileError,
    default_token_file,
    read_token_file,
    write_token_file,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

LOGIN = StoredLogin(
    token=Token(access_token="acc-SECRET", refresh_token="ref-SECRET", expires_at=1234.5),
    client_id="cid",
    client_secret="client-SECRET",
    redirect_uri="http://localhost:8765/callback",
    endpoints=LaunchpadEndpoints.at("http://127.0.0.1:9"),
    account_id=42,
    account_name="Acme",
    identity={"id": 7, "name": "Ada"},
)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)  # the most permissive umask: the file must still be 0600
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_round_trip_owner_only(tmp_path: Path, open_umask: None) -> None:
    path = write_token_file(tmp_path / "new" / "token.json", LOGIN)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert read_token_file(path) == LOGIN
    for secret in ("acc-SECRET", "ref-SECRET", "client-SECRET"):
        assert secret not in repr(LOGIN)


def test_rewrite_is_atomic_and_tightens_permissions(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{}")
    path.chmod(0o644)
    inode = os.stat(path).st_ino
    write_token_file(path, LOGIN)
    assert mode(path) == 0o600
    assert os.stat(path).st_ino != inode  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["token.json"]  # no temp left


def test_unknown_keys_survive_a_rewrite(tmp_path: Path) -> None:
    path = write_token_file(tmp_path / "t.json", LOGIN)
    data = json.loads(path.read_text())
    data["note"] = {"kept": True}
    path.write_text(json.dumps(data))
    write_token_file(path, read_token_file(path).with_token(Token(access_token="acc-2")))
    again = json.loads(path.read_text())
    assert again["note"] == {"kept": True}
    assert again["token"]["access_token"] == "acc-2"


def test_secret_is_written_only_when_present(tmp_path: Path) -> None:
    import attrs

    path = write_token_file(tmp_path / "t.json", attrs.evolve(LOGIN, client_secret=None))
    assert "client_secret" not in json.loads(path.read_text())["client"]


def test_write_failure_is_typed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TokenFileError, match="cannot create the directory"):
        write_token_file(blocker / "token.json", LOGIN)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TokenFileError, match="does not exist") as info:
        read_token_file(tmp_path / "nope.json")
    assert "login" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "not json at all acc-SECRET", "not valid JSON"),
        (lambda d: [d], "JSON object"),
        (lambda d: {**d, "format": "other"}, "not a basecamp-client token file"),
        (lambda d: {**d, "version": 99}, "version 99"),
        (lambda d: {k: v for k, v in d.items() if k != "token"}, "'token' section"),
        (lambda d: {**d, "token": {**d["token"], "access_token": ""}}, "token.access_token"),
        (lambda d: {**d, "token": {**d["token"], "expires_at": "soon"}}, "expires_at"),
        (lambda d: {**d, "client": {"client_id": "c"}}, "client.redirect_uri"),
        (lambda d: {**d, "account": {"id": "42"}}, "account.id"),
        (lambda d: {**d, "launchpad": {"token_url": "ftp://x"}}, "launchpad endpoints"),
    ],
)
def test_malformed_files_name_the_problem_without_echoing_secrets(
    tmp_path: Path, mutate: object, message: str
) -> None:
    path = write_token_file(tmp_path / "t.json", LOGIN)
    data = json.loads(path.read_text())
    bad = mutate(data)  # type: ignore[operator]
    path.write_text(bad if isinstance(bad, str) else json.dumps(bad))
    with pytest.raises(TokenFileError, match=message) as info:
        read_token_file(path)
    assert "SECRET" not in str(info.value)


def test_readable_by_others_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_token_file(tmp_path / "t.json", LOGIN)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        read_token_file(path)
    assert "chmod 600" in caplog.text


def test_default_location() -> None:
    assert default_token_file({"BASECAMP_TOKEN_FILE": "~/x.json"}) == Path("~/x.json").expanduser()
    assert default_token_file({"XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/cfg/basecamp-client/token.json"
    )
    assert default_token_file({}).parts[-2:] == ("basecamp-client", "token.json")
