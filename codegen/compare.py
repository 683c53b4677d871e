"""Comparing two reduced descriptions (:mod:`codegen.summary`): what upstream adds, drops or
changes, seen by :mod:`codegen.drift` (the report and ``make spec-drift``) and
:mod:`codegen.spec_update`. The rules — what counts, what is a refinement, what is ahead —
are in :mod:`codegen.drift`'s module documentation.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import Document, SpecError, read_data
from .summary import FieldInfo, OperationSummary, ParamInfo, summarize

#: Formats the generator turns into another Python type; any other (int64, email,
#: password…) changes nothing it emits.
GENERATED_FORMATS = frozenset({"date", "date-time", "binary"})
_API_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The file beside our entry file that lists the differences ours makes on purpose.
ACCEPTED_FILE = "drift-accepted.yaml"


@dataclass(frozen=True)
class Difference:
    """One fact that differs, seen from upstream: ``kind`` is ``added``, ``removed`` or ``changed``.

    ``subject`` says what kind of thing differs (``operation``, ``query parameter``,
    ``response field``, ``x-basecamp-retry``…) and ``name`` which one (``GET /x.json``,
    ``status``, ``creator.name``; empty for a fact of the operation itself).
    """

    kind: str
    subject: str
    name: str
    detail: str = ""

    @property
    def leaf(self) -> str:
        """The last segment of a field path (``creator.company.name`` → ``name``)."""
        return _leaf(self.name)


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Accepted:
    """A difference ours makes on purpose: matches every :class:`Difference` with this
    subject, name (a field's last segment) and detail."""

    subject: str
    name: str
    detail: str
    why: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.name, self.detail)


def _match_key(diff: Difference) -> tuple[str, str, str]:
    name = diff.leaf if diff.subject.endswith(" field") else diff.name
    return (diff.subject, name, diff.detail)


def parse_accepted(data: Any, where: str = ACCEPTED_FILE) -> tuple[Accepted, ...]:
    """The entries of a ``drift-accepted.yaml`` document (``accepted: [{subject, name,
    detail, why}]``); each needs a reason."""
    entries = data.get("accepted") if isinstance(data, dict) else None
    if data is None or entries is None:
        return ()
    if not isinstance(entries, list):
        raise SpecError(f"{where}: 'accepted' must be a list")
    out: list[Accepted] = []
    for n, entry in enumerate(entries, start=1):
        keys = {"subject", "name", "detail", "why"}
        if not isinstance(entry, dict) or set(entry) != keys:
            raise SpecError(f"{where}: entry {n} needs exactly {sorted(keys)}")
        if not all(isinstance(entry[k], str) for k in keys) or not entry["why"].strip():
            raise SpecError(f"{where}: entry {n}: every value is a string, 'why' not empty")
        out.append(Accepted(entry["subject"], entry["name"], entry["detail"], entry["why"]))
    return tuple(out)


def accepted_beside(entry: str | Path) -> tuple[Accepted, ...]:
    """The accepted differences listed beside a description's entry file (none if no file)."""
    path = Path(entry).parent / ACCEPTED_FILE
    if not path.is_file():
        return ()
    return parse_accepted(read_data(path), str(path))


@dataclass
class DriftReport:
    """Differences grouped by what differs; each maps to the operations it concerns."""

    operations: list[Difference] = field(default_factory=list)
    by_operation: dict[Difference, list[str]] = field(default_factory=dict)
    notes: dict[Difference, list[str]] = field(default_factory=dict)
    refinements: dict[Difference, list[str]] = field(default_factory=dict)
    # Only in ours while upstream describes an older API version: not counted.
    ahead_operations: list[Difference] = field(default_factory=list)
    ahead: dict[Difference, list[str]] = field(default_factory=dict)
    accepted: dict[Difference, list[str]] = field(default_factory=dict)
    # Accepted entries that match nothing although upstream has what they apply to.
    unused_accepted: tuple[Accepted, ...] = ()
    # Accepted entries that match nothing because all they apply to is only in ours (an
    # operation, field or parameter upstream lacks): whether they still hold is unknown.
    # Each maps to the operations of ours it applies to.
    unchecked_accepted: dict[Accepted, list[str]] = field(default_factory=dict)
    upstream_version: str = ""
    ours_version: str = ""

    @property
    def has_differences(self) -> bool:
        return bool(self.operations or self.by_operation)


# ----------------------------------------------------------------------------- comparing


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(", ", ": ")) if value is not None else ""


