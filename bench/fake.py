"""The fake Basecamp in a process of its own, found fixtures and its CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from basecamp_client.testing._bench import FILE_NAME, FILES_VAULT, LONG_LIST, PROJECT, WRITES_LIST

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """User + system CPU of every thread of process ``pid`` so far (0 where unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / _TICK


@dataclass
class FakeProcess:
    process: subprocess.Popen[str]
    base_url: str
    account_id: int
    log: IO[str]

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start(*, todos: int, file_mb: int, log_path: Path, python: str = sys.executable) -> FakeProcess:
    """``python -m basecamp_client.testing serve --server stdlib --bench …`` on a free port."""
    log = open(log_path, "w")  # noqa: SIM115 - closed by FakeProcess.stop()
    command = [
        python,
        "-m",
        "basecamp_client.testing",
        "serve",
        "--server",
        "stdlib",
        "--port",
        "0",
        "--empty",
        "--bench",
        "--bench-todos",
        str(todos),
        "--bench-file-mb",
        str(file_mb),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASECAMP_")}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, text=True, env={**env, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if not first.startswith("Fake Basecamp on "):
        process.kill()
        log.close()
        raise RuntimeError(f"the fake did not start: {first!r}; see {log_path}")
    base_url = first.split()[3]
    account_id = int(first.rsplit("account ", 1)[1])
    return FakeProcess(process, base_url, account_id, log)


def _named(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    for item in items:
        if item.get(key) == value:
            return item
    raise RuntimeError(f"the fake has no {value!r}: was it started with --bench?")


def discover(client: httpx.Client, base_url: str, account_id: int) -> dict[str, Any]:
    """Ids and URLs of the benchmark fixtures, found through the API as a user would."""
    account = f"{base_url}/{account_id}"
    project = _named(client.get(f"{account}/projects.json").json(), "name", PROJECT)
    dock = {tool["name"]: tool for tool in project["dock"]}
    todoset = client.get(dock["todoset"]["url"]).json()
    lists = client.get(todoset["todolists_url"]).json()
    found: dict[str, Any] = {
        "project_id": project["id"],
        "project_bytes": len(client.get(f"{account}/projects/{project['id']}").content),
        "long_list_id": _named(lists, "name", LONG_LIST)["id"],
        "writes_list_id": _named(lists, "name", WRITES_LIST)["id"],
        "download_url": None,
        "file_bytes": 0,
    }
    vault = client.get(dock["vault"]["url"]).json()
    vaults = client.get(vault["vaults_url"]).json()
    files = [v for v in vaults if v.get("title") == FILES_VAULT]
    if files:
        upload = _named(client.get(files[0]["uploads_url"]).json(), "filename", FILE_NAME)
        found["download_url"] = upload["download_url"]
        found["file_bytes"] = upload["byte_size"]
    return found


def prime(client: httpx.Client, url: str) -> int:
    """Walk a listing once so that the fake renders (and keeps) every page before timing."""
    pages = 0
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        response.raise_for_status()
        pages += 1
        nxt = response.links.get("next")
        next_url = str(response.url.join(nxt["url"])) if nxt else None
    return pages


def wait_idle(fake: FakeProcess, *, settle: float = 0.2, timeout: float = 10.0) -> None:
    """Wait until the fake uses no CPU (a previous worker's connections are wound down)."""
    deadline = time.monotonic() + timeout
    before = fake.cpu()
    while time.monotonic() < deadline:
        time.sleep(settle)
        now = fake.cpu()
        if now - before < 0.02:
            return
        before = now
