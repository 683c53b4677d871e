"""Helpers for running the examples: as subprocesses (the way people run them) or
imported (to drive them with a fake Basecamp in this process)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pytest

from basecamp_client.testing import FakeBasecamp, FakeServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOKEN = "demo-token-7f3a9c2e41"  # long enough that error scrubbing would mask it
USER_AGENT = "basecamp-client example tests (tests@example.com)"


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module (the examples are not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any BASECAMP_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    env.update(extra)
    return env


def real_account_env(server: FakeServer, **extra: str) -> dict[str, str]:
    """The variables that point the examples at "real Basecamp" — here, a fake server."""
    settings = {
        "BASECAMP_TOKEN": TOKEN,
        "BASECAMP_ACCOUNT_ID": str(server.fake.account_id),
        "BASECAMP_USER_AGENT": USER_AGENT,
        "BASECAMP_BASE_URL": server.base_url,
    }
    return clean_env(**{**settings, **extra})


def run_example(
    name: str, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture
def served() -> Iterator[FakeServer]:
    """A fake Basecamp with sample data on 127.0.0.1 that accepts only ``TOKEN``."""
    with FakeBasecamp.with_sample_data(tokens=[TOKEN]).serve() as server:
        yield server