def extension_detail(mine: Any, theirs: Any) -> str:
    """How an extension's value changed, key by key where both are mappings:
    ``maxAttempts 3 → 5; retryOn [429, 503] → [429, 500, 503]``."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        parts = []
        for key in sorted(mine.keys() | theirs.keys()):
            a, b = mine.get(key), theirs.get(key)
            if a != b:
                parts.append(f"{key} {_compact(a) or 'absent'} → {_compact(b) or 'absent'}")
        return "; ".join(parts)
    return f"{_compact(mine) or 'absent'} → {_compact(theirs) or 'absent'}"


class _Sink:
    """Where one comparison puts what it finds: counted differences or refinements."""

    def __init__(self) -> None:
        self.found: list[Difference] = []
        self.refined: list[Difference] = []
        self.notes: list[Difference] = []

    def add(self, diff: Difference, *, refinement: bool = False) -> None:
        (self.refined if refinement else self.found).append(diff)


def _effective_format(value: str) -> str:
    return value if value in GENERATED_FORMATS else ""


def _compare_facets(
    sink: _Sink,
    subject: str,
    name: str,
    mine: FieldInfo | ParamInfo,
    theirs: FieldInfo | ParamInfo,
) -> None:
    if theirs.base_type != mine.base_type:
        sink.add(
            Difference("changed", subject, name, f"type {mine.base_type} → {theirs.base_type}")
        )
    if isinstance(mine, FieldInfo) and isinstance(theirs, FieldInfo):
        if mine.nullable != theirs.nullable:
            detail = f"nullable {_yes(mine.nullable)} → {_yes(theirs.nullable)}"
            sink.add(Difference("changed", subject, name, detail), refinement=mine.nullable)
        if mine.required != theirs.required:
            detail = f"required {_yes(mine.required)} → {_yes(theirs.required)}"
            sink.add(Difference("changed", subject, name, detail), refinement=not mine.required)
        if mine.sensitive != theirs.sensitive:
            detail = f"sensitive {mine.sensitive or 'none'} → {theirs.sensitive or 'none'}"
            sink.add(Difference("changed", subject, name, detail), refinement=not theirs.sensitive)
    my_format, their_format = _effective_format(mine.format), _effective_format(theirs.format)
    if my_format != their_format:
        detail = f"format {my_format or 'none'} → {their_format or 'none'}"
        sink.add(Difference("changed", subject, name, detail), refinement=not their_format)
    if mine.enum != theirs.enum:
        new = sorted(set(theirs.enum) - set(mine.enum)) if mine.enum else []
        if new:
            sink.add(Difference("changed", subject, name, "enum adds " + ", ".join(new)))
        else:
            detail = (
                "enum "
                + (", ".join(mine.enum) or "none")
                + " → "
                + (", ".join(theirs.enum) or "none")
            )
            sink.add(Difference("changed", subject, name, detail), refinement=True)


def _compare_fields(
    sink: _Sink,
    ahead: list[Difference],
    where: str,
    upstream: Mapping[str, FieldInfo],
    ours: Mapping[str, FieldInfo],
    upstream_older: bool,
) -> None:
    subject = f"{where} field"
    for name in sorted(upstream.keys() | ours.keys()):
        theirs, mine = upstream.get(name), ours.get(name)
        if mine is None and theirs is not None:
            sink.add(Difference("added", subject, name, theirs.base_type))
        elif theirs is None and mine is not None:
            if mine.documented_only:
                continue
            diff = Difference("removed", subject, name, mine.base_type)
            if upstream_older:
                ahead.append(diff)
            else:
                sink.add(diff)
        elif theirs is not None and mine is not None:
            _compare_facets(sink, subject, name, mine, theirs)
            if mine.documented_only and not theirs.documented_only:
                sink.notes.append(Difference("note", subject, name, "now upstream too"))


def _compare_operation_into(
    sink: _Sink,
    ahead: list[Difference],
    upstream: OperationSummary,
    ours: OperationSummary,
    upstream_older: bool,
) -> None:
    def changed(subject: str, mine: Any, theirs: Any, text: str = "") -> None:
        if mine != theirs:
            sink.add(Difference("changed", subject, "", text or f"{mine} → {theirs}"))

    changed("operationId", ours.operation_id, upstream.operation_id)
    changed("success status", ours.success_status, upstream.success_status)
    changed(
        "response media type",
        ours.response_media_type or "none",
        upstream.response_media_type or "none",
    )
    changed(
        "request media type",
        ", ".join(ours.request_media_types) or "none",
        ", ".join(upstream.request_media_types) or "none",
    )
    if ours.body_required != upstream.body_required:
        detail = f"required {_yes(ours.body_required)} → {_yes(upstream.body_required)}"
        sink.add(
            Difference("changed", "request body", "", detail),
            refinement=ours.body_required and not upstream.body_required,
        )
    changed("deprecated", _yes(ours.deprecated), _yes(upstream.deprecated))
    my_ext, their_ext = ours.extensions or {}, upstream.extensions or {}
    for name in sorted(my_ext.keys() | their_ext.keys()):
        mine, theirs = my_ext.get(name), their_ext.get(name)
        if mine != theirs:
            kind = "added" if mine is None else "removed" if theirs is None else "changed"
            sink.add(Difference(kind, name, "", extension_detail(mine, theirs)))

    for key in sorted(upstream.params.keys() | ours.params.keys()):
        subject = f"{key[0]} parameter"
        their_param, my_param = upstream.params.get(key), ours.params.get(key)
        if my_param is None and their_param is not None:
            req = "required" if their_param.required else "optional"
            sink.add(Difference("added", subject, key[1], f"{their_param.base_type}, {req}"))
        elif their_param is None and my_param is not None:
            diff = Difference("removed", subject, key[1], my_param.base_type)
            if upstream_older:
                ahead.append(diff)
            else:
                sink.add(diff)
        elif their_param is not None and my_param is not None:
            if their_param.required != my_param.required:
                detail = f"required {_yes(my_param.required)} → {_yes(their_param.required)}"
                sink.add(Difference("changed", subject, key[1], detail))
            _compare_facets(sink, subject, key[1], my_param, their_param)

    for where, theirs_fields, my_fields in (
        ("request", upstream.request_fields, ours.request_fields),
        ("response", upstream.response_fields, ours.response_fields),
    ):
        _compare_fields(sink, ahead, where, theirs_fields, my_fields, upstream_older)


def compare_operation(upstream: OperationSummary, ours: OperationSummary) -> list[Difference]:
    """Counted differences of one operation present on both sides."""
    sink = _Sink()
    ahead: list[Difference] = []
    _compare_operation_into(sink, ahead, upstream, ours, False)
    return sink.found


def _applies_to(summary: OperationSummary, entry: Accepted) -> bool:
    """Whether an operation has what an accepted entry speaks of: a field with that last
    segment, that parameter; any operation, for a fact of the operation itself."""
    if entry.subject in ("request field", "response field"):
        fields = (
            summary.request_fields if entry.subject == "request field" else summary.response_fields
        )
        return any(_leaf(name) == entry.name for name in fields)
    if entry.subject.endswith(" parameter"):
        return (entry.subject.removesuffix(" parameter"), entry.name) in summary.params
    return True


def _label(summary: OperationSummary) -> str:
    return summary.operation_id or f"{summary.method} {summary.path}"


def api_version(document: Document) -> str:
    info = document.get("info") or {}
    return str(info.get("version", "")).strip() if isinstance(info, dict) else ""


def is_older(upstream_version: str, ours_version: str) -> bool:
    """Whether upstream describes an older API than ours (both ``YYYY-MM-DD`` API dates)."""
    return (
        bool(_API_DATE.match(upstream_version) and _API_DATE.match(ours_version))
        and upstream_version < ours_version
    )


def compare(
    upstream: Document, ours: Document, *, accepted: Iterable[Accepted] = ()
) -> DriftReport:
    """What ``upstream`` adds, removes or changes compared with ``ours``.

    ``accepted`` differences (see :func:`accepted_beside`) are set apart, not counted.
    """
    theirs_ops, our_ops = summarize(upstream), summarize(ours)
    report = DriftReport(upstream_version=api_version(upstream), ours_version=api_version(ours))
    older = is_older(report.upstream_version, report.ours_version)
    for key in sorted(theirs_ops.keys() - our_ops.keys()):
        op = theirs_ops[key]
        report.operations.append(
            Difference("added", "operation", f"{op.method} {op.path}", op.operation_id)
        )
    for key in sorted(our_ops.keys() - theirs_ops.keys()):
        op = our_ops[key]
        diff = Difference("removed", "operation", f"{op.method} {op.path}", op.operation_id)
        (report.ahead_operations if older else report.operations).append(diff)
    by_op: dict[Difference, list[str]] = defaultdict(list)
    notes: dict[Difference, list[str]] = defaultdict(list)
    refinements: dict[Difference, list[str]] = defaultdict(list)
    ahead_found: dict[Difference, list[str]] = defaultdict(list)
    for key in sorted(theirs_ops.keys() & our_ops.keys()):
        sink = _Sink()
        ahead: list[Difference] = []
        _compare_operation_into(sink, ahead, theirs_ops[key], our_ops[key], older)
        label = _label(our_ops[key])
        for target, found in (
            (by_op, sink.found),
            (notes, sink.notes),
            (refinements, sink.refined),
            (ahead_found, ahead),
        ):
            for diff in found:
                target[diff].append(label)
    wanted = {a.key: a for a in accepted}
    used: set[tuple[str, str, str]] = set()
    for diff in list(by_op):
        if _match_key(diff) in wanted:
            used.add(_match_key(diff))
            report.accepted[diff] = by_op.pop(diff)
    unused: list[Accepted] = []
    for entry_key, entry in sorted(wanted.items()):
        if entry_key in used:
            continue
        # An entry is stale only if upstream has something it applies to; if all of that
        # is only in ours (an operation of a newer API, say), the comparison cannot tell.
        mine = [k for k in sorted(our_ops) if _applies_to(our_ops[k], entry)]
        if mine and not any(k in theirs_ops and _applies_to(theirs_ops[k], entry) for k in mine):
            report.unchecked_accepted[entry] = [_label(our_ops[k]) for k in mine]
        else:
            unused.append(entry)
    report.unused_accepted = tuple(unused)
    report.by_operation = dict(by_op)
    report.notes = dict(notes)
    report.refinements = dict(refinements)
    report.ahead = dict(ahead_found)
    return report
