"""Compare two OpenAPI descriptions of the Basecamp API: what does one add, drop or change?

Both descriptions are first reduced to comparable summaries, so that differences of form
are not reported as differences of fact:

- paths are made account-relative (Basecamp's published description keeps a leading
  ``/{accountId}`` segment and parameter; ours puts the account in the server URL);
- ``$ref``\\ s are followed, so a response wrapper schema and the schema it wraps compare equal;
- a field's *base type* ignores nullability (``nullable: true``, ``type: [x, "null"]``,
  ``anyOf: [..., {type: "null"}]``) and ``format``;
- body fields are flattened to dotted paths (``creator.company.name``, ``dock[].id``).

Fields our description marks ``x-documented-only`` (known from Basecamp's documented payloads
but absent from the published description) are not differences when the other side lacks them.

Used by the spec coverage test and by ``make spec-drift UPSTREAM=path/to/openapi.json``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.loader import Document, SpecError, load, resolve_pointer

ACCOUNT_PREFIX = "/{accountId}"
ACCOUNT_PARAM = "accountId"
DOCUMENTED_ONLY = "x-documented-only"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Deep enough for every real nesting (webhook → delivery → event → recording → person → company);
# it only guards against pathological descriptions.
MAX_DEPTH = 12


@dataclass(frozen=True)
class FieldInfo:
    """One flattened body field: its base JSON type and whether only the docs show it."""

    base_type: str
    documented_only: bool = False


@dataclass(frozen=True)
class ParamInfo:
    required: bool
    base_type: str


@dataclass(frozen=True)
class OperationSummary:
    """What matters about one operation when comparing descriptions."""

    method: str
    path: str
    operation_id: str
    params: Mapping[tuple[str, str], ParamInfo]
    request_media_types: tuple[str, ...]
    request_fields: Mapping[str, FieldInfo]
    response_fields: Mapping[str, FieldInfo]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


@dataclass(frozen=True)
class Difference:
    """One fact that differs, seen from upstream: ``kind`` is ``added``, ``removed`` or ``changed``.

    ``subject`` says what kind of thing differs (``operation``, ``query parameter``,
    ``response field``…) and ``name`` which one (``GET /x.json``, ``status``, ``creator.name``).
    """

    kind: str
    subject: str
    name: str
    detail: str = ""

    @property
    def leaf(self) -> str:
        """The last segment of a field path (``creator.company.name`` → ``name``)."""
        return self.name.rsplit(".", 1)[-1]


@dataclass
class DriftReport:
    """Differences grouped by what differs; each maps to the operations it concerns."""

    operations: list[Difference] = field(default_factory=list)
    by_operation: dict[Difference, list[str]] = field(default_factory=dict)
    notes: dict[Difference, list[str]] = field(default_factory=dict)

    @property
    def has_differences(self) -> bool:
        return bool(self.operations or self.by_operation)


# ----------------------------------------------------------------------------- normalising


def account_relative(path: str) -> str:
    """``/{accountId}/projects.json`` → ``/projects.json``; other paths are returned as they are."""
    if path == ACCOUNT_PREFIX:
        return "/"
    if path.startswith(ACCOUNT_PREFIX + "/"):
        return path[len(ACCOUNT_PREFIX) :]
    return path


def _deref(document: Document, node: Any) -> Any:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"reference cycle at {ref!r}")
        seen.add(ref)
        node = resolve_pointer(document, ref)
    return node


def _branches(
    document: Document, schema: Any, chain: tuple[str, ...] = ()
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """The non-null branches of a schema (itself, or those of its anyOf/oneOf), resolved.

    Each comes with the references followed to reach it, so that recursion is detected the
    same way whether a shape is reached through a wrapper, a plain ``$ref`` or an ``anyOf``.
    """
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in chain:
            raise SpecError(f"reference cycle at {ref!r}")
        chain = (*chain, ref)
        schema = resolve_pointer(document, ref)
    if not isinstance(schema, dict):
        return []
    for key in ("anyOf", "oneOf"):
        if key in schema:
            out: list[tuple[dict[str, Any], tuple[str, ...]]] = []
            for branch in schema[key]:
                out.extend(_branches(document, branch, chain))
            return out
    types = schema.get("type")
    if types == "null" or types == ["null"]:
        return []
    return [(schema, chain)]


def base_type(document: Document, schema: Any) -> str:
    """The JSON type of a schema, ignoring nullability and format (``any`` when unconstrained)."""
    names: set[str] = set()
    for alt, _chain in _branches(document, schema):
        if "allOf" in alt:
            names.update(base_type(document, part) for part in alt["allOf"])
            continue
        types = alt.get("type")
        if isinstance(types, str):
            names.add(types)
        elif isinstance(types, list):
            names.update(t for t in types if t != "null")
        elif "properties" in alt or "additionalProperties" in alt:
            names.add("object")
        elif "items" in alt:
            names.add("array")
    names.discard("any")
    return "|".join(sorted(names)) if names else "any"


def flatten_fields(document: Document, schema: Any) -> dict[str, FieldInfo]:
    """Every field of a body schema as ``dotted.path`` → :class:`FieldInfo`.

    The key ``""`` holds the body's own type; array items add ``[]`` and map values ``{}``.
    """
    out: dict[str, FieldInfo] = {}
    _flatten(document, schema, "", out, (), False, 0)
    return out


def _flatten(
    document: Document,
    schema: Any,
    prefix: str,
    out: dict[str, FieldInfo],
    stack: tuple[str, ...],
    documented_only: bool,
    depth: int,
) -> None:
    if isinstance(schema, dict) and schema.get(DOCUMENTED_ONLY):
        documented_only = True
    out[prefix] = FieldInfo(base_type(document, schema), documented_only)
    if depth >= MAX_DEPTH:
        return
    for alt, chain in _branches(document, schema):
        if any(ref in stack for ref in chain):
            continue  # a recursive shape: recorded above, not unrolled
        inner = (*stack, *chain)
        for part in [alt, *(_deref(document, p) for p in alt.get("allOf", []))]:
            if not isinstance(part, dict):
                continue
            for name, sub in (part.get("properties") or {}).items():
                child = f"{prefix}.{name}" if prefix else name
                _flatten(document, sub, child, out, inner, documented_only, depth + 1)
            items = part.get("items")
            if isinstance(items, dict):
                _flatten(document, items, prefix + "[]", out, inner, documented_only, depth + 1)
            extra = part.get("additionalProperties")
            if isinstance(extra, dict):
                _flatten(document, extra, prefix + "{}", out, inner, documented_only, depth + 1)


def _parameters(document: Document, path_item: Any, operation: Any) -> dict[tuple[str, str], Any]:
    params: dict[tuple[str, str], Any] = {}
    for source in (path_item.get("parameters") or [], operation.get("parameters") or []):
        for raw in source:
            param = _deref(document, raw)
            params[(param["in"], param["name"])] = param
    return params


def _success_schema(document: Document, operation: Any) -> Any:
    responses = operation.get("responses") or {}
    for code in sorted(str(c) for c in responses):
        if not code.startswith("2"):
            continue
        response = _deref(document, responses[code] if code in responses else responses[int(code)])
        content = response.get("content") or {}
        for media_type in ("application/json", *content):
            if media_type in content:
                return content[media_type].get("schema", {})
        return None
    return None


def summarize_operation(
    document: Document, path: str, method: str, path_item: Any, operation: Any
) -> OperationSummary:
    params = {
        key: ParamInfo(bool(p.get("required")), base_type(document, p.get("schema", {})))
        for key, p in _parameters(document, path_item, operation).items()
        if key != ("path", ACCOUNT_PARAM)
    }
    body = _deref(document, operation.get("requestBody") or {})
    content = body.get("content") or {}
    request_fields: dict[str, FieldInfo] = {}
    if content:
        media_type = "application/json" if "application/json" in content else next(iter(content))
        request_fields = flatten_fields(document, content[media_type].get("schema", {}))
    response_schema = _success_schema(document, operation)
    response_fields = {} if response_schema is None else flatten_fields(document, response_schema)
    return OperationSummary(
        method=method.upper(),
        path=account_relative(path),
        operation_id=str(operation.get("operationId", "")),
        params=params,
        request_media_types=tuple(sorted(content)),
        request_fields=request_fields,
        response_fields=response_fields,
    )


def summarize(document: Document) -> dict[tuple[str, str], OperationSummary]:
    """Every operation of a (loaded) description, keyed by (METHOD, account-relative path)."""
    out: dict[tuple[str, str], OperationSummary] = {}
    for path, path_item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if isinstance(operation, dict):
                summary = summarize_operation(document, path, method, path_item, operation)
                out[summary.key] = summary
    return out


# ----------------------------------------------------------------------------- comparing


def _compare_fields(
    where: str, upstream: Mapping[str, FieldInfo], ours: Mapping[str, FieldInfo]
) -> tuple[list[Difference], list[Difference]]:
    differences: list[Difference] = []
    notes: list[Difference] = []
    subject = f"{where} field"
    for name in sorted(upstream.keys() | ours.keys()):
        theirs, mine = upstream.get(name), ours.get(name)
        if mine is None and theirs is not None:
            differences.append(Difference("added", subject, name, theirs.base_type))
        elif theirs is None and mine is not None:
            if not mine.documented_only:
                differences.append(Difference("removed", subject, name, mine.base_type))
        elif theirs is not None and mine is not None:
            if theirs.base_type != mine.base_type:
                differences.append(
                    Difference(
                        "changed", subject, name, f"type {mine.base_type} → {theirs.base_type}"
                    )
                )
            elif mine.documented_only:
                notes.append(Difference("note", subject, name, "now upstream too"))
    return differences, notes


def compare_operation(upstream: OperationSummary, ours: OperationSummary) -> list[Difference]:
    """Differences of one operation present on both sides (no notes)."""
    return _compare_operation(upstream, ours)[0]


def _compare_operation(
    upstream: OperationSummary, ours: OperationSummary
) -> tuple[list[Difference], list[Difference]]:
    out: list[Difference] = []
    if upstream.operation_id != ours.operation_id:
        out.append(
            Difference(
                "changed",
                "operation",
                "operationId",
                f"{ours.operation_id} → {upstream.operation_id}",
            )
        )
    for key in sorted(upstream.params.keys() | ours.params.keys()):
        subject = f"{key[0]} parameter"
        theirs, mine = upstream.params.get(key), ours.params.get(key)
        if mine is None and theirs is not None:
            req = "required" if theirs.required else "optional"
            out.append(Difference("added", subject, key[1], f"{theirs.base_type}, {req}"))
        elif theirs is None and mine is not None:
            out.append(Difference("removed", subject, key[1], mine.base_type))
        elif theirs is not None and mine is not None:
            if theirs.required != mine.required:
                detail = f"required {mine.required} → {theirs.required}".lower()
                out.append(Difference("changed", subject, key[1], detail))
            if theirs.base_type != mine.base_type:
                detail = f"type {mine.base_type} → {theirs.base_type}"
                out.append(Difference("changed", subject, key[1], detail))
    if upstream.request_media_types != ours.request_media_types:
        mine_text = ", ".join(ours.request_media_types) or "none"
        theirs_text = ", ".join(upstream.request_media_types) or "none"
        out.append(Difference("changed", "request", "media type", f"{mine_text} → {theirs_text}"))
    notes: list[Difference] = []
    for where, theirs_fields, my_fields in (
        ("request", upstream.request_fields, ours.request_fields),
        ("response", upstream.response_fields, ours.response_fields),
    ):
        diffs, found = _compare_fields(where, theirs_fields, my_fields)
        out.extend(diffs)
        notes.extend(found)
    return out, notes


def _label(summary: OperationSummary) -> str:
    return summary.operation_id or f"{summary.method} {summary.path}"


def compare(upstream: Document, ours: Document) -> DriftReport:
    """What ``upstream`` adds, removes or changes compared with ``ours``."""
    theirs_ops, our_ops = summarize(upstream), summarize(ours)
    report = DriftReport()
    for key in sorted(theirs_ops.keys() - our_ops.keys()):
        op = theirs_ops[key]
        report.operations.append(
            Difference("added", "operation", f"{op.method} {op.path}", op.operation_id)
        )
    for key in sorted(our_ops.keys() - theirs_ops.keys()):
        op = our_ops[key]
        report.operations.append(
            Difference("removed", "operation", f"{op.method} {op.path}", op.operation_id)
        )
    by_op: dict[Difference, list[str]] = defaultdict(list)
    notes: dict[Difference, list[str]] = defaultdict(list)
    for key in sorted(theirs_ops.keys() & our_ops.keys()):
        diffs, found = _compare_operation(theirs_ops[key], our_ops[key])
        for diff in diffs:
            by_op[diff].append(_label(our_ops[key]))
        for note in found:
            notes[note].append(_label(our_ops[key]))
    report.by_operation = dict(by_op)
    report.notes = dict(notes)
    return report


# ----------------------------------------------------------------------------- reporting

_SIGN = {"added": "+", "removed": "-", "changed": "~", "note": "i"}


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
        shown = f"`{name}`" if name else "(the body itself)"
        lines.append(
            f"  {sign or _SIGN[kind]} {subject} {shown}{detail_text}{at}"
            f" in {where}: {_limited(operations, limit)}"
        )
    return lines


def format_report(report: DriftReport, *, limit: int = 6) -> str:
    """Human-readable text of a report: one line per difference, with where it occurs."""
    everything = [*report.operations, *report.by_operation]
    if not report.has_differences:
        lines = ["No differences: the upstream description matches ours."]
    else:
        counts = {kind: sum(1 for d in everything if d.kind == kind) for kind in _SIGN}
        lines = [
            f"Upstream differs: {counts['added']} added, {counts['removed']} removed,"
            f" {counts['changed']} changed."
        ]
    if report.operations:
        lines.append("Operations:")
        for diff in report.operations:
            lines.append(f"  {_SIGN[diff.kind]} {diff.name} ({diff.detail})")
    if report.by_operation:
        lines.append("Parameters and fields:")
        lines.extend(_group_lines(report.by_operation, None, limit))
    if report.notes:
        lines.append("Notes (documented-only fields that upstream now describes too):")
        lines.extend(_group_lines(report.notes, _SIGN["note"], limit))
    return "\n".join(lines) + "\n"


def default_ours() -> Path:
    return Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml"


def main(argv: list[str] | None = None) -> int:
    """``python -m codegen.drift UPSTREAM [OURS]``: exit 0 if equal, 1 if not, 2 on bad input."""
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2 or args[0] in ("-h", "--help"):
        sys.stderr.write("usage: python -m codegen.drift UPSTREAM [OURS]\n")
        return 2
    ours_path = Path(args[1]) if len(args) == 2 else default_ours()
    try:
        upstream, ours = load(args[0]), load(ours_path)
        report = compare(upstream, ours)
    except SpecError as exc:
        sys.stderr.write(f"spec-drift: {exc}\n")
        return 2
    except (KeyError, TypeError, AttributeError) as exc:
        sys.stderr.write(f"spec-drift: malformed description: {exc!r}\n")
        return 2
    sys.stdout.write(format_report(report))
    return 1 if report.has_differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
