"""File transfers through the client against raw httpx. (A measurement, not a test.)

    .venv/bin/python tests/files/bench_files.py [--mb 100] [--rounds 3]

Starts the fake Basecamp in a separate process (stdlib server), writes a file of ``--mb``
MiB, then times, interleaved over rounds, with the sync client on each HTTP backend:

- upload: ``attachments.upload(path)`` vs ``httpx.Client.post`` streaming the open file
  (the same ``?name=``, Content-Type and Content-Length);
- download: ``downloads.to_file()`` (two hops, temporary file, fsync, rename) vs httpx
  following the redirect by hand and writing the chunks to a file.

Figures: the median seconds, MiB/s, and the ratio to raw httpx in the same run. On a
loaded machine read the ratios, not the times.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import httpx

from basecamp_client import Basecamp

UA = "bench (bench@example.com)"


def start_server() -> tuple[subprocess.Popen[str], str, int]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "basecamp_client.testing", "serve",
            "--port", "0", "--server", "stdlib", "--empty",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    found = re.search(r"on (http://\S+) .*account (\d+)", process.stdout.readline())
    assert found, "the fake did not start"
    return process, found.group(1), int(found.group(2))


def raw_upload(client: httpx.Client, path: str) -> str:
    with open(path, "rb") as f:
        answer = client.post(
            "/attachments.json",
            params={"name": os.path.basename(path)},
            content=iter(lambda: f.read(65536), b""),
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Length": str(os.path.getsize(path)),
            },
        )
    answer.raise_for_status()
    return str(answer.json()["download_url"])


def raw_download(client: httpx.Client, anonymous: httpx.Client, url: str, out: str) -> None:
    hop1 = client.get(url)
    assert hop1.status_code == 302
    with anonymous.stream("GET", hop1.headers["location"]) as answer, open(out, "wb") as f:
        for chunk in answer.iter_raw(65536):
            f.write(chunk)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    process, base_url, account_id = start_server()
    tmp = tempfile.mkdtemp()
    source = os.path.join(tmp, "bench.bin")
    with open(source, "wb") as f:
        for _ in range(args.mb):
            f.write(os.urandom(1 << 20))
    times: dict[str, list[float]] = {}
    try:
        raw = httpx.Client(
            base_url=f"{base_url}/{account_id}",
            headers={"Authorization": "Bearer t", "User-Agent": UA},
            timeout=60,
        )
        anonymous = httpx.Client(headers={"User-Agent": UA}, timeout=60)
        clients = {
            backend: Basecamp(
                access_token="t", user_agent=UA, base_url=base_url, http_backend=backend
            )
            for backend in ("aiohttp", "httpx")
        }
        url = raw_upload(raw, source)
        for _ in range(args.rounds):
            out = os.path.join(tmp, "raw.bin")
            times.setdefault("upload raw httpx", []).append(timed(lambda: raw_upload(raw, source)))
            times.setdefault("download raw httpx", []).append(
                timed(lambda: raw_download(raw, anonymous, url, out))  # noqa: B023
            )
            os.unlink(out)
            for backend, bc in clients.items():
                downloads = bc.for_account(account_id).downloads
                attachments = bc.for_account(account_id).attachments
                target = os.path.join(tmp, "sdk.bin")
                up = timed(lambda: attachments.upload(source))  # noqa: B023
                down = timed(lambda: downloads.to_file(url, target, overwrite=True))  # noqa: B023
                times.setdefault(f"upload client/{backend}", []).append(up)
                times.setdefault(f"download client/{backend}", []).append(down)
        for bc in clients.values():
            bc.close()
        raw.close()
        anonymous.close()
    finally:
        process.terminate()
        process.wait()
    print(f"{args.mb} MiB, median of {args.rounds} rounds")
    for name in sorted(times):
        median = statistics.median(times[name])
        kind = name.split()[0]
        baseline = statistics.median(times[f"{kind} raw httpx"])
        print(
            f"  {name:26s} {median:6.2f} s  {args.mb / median:7.1f} MiB/s  "
            f"x{median / baseline:.2f} of raw httpx"
        )


if __name__ == "__main__":
    main()
