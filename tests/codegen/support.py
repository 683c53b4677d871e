"""Helpers shared by the codegen tests: generating a package into a temporary
directory and importing it under its own name."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from codegen.extensions import NONE, Extensions
from codegen.generate import render_to
from codegen.ir import Api

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SPEC = FIXTURES / "openapi.yaml"
OUR_SPEC = REPO / "openapi" / "openapi.yaml"


def reference_dir() -> Path:
    """``<repo>/../shared/reference``, or ``$BASECAMP_REFERENCE_DIR``."""
    override = os.environ.get("BASECAMP_REFERENCE_DIR")
    return Path(override) if override else REPO.parent / "shared" / "reference"


def snapshot(root: Path) -> str:
    """Every file under ``root`` in one text: ``=== path`` headers, sorted."""
    chunks = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        chunks.append(
            f"=== {path.relative_to(root).as_posix()}\n{path.read_text(encoding='utf-8')}"
        )
    return "".join(chunks)


@contextmanager
def generated_package(
    api: Api, tmp: Path, package: str, extensions: Extensions = NONE
) -> Iterator[ModuleType]:
    """Render ``api`` as top-level package ``package`` under ``tmp`` and import it."""
    render_to(api, tmp / package, package, extensions)
    sys.path.insert(0, str(tmp))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
