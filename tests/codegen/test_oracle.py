"""openapi-python-client as a test oracle: an independent parser of the same
description must agree with our IR on every operation's method, path, parameters
and success response."""

from __future__ import annotations

import json
import re

import pytest

from codegen import ir
from codegen.build import build
from codegen.loader import load
from codegen.names import snake
from codegen.normalise import normalise

from .oracle import OracleOperation, parse
from .support import OUR_SPEC, reference_dir

UPSTREAM = reference_dir() / "basecamp-openapi.json"


def _canon(path: str) -> str:
    """openapi-python-client snake_cases placeholders (``{project_id}``); so do we here."""
    return re.sub(r"\{([^}]+)\}", lambda m: "{" + snake(m.group(1)) + "}", path)


def _index(
    oracle: dict[tuple[str, str], OracleOperation],
) -> dict[tuple[str, str], OracleOperation]:
    return {(method, _canon(path)): op for (method, path), op in oracle.items()}


def _params(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(snake(n) for n in names if snake(n) != "account_id"))


def _expected_response(op: ir.Operation) -> str:
    t = op.response_type
    if op.response_kind == "none" or t is None:
        return "none"
    if op.pagination is not None and op.pagination.items_key:
        return "model"  # a page object wrapping the list; we page its items
    if op.response_kind in ("list", "paginated"):
        return f"list:{t.model}" if t.kind == "model" else "list"
    if t.kind == "model":
        return f"model:{t.model}"
    return "other"


def _query_wires(op: ir.Operation) -> frozenset[str]:
    # An upload's file-name parameter is filled by the method's ``name`` argument.
    wires = {p.wire for p in op.params if p.location == "query"}
    return frozenset(wires | ({op.name_query} if op.name_query else set()))


def _compare(api: ir.Api, oracle: dict[tuple[str, str], OracleOperation], prefix: str) -> None:
    assert len(oracle) == len(api.operations)
    oracle = _index(oracle)
    problems = []
    for op in api.operations:
        theirs = oracle.get((op.http_method, _canon(prefix + op.path)))
        if theirs is None:
            problems.append(f"{op.id}: not found by openapi-python-client")
            continue
        ours = OracleOperation(
            method=op.http_method,
            path=_canon(prefix + op.path),
            path_params=_params(op.path_params),
            query_params=_query_wires(op),
            success_status=op.success_status,
            response=_expected_response(op),
        )
        theirs = OracleOperation(
            method=theirs.method,
            path=_canon(theirs.path),
            path_params=_params(theirs.path_params),
            query_params=theirs.query_params,
            success_status=theirs.success_status,
            response="model" if ours.response == "model" else theirs.response,
        )
        if ours != theirs:
            problems.append(f"{op.id}:\n  ours   {ours}\n  theirs {theirs}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_our_description_agrees_with_openapi_python_client() -> None:
    document = load(OUR_SPEC)
    api = build(normalise(document))
    _compare(api, parse(document), prefix="")


@pytest.mark.slow
@pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} is absent")
def test_upstream_description_agrees_with_openapi_python_client() -> None:
    document = json.loads(UPSTREAM.read_text(encoding="utf-8"))
    api = build(normalise(document))
    # Upstream's responses reference wrapper schemas (GetProjectResponseContent) that
    # openapi-python-client keeps as models; we unwrap them, so only kinds compare.
    _compare_kinds(api, parse(document))


def _compare_kinds(api: ir.Api, oracle: dict[tuple[str, str], OracleOperation]) -> None:
    oracle = _index(oracle)
    problems = []
    for op in api.operations:
        theirs = oracle.get((op.http_method, _canon("/{accountId}" + op.path)))
        if theirs is None:
            problems.append(f"{op.id}: not found by openapi-python-client")
            continue
        ours_kind = _expected_response(op).split(":")[0]
        theirs_kind = theirs.response.split(":")[0]
        if ours_kind == "list" and theirs_kind == "model":
            ours_kind = "model"  # a $ref to an array wrapper: they keep the wrapper
        checks = {
            "path params": (_params(op.path_params), _params(theirs.path_params)),
            "query": (
                _query_wires(op),
                theirs.query_params,
            ),
            "status": (op.success_status, theirs.success_status),
            "response": (ours_kind, theirs_kind),
        }
        for what, (a, b) in checks.items():
            if a != b:
                problems.append(f"{op.id} {what}: ours {a!r}, theirs {b!r}")
    assert not problems, "\n".join(problems)
