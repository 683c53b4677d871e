"""Our description covers every operation of Basecamp's API 2026-10-19, fact for fact.

The newer API is Basecamp's published description (2026-08-11, 250 operations) with the
2026-10-19 additions (37 operations, new fields) laid over it from the reference facts
(tests/spec/additions.py). Both sides are reduced by codegen.drift (the same code behind
``make spec-drift``), so wrapper schemas, nullability style and formats are not differences;
names, requiredness of parameters and base JSON types of every parameter and body field are.
"""

from __future__ import annotations

from typing import Any

from codegen import drift
from codegen.loader import Document

from .conftest import ENTRY

EXTENSIONS = (
    "x-basecamp-retry",
    "x-basecamp-idempotent",
    "x-basecamp-pagination",
    "x-basecamp-write-semantics",
    "x-basecamp-multipart",
)


def _ops(doc: Document) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                out[(method.upper(), drift.account_relative(path))] = op
    return out


def test_every_operation_of_the_newer_api_is_ours(
    reference: Document, reference_latest: Document, ours: Document
) -> None:
    assert len(_ops(reference)) == 250
    theirs, mine = _ops(reference_latest), _ops(ours)
    assert len(theirs) == 287
    assert sorted(theirs.keys() - mine.keys()) == []
    assert sorted(mine.keys() - theirs.keys()) == []
    renamed = {k: (theirs[k]["operationId"], mine[k]["operationId"]) for k in theirs}
    assert {k: v for k, v in renamed.items() if v[0] != v[1]} == {}
    assert ours["info"]["version"] == reference_latest["info"]["version"] == "2026-10-19"


def test_parameters_and_fields_match(reference_latest: Document, ours: Document) -> None:
    report = drift.compare(reference_latest, ours, accepted=drift.accepted_beside(ENTRY))
    assert not report.has_differences, drift.format_report(report)
    assert report.notes == {}, drift.format_report(report)


def test_the_older_api_differs_only_by_the_additions(reference: Document, ours: Document) -> None:
    # Against 2026-08-11 alone, the drift report shows exactly what 2026-10-19 brought.
    # Upstream describes an older API version, so what only ours has is set apart ("ahead")
    # rather than counted as removed upstream.
    report = drift.compare(reference, ours, accepted=drift.accepted_beside(ENTRY))
    assert len(report.ahead_operations) == 37
    assert report.operations == []
    fields = {d.leaf for d in report.ahead}
    assert {"starred", "wallpaper", "subtasks_count", "completion", "performed_by"} <= fields
    assert not report.has_differences, drift.format_report(report)


def test_basecamp_extensions_are_kept(reference_latest: Document, ours: Document) -> None:
    theirs, mine = _ops(reference_latest), _ops(ours)
    for key, op in theirs.items():
        for ext in EXTENSIONS:
            assert mine[key].get(ext) == op.get(ext), f"{op['operationId']} {ext}"


def test_reference_sensitivity_marks_are_kept(reference: Document, ours: Document) -> None:
    their_person = reference["components"]["schemas"]["Person"]["properties"]
    our_person = ours["components"]["schemas"]["Person"]["properties"]
    for name, prop in their_person.items():
        if "x-basecamp-sensitive" in prop:
            assert our_person[name]["x-basecamp-sensitive"] == prop["x-basecamp-sensitive"]


def test_nothing_is_copied_from_the_reference_prose(reference: Document, ours: Document) -> None:
    def texts(doc: Document) -> set[str]:
        found: set[str] = set()

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("description", "summary") and isinstance(value, str):
                        found.add(" ".join(value.split()).lower())
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)

        visit(doc)
        return found

    theirs = {t for t in texts(reference) if len(t) > 24}
    assert sorted(texts(ours) & theirs) == []
