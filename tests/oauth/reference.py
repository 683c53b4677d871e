"""Payload examples from the public API reference (``../shared/reference``, or
``$BASECAMP_REFERENCE_DIR`` as for the other tests that read it), when present.

The reference is not part of the repository: tests using it skip cleanly without it.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(
    os.environ.get("BASECAMP_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference"
)
EXAMPLES = REFERENCE / "bc3-api-examples.json"


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    return dict(json.loads(EXAMPLES.read_text()))


def examples(section: str) -> list[Any]:
    """The example payloads of one reference section; skips the test without the file."""
    if not EXAMPLES.is_file():
        pytest.skip(f"reference examples not available at {EXAMPLES}")
    return [item["example"] for item in _load().get(section, [])]
