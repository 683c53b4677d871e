"""Arguments and ids for calling any described operation against a fresh sample fake.

Shared by the registry-wide tests: ``arguments`` builds the keyword arguments of an
operation's generated method from its signature; :class:`Sample` names records of the
sample account for parameters the fake stores (``todo_id``, ``project_id`` …).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import httpx

import basecamp_client.models as models
from basecamp_client._generated.account import OPERATIONS
from basecamp_client.testing import FakeBasecamp
from basecamp_client.testing._shapes import Type, shapes

from .conftest import HEADERS, api

UA = "every-operation tests (tests@example.com)"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"

# Parameters naming a record the fake stores, and the kind of record to pass.
RECORD_PARAMS = {
    "todoset_id": "Todoset",
    "todolist_id": "Todolist",
    "id": "Todolist",
    "todo_id": "Todo",
    "board_id": "Message::Board",
    "message_id": "Message",
    "comment_id": "Comment",
    "campfire_id": "Chat::Transcript",
    "line_id": "Chat::Lines::Text",
    "vault_id": "Vault",
    "document_id": "Document",
    "upload_id": "Upload",
    "schedule_id": "Schedule",
    "entry_id": "Schedule::Entry",
    "questionnaire_id": "Questionnaire",
    "inbox_id": "Inbox",
    "recording_id": "Message",
}
# Operations whose stored records hang under another kind than RECORD_PARAMS says.
RECORD_PARAMS_BY_OPERATION = {
    "ListSubtasks": {"recording_id": "Todo"},
    "CreateSubtask": {"recording_id": "Todo"},
}
# Optional arguments the fake's stateful handlers insist on (as Basecamp does: its own
# description requires include_due_assignments; a vault without a title is refused).
EXTRA: dict[str, dict[str, Any]] = {
    "ReplaceDocument": {"title": "Made by the every-operation test"},
    "UpdateScheduleSettings": {"include_due_assignments": True},
    "UpdateVault": {"title": "Made by the every-operation test"},
    # API 2026-10-19: an update must change something.
    "UpdateSubtask": {"title": "Made by the every-operation test"},
}
# String parameters whose stateful handlers check what they hold.
STRINGS = {
    "payload_url": "https://hooks.example.test/basecamp",
    "url": "https://example.com/shared/plan",
    "service": "other",
    "type": "Todo",
    "q": "stall",
    "starts_at": "2026-02-01T09:00:00Z",
    "ends_at": "2026-02-01T10:00:00Z",
    "date": "2026-02-01",
    "content": "Nice one",  # a boost holds 16 characters at most
}


class Sample:
    """Ids in a fresh sample account, creating what the sample data lacks on demand."""

    def __init__(self, fake: FakeBasecamp) -> None:
        self.fake = fake
        store = fake.store
        # The project with the most kinds of records.
        self.project = max(
            store.projects.values(),
            key=lambda p: len({r.kind for r in store.recordings.values() if r.bucket_id == p.id}),
        ).id
        self._made: dict[str, Any] = {}
        self._http = httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS)

    def close(self) -> None:
        self._http.close()

    def first(self, kind: str) -> int:
        """A record of ``kind`` in the project, the owner's own if there is one."""
        store = self.fake.store
        found = [
            r
            for r in store.recordings.values()
            if r.kind == kind and r.bucket_id == self.project and not r.data.get("group")
        ]
        found.sort(key=lambda r: (r.creator_id != self.fake.owner_id, r.id))
        if not found:
            raise LookupError(kind)
        return found[0].id

    def post(self, path: str, payload: dict[str, Any]) -> int:
        response = self._http.post(path, json=payload)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def value_for(self, name: str, op_id: str = "") -> Any:
        """The sample's id (or value) for parameter ``name`` of ``op_id``; None when any
        will do. Made once per sample: a webhook is created on the first ask only."""
        kind = RECORD_PARAMS_BY_OPERATION.get(op_id, {}).get(name)
        if kind is not None:
            return self.first(kind)
        if name not in self._made:
            self._made[name] = self._value_for(name)
        return self._made[name]

    def someone(self) -> int:
        """An active person other than the owner."""
        store = self.fake.store
        return next(p for p in sorted(store.people) if p != self.fake.owner_id)

    def _value_for(self, name: str) -> Any:
        if name in ("bucket_id", "project_id"):
            return self.project
        if name == "person_id":
            return self.fake.owner_id
        if name in RECORD_PARAMS:
            return self.first(RECORD_PARAMS[name])
        # API 2026-10-19: subtasks of a to-do, Pings with a line written in them.
        if name == "subtask_id":
            return self.post(f"/recordings/{self.first('Todo')}/subtasks.json", {"title": "S"})
        if name == "user_ids":
            return [self.someone()]
        if name == "ping_id":
            response = self._http.post("/circles.json", json={"user_ids": [self.someone()]})
            ping = response.json()
            self._http.post(ping["links"]["lines"], json={"content": "Lunch?"})
            return int(ping["id"])
        if name == "types":
            return ["Todo"]
        vault = f"/buckets/{self.project}/vaults/{self.first('Vault')}"
        if name == "type_id":
            store = self.fake.store
            return next(c.id for c in store.categories.values() if c.bucket_id == self.project)
        if name == "group_id":
            return self.post(f"/todolists/{self.first('Todolist')}/groups.json", {"name": "G"})
        if name == "webhook_id":
            return self.post(
                f"/buckets/{self.project}/webhooks.json",
                {"payload_url": "https://hooks.example.test/x", "types": ["Todo"]},
            )
        if name == "cloud_file_id":
            return self.post(
                f"{vault}/cloud_files.json", {"service": "other", "url": "https://example.com/f"}
            )
        if name == "google_document_id":
            return self.post(
                f"{vault}/google_documents.json",
                {"document_type": "doc", "url": "https://docs.google.com/document/d/1"},
            )
        if name == "boost_id":
            message = self.first("Message")
            return self.post(f"/recordings/{message}/boosts.json", {"content": "+1"})
        if name == "event_id":
            return self.fake.store.events[self.first("Message")][0].id
        if name == "attachable_sgid":
            response = self._http.post(
                "/attachments.json?name=dot.png", content=PNG, headers={"Content-Type": "image/png"}
            )
            return response.json()["attachable_sgid"]
        return None


