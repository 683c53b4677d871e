"""The ``basecamp`` command run as people run it: a subprocess, against a fake Basecamp
served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

from basecamp_client.testing import FakeBasecamp, FakeServer

TOKEN = "cli-test-token-4b1d9e77c2"  # long enough that error scrubbing would mask it
USER_AGENT = "basecamp-client cli tests (tests@example.com)"


@attrs.frozen
class Result:
    code: int
    out: str
    err: str
    raw: bytes  # standard output as it came (for downloads)

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines()]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without BASECAMP_* settings and with a private HOME (so no
    real token file is ever read), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    env.pop("COLUMNS", None)
    env.update(extra)
    return env


def run(
    *args: str,
    env: Mapping[str, str],
    stdin: bytes | None = None,
    cwd: str | None = None,
) -> Result:
    process = subprocess.run(
        [sys.executable, "-m", "basecamp_client", *args],
        env=dict(env),
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )
    return Result(
        process.returncode,
        process.stdout.decode("utf-8", "replace"),
        process.stderr.decode("utf-8", "replace"),
        process.stdout,
    )


@pytest.fixture(scope="module")
def served() -> Iterator[FakeServer]:
    with FakeBasecamp.with_sample_data(tokens=[TOKEN]).serve() as server:
        yield server


@pytest.fixture
def env(served: FakeServer, tmp_path: Any) -> dict[str, str]:
    return clean_env(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / ".config"),
        BASECAMP_TOKEN=TOKEN,
        BASECAMP_ACCOUNT_ID=str(served.fake.account_id),
        BASECAMP_USER_AGENT=USER_AGENT,
        BASECAMP_BASE_URL=served.base_url,
    )
