"""Profile one scenario for one client: ``python -m bench.profile SCENARIO [options]``.

``--tool cprofile`` (default) profiles the measured section only, in the thread that
runs it: right for async scenarios. ``--tool py-spy`` samples every thread of a worker
process (the sync client runs its coroutines on a loop thread of its own, which cProfile
cannot see) and folds the samples into self and inclusive time per function.

Starts its own fake, like ``python -m bench``. Raw profiles go to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from . import fake as fakeproc
from .meter import Meter
from .names import OFFICIAL, OURS, OURS_NO_CACHE, RAW
from .runner import RESULTS, ROOT, TOKEN, USER_AGENT, scenario_context, wire_user_agent
from .scenarios import SCENARIOS

CLIENTS = {"raw": RAW, "ours": OURS, "ours-no-cache": OURS_NO_CACHE, "official": OFFICIAL}


class ProfilingMeter(Meter):
    """A meter that also profiles what it measures."""

    def __init__(self, profiler: cProfile.Profile) -> None:
        super().__init__()
        self.profiler = profiler

    def start(self) -> None:
        super().start()
        self.profiler.enable()

    def stop(self) -> None:
        self.profiler.disable()
        super().stop()


def fold(lines: Sequence[str]) -> tuple[Counter[str], Counter[str], int]:
    """Self and inclusive sample counts per function from py-spy's raw (collapsed) stacks.

    A line is ``frame;frame;…;leaf COUNT``; a function that appears twice in one stack
    (recursion) counts once toward its inclusive time.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rstrip("\n").rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return own, inclusive, total


def report_folded(own: Counter[str], inclusive: Counter[str], total: int, top: int) -> str:
    out = [f"{total} samples", "", "self %   function"]
    out += [f"{n / total:6.1%}   {f}" for f, n in own.most_common(top)]
    out += ["", "incl %   function"]
    out += [f"{n / total:6.1%}   {f}" for f, n in inclusive.most_common(top)]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    p.add_argument("scenario", choices=[s for s in SCENARIOS if s != "import"])
    p.add_argument("--client", choices=CLIENTS, default="ours")
    p.add_argument("--tool", choices=("cprofile", "py-spy"), default="cprofile")
    p.add_argument("--todos", type=int, default=10_000)
    p.add_argument("--requests", type=float, default=1.0, help="scale request counts by this")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args(argv)
    client = CLIENTS[args.client]
    if client not in SCENARIOS[args.scenario].clients:
        p.error(f"{args.scenario} has no {client} variant")
    work = Path(tempfile.mkdtemp(prefix="basecamp-profile-"))
    files = args.scenario in ("upload", "download")
    fake = fakeproc.start(todos=args.todos, file_mb=200 if files else 0, log_path=work / "log")
    try:
        wire = wire_user_agent(USER_AGENT)
        headers = {"User-Agent": wire, "Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(headers=headers, timeout=60) as c:
            found = fakeproc.discover(c, fake.base_url, fake.account_id)
            fakeproc.prime(
                c, f"{fake.base_url}/{fake.account_id}/todolists/{found['long_list_id']}/todos.json"
            )
        base: dict[str, Any] = {
            "base_url": fake.base_url,
            "account_id": fake.account_id,
            "token": TOKEN,
            "user_agent": USER_AGENT,
            "wire_user_agent": wire,
            "todos": args.todos,
            "upload_path": str(work / "upload.bin"),
            "download_path": str(work / "download.bin"),
            **found,
        }
        if files:
            from .runner import _write_file

            _write_file(Path(base["upload_path"]), 200 * 2**20)
        ctx = scenario_context(args.scenario, base, args.requests)
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = RESULTS / f"profile-{args.scenario}-{args.client}"
        if args.tool == "cprofile":
            profiler = cProfile.Profile()
            SCENARIOS[args.scenario].clients[client](ctx, ProfilingMeter(profiler))
            profiler.dump_stats(f"{stem}.prof")
            for key in ("tottime", "cumulative"):
                text = io.StringIO()
                pstats.Stats(profiler, stream=text).sort_stats(key).print_stats(args.top)
                print(text.getvalue())
            print(f"Wrote {stem}.prof")
        else:
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            raw = f"{stem}.txt"
            worker = [sys.executable, "-m", "bench.worker", args.scenario, client, json.dumps(ctx)]
            subprocess.run(
                [spy, "record", "-r", "500", "-f", "raw", "-o", raw, "--", *worker],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            with open(raw) as f:
                print(report_folded(*fold(f.readlines()), top=args.top))
            print(f"\nWrote {raw}")
    finally:
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
