"""``python -m basecamp_client.testing serve``: run the fake Basecamp as an HTTP server."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._app import DEFAULT_ACCOUNT_ID, FakeBasecamp
from ._bench import DEFAULT_FILE_BYTES, DEFAULT_TODOS, add_bench_data
from ._server import SERVERS

DEMO_USER_AGENT = "Fake Basecamp demo (demo@example.com)"


def _rate(text: str) -> tuple[int, float]:
    count, _, seconds = text.partition("/")
    try:
        parsed = int(count), float(seconds or 10)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected REQUESTS/SECONDS like 50/10, got {text!r}"
        ) from None
    if parsed[0] < 1 or parsed[1] <= 0:
        raise argparse.ArgumentTypeError("REQUESTS and SECONDS must be positive")
    return parsed


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m basecamp_client.testing",
        description="A fake Basecamp 4 API for demos and tests.",
    )
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake over HTTP until interrupted")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=4040, help="API port (0 picks a free one)")
    serve.add_argument(
        "--storage-port", type=int, default=0, help="port of the download store (default: any free)"
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of the sample data (default 0)")
    serve.add_argument("--empty", action="store_true", help="start with no sample data")
    serve.add_argument("--account-id", type=int, default=DEFAULT_ACCOUNT_ID)
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        help="accept only this bearer token (repeatable; default: any token)",
    )
    # The standard library's server needs no extra and, one request at a time, answers
    # with less latency than uvicorn here (docs/performance.md, "The fake's server").
    # FakeBasecamp.serve() in code defaults to "auto" instead.
    serve.add_argument(
        "--server",
        choices=SERVERS,
        default="stdlib",
        help="HTTP server: stdlib (the default, even when uvicorn is installed), uvicorn, "
        "or auto (uvicorn when installed, else stdlib)",
    )
    bench = serve.add_argument_group("benchmark data")
    bench.add_argument(
        "--bench",
        action="store_true",
        help="add the project 'Benchmarks': a long to-do list and a large upload",
    )
    bench.add_argument(
        "--bench-todos",
        type=_count,
        default=DEFAULT_TODOS,
        metavar="N",
        help=f"to-dos in its long list (default {DEFAULT_TODOS})",
    )
    bench.add_argument(
        "--bench-file-mb",
        type=_count,
        default=DEFAULT_FILE_BYTES // 2**20,
        metavar="MB",
        help=f"size of its upload in MiB, 0 for none (default {DEFAULT_FILE_BYTES // 2**20})",
    )
    serve.add_argument(
        "--cable-port",
        type=int,
        default=0,
        help="port of the live event stream's WebSocket channel (default: any free)",
    )
    faults = serve.add_argument_group("fault injection")
    faults.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="N/SECONDS",
        help="answer 429 past N requests per window",
    )
    faults.add_argument("--fail-next", type=int, metavar="N", help="answer the next N requests 503")
    faults.add_argument(
        "--fail-path", action="append", default=[], metavar="GLOB", help="answer matching paths 500"
    )
    faults.add_argument("--delay", type=float, metavar="SECONDS", help="delay every answer")
    faults.add_argument(
        "--reset-next", type=int, metavar="N", help="drop the connection on the next N requests"
    )
    faults.add_argument(
        "--account-inactive", action="store_true", help="answer 404 Reason: Account Inactive"
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        fake = FakeBasecamp(
            seed=None if args.empty else args.seed,
            account_id=args.account_id,
            tokens=args.token or None,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.bench:
        add_bench_data(fake, todos=args.bench_todos, file_bytes=args.bench_file_mb * 2**20)
    faults = fake.faults
    if args.rate_limit:
        faults.rate_limit(*args.rate_limit)
    if args.fail_next:
        faults.fail(args.fail_next, status=503, retry_after=1)
    for pattern in args.fail_path:
        faults.fail(None, status=500, path=pattern)
    if args.delay:
        faults.slow(args.delay)
    if args.reset_next:
        faults.reset_connections(args.reset_next)
    if args.account_inactive:
        faults.account_inactive()
    try:
        server = fake.serve(
            host=args.host, port=args.port, storage_port=args.storage_port, server=args.server
        )
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        cable = fake.serve_cable(host=args.host, port=args.cable_port)
    except (OSError, RuntimeError) as exc:
        server.stop()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    token = args.token[0] if args.token else "any-token"
    # Everything a client built with from_env() needs, ready to paste into a shell
    # (Basecamp refuses requests without a User-Agent naming the app and a contact).
    exports = {
        "BASECAMP_BASE_URL": server.base_url,
        "BASECAMP_ACCOUNT_ID": str(fake.account_id),
        "BASECAMP_TOKEN": token,
        "BASECAMP_USER_AGENT": DEMO_USER_AGENT,
    }
    print(
        f"Fake Basecamp on {server.base_url} ({server.kind}), account {fake.account_id}\n"
        "  export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in exports.items()) + "\n"
        f"  live event stream: {cable.url}/cable (tickets from POST /events/stream_ticket.json)\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        cable.stop()
        server.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
