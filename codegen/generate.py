"""Load → normalise → IR → render → format → write, and the drift check.

Output is a pure function of the description and the generator: files are formatted
by the pinned ruff with fixed settings (not whatever configuration surrounds the
output directory), written in sorted order, and stale files are removed.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import ir
from .build import build
from .emit import render
from .extensions import DEFAULT_EXTENSIONS, NONE, Extensions
from .extensions import load as load_extensions
from .loader import SpecError, load
from .normalise import normalise

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO / "openapi" / "openapi.yaml"
DEFAULT_OUT = REPO / "src" / "basecamp_client" / "_generated"
DEFAULT_PACKAGE = "basecamp_client._generated"

# The formatting settings of the repository's pyproject.toml, spelled out so that a
# temporary output directory formats exactly like the committed one.
_RUFF_SETTINGS = [
    "--isolated",
    "--line-length",
    "100",
    "--target-version",
    "py310",
    "--config",
    "lint.isort.known-first-party = ['basecamp_client']",
]


class GenerateError(Exception):
    """Generation failed: a bad description, or ruff refused the output."""


def api_from(spec: str | Path) -> ir.Api:
    """The IR of the description at ``spec``."""
    return build(normalise(load(spec)))


def _ruff(*args: str) -> None:
    command = [sys.executable, "-m", "ruff", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise GenerateError(f"ruff {' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")


def extensions_for(package: str, path: str | Path | None = None) -> Extensions:
    """The hand-written additions to wire in: those in ``path``, else (for the SDK's
    own package only) ``codegen/extensions.yaml``."""
    if path is not None:
        return load_extensions(path)
    return load_extensions(DEFAULT_EXTENSIONS) if package == DEFAULT_PACKAGE else NONE


def render_to(
    api: ir.Api,
    directory: Path,
    package: str = DEFAULT_PACKAGE,
    extensions: Extensions = NONE,
) -> list[Path]:
    """Write the formatted package into the (empty or absent) ``directory``."""
    files = render(api, package, extensions)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for rel in sorted(files):
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[rel], encoding="utf-8", newline="\n")
        written.append(target)
    where = str(directory)
    _ruff("check", "--fix-only", "--select", "I,F401", "--exit-zero", *_RUFF_SETTINGS, where)
    _ruff("format", *_RUFF_SETTINGS, where)
    return written


def generate(
    spec: str | Path = DEFAULT_SPEC,
    out: str | Path = DEFAULT_OUT,
    *,
    package: str = DEFAULT_PACKAGE,
    extensions: str | Path | None = None,
) -> ir.Api:
    """Regenerate ``out`` from ``spec``: render into a scratch directory beside it,
    then swap it in, so a failure never leaves a half-written package."""
    api = api_from(spec)
    wired = extensions_for(package, extensions)
    out_dir = Path(out)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".codegen-", dir=out_dir.parent))
    try:
        render_to(api, scratch / "pkg", package, wired)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(scratch / "pkg", out_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return api


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two trees of ``.py`` files (caches ignored)."""

    def tree(root: Path) -> set[str]:
        if not root.exists():
            return set()
        return {
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    left, right = tree(expected), tree(actual)
    changed = sorted(left ^ right)
    for rel in sorted(left & right):
        if not filecmp.cmp(expected / rel, actual / rel, shallow=False):
            changed.append(rel)
    return sorted(changed)


def check(
    spec: str | Path = DEFAULT_SPEC,
    out: str | Path = DEFAULT_OUT,
    *,
    package: str = DEFAULT_PACKAGE,
    extensions: str | Path | None = None,
) -> list[str]:
    """What ``generate`` would change in ``out`` (empty when it is up to date)."""
    api = api_from(spec)
    wired = extensions_for(package, extensions)
    with tempfile.TemporaryDirectory(prefix="codegen-check-") as tmp:
        fresh = Path(tmp) / "pkg"
        render_to(api, fresh, package, wired)
        return differences(Path(out), fresh)


__all__ = ["GenerateError", "SpecError", "api_from", "check", "differences", "generate"]