def _method(op_id: str) -> Callable[..., Any]:
    service, method = OPERATIONS[op_id]
    module = importlib.import_module(f"basecamp_client._generated.services.{service}")
    [cls] = [
        v
        for k, v in vars(module).items()
        if inspect.isclass(v)
        and k.startswith("Async")
        and k.endswith("Service")
        and v.__module__ == module.__name__
    ]
    return getattr(cls, method)  # type: ignore[no-any-return]


def _described(op_id: str) -> dict[str, Type]:
    """The description's type of each parameter, by its Python name where they agree."""
    shape = shapes().operations[op_id]
    return {p.name.removesuffix("[]"): p.type for p in shape.params}


def _model_value(name: str, depth: int = 0) -> dict[str, Any]:
    """A JSON object of model ``name`` with its required fields."""
    out: dict[str, Any] = {}
    for field in shapes().fields(name):
        if field.required:
            out[field.name] = _json_value(field.type, field.name, depth + 1)
    return out


def _json_value(t: Type, name: str, depth: int = 0) -> Any:
    if t.enum:
        return int(t.enum[0]) if t.kind == "int" else t.enum[0]
    if t.kind == "model":
        return _model_value(t.model or "", depth)
    if t.kind == "list":
        return [_json_value(t.item, name, depth + 1)] if t.item is not None else []
    if t.kind in ("dict", "map"):
        return {}
    return {
        "int": 1,
        "float": 1.5,
        "bool": True,
        "date": "2026-02-01",
        "datetime": "2026-02-01T09:00:00Z",
    }.get(t.kind, STRINGS.get(name, f"Made by the every-operation test ({name})"))


def arguments(op_id: str, sample: Sample) -> dict[str, Any]:
    """Every required argument of the operation's method, from its signature."""
    described = _described(op_id)
    args: dict[str, Any] = {}
    for name, param in inspect.signature(_method(op_id)).parameters.items():
        if name == "self" or param.default is not inspect.Parameter.empty:
            continue
        annotation = str(param.annotation)
        if annotation == "UploadSource":
            args[name] = PNG
            continue
        known = sample.value_for(name, op_id)
        if known is not None:
            args[name] = known
            continue
        t = described.get(name)
        model = re.fullmatch(r"[A-Z]\w+", annotation)
        if model is not None:
            cls = getattr(models, annotation)
            args[name] = cls.from_dict(_model_value(annotation))
        elif annotation.startswith("_dt.date"):
            args[name] = dt.date(2026, 2, 1)
        elif annotation.startswith("_dt.datetime"):
            args[name] = dt.datetime(2026, 2, 1, 9, tzinfo=dt.timezone.utc)
        elif t is not None:
            args[name] = _json_value(t, name)
        elif annotation.startswith("int"):
            args[name] = 1
        elif annotation.startswith("bool"):
            args[name] = True
        elif "list" in annotation:
            args[name] = [STRINGS.get(name, "Todo")] if "str" in annotation else [1]
        else:
            args[name] = STRINGS.get(name, f"Made by the every-operation test ({name})")
    if "source" in args:
        args["name"] = "dot.png"  # bytes carry no file name
    args.update(EXTRA.get(op_id, {}))
    return args


def snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def raw_path(op_id: str, sample: Sample) -> str:
    """The operation's account-relative path with the sample's ids filled in."""
    shape = shapes().operations[op_id]
    kinds = {p.name: p.type.kind for p in shape.of("path")}

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if kinds.get(name) != "int":
            return "2026-02-01"
        known = sample.value_for(snake(name), op_id)
        return str(known if known is not None else 7)

    return re.sub(r"\{(\w+)\}", fill, shape.path)


def raw_query(op_id: str) -> dict[str, str]:
    """The required query parameters, with values the fake accepts."""
    shape = shapes().operations[op_id]
    return {p.name: str(_json_value(p.type, p.name)) for p in shape.of("query") if p.required}


def minimal_body(op_id: str, sample: Sample) -> dict[str, Any]:
    """A JSON body holding the operation's required fields (and the optional ones its
    stateful handler insists on)."""
    shape = shapes().operations[op_id]
    body: dict[str, Any] = {}
    for param in shape.of("body"):
        if param.required or param.name in EXTRA.get(op_id, {}):
            known = sample.value_for(param.name, op_id) if param.type.kind != "int" else None
            body[param.name] = known if known is not None else _json_value(param.type, param.name)
    body.update({k: v for k, v in EXTRA.get(op_id, {}).items() if k in body})
    return body
