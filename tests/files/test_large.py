"""A 200 MB file up and down through the fake's server mode, in a process of its own
that reports how far its resident memory grew: the transfer must stay within a small
buffer's worth, whatever the file's size.

The fake runs in another process (it keeps the 200 MB it is sent), so only the client's
memory is measured.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

SIZE = 200 * 1024 * 1024
LIMIT = 20 * 1024 * 1024

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="reads resident memory from /proc"
)

CLIENT = r"""
import hashlib, json, os, re, resource, sys, tempfile
from basecamp_client import Basecamp

base_url, account_id, size, backend = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak():
    # Forget the peak so far (file generation, warm-up): only the transfer counts.
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass  # then the lifetime peak is used: an overestimate, never an underestimate


def peak():
    with open("/proc/self/status") as status:
        found = re.search(r"VmHWM:\s+(\d+) kB", status.read())
    lifetime = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return int(found.group(1)) * 1024 if found else lifetime


def digest_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


tmp = tempfile.mkdtemp()
source = os.path.join(tmp, "big.bin")
with open(source, "wb") as f:  # generated on the fly, one MiB at a time
    for _ in range(size // (1 << 20)):
        f.write(os.urandom(1 << 20))
small = os.path.join(tmp, "small.bin")
with open(small, "wb") as f:
    f.write(os.urandom(300_000))

with Basecamp(
    access_token="t", user_agent="memory test (t@example.com)", base_url=base_url,
    http_backend=backend,
) as bc:
    account = bc.for_account(account_id)
    # Warm up: imports, connections, worker threads, one small transfer each way.
    warm = account.attachments.upload(small)
    account.downloads.to_file(warm, os.path.join(tmp, "small-copy.bin"))
    reset_peak()
    before = rss()
    sent = []
    attachment = account.attachments.upload(source, progress=lambda done, total: sent.append(done))
    copy = account.downloads.to_file(attachment, os.path.join(tmp, "copy.bin"))
    print(json.dumps({
        "growth": peak() - before,
        "byte_size": attachment.byte_size,
        "same": digest_of(copy) == digest_of(source),
        "progress_calls": len(sent),
        "backend": bc._async._core.backend,
    }))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "basecamp_client.testing", "serve",
            "--port", "0", "--server", "stdlib", "--empty",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"on (http://\S+) .*account (\d+)", first)
        assert found, first
        yield found.group(1), int(found.group(2))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("backend", ["aiohttp", "httpx"])
def test_200_mb_up_and_down_in_bounded_memory(server: tuple[str, int], backend: str) -> None:
    base_url, account_id = server
    result = subprocess.run(
        [sys.executable, "-c", CLIENT, base_url, str(account_id), str(SIZE), backend],
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    print(
        f"peak RSS growth over a 200 MB round trip ({backend}): {report['growth'] / 2**20:.1f} MiB"
    )
    assert report["backend"] == backend
    assert report["byte_size"] == SIZE
    assert report["same"]
    assert report["progress_calls"] > SIZE // (1 << 20)
    assert report["growth"] < LIMIT, f"grew {report['growth'] / 2**20:.1f} MiB"
