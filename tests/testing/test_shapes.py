"""Responses have the field names and types of Basecamp's published description.

Uses the reference material beside the repository (``../shared/reference``, or
``$BASECAMP_REFERENCE_DIR``); skipped when it is absent. Every field the fake sends
must be a property of the schema or a field seen in a real example payload; every
required property must be present; values must have the schema's types (``null`` is
accepted for optional properties, as the real service sends it for unset ones).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp

from .conftest import HEADERS, api

REFERENCE = Path(
    os.environ.get("BASECAMP_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference"
)


# Listings whose items are recordings of any type, and the schema of each type.
MIXED = frozenset({"Recording", "SearchResult"})
TYPE_SCHEMAS = {
    "Todo": "Todo",
    "Todolist": "Todolist",
    "Message": "Message",
    "Comment": "Comment",
    "Document": "Document",
    "Upload": "Upload",
    "Schedule::Entry": "ScheduleEntry",
    "Vault": "Vault",
    "Chat::Lines::Text": "CampfireLine",
    "Chat::Lines::RichText": "CampfireLine",
    "Chat::Lines::Upload": "CampfireLine",
}


class Reference:
    def __init__(self, directory: Path) -> None:
        description = json.loads((directory / "basecamp-openapi.json").read_text())
        self.schemas: dict[str, Any] = description["components"]["schemas"]
        examples = json.loads((directory / "bc3-api-examples.json").read_text())
        self.example_keys: set[str] = set()
        self._collect(examples)
        # Fields API 2026-10-19 added to existing models count as known too.
        additions = directory / "basecamp-2026-10-19-additions.json"
        if additions.exists():
            for added in json.loads(additions.read_text())["new_fields_on_existing_models"]:
                self.example_keys.add(added["field"])
                self.example_keys.update(f["name"] for f in added.get("fields", ()))
        self._lenient = {name: _lenient(schema) for name, schema in self.schemas.items()}

    def _collect(self, value: Any) -> None:
        if isinstance(value, dict):
            self.example_keys.update(value)
            for item in value.values():
                self._collect(item)
        elif isinstance(value, list):
            for item in value:
                self._collect(item)

    def problems(self, name: str, payload: Any) -> list[str]:
        """What is wrong with ``payload`` as a ``name``. Listings of mixed recordings
        (``Recording``, ``SearchResult``) may also carry the fields of the concrete type."""
        import jsonschema

        schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": self._lenient}}
        validator = jsonschema.Draft202012Validator(schema)
        found = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(payload)
        ]
        schema = self.schemas[name]
        concrete = TYPE_SCHEMAS.get(payload.get("type", "")) if name in MIXED else None
        if concrete is not None:
            merged = {**self.schemas[concrete]["properties"], **schema["properties"]}
            schema = {**schema, "properties": merged}
        found.extend(self._unknown_keys(schema, payload, name))
        return found

    def _unknown_keys(self, schema: dict[str, Any], payload: Any, where: str) -> Iterator[str]:
        if "$ref" in schema:
            yield from self._unknown_keys(
                self.schemas[schema["$ref"].rsplit("/", 1)[1]], payload, where
            )
            return
        if isinstance(payload, list) and "items" in schema:
            for i, item in enumerate(payload):
                yield from self._unknown_keys(schema["items"], item, f"{where}[{i}]")
            return
        properties = schema.get("properties")
        if not isinstance(payload, dict) or not properties:
            return
        for key, value in payload.items():
            if key in properties:
                yield from self._unknown_keys(properties[key], value, f"{where}.{key}")
            elif key not in self.example_keys:
                yield f"{where}.{key}: not in the schema nor in any real payload"


def _lenient(schema: Any) -> Any:
    """Optional (and ``nullable``) properties may be ``null``, as on the wire."""
    if isinstance(schema, list):
        return [_lenient(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    result = {k: _lenient(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        result = {"anyOf": [result, {"type": "null"}]}
    properties = result.get("properties") if "anyOf" not in result else None
    if isinstance(properties, dict):
        required = set(schema.get("required", []))
        result["properties"] = {
            k: v if k in required else {"anyOf": [v, {"type": "null"}]}
            for k, v in properties.items()
        }
    return copy.deepcopy(result)


@pytest.fixture(scope="module")
def reference() -> Reference:
    if not (REFERENCE / "basecamp-openapi.json").is_file():
        pytest.skip(f"reference description not found in {REFERENCE}")
    return Reference(REFERENCE)


@pytest.fixture(scope="module")
def payloads() -> dict[str, list[Any]]:
    """One or more real responses of the fake for each schema name."""
    fake = FakeBasecamp.with_sample_data()
    out: dict[str, list[Any]] = {}
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as c:

        def add(name: str, value: Any) -> Any:
            out.setdefault(name, []).append(value)
            return value

        def get(url: str, **params: Any) -> Any:
            r = c.get(url, params=params)
            assert r.status_code == 200, (url, r.text)
            return r.json()

        projects = get("/projects.json")
        add("Project", projects[0])
        project = projects[0]
        people = get("/people.json")
        add("Person", people[-1])
        add("Person", get("/my/profile.json"))
        add("Account", get("/account.json"))
        tools = {t["name"]: get(t["url"]) for t in project["dock"]}
        for name, schema in (
            ("message_board", "MessageBoard"),
            ("todoset", "Todoset"),
            ("vault", "Vault"),
            ("chat", "Campfire"),
            ("schedule", "Schedule"),
            ("questionnaire", "Questionnaire"),
            ("inbox", "Inbox"),
        ):
            add(schema, tools[name])
        lists = get(tools["todoset"]["todolists_url"])
        add("Todolist", lists[0])
        add("Todolist", get(lists[0]["groups_url"])[0])
        add("Todo", get(lists[0]["todos_url"])[0])
        add("Todo", get(lists[0]["todos_url"], completed="true")[0])
        messages = get(tools["message_board"]["messages_url"])
        add("Message", messages[0])
        add("Comment", get(messages[0]["comments_url"])[0])
        add("MessageType", get(f"/buckets/{project['id']}/categories.json")[0])
        add("CampfireLine", get(tools["chat"]["lines_url"])[0])
        add("Document", get(tools["vault"]["documents_url"])[0])
        add("Upload", get(tools["vault"]["uploads_url"])[0])
        add("ScheduleEntry", get(tools["schedule"]["entries_url"])[0])
        add("Event", get(f"/recordings/{messages[0]['id']}/events.json")[0])
        for kind in ("Todo", "Message", "Document", "Upload", "Schedule::Entry", "Comment"):
            add("Recording", get("/projects/recordings.json", type=kind)[0])
        for hit in get("/search.json", q="awning"):
            add("SearchResult", hit)
        attachment = c.post(
            "/attachments.json",
            params={"name": "a.txt"},
            content=b"abc",
            headers={"Content-Type": "text/plain"},
        ).json()
        add("CreateAttachmentResponseContent", attachment)
        line = c.post(
            tools["chat"]["files_url"],
            params={"name": "a.txt"},
            content=b"abc",
            headers={"Content-Type": "text/plain"},
        ).json()
        add("CampfireLine", line)
        sgid = attachment["attachable_sgid"]
        rich = c.post(
            tools["message_board"]["messages_url"],
            json={"subject": "Embed", "content": f'<bc-attachment sgid="{sgid}"></bc-attachment>'},
        ).json()
        add("Message", rich)
        add(
            "Webhook",
            c.post(
                f"/buckets/{project['id']}/webhooks.json",
                json={"payload_url": "https://hooks.example.test/x", "types": ["all"]},
            ).json(),
        )
        vault_base = f"/buckets/{project['id']}/vaults/{tools['vault']['id']}"
        add(
            "CloudFile",
            c.post(
                f"{vault_base}/cloud_files.json",
                json={"service": "dropbox", "url": "https://www.dropbox.com/s/x/y.pdf"},
            ).json(),
        )
        add(
            "GoogleDocument",
            c.post(
                f"{vault_base}/google_documents.json",
                json={"document_type": "doc", "url": "https://docs.example.test/d/1"},
            ).json(),
        )
        # A 422 carries both error shapes the description names: a message and field errors.
        invalid = c.post("/projects.json", json={}).json()
        add("ValidationErrorResponseContent", {k: v for k, v in invalid.items() if k != "errors"})
        add(
            "FieldValidationErrorResponseContent",
            {k: v for k, v in invalid.items() if k != "error"},
        )
        add("NotFoundErrorResponseContent", c.get("/todos/1.json").json())
        add(
            "BadRequestErrorResponseContent",
            c.get("/projects.json", headers={"User-Agent": ""}).json(),
        )
        add(
            "UnauthorizedErrorResponseContent",
            c.get("/projects.json", headers={"Authorization": ""}).json(),
        )
        fake.faults.rate_limit(1, per=60)
        c.get("/people.json")
        add("RateLimitErrorResponseContent", c.get("/people.json").json())
    return out


NAMES = [
    "Project",
    "Person",
    "Account",
    "MessageBoard",
    "Todoset",
    "Vault",
    "Campfire",
    "Schedule",
    "Questionnaire",
    "Inbox",
    "Todolist",
    "Todo",
    "Message",
    "Comment",
    "MessageType",
    "CampfireLine",
    "Document",
    "Upload",
    "ScheduleEntry",
    "Event",
    "Recording",
    "SearchResult",
    "CreateAttachmentResponseContent",
    "Webhook",
    "CloudFile",
    "GoogleDocument",
    "ValidationErrorResponseContent",
    "FieldValidationErrorResponseContent",
    "NotFoundErrorResponseContent",
    "BadRequestErrorResponseContent",
    "UnauthorizedErrorResponseContent",
    "RateLimitErrorResponseContent",
]


@pytest.mark.parametrize("name", NAMES)
def test_payloads_match_the_reference(
    name: str, reference: Reference, payloads: dict[str, list[Any]]
) -> None:
    assert payloads.get(name), f"no payload collected for {name}"
    problems = [p for payload in payloads[name] for p in reference.problems(name, payload)]
    assert problems == []


def test_nested_objects_are_checked_too(reference: Reference) -> None:
    check: Callable[[str, Any], list[str]] = reference.problems
    assert check("Todo", {"id": 1, "creator": {"id": 2, "name": "x", "invented": 1}})


def _our_models() -> dict[str, Any]:
    from basecamp_client._generated import models
    from codegen.generate import api_from

    spec = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
    return {m.schema_name: getattr(models, m.name) for m in api_from(spec).models}


OUR_MODELS = _our_models()


@pytest.mark.parametrize("name", [n for n in NAMES if n in OUR_MODELS])
def test_payloads_decode_strictly(name: str, payloads: dict[str, list[Any]]) -> None:
    """What a ``strict=True`` client checks: every field of the model (nested ones too)
    has the type the description gives it. Needs no reference material."""
    from basecamp_client._core.strict import strict_problem

    cls = OUR_MODELS[name]
    assert payloads.get(name), f"no payload collected for {name}"
    problems = [strict_problem(None, cls.from_dict(payload)) for payload in payloads[name]]
    assert [p for p in problems if p is not None] == []
