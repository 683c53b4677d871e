"""Answers made up from the description, and the description's request checks.

Made-up responses are checked against our own OpenAPI description with jsonschema (an
oracle independent of the table the fake reads) and strictly against that table: every
field the description requires is there, every value has its JSON type, ``null`` only
where the field is nullable, no field the description lacks. Bodies missing a required
field or holding a wrongly typed one get the 422 naming it, on every operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._resources import router
from basecamp_client.testing._resources.generated import route_template
from basecamp_client.testing._server import uvicorn_available
from basecamp_client.testing._shapes import OperationShape, Type, shapes
from basecamp_client.testing._validate import problems

from .conftest import HEADERS, api
from .described import PNG, Sample, minimal_body, raw_path, raw_query

REPO_SPEC = "openapi/openapi.yaml"


def _route_generated(shape: OperationShape) -> bool:
    route = router().find(shape.method, route_template(shape)[1])
    return route is not None and route.generated


GENERATED = sorted(op for op, s in shapes().operations.items() if _route_generated(s))
WITH_REQUIRED_BODY = sorted(
    op
    for op, s in shapes().operations.items()
    if s.body == "json" and any(p.required for p in s.of("body"))
)
WITH_BODY = sorted(op for op, s in shapes().operations.items() if s.body == "json" and s.of("body"))


@cache
def description() -> dict[str, Any]:
    from pathlib import Path

    from codegen.loader import load

    return load(Path(__file__).resolve().parents[2] / REPO_SPEC)


def response_schema(op_id: str) -> dict[str, Any]:
    doc = description()
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == op_id:
                status = str(shapes().operations[op_id].status)
                content = operation["responses"][status]["content"]
                schema: dict[str, Any] = content["application/json"]["schema"]
                return schema
    raise LookupError(op_id)


class Session:
    def __init__(self, fake: FakeBasecamp) -> None:
        self.fake = fake
        self.sample = Sample(fake)
        self.http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)

    def send(self, op_id: str, body: Any = None, *, page: int | None = None) -> httpx.Response:
        shape = shapes().operations[op_id]
        params = raw_query(op_id)
        if page is not None:
            params["page"] = str(page)
        path = raw_path(op_id, self.sample)
        if shape.body == "binary":
            headers = {"Content-Type": "image/png"}
            return self.http.request(
                shape.method, path, params=params, content=PNG, headers=headers
            )
        if shape.body == "multipart":
            files = {"file": ("dot.png", PNG, "image/png")}
            return self.http.request(shape.method, path, params=params, files=files)
        if shape.body == "json" and shape.method != "GET":
            payload = minimal_body(op_id, self.sample) if body is None else body
            return self.http.request(shape.method, path, params=params, json=payload)
        return self.http.request(shape.method, path, params=params)


@pytest.fixture
def session() -> Iterator[Session]:
    s = Session(FakeBasecamp.with_sample_data())
    yield s
    s.sample.close()
    s.http.close()


def _validator(schema: dict[str, Any]) -> Any:
    import jsonschema

    document = {**schema, "components": description()["components"]}
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


def test_something_is_generated() -> None:
    # Card tables, timesheets, boosts, templates … until the fake models them.
    assert {"GetCardTable", "GetTimesheetEntry", "ListTemplates"} <= set(GENERATED)


@pytest.mark.parametrize("op_id", GENERATED)
def test_made_up_responses_match_the_description(op_id: str, session: Session) -> None:
    shape = shapes().operations[op_id]
    response = session.send(op_id)
    assert response.status_code == shape.status, response.text
    if shape.response is None:
        assert response.content == b""
        return
    payload = response.json()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(response_schema(op_id)).iter_errors(payload)
    ]
    assert not errors, f"{op_id}: {errors[:5]}"
    expected: Type | None = shape.response
    if shape.items_key is not None and shape.page_model is not None:
        expected = Type("model", model=shape.page_model)
    assert expected is not None
    assert not problems(shapes(), expected, payload), problems(shapes(), expected, payload)


def test_made_up_responses_are_the_same_for_the_same_seed() -> None:
    reads = [op for op in GENERATED if shapes().operations[op].method == "GET"]
    answers: dict[int, list[bytes]] = {}
    for seed in (3, 3, 4):
        s = Session(FakeBasecamp(seed=seed))
        answers.setdefault(seed, [])
        bodies = [s.send(op).content for op in reads]
        if answers[seed]:
            assert bodies == answers[seed]
        answers[seed] = bodies
        s.sample.close()
        s.http.close()
    differ = sum(a != b for a, b in zip(answers[3], answers[4], strict=True))
    # Another seed, other answers (a lone boolean may come out the same).
    assert differ >= 0.9 * len(reads)


@pytest.mark.parametrize("op_id", WITH_REQUIRED_BODY)
def test_a_missing_required_field_is_a_422(op_id: str, session: Session) -> None:
    shape = shapes().operations[op_id]
    body = minimal_body(op_id, session.sample)
    for param in shape.of("body"):
        if not param.required:
            continue
        partial = {k: v for k, v in body.items() if k != param.name}
        response = session.send(op_id, partial)
        assert response.status_code == 422, f"{op_id} without {param.name}: {response.text}"
        assert param.name in response.json()["errors"], response.json()


def _wrong(t: Type) -> Any:
    """A value of another JSON type than ``t``."""
    return "not-a-number" if t.kind in ("int", "float", "bool") else 12345


@pytest.mark.parametrize("op_id", WITH_BODY)
def test_a_wrongly_typed_field_is_a_422(op_id: str, session: Session) -> None:
    shape = shapes().operations[op_id]
    body = minimal_body(op_id, session.sample)
    for param in shape.of("body"):
        if param.type.kind == "any":
            continue
        response = session.send(op_id, {**body, param.name: _wrong(param.type)})
        assert response.status_code == 422, f"{op_id} with a bad {param.name}: {response.text}"
        errors = response.json()["errors"]
        assert param.name in errors, errors


def test_a_body_gets_each_problem_named(session: Session) -> None:
    response = session.send("CreateCardColumn", {"description": 5})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Title can't be blank",
        "errors": {"title": ["can't be blank"], "description": ["must be a string"]},
    }
    response = session.send("CreateTimesheetEntry", {"date": "someday", "hours": "1.5"})
    assert response.json()["errors"]["date"] == ["must be a date like 2026-03-01"]


def test_enum_and_nested_objects_are_checked(session: Session) -> None:
    response = session.send("SetCardColumnColor", {"color": "plaid"})
    assert response.json()["errors"] == {"color": ["is not included in the list"]}
    response = session.send("UpdateMyNote", {"note": {"content": 5}})
    assert response.status_code == 422
    assert "note.content" in response.json()["errors"]


def test_a_required_query_parameter_left_out_is_a_400(session: Session) -> None:
    response = session.http.get("/reports/schedules/upcoming.json")
    assert response.status_code == 400
    assert "window_starts_on" in response.json()["error"]


def test_an_unknown_project_is_a_404(session: Session) -> None:
    response = session.http.get("/buckets/1/client/approvals.json")
    assert response.status_code == 404
    assert response.json()["error"] == "Project 1 not found"
    response = session.http.get(f"/people/{9}/out_of_office.json")
    assert response.status_code == 404


def test_made_up_lists_page_like_the_others(session: Session) -> None:
    fake = FakeBasecamp.with_sample_data(generated_items=40)
    http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)
    first = http.get("/templates.json")
    assert first.headers["X-Total-Count"] == "40"
    assert len(first.json()) == 15
    second = http.get(first.links["next"]["url"])
    assert len(second.json()) == 25
    assert "next" not in second.links
    ids = [t["id"] for t in first.json() + second.json()]
    assert len(set(ids)) == 40
    # An operation the description pages by at most 5 gets pages of 5.
    cards = http.get("/cards/completed.json")
    assert len(cards.json()) == 5
    assert cards.headers["X-Total-Count"] == "40"
    # Cached and revalidated like any GET.
    again = http.get("/templates.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_wrapped_page_keeps_its_other_fields_on_every_page() -> None:
    fake = FakeBasecamp.with_sample_data(generated_items=60)
    http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)
    first = http.get(f"/reports/users/progress/{fake.owner_id}.json")
    page = first.json()
    assert set(page) >= {"person", "events"}
    assert len(page["events"]) == 15
    second = http.get(first.links["next"]["url"]).json()
    assert second["person"] == page["person"]
    assert len(second["events"]) == 30


def test_creates_answer_201_with_location_and_what_was_sent(session: Session) -> None:
    response = session.send("CreateCardColumn", {"title": "Doing", "description": "Now"})
    assert response.status_code == 201
    column = response.json()
    assert (column["title"], column["description"]) == ("Doing", "Now")
    assert response.headers["Location"] == column["url"]
    other = session.send("CreateCardColumn", {"title": "Done"}).json()
    assert other["id"] != column["id"]


def test_a_get_answers_the_id_it_was_asked_for(session: Session) -> None:
    table = session.http.get("/card_tables/4242.json").json()
    assert table["id"] == 4242
    assert table["creator"]["id"] in session.fake.store.people
    assert table["bucket"]["id"] in session.fake.store.projects


def test_generated_items_is_checked() -> None:
    with pytest.raises(ValueError, match="generated_items"):
        FakeBasecamp(generated_items=-1)


def test_the_fake_does_not_load_the_table_until_asked() -> None:
    import subprocess
    import sys

    code = (
        "import sys, basecamp_client.testing as t; "
        "f = t.FakeBasecamp(); "
        "print('basecamp_client._generated.shapes' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_made_up_json_is_compact_json() -> None:
    fake = FakeBasecamp(seed=1)
    http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)
    body = http.get("/card_tables/1.json").content
    assert json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode() == body


@pytest.mark.parametrize(
    "mode",
    [
        "in-process",
        "stdlib",
        pytest.param(
            "uvicorn",
            marks=pytest.mark.skipif(not uvicorn_available(), reason="uvicorn not installed"),
        ),
    ],
)
def test_an_escaped_slash_stays_in_its_segment(mode: str) -> None:
    """Opaque ids (an embed's sgid) may hold ``/``: the SDK sends it as ``%2F`` in one
    segment, and the fake routes it so, in process and on a real socket."""
    fake = FakeBasecamp.with_sample_data()
    path = "/schedule_entries/5/occurrences/2026%2F02%2F01.json"
    if mode == "in-process":
        with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:
            response = c.get(path)
    else:
        with (
            fake.serve(server="stdlib") as running,
            httpx.Client(base_url=running.account_url, headers=HEADERS) as c,
        ):
            response = c.get(path)
    assert response.status_code == 200, response.text
    assert fake.requests[-1].path.endswith("/occurrences/2026/02/01.json")
