"""The regenerate-on-spec-change workflow, end to end, as the README describes it.

From Basecamp's published description (``../shared/reference/basecamp-openapi.json`` or
``$BASECAMP_REFERENCE_DIR``; skipped when absent) the test builds a synthetic newer one —
an added operation (with a new schema behind a wrapper), a changed retry policy and a new
field — then runs the three commands' code: the drift report sees exactly those; the update,
on a temporary copy of openapi/ (never the real one), brings them in; and a package generated
from the updated copy calls the new operation through the real client core, while every
existing operation keeps its ``(service, method)``. Also: ``make generate SPEC=`` straight
from the published description.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest

from basecamp_client import AsyncBasecamp
from basecamp_client._core import AccountSession
from codegen import drift
from codegen.generate import api_from
from codegen.loader import load
from codegen.spec_update import format_result, update

from .support import OUR_SPEC, REPO, generated_package, reference_dir

UPSTREAM = reference_dir() / "basecamp-openapi.json"
pytestmark = pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} is absent")

NEWER = "2099-01-01"  # newer than ours whatever ours follows, so metadata changes apply
OP_PATH = "/todos/{todoId}/stickers.json"


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def find_operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def synthetic_upstream(tmp: Path) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """(file, GetTodo's old retry, its new retry) of a newer description."""
    document = json.loads(UPSTREAM.read_text(encoding="utf-8"))
    document["info"]["version"] = NEWER
    schemas = document["components"]["schemas"]
    # a new field on an existing model
    schemas["Todo"]["properties"]["estimate_minutes"] = {"type": "integer", "format": "int32"}
    # a changed retry policy
    get_todo = find_operation(document, "GetTodo")
    # Changed from what ours says, so that the change is a difference whatever ours says.
    old_retry = copy.deepcopy(find_operation(load(OUR_SPEC), "GetTodo")["x-basecamp-retry"])
    new_retry = {**old_retry, "maxAttempts": old_retry["maxAttempts"] + 1}
    new_retry["retryOn"] = sorted({*old_retry["retryOn"], 502})
    get_todo["x-basecamp-retry"] = new_retry
    # an added operation, shaped as Basecamp publishes them
    schemas["Sticker"] = {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "label": {"type": "string"},
            "placed_at": {"type": "string", "x-go-type": "time.Time"},
        },
        "required": ["id", "label"],
    }
    schemas["ListTodoStickersResponseContent"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Sticker"},
    }
    account = {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}}
    todo_id = {
        "name": "todoId",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "format": "int64"},
    }
    document["paths"]["/{accountId}" + OP_PATH] = {
        "get": {
            "operationId": "ListTodoStickers",
            "tags": ["Todos"],
            "description": "Upstream's own words, which are not copied.",
            "parameters": [account, todo_id],
            "responses": {
                "200": {
                    "description": "ListTodoStickers 200 response",
                    "content": {
                        "application/json": {
                            "schema": {
                                "$ref": "#/components/schemas/ListTodoStickersResponseContent"
                            }
                        }
                    },
                },
                "404": {"description": "NotFoundError 404 response"},
            },
            "x-basecamp-pagination": {
                "style": "link",
                "totalCountHeader": "X-Total-Count",
                "maxPageSize": 50,
            },
            "x-basecamp-retry": {
                "maxAttempts": 2,
                "baseDelayMs": 1000,
                "backoff": "exponential",
                "retryOn": [429, 503],
            },
        }
    }
    path = tmp / "newer-openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, old_retry, new_retry


def dated_reference(tmp: Path) -> Path:
    """The reference as it is, dated like the synthetic one: what ours already differs in."""
    document = json.loads(UPSTREAM.read_text(encoding="utf-8"))
    document["info"]["version"] = NEWER
    path = tmp / "reference-dated.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _retry_detail(old: dict[str, Any], new: dict[str, Any]) -> str:
    return drift.extension_detail(old, new)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("workflow")
    upstream, old_retry, new_retry = synthetic_upstream(tmp)
    copy_root = tmp / "openapi"
    shutil.copytree(OUR_SPEC.parent, copy_root)
    entry = copy_root / "openapi.yaml"
    real_digest = tree_digest(OUR_SPEC.parent)
    accepted = drift.accepted_beside(entry)
    # Whatever ours already differs in from the reference (operations newer than it, say)
    # is the baseline; the synthetic description must add exactly its three changes.
    baseline = drift.compare(load(dated_reference(tmp)), load(entry), accepted=accepted)
    before = drift.compare(load(upstream), load(entry), accepted=accepted)
    result = update(upstream, entry)
    second = update(upstream, entry)
    after = drift.compare(load(upstream), load(entry), accepted=drift.accepted_beside(entry))
    return {
        "tmp": tmp,
        "upstream": upstream,
        "entry": entry,
        "baseline": baseline,
        "before": before,
        "result": result,
        "second": second,
        "after": after,
        "retry": (old_retry, new_retry),
        "real_digest_before": real_digest,
    }


