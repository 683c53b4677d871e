"""The client over each HTTP backend against raw httpx. (A measurement, not a test.)

    .venv/bin/python tests/core/bench_backends.py [--rounds 5] [--n 500]

Starts the fake Basecamp in a separate process (``python -m basecamp_client.testing
serve --server stdlib``), so the server does not compete for this process's GIL, fills
a to-do list with 10,000 to-dos, then times, interleaved over several rounds:

- sequential sync GETs of one project (``Basecamp`` vs ``httpx.Client``);
- async GETs at concurrency 50 (``AsyncBasecamp`` vs ``httpx.AsyncClient``);
- sequential async POST creates;
- a 304 re-GET answered from the client's cache vs a 200 re-GET of the same resource;
- listing the 10,000 to-dos (geared pages 15, 30, 50, then 100), sync and async.

Raw httpx sends the same headers and decodes the JSON; the client also builds typed
models. GET scenarios run with the HTTP cache off, so that every request is a 200.
Figures are the median (and best) over rounds, per request (per listing), and the ratio
to raw httpx in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from basecamp_client import AsyncBasecamp, Basecamp

UA = "bench (bench@example.com)"
HEADERS = {"Authorization": "Bearer t", "User-Agent": UA, "Accept": "application/json"}
BACKENDS = ("aiohttp", "httpx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[str], str, int]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "basecamp_client.testing",
            "serve",
            "--server",
            "stdlib",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "Fake Basecamp on http://127.0.0.1:N … account M"
    base_url = first.split()[3]
    account = int(first.rsplit("account ", 1)[1].strip())
    return proc, base_url, account


def prepare(base_url: str, account: int, items: int) -> dict[str, int]:
    """Ids to use: a project, a to-do list filled to ``items`` to-dos, a list for POSTs."""
    with httpx.Client(base_url=f"{base_url}/{account}", headers=HEADERS, timeout=30) as c:
        project = c.get("/projects.json").json()[0]
        todoset = next(t for t in project["dock"] if t["name"] == "todoset")
        lists = c.get(c.get(todoset["url"]).json()["todolists_url"]).json()
        listing, posts = lists[0]["id"], lists[1]["id"]
        have = 0
        url: str | None = f"/todolists/{listing}/todos.json"
        while url:
            r = c.get(url)
            have += len(r.json())
            url = r.links.get("next", {}).get("url")
        for i in range(items - have):
            c.post(f"/todolists/{listing}/todos.json", json={"content": f"to-do {i}"})
    return {"project": project["id"], "listing": listing, "posts": posts}


class Results:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def best(self, name: str) -> float:
        return min(self.samples[name])


def timed(results: Results, name: str, n: int, fn: Callable[[], Any]) -> None:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    results.add(name, (time.perf_counter() - start) / n)


async def atimed(results: Results, name: str, n: int, fn: Callable[[], Awaitable[Any]]) -> None:
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    results.add(name, (time.perf_counter() - start) / n)


async def concurrently(
    results: Results, name: str, n: int, fn: Callable[[], Awaitable[Any]]
) -> None:
    left = n

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await fn()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(50)))
    results.add(name, (time.perf_counter() - start) / n)


def raw_list_sync(client: httpx.Client, url: str) -> int:
    count = 0
    next_url: str | None = url
    while next_url:
        r = client.get(next_url)
        count += len(r.json())
        nxt = r.links.get("next")
        next_url = nxt["url"] if nxt else None
    return count


async def raw_list_async(client: httpx.AsyncClient, url: str) -> int:
    count = 0
    next_url: str | None = url
    while next_url:
        r = await client.get(next_url)
        count += len(r.json())
        nxt = r.links.get("next")
        next_url = nxt["url"] if nxt else None
    return count


def sync_round(results: Results, base: str, account: int, ids: dict[str, int], n: int) -> None:
    project_url = f"{base}/{account}/projects/{ids['project']}.json"
    list_url = f"{base}/{account}/todolists/{ids['listing']}/todos.json"
    with httpx.Client(headers=HEADERS) as raw:
        timed(results, "sync GET raw", n, lambda: raw.get(project_url).json())
        results.add("sync list 10k raw", _once(lambda: raw_list_sync(raw, list_url)))
    for backend in BACKENDS:
        with Basecamp(
            access_token="t", user_agent=UA, base_url=base, cache=False, http_backend=backend
        ) as bc:
            acct = bc.for_account(account)
            timed(
                results,
                f"sync GET {backend}",
                n,
                lambda acct=acct: acct.projects.get(project_id=ids["project"]),  # type: ignore[misc]
            )
            todos = acct.todos

            def collect(todos: Any = todos) -> int:
                return len(todos.list(todolist_id=ids["listing"]).collect())

            results.add(f"sync list 10k {backend}", _once(collect))


def _once(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


async def async_round(
    results: Results, base: str, account: int, ids: dict[str, int], n: int
) -> None:
    project_url = f"{base}/{account}/projects/{ids['project']}.json"
    list_url = f"{base}/{account}/todolists/{ids['listing']}/todos.json"
    post_url = f"{base}/{account}/todolists/{ids['posts']}/todos.json"
    page_url = f"{list_url}?page=10"
    body = {"content": "Benchmark to-do", "description": "<div>made by the benchmark</div>"}
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(headers=HEADERS, limits=limits) as raw:

        async def raw_get() -> Any:
            return (await raw.get(project_url)).json()

        async def raw_post() -> Any:
            return (await raw.post(post_url, json=body)).json()

        async def raw_page() -> Any:
            return (await raw.get(page_url)).json()

        await concurrently(results, "async GET c=50 raw", n, raw_get)
        await atimed(results, "async POST raw", n // 2, raw_post)
        await atimed(results, "re-GET 100-item page raw", n // 4, raw_page)
        start = time.perf_counter()
        await raw_list_async(raw, list_url)
        results.add("async list 10k raw", time.perf_counter() - start)
    for backend in BACKENDS:
        await backend_round(results, backend, base, account, ids, n)


async def backend_round(
    results: Results, backend: str, base: str, account: int, ids: dict[str, int], n: int
) -> None:
    body = {"content": "Benchmark to-do", "description": "<div>made by the benchmark</div>"}
    common = {"access_token": "t", "user_agent": UA, "base_url": base, "http_backend": backend}
    async with (
        AsyncBasecamp(cache=False, max_keepalive_connections=50, **common) as bc,
        AsyncBasecamp(**common) as cached,
    ):
        acct = bc.for_account(account)
        cacct = cached.for_account(account)
        await concurrently(
            results,
            f"async GET c=50 {backend}",
            n,
            lambda: acct.projects.get(project_id=ids["project"]),
        )
        await atimed(
            results,
            f"async POST {backend}",
            n // 2,
            lambda: acct.todos.create(todolist_id=ids["posts"], **body),
        )
        await atimed(
            results,
            f"re-GET 100-item page {backend}",
            n // 4,
            lambda: acct.todos.list(todolist_id=ids["listing"], page=10).collect(),
        )
        await cacct.todos.list(todolist_id=ids["listing"], page=10).collect()
        await atimed(
            results,
            f"re-GET 100-item page 304 {backend}",
            n // 4,
            lambda: cacct.todos.list(todolist_id=ids["listing"], page=10).collect(),
        )
        start = time.perf_counter()
        await acct.todos.list(todolist_id=ids["listing"]).collect()
        results.add(f"async list 10k {backend}", time.perf_counter() - start)


def report(results: Results, rounds: int) -> None:
    print(f"Python {sys.version.split()[0]}; median of {rounds} rounds; fake server: stdlib")
    groups = [
        ("sync GET", "µs"),
        ("async GET c=50", "µs"),
        ("async POST", "µs"),
        ("re-GET 100-item page", "µs"),
        ("sync list 10k", "ms"),
        ("async list 10k", "ms"),
    ]
    for group, unit in groups:
        scale = 1e3 if unit == "ms" else 1e6
        raw, raw_best = results.median(f"{group} raw"), results.best(f"{group} raw")
        print(f"{group + ' raw httpx':34} {raw * scale:9.1f} {unit} (best {raw_best * scale:.1f})")
        for backend in BACKENDS:
            value, best = results.median(f"{group} {backend}"), results.best(f"{group} {backend}")
            print(
                f"{group + ' ' + backend:34} {value * scale:9.1f} {unit} (best {best * scale:.1f})"
                f"   x{value / raw:.2f} (best x{best / raw_best:.2f})"
            )
    for backend in BACKENDS:
        cold = results.median(f"re-GET 100-item page {backend}")
        warm = results.median(f"re-GET 100-item page 304 {backend}")
        print(
            f"304 re-GET from cache, {backend}: {warm * 1e6:.1f} µs, "
            f"{cold / warm:.1f}x faster than a 200"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    server, base, account = start_server()
    try:
        ids = prepare(base, account, args.items)
        results = Results()
        for _ in range(args.rounds):
            sync_round(results, base, account, ids, args.n)
            asyncio.run(async_round(results, base, account, ids, args.n))
        report(results, args.rounds)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
