"""A worker process: ``python -m bench.worker SCENARIO CLIENT CONTEXT_JSON``.

Runs one scenario for one client once and prints one JSON line on stdout:
``{"seconds", "cpu", "peak_rss", "rss_growth", "extra"}`` or
``{"unavailable": reason}``. Anything else (a failure) exits non-zero with the
traceback on stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .meter import Meter


def run(scenario: str, client: str, ctx: dict[str, Any]) -> dict[str, Any]:
    meter = Meter()
    if scenario == "import":
        # Cold: without the other scenarios' imports (asyncio, inspect, …) loaded.
        from .cold import IMPORTS

        extra = IMPORTS[client](ctx, meter)
    else:
        from .scenarios import SCENARIOS, NotAvailable

        try:
            extra = SCENARIOS[scenario].clients[client](ctx, meter)
        except NotAvailable as exc:
            return {"unavailable": str(exc)}
    if not meter.stopped:
        raise RuntimeError(f"{scenario}/{client} never stopped its meter")
    return {
        "seconds": meter.seconds,
        "cpu": meter.cpu,
        "peak_rss": meter.peak_rss,
        "rss_growth": meter.rss_growth,
        "extra": extra,
    }


def main(argv: list[str]) -> int:
    scenario, client, raw_ctx = argv
    print(json.dumps(run(scenario, client, json.loads(raw_ctx))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