def test_drift_reports_the_added_operation_the_retry_change_and_the_field(
    workflow: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    report: drift.DriftReport = workflow["before"]
    baseline: drift.DriftReport = workflow["baseline"]
    new_ops = set(report.operations) - set(baseline.operations)
    assert [(d.kind, d.name, d.detail) for d in new_ops] == [
        ("added", f"GET {OP_PATH}", "ListTodoStickers")
    ]
    introduced = {
        (d.kind, d.subject, d.leaf, d.detail, tuple(report.by_operation[d]))
        for d in set(report.by_operation) - set(baseline.by_operation)
    }
    old_retry, new_retry = workflow["retry"]
    assert {(kind, subject, leaf, detail) for kind, subject, leaf, detail, _ in introduced} == {
        ("changed", "x-basecamp-retry", "", _retry_detail(old_retry, new_retry)),
        ("added", "response field", "estimate_minutes", "integer"),
    }
    retry_ops = {ops for _k, subject, _l, _d, ops in introduced if subject == "x-basecamp-retry"}
    assert retry_ops == {("GetTodo",)}
    assert drift.main([str(workflow["upstream"]), str(OUR_SPEC)]) == 1  # the real openapi/
    printed = capsys.readouterr().out
    assert f"+ GET {OP_PATH} (ListTodoStickers)" in printed
    text = drift.format_report(report)
    assert f"+ GET {OP_PATH} (ListTodoStickers)" in text
    assert (
        f"~ x-basecamp-retry ({_retry_detail(old_retry, new_retry)}) in 1 operation: GetTodo"
        in (text)
    )
    assert "+ response field `estimate_minutes` (integer)" in text


def test_update_brings_them_into_the_copy_and_leaves_the_real_openapi_alone(
    workflow: dict[str, Any],
) -> None:
    assert tree_digest(OUR_SPEC.parent) == workflow["real_digest_before"]
    text = format_result(workflow["result"])
    assert "+ operation ListTodoStickers (GET /todos/{todoId}/stickers.json) as todos." in text
    assert "+ schema Sticker" in text
    assert "+ field Todo.estimate_minutes (integer)" in text
    old_retry, new_retry = workflow["retry"]
    assert f"~ GetTodo: x-basecamp-retry {_retry_detail(old_retry, new_retry)}" in text
    updated = load(workflow["entry"])
    op = updated["paths"][OP_PATH]["get"]
    assert op["summary"].startswith("TODO(review):")
    assert "x-review" in op
    assert "Upstream's own words" not in json.dumps(updated)
    assert find_operation(updated, "GetTodo")["x-basecamp-retry"] == new_retry
    assert updated["info"]["version"] == NEWER
    after: drift.DriftReport = workflow["after"]
    before: drift.DriftReport = workflow["before"]
    baseline: drift.DriftReport = workflow["baseline"]
    introduced = set(before.by_operation) - set(baseline.by_operation)
    assert not introduced & set(after.by_operation), "the update settled all three"
    assert not [d for d in after.operations if d.kind == "added"]
    assert not [d for d in after.by_operation if d.kind == "added"]
    assert workflow["second"].changes == [], "a second run changes nothing"


@pytest.fixture(scope="module")
def regenerated(
    workflow: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ModuleType, Any]]:
    api = api_from(workflow["entry"])
    tmp = tmp_path_factory.mktemp("regenerated")
    with generated_package(api, tmp, "regenerated_sdk") as package:
        yield package, api


def test_the_regenerated_registry_keeps_every_name_and_adds_the_new_operation(
    regenerated: tuple[ModuleType, Any],
) -> None:
    _package, api = regenerated
    from regenerated_sdk.account import OPERATIONS  # type: ignore[import-not-found]

    ours = {op.id: (op.service, op.method_name) for op in api_from(OUR_SPEC).operations}
    assert {k: OPERATIONS[k] for k in ours} == ours, "existing names never change"
    assert set(OPERATIONS) - set(ours) == {"ListTodoStickers"}
    assert OPERATIONS["ListTodoStickers"][0] == "todos"
    from regenerated_sdk.models import Todo  # type: ignore[import-not-found]

    assert "estimate_minutes" in {f.name for f in attrs.fields(Todo)}
    todos = importlib.import_module("regenerated_sdk.services.todos")
    get_todo = next(op for op in api.operations if op.id == "GetTodo")
    assert get_todo.retry is not None
    assert todos.GET_TODO.retry.max_attempts == get_todo.retry.max_attempts
    assert 502 in todos.GET_TODO.retry.retry_on


@pytest.mark.anyio
async def test_the_new_operation_is_callable_through_the_real_core(
    regenerated: tuple[ModuleType, Any],
) -> None:
    from regenerated_sdk.account import OPERATIONS, AsyncAccount

    service, method = OPERATIONS["ListTodoStickers"]
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = [{"id": 1, "label": "gold", "placed_at": "2026-01-02T03:04:05Z"}]
        return httpx.Response(200, json=body)

    async with AsyncBasecamp(
        access_token="t", user_agent="regen (t@example.com)", transport=httpx.MockTransport(handler)
    ) as client:
        account = AsyncAccount(AccountSession(client._core, 42))
        stickers = [s async for s in getattr(getattr(account, service), method)(todo_id=7)]
    assert [(s.id, s.label, s.placed_at.year) for s in stickers] == [(1, "gold", 2026)]
    assert [(r.method, r.url.path) for r in sent] == [("GET", "/42/todos/7/stickers.json")]


@pytest.mark.slow
def test_make_generate_straight_from_the_published_description(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "generate", "--spec", str(UPSTREAM), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "250 operations" in result.stdout
    # codegen/extensions.yaml wires a mixin into `uploads`, which Basecamp's description
    # (uploads sit under "Files") does not have: left out with a warning, not an error.
    assert "warning: extensions: no service 'uploads' in the description" in result.stderr
    assert (out / "account.py").is_file()
