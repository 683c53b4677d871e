"""The fake answers the API 2026-10-19 operations as soon as the client has them.

The operations are not in our description yet. This test builds the table codegen
would write once they are (from the facts in ``../shared/reference``; skipped without
it), puts it in place of the real one, and calls every added operation over HTTP:
subtasks, Pings and boosts must reach the fake's stored resources, everything else a made-up
answer that matches the table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from basecamp_client._generated import shapes as table
from basecamp_client.testing import FakeBasecamp, _resources, _shapes
from basecamp_client.testing._resources.generated import route_template
from basecamp_client.testing._shapes import Shapes, Type
from basecamp_client.testing._validate import problems

from .conftest import HEADERS, api
from .described import PNG, Sample, minimal_body, raw_path

REFERENCE = Path(
    os.environ.get("BASECAMP_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference"
)
FACTS = REFERENCE / "basecamp-2026-10-19-additions.json"
STATEFUL = {
    "ListSubtasks",
    "CreateSubtask",
    "GetSubtask",
    "UpdateSubtask",
    "DeleteSubtask",
    "CompleteSubtask",
    "UncompleteSubtask",
    "RepositionSubtask",
    "ListPings",
    "CreatePing",
    "GetPing",
    "UpdateBoost",
}

pytestmark = pytest.mark.skipif(not FACTS.exists(), reason=f"{FACTS} is not there")


class Table:
    """The rows codegen would write for the facts' operations and models."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.models: dict[str, tuple[tuple[str, str, bool], ...]] = dict(table.MODELS)
        self.operations: dict[str, tuple[Any, ...]] = dict(table.OPERATIONS)
        for added in facts["new_fields_on_existing_models"]:
            model = added.get("renamed_model") or added["model"]
            if added.get("wire_field") and model in self.models:
                row = (added["field"], self.type_of(added), bool(added["required"]))
                self.models[model] = (*self.models[model], row)
        for op in facts["operations"]:
            self.operations[op["operationId"]] = self.operation(op)

    def type_of(self, f: dict[str, Any]) -> str:
        kind = f.get("type")
        if kind == "object":
            ref = f.get("ref")
            if ref and "fields" in f:
                self.define(ref, f["fields"])
            code = f"@{ref}" if ref and ref in self.models else "dict"
        elif kind == "array":
            code = f"[{self.type_of(f['items'])}]" if f.get("items") else "[any]"
        elif kind == "integer":
            code = "int"
        elif kind == "number":
            code = "float"
        elif kind == "boolean":
            code = "bool"
        elif kind == "string":
            code = {"date-time": "datetime", "date": "date"}.get(f.get("format") or "", "str")
        else:
            code = "any"
        return ("?" if f.get("nullable") else "") + code

    def define(self, name: str, fields: list[dict[str, Any]]) -> None:
        if name in self.models:
            return
        self.models[name] = ()  # refers to itself: stop here
        self.models[name] = tuple(
            (f["name"], self.type_of(f), bool(f.get("required"))) for f in fields
        )

    def operation(self, op: dict[str, Any]) -> tuple[Any, ...]:
        response = op["response"]
        result = None
        if response.get("body") and response.get("model"):
            self.define(response["model"], response.get("fields") or [])
            one = f"@{response['model']}"
            result = f"[{one}]" if response["kind"] == "array" else one
        body = op.get("request_body")
        kind = None
        params: list[tuple[str, str, str, bool]] = [
            (p["name"], "path", "int" if p["type"] == "integer" else "str", True)
            for p in op["path_params"]
        ]
        if body is not None:
            kind = "multipart" if "multipart" in body["content_type"] else "json"
            if kind == "json":
                params += [
                    (f["name"], "body", self.type_of(f), bool(f["required"]))
                    for f in body["fields"]
                ]
        pagination = response.get("pagination") or {}
        paged = (
            (None, None, pagination.get("max_page_size"))
            if pagination.get("style") == "link"
            else None
        )
        return (
            op["method"],
            op["path"],
            op["success_status"],
            result,
            kind,
            body is not None and bool(body.get("required")),
            tuple(params),
            paged,
        )


@pytest.fixture
def newer() -> Iterator[Shapes]:
    facts = json.loads(FACTS.read_text())
    rows = Table(facts)
    newer = Shapes("2026-10-19", rows.models, rows.operations)
    saved = (_shapes._loaded, _resources._built)
    _shapes._loaded, _resources._built = newer, None
    try:
        yield newer
    finally:
        _shapes._loaded, _resources._built = saved


def test_every_added_operation_is_answered(newer: Shapes) -> None:
    facts = json.loads(FACTS.read_text())
    # Deletes last: the subtask must outlive the other calls.
    added = sorted(
        (op["operationId"] for op in facts["operations"]),
        key=lambda op_id: (op_id == "DeleteSubtask", newer.operations[op_id].method == "DELETE"),
    )
    fake = FakeBasecamp.with_sample_data()
    sample = Sample(fake)
    http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)
    router = _resources.router()
    # Ids come from the same helper the registry-wide SDK tests use, so that those find
    # the records these operations need once the client has them.
    for op_id in added:
        shape = newer.operations[op_id]
        route = router.find(shape.method, route_template(shape)[1])
        assert route is not None, op_id
        assert route.operation == op_id, op_id
        assert route.generated == (op_id not in STATEFUL), op_id
        path = raw_path(op_id, sample)
        if shape.body == "multipart":
            response = http.request(shape.method, path, files={"wallpaper": ("w.png", PNG)})
        elif shape.body == "json":
            body = minimal_body(op_id, sample)
            response = http.request(shape.method, path, json=body)
        else:
            response = http.request(shape.method, path)
        assert response.status_code == shape.status, f"{op_id} {path}: {response.text}"
        if shape.response is None:
            assert response.content == b"", op_id
            continue
        expected: Type = shape.response
        found = problems(newer, expected, response.json())
        assert not found, f"{op_id}: {found}"
    sample.close()
    http.close()


def test_todos_show_their_subtasks_once_the_client_knows_them(newer: Shapes) -> None:
    fake = FakeBasecamp.with_sample_data()
    sample = Sample(fake)
    http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)
    todo = sample.first("Todo")
    first = http.post(f"/recordings/{todo}/subtasks.json", json={"title": "A"}).json()
    http.post(f"/recordings/{todo}/subtasks.json", json={"title": "B"})
    http.post(f"/subtasks/{first['id']}/completion.json")
    shown = http.get(f"/todos/{todo}.json").json()
    assert (shown["subtasks_count"], shown["subtasks_completed_count"]) == (2, 1)
    assert http.get(shown["subtasks_url"]).json()[0]["id"] == first["id"]
    assert not problems(newer, Type("model", model="Todo"), shown)
    # The description now checks subtask bodies too, alongside the handler's own checks.
    bad = http.post(f"/recordings/{todo}/subtasks.json", json={"title": 5})
    assert bad.json()["errors"] == {"title": ["must be a string"]}
    sample.close()
    http.close()
