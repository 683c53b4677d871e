"""Fixtures for the checks on openapi/.

Checks against Basecamp's reference material read it from ``<repo>/../shared/reference``
(or ``$BASECAMP_REFERENCE_DIR``) and skip when it is not there: the project builds and
tests without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from codegen.loader import Document, load

from .additions import description_2026_10_19

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "openapi" / "openapi.yaml"
EXAMPLE_MAP = Path(__file__).with_name("example_schemas.json")


def reference_dir() -> Path:
    override = os.environ.get("BASECAMP_REFERENCE_DIR")
    return Path(override) if override else ROOT.parent / "shared" / "reference"


def _reference_file(name: str) -> Path:
    path = reference_dir() / name
    if not path.is_file():
        pytest.skip(f"reference material not available ({path})")
    return path


@pytest.fixture(scope="session")
def ours() -> Document:
    """Our description, merged from the entry file and its parts."""
    return load(ENTRY)


@pytest.fixture(scope="session")
def reference() -> Document:
    """Basecamp's published description."""
    return load(_reference_file("basecamp-openapi.json"))


@pytest.fixture(scope="session")
def additions() -> dict[str, Any]:
    """The facts of API 2026-10-19 over the published description: operations and fields."""
    data: dict[str, Any] = json.loads(
        _reference_file("basecamp-2026-10-19-additions.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="session")
def reference_latest(reference: Document, additions: dict[str, Any]) -> Document:
    """Basecamp's API 2026-10-19: the published description with the additions laid over it."""
    return description_2026_10_19(reference, additions)


@pytest.fixture(scope="session")
def examples() -> dict[str, list[dict[str, Any]]]:
    """The documented example payloads, by documentation section."""
    data: dict[str, list[dict[str, Any]]] = json.loads(
        _reference_file("bc3-api-examples.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="session")
def example_map() -> list[dict[str, Any]]:
    """Which schema each example payload is an instance of (no payload content is kept)."""
    rows: list[dict[str, Any]] = json.loads(EXAMPLE_MAP.read_text(encoding="utf-8"))
    return rows
