"""Responses made up from the description, for operations the fake does not model.

Given a :class:`~._shapes.Type`, :class:`Synth` builds a JSON value of that type: every
required field, the optional ones near the top, values of the declared JSON type, enum
members from the enum. Made-up values look like Basecamp's where a field's name says what
it holds (ids, ``*_url``, ``status``, ``type``, dates, rich text), and people and projects
are the account's own, so following an id or a URL from a generated answer leads back
into the fake. The random source is seeded by the caller (the fake's seed and the
request), so the same request to the same seed gives the same answer.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ._render import Urls, person
from ._shapes import Shapes, Type
from ._store import ACTIVE, Store
from ._validate import problems
from ._wire import iso

# Made-up dates fall in the 90 days from here, whatever the machine's clock says.
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
_SPAN = 90 * 24 * 3600

# Optional fields are filled this deep into an object; below, only required ones.
_OPTIONAL_DEPTH = 3
# Past this depth, a nullable required field is null and a list is empty: models that
# refer to themselves (a recording's parent …) end here.
_FLOOR = 5
_LIMIT = 16

# The ``type`` Basecamp writes for a recording, by the model that describes it.
BASECAMP_TYPES = {
    "Campfire": "Chat::Transcript",
    "CampfireLine": "Chat::Lines::Text",
    "Card": "Kanban::Card",
    "CardColumn": "Kanban::Column",
    "CardStep": "Kanban::Step",
    "CardTable": "Kanban::Board",
    "ClientApproval": "Client::Approval",
    "ClientApprovalResponse": "Client::Approval::Response",
    "ClientCorrespondence": "Client::Correspondence",
    "ClientReply": "Client::Reply",
    "Forward": "Inbox::Forward",
    "ForwardReply": "Inbox::Forward::Reply",
    "MessageBoard": "Message::Board",
    "QuestionAnswer": "Question::Answer",
    "ScheduleEntry": "Schedule::Entry",
    "Subtask": "Kanban::Step",
    "RecordingBucket": "Project",
    "TodoBucket": "Project",
}
_RICH = frozenset({"content", "description", "body", "notes"})
_TITLES = frozenset({"name", "title", "subject", "summary", "topic", "filename"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


class Synth:
    """Makes JSON values of described types for one request."""

    def __init__(
        self,
        shapes: Shapes,
        rng: random.Random,
        *,
        store: Store,
        urls: Urls,
        project_id: int | None = None,
        creator_id: int | None = None,
    ) -> None:
        self.shapes = shapes
        self.rng = rng
        self.store = store
        self.urls = urls
        self._counter = 0
        people = sorted(p.id for p in store.people.values() if p.status == ACTIVE)
        self._people = people or sorted(store.people)
        projects = sorted(p.id for p in store.projects.values() if p.status == ACTIVE)
        if project_id is None and projects:
            project_id = rng.choice(projects)
        self._project = store.projects.get(project_id) if project_id is not None else None
        self._creator = creator_id

    # ------------------------------------------------------------------- entry points

    def value(self, t: Type, name: str = "value", owner: str = "", depth: int = 0) -> Any:
        if t.nullable and depth >= _FLOOR:
            return None
        kind = t.kind
        if t.enum:
            choice = self.rng.choice(t.enum)
            return int(choice) if kind == "int" else choice
        if kind == "model":
            return self.object(t.model or "", depth)
        if kind == "list":
            if t.item is None or depth >= _FLOOR:
                return []
            count = self.rng.randint(1, 2) if depth < _OPTIONAL_DEPTH else 1
            return [self.value(t.item, name, owner, depth + 1) for _ in range(count)]
        if kind == "map":
            if t.item is None or depth >= _FLOOR:
                return {}
            return {"key": self.value(t.item, name, owner, depth + 1)}
        if kind == "dict":
            return {}
        return self._scalar(kind, name, owner)

    def object(
        self,
        model: str,
        depth: int = 0,
        *,
        record_id: int | None = None,
        echo: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A ``model`` object. ``record_id`` is its id; ``echo`` holds values (from the
        request body) to answer with wherever a field of the same name and type exists."""
        if depth > _LIMIT or not self.shapes.has_model(model):
            return {}
        fields = self.shapes.fields(model)
        out: dict[str, Any] = {}
        ident = record_id if record_id is not None else self._id()
        for field in fields:
            if not field.required and depth >= _OPTIONAL_DEPTH:
                continue
            name = field.name
            if echo is not None and name in echo:
                candidate = echo[name]
                if candidate is not None and not problems(self.shapes, field.type, candidate):
                    out[name] = candidate
                    continue
            if name == "id" and field.type.kind == "int":
                out[name] = ident
            elif field.type.kind in ("str",) and not field.type.enum:
                out[name] = self._text(name, model, ident)
            elif field.type.kind == "model" and field.type.model == "Person":
                out[name] = self._person(name, depth + 1)
            else:
                out[name] = self.value(field.type, name, model, depth + 1)
        created, updated = out.get("created_at"), out.get("updated_at")
        if isinstance(created, str) and isinstance(updated, str) and updated < created:
            out["created_at"], out["updated_at"] = updated, created
        if model == "Person":
            return self._overlay_person(out)
        if model.endswith("Bucket") and self._project is not None:
            project = self._project
            for key, value in (("id", project.id), ("name", project.data["name"])):
                if key in out:
                    out[key] = value
        return out

    # ------------------------------------------------------------------- values

    def _id(self) -> int:
        return self.rng.randrange(1_000_000_000, 9_999_999_999)

    def _n(self) -> int:
        self._counter += 1
        return self._counter

    def _scalar(self, kind: str, name: str, owner: str) -> Any:
        rng = self.rng
        if kind == "int":
            if name == "id" or name.endswith("_id"):
                return self._id()
            if name.endswith("_count") or name == "count":
                return rng.randint(0, 5)
            if name == "position":
                return rng.randint(1, 10)
            return rng.randint(1, 100)
        if kind == "float":
            return round(rng.uniform(0, 100), 2)
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "datetime":
            seconds = rng.randrange(_SPAN) + rng.randrange(1000) / 1000
            return iso(EPOCH.timestamp() + seconds)
        if kind == "date":
            return (EPOCH.date() + timedelta(days=rng.randrange(90))).isoformat()
        if kind == "bytes":
            return "Z2VuZXJhdGVk"
        if kind == "str":
            return self._text(name, owner, self._id())
        # "any": the description promises nothing; a string is one JSON value.
        return f"{name} {self._n()}"

    def _text(self, name: str, owner: str, ident: int) -> str:
        urls = self.urls
        segment = plural(snake(owner or "record"))
        if name == "url":
            return f"{urls.acct}/{segment}/{ident}.json"
        if name == "app_url":
            return f"{urls.app_acct}/{segment}/{ident}"
        if name.endswith("_url"):
            return f"{urls.acct}/{segment}/{ident}/{name[:-4]}.json"
        if name.endswith("sgid"):
            return self.store.sgid(owner or "Record", ident)
        if name == "status":
            return ACTIVE
        if name == "type":
            return BASECAMP_TYPES.get(owner, owner or "Recording")
        if "email" in name:
            return f"someone{self._n()}@basecamp-fake.test"
        if name == "time_zone":
            return "Etc/UTC"
        if name in _RICH:
            return f"<div>Made-up {name.replace('_', ' ')} {self._n()}</div>"
        if name in _TITLES:
            label = snake(owner).replace("_", " ").capitalize() or "Record"
            return f"{label} {self._n()}"
        if name.endswith("_on"):
            return (EPOCH.date() + timedelta(days=self.rng.randrange(90))).isoformat()
        if name.endswith("_at"):
            return iso(EPOCH.timestamp() + self.rng.randrange(_SPAN))
        return f"{name.replace('_', ' ')} {self._n()}"

    # ------------------------------------------------------------------- the account's own

    def _person(self, field: str, depth: int) -> dict[str, Any]:
        if field == "creator" and self._creator is not None:
            person_id = self._creator
        elif self._people:
            person_id = self.rng.choice(self._people)
        else:
            return self.object("Person", depth)
        out = self.object("Person", depth, record_id=person_id)
        return out

    def _overlay_person(self, out: dict[str, Any]) -> dict[str, Any]:
        real = person(self.store, out.get("id", 0), self.urls)
        if real is None:
            return out
        for key in out:
            if key in real:
                out[key] = real[key]
        return out


def rng_for(seed: int, *parts: object) -> random.Random:
    """A random source that depends only on ``seed`` and ``parts`` (text seeds hash the
    same way on every run and platform, whatever ``PYTHONHASHSEED`` says)."""
    return random.Random("\x1f".join([str(seed), *map(str, parts)]))  # noqa: S311 (made-up data)
