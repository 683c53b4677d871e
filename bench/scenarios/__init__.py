"""The scenarios, one function per (scenario, client). Each runs in a fresh process.

A function sets up untimed, calls ``meter.start()`` right before the measured work and
``meter.stop()`` right after it, and returns extra facts (items seen, pages) for the
report. Client libraries are imported inside the functions, never at module level, so
that the import scenario measures a cold import and a worker pays only for the client it
runs.

Raw httpx does what the SDKs do with the same headers (``User-Agent``, ``Authorization``,
``Accept``) and decodes the JSON; our client also builds typed models, and that cost is
part of what is measured.
"""

from __future__ import annotations

from ..cold import IMPORTS
from . import cache, files, gets, listing, writes
from .base import NotAvailable, Scenario

#: Every scenario by name, in the order the report shows them.
SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("import", "import + construct", IMPORTS, reps_factor=2),
        *gets.SCENARIOS,
        *listing.SCENARIOS,
        *cache.SCENARIOS,
        *writes.SCENARIOS,
        *files.SCENARIOS,
    )
}

__all__ = ["SCENARIOS", "NotAvailable", "Scenario"]
