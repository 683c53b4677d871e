"""Compare two OpenAPI descriptions of the Basecamp API: what does upstream add, drop or change?

Both descriptions are reduced by :mod:`codegen.summary` to per-operation facts, so that
differences of form (the ``/{accountId}`` prefix, wrapper schemas, 3.0 vs 3.1 nullability,
``x-go-type``) are not reported as differences of fact. Then every fact that changes the
generated code or its behaviour is compared: operations, ``operationId``, parameters,
request bodies and response fields (type, nullability, requiredness, format, enum,
sensitivity), the success status, media types, ``deprecated`` and Basecamp's behaviour
extensions (``x-basecamp-retry``, ``-idempotent``, ``-pagination``, ``-multipart``,
``-write-semantics``).

Three kinds of difference are reported but not counted (the exit status stays 0 for them):

- **refinements**: ours is deliberately more careful than upstream (openapi/README.md: the
  documented payloads decide nullability and presence): ours accepts ``null`` or an absent
  field where upstream promises a value, or adds what upstream leaves unsaid (a date
  format, an enum, a sensitivity mark). Listed with ``--all``. The reverse — upstream
  allows ``null``, an absent field, a new enum value or a credential ours does not
  account for — is a difference;
- **ahead**: operations, parameters and fields only ours has, when upstream's
  ``info.version`` (an API date) is *older* than ours — we describe a newer API than the
  file we compare with. When upstream is as new or newer, they are removals and count;
- **accepted**: differences ours makes on purpose and lists, with the reason, in
  ``drift-accepted.yaml`` beside its entry file (``openapi/drift-accepted.yaml``). An entry
  that matches nothing is said to be one that can go only when upstream has something it
  applies to (an operation with that field or parameter); when all it applies to is only in
  ours, the comparison cannot tell, and the entry is listed as not checked;
- **notes**: fields ours marks ``x-documented-only`` that upstream now describes too.

Used by the spec coverage test, ``make spec-update`` and
``make spec-drift UPSTREAM=path/to/openapi.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .compare import (
    ACCEPTED_FILE,
    GENERATED_FORMATS,
    Accepted,
    Difference,
    DriftReport,
    accepted_beside,
    api_version,
    compare,
    compare_operation,
    extension_detail,
    is_older,
    parse_accepted,
)
from .loader import MALFORMED, SpecError, load, read_data
from .summary import (
    FieldInfo,
    OperationSummary,
    ParamInfo,
    account_relative,
    base_type,
    flatten_fields,
    summarize,
    summarize_operation,
)

# ----------------------------------------------------------------------------- reporting

_SIGN = {"added": "+", "removed": "-", "changed": "~", "note": "i"}
_FIELD_SECTIONS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("Parameters", lambda s: s.endswith(" parameter")),
    ("Request fields", lambda s: s == "request field"),
    ("Response fields", lambda s: s == "response field"),
)


def _limited(items: Iterable[str], limit: int) -> str:
    names = sorted(set(items))
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return f"{shown}, … (+{more} more)" if more > 0 else shown


def _grouped(
    found: Mapping[Difference, list[str]],
) -> dict[tuple[str, str, str, str], list[Difference]]:
    """One line per shared change: a field added to Person shows up in ~100 places."""
    groups: dict[tuple[str, str, str, str], list[Difference]] = defaultdict(list)
    for diff in found:
        name = diff.leaf if diff.subject.endswith(" field") else diff.name
        groups[(diff.subject, name, diff.kind, diff.detail)].append(diff)
    return groups


def _group_lines(found: Mapping[Difference, list[str]], sign: str | None, limit: int) -> list[str]:
    lines: list[str] = []
    for (subject, name, kind, detail), diffs in sorted(_grouped(found).items()):
        operations = [op for diff in diffs for op in found[diff]]
        count = len(set(operations))
        where = "1 operation" if count == 1 else f"{count} operations"
        paths = {diff.name for diff in diffs}
        at = f" at {_limited(paths, limit)};" if paths != {name} else ""
        detail_text = f" ({detail})" if detail else ""
        if subject.endswith(" field"):
            shown = f" `{name}`" if name else " (the body itself)"
        else:
            shown = f" `{name}`" if name else ""
        lines.append(
            f"  {sign or _SIGN[kind]} {subject}{shown}{detail_text}{at}"
            f" in {where}: {_limited(operations, limit)}"
        )
    return lines


def _sections(
    found: Mapping[Difference, list[str]], sign: str | None, limit: int
) -> list[tuple[str, list[str]]]:
    """(heading, lines) for operation facts, parameters, request and response fields."""
    out: list[tuple[str, list[str]]] = []
    rest = dict(found)
    for heading, belongs in _FIELD_SECTIONS:
        part = {d: ops for d, ops in found.items() if belongs(d.subject)}
        for d in part:
            rest.pop(d)
        if part:
            out.append((heading, _group_lines(part, sign, limit)))
    if rest:
        out.insert(0, ("Operation facts", _group_lines(rest, sign, limit)))
    return out


def _entry_text(entry: Accepted) -> str:
    return f"{entry.subject} {entry.name} ({entry.detail})"


def _versions(report: DriftReport) -> str:
    if report.upstream_version or report.ours_version:
        return f" (upstream {report.upstream_version or '?'}, ours {report.ours_version or '?'})"
    return ""


def format_report(report: DriftReport, *, limit: int = 6, show_refinements: bool = False) -> str:
    """Human-readable text of a report: one line per difference, grouped, in a stable order."""
    # Counted as the report shows them: one per operation, one per grouped line.
    everything = [*(d.kind for d in report.operations)]
    everything += [kind for (_s, _n, kind, _d) in _grouped(report.by_operation)]
    if not report.has_differences:
        lines = [f"No differences{_versions(report)}: the upstream description matches ours."]
    else:
        counts = {kind: everything.count(kind) for kind in _SIGN}
        lines = [
            f"Upstream differs{_versions(report)}: {counts['added']} added,"
            f" {counts['removed']} removed, {counts['changed']} changed."
        ]
    if report.operations:
        lines.append("Operations:")
        for diff in report.operations:
            lines.append(f"  {_SIGN[diff.kind]} {diff.name} ({diff.detail})")
    for heading, group in _sections(report.by_operation, None, limit):
        lines.append(f"{heading}:")
        lines.extend(group)
    if report.ahead_operations or report.ahead:
        lines.append(
            f"Only in ours (upstream's {report.upstream_version} is older than our "
            f"{report.ours_version}; not counted):"
        )
        for diff in report.ahead_operations:
            lines.append(f"  = {diff.name} ({diff.detail})")
        lines.extend(_group_lines(report.ahead, "=", limit))
    if report.refinements:
        total = len(_grouped(report.refinements))
        if show_refinements:
            lines.append(
                "Refinements (ours is deliberately more careful than upstream; not counted):"
            )
            lines.extend(_group_lines(report.refinements, "r", limit))
        else:
            lines.append(
                f"({total} refinements not shown — ours deliberately allows null or absence,"
                " or adds a format, enum or sensitivity mark; --all lists them.)"
            )
    if report.accepted:
        if show_refinements:
            lines.append(f"Accepted ({ACCEPTED_FILE}; not counted):")
            lines.extend(_group_lines(report.accepted, "a", limit))
        else:
            total = len(_grouped(report.accepted))
            lines.append(f"({total} accepted differences not shown — see {ACCEPTED_FILE}.)")
    for entry in report.unused_accepted:
        lines.append(
            f"Note: {ACCEPTED_FILE} accepts `{_entry_text(entry)}`,"
            " which no longer differs: the entry can go."
        )
    if report.unchecked_accepted and show_refinements:
        lines.append(
            f"Not checked ({ACCEPTED_FILE} entries for what only ours has; upstream cannot"
            " show whether they still hold):"
        )
        for entry, operations in report.unchecked_accepted.items():
            lines.append(f"  ? `{_entry_text(entry)}` in {_limited(operations, limit)}")
    elif report.unchecked_accepted:
        total = len(report.unchecked_accepted)
        entries = "1 entry" if total == 1 else f"{total} entries"
        lines.append(
            f"({entries} of {ACCEPTED_FILE} not checked — only ours has what"
            f" {'it applies' if total == 1 else 'they apply'} to; --all lists"
            f" {'it' if total == 1 else 'them'}.)"
        )
    if report.notes:
        lines.append("Notes (documented-only fields that upstream now describes too):")
        lines.extend(_group_lines(report.notes, _SIGN["note"], limit))
    return "\n".join(lines) + "\n"


def default_ours() -> Path:
    return Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with the usage, as argparse does
        self.print_usage(sys.stderr)
        sys.stderr.write(f"spec-drift: {message}\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m codegen.drift",
        description="Compare an upstream OpenAPI description with ours. Exit status: 0 when "
        "nothing counted differs, 1 when something does, 2 when a file cannot be read.",
    )
    parser.add_argument("upstream", type=Path, help="the upstream description (JSON or YAML)")
    parser.add_argument(
        "ours", type=Path, nargs="?", help="our entry file (default: openapi/openapi.yaml)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="also list the refinements and accepted differences (see the module doc)",
    )
    parser.add_argument(
        "--accepted",
        type=Path,
        help=f"the accepted differences (default: {ACCEPTED_FILE} beside OURS, if any)",
    )
    parser.add_argument(
        "--limit", type=int, default=6, help="operations named per line (default 6)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m codegen.drift UPSTREAM [OURS] [--all]``: exit 0 if equal, 1 if not, 2 on bad
    input."""
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    ours_path = args.ours or default_ours()
    try:
        upstream, ours = load(args.upstream), load(ours_path)
        accepted = (
            parse_accepted(read_data(args.accepted), str(args.accepted))
            if args.accepted
            else accepted_beside(ours_path)
        )
        report = compare(upstream, ours, accepted=accepted)
    except SpecError as exc:
        sys.stderr.write(f"spec-drift: {exc}\n")
        return 2
    except MALFORMED as exc:
        sys.stderr.write(f"spec-drift: malformed description: {exc!r}\n")
        return 2
    sys.stdout.write(format_report(report, limit=max(1, args.limit), show_refinements=args.all))
    return 1 if report.has_differences else 0


__all__ = [
    "ACCEPTED_FILE",
    "GENERATED_FORMATS",
    "Accepted",
    "Difference",
    "DriftReport",
    "FieldInfo",
    "OperationSummary",
    "ParamInfo",
    "accepted_beside",
    "account_relative",
    "api_version",
    "base_type",
    "compare",
    "compare_operation",
    "extension_detail",
    "flatten_fields",
    "format_report",
    "is_older",
    "main",
    "parse_accepted",
    "summarize",
    "summarize_operation",
]


if __name__ == "__main__":
    raise SystemExit(main())
