"""A fake Basecamp with one project, three people, and a record of every kind that has a
replace-semantics write, each with every writable field set."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import httpx
import pytest

from basecamp_client import AsyncBasecamp, Hooks
from basecamp_client._generated.account import AsyncAccount
from basecamp_client.testing import FakeBasecamp, FakeClock, LoggedRequest

UA = "safe-writes tests (tests@example.com)"
OTHER_UA = "Someone else (else@example.com)"


@attrs.define
class World:
    fake: FakeBasecamp
    project: int
    todoset: int
    todolist: int
    vault: int
    schedule: int
    people: list[int]

    def other_writer(self) -> httpx.Client:
        """Another client of the same account: the concurrent writer."""
        return httpx.Client(
            transport=self.fake.transport(),
            base_url=f"https://3.basecampapi.com/{self.fake.account_id}",
            headers={"User-Agent": OTHER_UA, "Authorization": "Bearer other"},
        )

    def raw(self, path: str) -> dict[str, Any]:
        """The record as JSON, read behind the SDK's back."""
        with self.other_writer() as c:
            response = c.get(path)
            response.raise_for_status()
            value: dict[str, Any] = response.json()
            return value

    def ours(self) -> list[LoggedRequest]:
        """Requests the SDK sent (not the other writer's)."""
        return [r for r in self.fake.requests if r.headers.get("user-agent", "").startswith(UA)]


def make_world() -> World:
    fake = FakeBasecamp(clock=FakeClock(frozen=True, start=1_790_000_000.0))
    people = [
        fake.add_person("Ada Assignee", "ada@example.test"),
        fake.add_person("Bo Builder", "bo@example.test"),
        fake.add_person("Cy Checker", "cy@example.test"),
    ]
    project = fake.add_project("Safe writes", people=people)
    with httpx.Client(
        transport=fake.transport(),
        base_url=f"https://3.basecampapi.com/{fake.account_id}",
        headers={"User-Agent": OTHER_UA, "Authorization": "Bearer setup"},
    ) as c:
        dock = {t["name"]: t for t in c.get(f"/projects/{project}.json").json()["dock"]}
        todoset = dock["todoset"]["id"]
        todolist = c.post(
            f"/todosets/{todoset}/todolists.json", json={"name": "Launch", "description": "x"}
        ).json()["id"]
    return World(
        fake=fake,
        project=project,
        todoset=todoset,
        todolist=todolist,
        vault=dock["vault"]["id"],
        schedule=dock["schedule"]["id"],
        people=people,
    )


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
async def account(world: World) -> AsyncIterator[AsyncAccount]:
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=world.fake.transport()
    ) as client:
        yield client.for_account(world.fake.account_id)


async def account_with_hooks(world: World, hooks: Hooks) -> tuple[AsyncBasecamp, AsyncAccount]:
    client = AsyncBasecamp(
        access_token="t", user_agent=UA, transport=world.fake.transport(), hooks=hooks
    )
    return client, client.for_account(world.fake.account_id)


# -- one entry per replace-semantics write ------------------------------------------------


@attrs.frozen
class Kind:
    """One kind of record with a replace-semantics write, and how to exercise it."""

    service: str
    id_arg: str
    path: str  # the record's flat API path, with {id}
    create: Callable[[AsyncAccount, World], Awaitable[int]]
    #: one field to change, and the JSON keys that change with it (besides updated_at)
    change: dict[str, Any]
    changes_keys: frozenset[str]
    #: a field to clear with None, and what the record shows for it afterwards
    clear: tuple[str, str, Any]
    #: a required field (cannot be cleared), or None when the body has none
    required: str | None
    #: what someone else changes concurrently (a field every write carries)
    theirs: dict[str, Any]

    def __str__(self) -> str:
        return self.service


async def _todo(account: AsyncAccount, w: World) -> int:
    todo = await account.todos.create(
        todolist_id=w.todolist,
        content="Book the venue",
        description="<div>Call <strong>three</strong> places</div>",
        assignee_ids=[w.people[0], w.people[1]],
        completion_subscriber_ids=[w.people[2]],
        due_on=dt.date(2030, 5, 20),
        starts_on=dt.date(2030, 5, 1),
    )
    return todo.id


