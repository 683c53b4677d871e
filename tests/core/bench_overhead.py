"""The core's request-path overhead against raw httpx. (A measurement, not a test.)

    .venv/bin/python tests/core/bench_overhead.py [requests]

Starts a tiny keep-alive HTTP server in a subprocess on 127.0.0.1 (so that it does not
compete for this process's GIL) and times, interleaved over several rounds:
async GETs at concurrency 50, sync GETs, POSTs, a 304 re-GET against a 200, and a
10 000-item listing. Prints the best round of each and the ratio to raw httpx.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx

from basecamp_client import AsyncBasecamp, Basecamp
from basecamp_client._core import Operation, PaginationSpec, parse_datetime

UA = "bench (bench@example.com)"

SERVER = r"""
import asyncio, json, sys
ITEM = {"id": 1, "name": "Project", "description": "x" * 200, "status": "active",
        "created_at": "2026-01-02T03:04:05.000Z", "updated_at": "2026-01-02T03:04:05.000Z",
        "bookmarked": False, "url": "https://3.basecampapi.com/1/projects/1.json"}
BODY = json.dumps(ITEM).encode()
PAGE = json.dumps([dict(ITEM, id=i) for i in range(100)]).encode()

def reply(status, body, extra=b""):
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n" + extra +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

class P(asyncio.Protocol):
    def connection_made(self, t): self.t = t; self.buf = b""
    def data_received(self, data):
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, _, rest = self.buf.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length": length = int(v)
            if len(rest) < length: return
            self.buf = rest[length:]
            line0 = head.split(b"\r\n", 1)[0]
            path = line0.split(b" ")[1]
            lower = head.lower()
            if path.startswith(b"/1/items.json"):
                page = int(path.rsplit(b"page=", 1)[1]) if b"page=" in path else 1
                link = (b'Link: </1/items.json?page=' + str(page + 1).encode() +
                        b'>; rel="next"\r\n') if page < 100 else b""
                self.t.write(reply(b"200 OK", PAGE, link + b"X-Total-Count: 10000\r\n"))
            elif path.startswith(b"/1/etag") and b'if-none-match: "v1"' in lower:
                self.t.write(reply(b"304 Not Modified", b"", b'ETag: "v1"\r\n'))
            elif path.startswith(b"/1/etag"):
                self.t.write(reply(b"200 OK", PAGE, b'ETag: "v1"\r\n'))
            else:
                self.t.write(reply(b"200 OK", BODY))

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(P, "127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    await server.serve_forever()

asyncio.run(main())
"""

GET = Operation(id="GetItem", method="GET", path="/items/{id}", path_params=("id",))
POST = Operation(id="CreateItem", method="POST", path="/items.json", body="json")
ETAG = Operation(id="GetEtag", method="GET", path="/etag")
LIST = Operation(id="ListItems", method="GET", path="/items.json", pagination=PaginationSpec())


def identity(data: Any) -> Any:
    return data


@attrs.frozen(slots=True)
class Item:
    """Shaped like a generated model: a few typed fields, the rest kept in ``extra``."""

    id: int
    name: str
    status: str
    created_at: Any
    extra: dict[str, Any]

    @classmethod
    def from_dict(cls, data: Any) -> Item:
        known = ("id", "name", "status", "created_at")
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            status=data.get("status"),
            created_at=parse_datetime(data.get("created_at")),
            extra={k: v for k, v in data.items() if k not in known},
        )


def decode_page(data: Any) -> list[Item]:
    return [Item.from_dict(item) for item in data]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def gather_n(n: int, concurrency: int, make: Callable[[], Awaitable[Any]]) -> None:
    left = n

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await make()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = 5
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SERVER), str(port)], stdout=subprocess.PIPE
    )
    assert server.stdout is not None
    server.stdout.readline()
    headers = {"Authorization": "Bearer t", "User-Agent": UA, "Accept": "application/json"}
    best: dict[str, float] = {}

    def record(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds)

    try:
        raw_sync = httpx.Client(headers=headers)
        sync_client = Basecamp(access_token="t", user_agent=UA, base_url=base)
        sync_session = sync_client.for_account(1)._async._session
        runner = sync_client._runner

        async def async_round() -> None:
            limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
            async with (
                httpx.AsyncClient(headers=headers, limits=limits) as raw,
                AsyncBasecamp(
                    access_token="t", user_agent=UA, base_url=base, max_keepalive_connections=50
                ) as client,
            ):
                session = client.for_account(1)._session
                body = {"name": "x", "description": "y" * 100}

                async def raw_get() -> Any:
                    return (await raw.get(f"{base}/1/items/1")).json()

                async def raw_post() -> Any:
                    return (await raw.post(f"{base}/1/items.json", json=body)).json()

                async def raw_list() -> list[Any]:
                    url: str | None = f"{base}/1/items.json"
                    items: list[Any] = []
                    while url:
                        response = await raw.get(url)
                        items.extend(response.json())
                        nxt = response.links.get("next")
                        url = str(response.url.join(nxt["url"])) if nxt else None
                    return items

                for name, fn in (
                    ("async GET c=50 raw", raw_get),
                    (
                        "async GET c=50 core",
                        lambda: session.call(GET, path={"id": 1}, decode=identity),
                    ),
                    ("async POST c=50 raw", raw_post),
                    (
                        "async POST c=50 core",
                        lambda: session.call(POST, body=body, decode=identity),
                    ),
                ):
                    start = time.perf_counter()
                    await gather_n(n, 50, fn)
                    record(name, (time.perf_counter() - start) / n)
                for name, fn in (
                    ("10k listing raw", raw_list),
                    ("10k listing core", lambda: session.paginate(LIST, decode=identity).collect()),
                ):
                    start = time.perf_counter()
                    assert len(await fn()) == 10_000
                    record(name, time.perf_counter() - start)
                etag_200 = await session.call(ETAG, decode=decode_page)  # fills the cache
                m = n // 4
                start = time.perf_counter()
                for _ in range(m):
                    assert await session.call(ETAG, decode=decode_page) is etag_200
                record("re-GET 304 (cached) core", (time.perf_counter() - start) / m)
                nocache = AsyncBasecamp(access_token="t", user_agent=UA, base_url=base, cache=False)
                s2 = nocache.for_account(1)._session
                start = time.perf_counter()
                for _ in range(m):
                    await s2.call(ETAG, decode=decode_page)
                record("GET 200 same resource core", (time.perf_counter() - start) / m)
                await nocache.aclose()

        for _ in range(rounds):
            asyncio.run(async_round())
            m = n // 2
            start = time.perf_counter()
            for _ in range(m):
                raw_sync.get(f"{base}/1/items/1").json()
            record("sync GET raw", (time.perf_counter() - start) / m)
            start = time.perf_counter()
            for _ in range(m):
                runner.run(sync_session.call, GET, path={"id": 1}, decode=identity)
            record("sync GET core", (time.perf_counter() - start) / m)
        sync_client.close()
        raw_sync.close()
    finally:
        server.terminate()
        server.wait()

    print(f"Python {sys.version.split()[0]}; best of {rounds} rounds")
    for name, value in best.items():
        unit = "ms" if "listing" in name else "µs"
        scale = 1e3 if unit == "ms" else 1e6
        line = f"{name:32} {value * scale:10.1f} {unit}"
        if name.endswith(" core") and name.replace(" core", " raw") in best:
            line += f"   x{value / best[name.replace(' core', ' raw')]:.2f} of raw httpx"
        print(line)
    if "re-GET 304 (cached) core" in best:
        speedup = best["GET 200 same resource core"] / best["re-GET 304 (cached) core"]
        print(f"304 re-GET is {speedup:.1f}x faster than a 200 of the same 100-item page")
    print(json.dumps({k: round(v * 1e6, 1) for k, v in best.items()}))


if __name__ == "__main__":
    main()
