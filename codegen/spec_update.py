"""``make spec-update UPSTREAM=path/to/openapi.json``: bring what upstream has and ours lacks
into openapi/.

What it does, in this order, printing each change:

1. **new operations** go into the part file their path, resource or tag points to
   (:mod:`codegen.spec_place`), converted to our form (:mod:`codegen.spec_import`), with a
   derived ``x-sdk-method``, a ``TODO(review)`` summary and an ``x-review`` mark; the
   schemas they need and ours lacks come along, marked too. A new service gets a tag (and,
   when no part fits, a part of its own listed in ``x-parts``);
2. **new fields** on schemas ours shares with upstream, found by walking every common
   operation's request and response bodies side by side — added as optional fields;
3. **new parameters** of common operations;
4. **what upstream allows that ours does not**: ``null`` where ours has a value, an
   absent field ours requires, enum values ours lacks, a sensitivity mark;
5. **changed metadata**: ``x-basecamp-retry``, ``-idempotent``, ``-pagination``,
   ``-multipart``, ``-write-semantics`` and the success status (marked for review) — only
   when upstream's API version is not older than ours.

It never renames or removes a service, method, operation, field or parameter, and never
changes a type or format (ours may differ on purpose): ``make spec-drift`` lists what is
left for a person. Running it again changes nothing. Files are edited node by node
(:mod:`codegen.yaml_edit`): everything it does not touch keeps its bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .compare import accepted_beside, api_version, compare
from .loader import MALFORMED, SpecError, load
from .spec_import import REVIEW_KEY, TODO
from .spec_updater import ENTRY_NAME, Updater
from .spec_workspace import Change, Workspace
from .yaml_edit import EditError


@dataclass
class UpdateResult:
    changes: list[Change]
    written: list[str]
    upstream_version: str
    ours_version: str
    skipped_metadata: int  # metadata changes not applied: upstream is older than ours
    remaining: int  # differences make spec-drift still counts afterwards


def update(
    upstream: str | Path, entry: str | Path = ENTRY_NAME, *, dry_run: bool = False
) -> UpdateResult:
    """Bring into ``entry``'s description what ``upstream`` has and it lacks (see the module
    documentation); write the files unless ``dry_run``."""
    entry_path = Path(entry)
    upstream_raw = load(upstream)
    workspace = Workspace(entry_path)
    ours_version = api_version(workspace.entry_file.data)
    updater = Updater(upstream_raw, workspace)
    try:
        updater.add_operations()
        updater.sync_operations()
        updater.follow_version()
        after = workspace.merged()
    except EditError as exc:
        raise SpecError(f"spec-update: {exc}") from None
    report = compare(upstream_raw, after, accepted=accepted_beside(entry_path))
    remaining = len(report.operations) + len(report.by_operation)
    written = [] if dry_run else workspace.write()
    return UpdateResult(
        updater.changes,
        written,
        api_version(upstream_raw),
        ours_version,
        updater.skipped_metadata,
        remaining,
    )


def format_result(result: UpdateResult, *, dry_run: bool = False) -> str:
    lines = [
        f"spec-update: upstream {result.upstream_version or '?'}, ours {result.ours_version or '?'}"
        + (" (dry run: nothing written)" if dry_run else "")
    ]
    if not any(c.sign in "+~" for c in result.changes):
        lines.append("Nothing to update: ours already has everything upstream adds.")
    by_file: dict[str, list[Change]] = {}
    for change in result.changes:
        by_file.setdefault(change.file, []).append(change)
    for rel in sorted(by_file):
        lines.append(rel)
        lines.extend(f"  {c.sign} {c.text}" for c in by_file[rel])
    if result.skipped_metadata:
        lines.append(
            f"{result.skipped_metadata} metadata differences left as they are: upstream's "
            f"{result.upstream_version} is older than our {result.ours_version}."
        )
    if result.changes:
        kinds = Counter(_kind(c) for c in result.changes if c.sign == "+")
        summary = ", ".join(
            f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items())
        )
        changed = sum(1 for c in result.changes if c.sign == "~")
        made = sum(1 for c in result.changes if c.sign in "+~")
        lines.append(
            f"{made} changes ({summary or 'no additions'}; {changed} changed) "
            + (f"in {len(result.written)} files." if not dry_run else "would be made.")
        )
        lines.append(
            f"Review what is marked {TODO} / {REVIEW_KEY} (grep -rn 'TODO(review)\\|x-review' "
            "openapi/), then run make generate and make test."
        )
    if result.remaining:
        lines.append(
            f"make spec-drift still counts {result.remaining} differences spec-update does not "
            "settle (types, formats, removals, response shapes): they need a person."
        )
    return "\n".join(lines) + "\n"


def _kind(change: Change) -> str:
    """What an addition adds: the first word, or ``parameter`` for ``Op: query parameter x``."""
    return "parameter" if " parameter " in change.text else change.text.split(" ", 1)[0]


def main(argv: list[str] | None = None) -> int:
    """``python -m codegen.spec_update UPSTREAM [OURS] [--dry-run]``: exit 0 on success (with
    or without changes), 2 when a description cannot be read or edited."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen.spec_update",
        description="Bring what an upstream OpenAPI description has and ours lacks into ours.",
    )
    parser.add_argument("upstream", type=Path, help="the upstream description (JSON or YAML)")
    parser.add_argument(
        "ours", type=Path, nargs="?", help="our entry file (default: openapi/openapi.yaml)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    entry = args.ours or Path(__file__).resolve().parent.parent / "openapi" / ENTRY_NAME
    try:
        result = update(args.upstream, entry, dry_run=args.dry_run)
    except SpecError as exc:
        sys.stderr.write(f"spec-update: {exc}\n")
        return 2
    except MALFORMED as exc:
        sys.stderr.write(f"spec-update: malformed description: {exc!r}\n")
        return 2
    sys.stdout.write(format_result(result, dry_run=args.dry_run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