async def _todolist(account: AsyncAccount, w: World) -> int:
    todolist = await account.todolists.create(
        todoset_id=w.todoset, name="Catering", description="<div>Menus and tastings</div>"
    )
    return todolist.id


async def _group(account: AsyncAccount, w: World) -> int:
    group = await account.todolist_groups.create(todolist_id=w.todolist, name="Week one")
    # Groups are created with a name only; give this one a description too.
    await account.todolists.replace(id=group.id, name="Week one", description="<div>Prep</div>")
    return group.id


async def _document(account: AsyncAccount, w: World) -> int:
    doc = await account.documents.create(
        vault_id=w.vault, title="Runbook", content="<div>Step <em>one</em></div>"
    )
    return doc.id


async def _cloud_file(account: AsyncAccount, w: World) -> int:
    cloud = await account.cloud_files.create(
        bucket_id=w.project,
        vault_id=w.vault,
        service="dropbox",
        url="https://www.dropbox.com/s/q1/plan.pdf",
        title="Floor plan",
        description="<div>Latest revision</div>",
    )
    return cloud.id


async def _google_document(account: AsyncAccount, w: World) -> int:
    doc = await account.google_documents.create(
        bucket_id=w.project,
        vault_id=w.vault,
        document_type="sheet",
        url="https://docs.example.test/s/budget",
        title="Budget",
        description="<div>Numbers</div>",
        status="active",
    )
    return doc.id


async def _schedule_entry(account: AsyncAccount, w: World) -> int:
    entry = await account.schedule_entries.create(
        schedule_id=w.schedule,
        summary="Kickoff",
        starts_at="2030-05-01T09:00:00Z",
        ends_at="2030-05-01T10:00:00Z",
        description="<div>Agenda attached</div>",
        participant_ids=[w.people[0], w.people[2]],
        url="https://meet.example.test/kickoff",
        highlighted=True,
    )
    return entry.id


KINDS = [
    Kind(
        "todos",
        "todo_id",
        "/todos/{id}.json",
        _todo,
        {"content": "Book the bigger venue"},
        frozenset({"content", "title"}),
        ("description", "description", ""),
        "content",
        {"description": "<div>Changed elsewhere</div>"},
    ),
    Kind(
        "todolists",
        "id",
        "/todolists/{id}.json",
        _todolist,
        {"name": "Catering and drinks"},
        frozenset({"name", "title"}),
        ("description", "description", ""),
        "name",
        {"description": "<div>Changed elsewhere</div>"},
    ),
    Kind(
        "todolists",
        "id",
        "/todolists/{id}.json",
        _group,
        {"name": "Week one (revised)"},
        frozenset({"name", "title"}),
        ("description", "description", ""),
        "name",
        {"description": "<div>Changed elsewhere</div>"},
    ),
    Kind(
        "documents",
        "document_id",
        "/documents/{id}.json",
        _document,
        {"title": "Runbook v2"},
        frozenset({"title"}),
        ("content", "content", ""),
        None,
        {"content": "<div>Changed elsewhere</div>"},
    ),
    Kind(
        "cloud_files",
        "cloud_file_id",
        "/cloud_files/{id}.json",
        _cloud_file,
        {"title": "Floor plan, final"},
        frozenset({"title"}),
        ("description", "description", ""),
        "url",
        {"description": "<div>Changed elsewhere</div>"},
    ),
    Kind(
        "google_documents",
        "google_document_id",
        "/google_documents/{id}.json",
        _google_document,
        {"description": "<div>Numbers, checked</div>"},
        frozenset({"description"}),
        ("title", "title", "Untitled"),
        "document_type",
        {"title": "Budget (theirs)"},
    ),
    Kind(
        "schedule_entries",
        "entry_id",
        "/schedule_entries/{id}.json",
        _schedule_entry,
        {"summary": "Kickoff with catering"},
        frozenset({"summary", "title"}),
        ("url", "join_url", None),
        "starts_at",
        {"description": "<div>Changed elsewhere</div>"},
    ),
]
KIND_IDS = ["todo", "todolist", "group", "document", "cloud_file", "google_document", "entry"]


@pytest.fixture(params=KINDS, ids=KIND_IDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def without(record: dict[str, Any], keys: frozenset[str] | set[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in keys}
