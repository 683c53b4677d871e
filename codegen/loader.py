"""Reading an OpenAPI description from disk into one plain document.

Our own description is split: ``openapi/openapi.yaml`` is the entry point and lists
its part files under ``x-parts``; each part holds ``paths`` and ``components`` whose
``$ref``\\ s point into the merged document (``#/components/schemas/Person``). A single
JSON or YAML file (such as Basecamp's published description) loads as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Document = dict[str, Any]

PARTS_KEY = "x-parts"


class SpecError(Exception):
    """The description cannot be loaded (bad file, duplicate definition, broken $ref)."""


#: What walking a description that is not of the shape expected raises, besides
#: SpecError: a missing key, a value of the wrong type, or a cycle the walk recursed into
#: (an ``allOf`` that includes itself; JSON nested past the interpreter's limit). The
#: spec tools' entry points report these as a malformed description (exit 2).
MALFORMED = (KeyError, TypeError, AttributeError, ValueError, RecursionError)


def read_data(path: str | Path) -> Any:
    """A JSON (``.json``) or YAML file's data; a :class:`SpecError` when it cannot be read."""
    return _read(Path(path))


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror}") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SpecError(f"{path}: invalid JSON: {exc}") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: invalid YAML: {exc}") from None


def _merge_into(target: Document, part: Document, origin: Path) -> None:
    for section in ("paths", "webhooks"):
        for key, value in (part.get(section) or {}).items():
            bucket = target.setdefault(section, {})
            if key in bucket:
                raise SpecError(f"{origin}: {section} entry {key!r} is defined twice")
            bucket[key] = value
    for kind, entries in (part.get("components") or {}).items():
        bucket = target.setdefault("components", {}).setdefault(kind, {})
        for name, value in (entries or {}).items():
            if name in bucket:
                raise SpecError(f"{origin}: components.{kind}.{name} is defined twice")
            bucket[name] = value
    unknown = set(part) - {"paths", "webhooks", "components"}
    if unknown:
        raise SpecError(f"{origin}: a part may hold only paths and components, not {unknown}")


def load(path: str | Path) -> Document:
    """Load a description; merge its ``x-parts`` when it has any. Checks local $refs."""
    entry = Path(path)
    document = _read(entry)
    parts = part_files(document, entry)
    return assemble(document, [(entry.parent / rel, _read(entry.parent / rel)) for rel in parts])


def part_files(document: Any, entry: Path) -> list[str]:
    """The ``x-parts`` an entry document lists (relative paths), checked."""
    if not isinstance(document, dict) or "openapi" not in document:
        raise SpecError(f"{entry} is not an OpenAPI document (no 'openapi' key)")
    parts = document.get(PARTS_KEY) or []
    if not isinstance(parts, list) or not all(isinstance(rel, str) for rel in parts):
        raise SpecError(f"{entry}: {PARTS_KEY} must be a list of file paths")
    return list(parts)


def assemble(document: Document, parts: list[tuple[Path, Any]]) -> Document:
    """The entry ``document`` (modified in place) with its parts' data merged in and
    ``x-parts`` removed; every local ``$ref`` must resolve."""
    document.pop(PARTS_KEY, None)
    for part_path, part in parts:
        if not isinstance(part, dict):
            raise SpecError(f"{part_path}: a part must be a mapping")
        _merge_into(document, part, part_path)
    check_refs(document)
    return document


def resolve_pointer(document: Document, ref: str) -> Any:
    """The value a local ``#/a/b`` reference points to."""
    if not ref.startswith("#/"):
        raise SpecError(f"only local references are supported, got {ref!r}")
    node: Any = document
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            raise SpecError(f"unresolved reference {ref!r}")
        node = node[key]
    return node


def check_refs(document: Document) -> None:
    """Every ``$ref`` in the document must resolve."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                resolve_pointer(document, ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)


def dump_json(document: Document) -> str:
    """Deterministic JSON text of a (bundled) document."""
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
