"""Projects and their dock of tools."""

from __future__ import annotations

from .._call import Call, Listing, Reply, empty
from .._router import Router
from .._store import ACTIVE, ARCHIVED, TRASHED, Record, Store
from .._wire import HttpError
from ._common import new_recording

# The tools every new project gets, in dock order: (type, dock name, title, enabled).
DOCK = (
    ("Message::Board", "message_board", "Message Board", True),
    ("Todoset", "todoset", "To-dos", True),
    ("Vault", "vault", "Docs & Files", True),
    ("Chat::Transcript", "chat", "Chat", True),
    ("Schedule", "schedule", "Schedule", True),
    ("Questionnaire", "questionnaire", "Automatic Check-ins", False),
    ("Inbox", "inbox", "Email Forwards", False),
)

# Message types a new project starts with: (name, icon).
CATEGORIES = (
    ("Announcement", "\U0001f4e2"),
    ("FYI", "\u2728"),
    ("Heartbeat", "\u2764\ufe0f"),
    ("Pitch", "\U0001f4a1"),
    ("Question", "\u2753"),
)


def new_project(
    store: Store,
    name: str,
    description: str = "",
    *,
    creator_id: int,
    people: list[int] | None = None,
    when: float | None = None,
) -> Record:
    stamp = store.now() if when is None else store.at(when)
    project = Record(store.next_id(), "Project", created_at=stamp, creator_id=creator_id)
    project.data = {"name": name, "description": description, "dock": [], "people": []}
    project.data["people"] = list(dict.fromkeys([creator_id, *(people or [])]))
    store.add(store.projects, project)
    position = 0
    for kind, tool_name, title, enabled in DOCK:
        if enabled:
            position += 1
        data = {"title": title, "tool_name": tool_name, "enabled": enabled}
        data["dock_position"] = position if enabled else None
        if kind == "Schedule":
            data["include_due_assignments"] = True
        tool = new_recording(
            store,
            kind,
            bucket_id=project.id,
            parent_id=0,
            creator_id=creator_id,
            data=data,
            when=stamp,
            event=False,
        )
        project.data["dock"].append(tool.id)
    for cat_name, icon in CATEGORIES:
        category = Record(
            store.next_id(), "Message::Category", created_at=stamp, bucket_id=project.id
        )
        category.data = {"name": cat_name, "icon": icon}
        store.add(store.categories, category)
    return project


def tool(store: Store, project: Record, kind: str) -> Record:
    for tool_id in project.data["dock"]:
        record = store.recordings[tool_id]
        if record.kind == kind:
            return record
    raise KeyError(kind)


def _project(call: Call) -> Record:
    return call.project(call.id("project_id"))


def list_projects(call: Call) -> Listing:
    status = call.q_status()
    projects = [p for p in call.store.projects.values() if p.status == status]
    projects.sort(key=lambda p: (p.created_at, p.id), reverse=True)  # newest first
    return call.listing(projects)


def create_project(call: Call) -> Reply:
    form = call.form()
    name = form.string("name", required=True)
    description = form.string("description", default="")
    form.check()
    assert name is not None
    if any(p.data["name"] == name and p.status != TRASHED for p in call.store.projects.values()):
        raise HttpError(
            422, "Name has already been taken", errors={"name": ["has already been taken"]}
        )
    project = new_project(call.store, name, description or "", creator_id=call.me.id)
    return call.ok(project, 201)


def get_project(call: Call) -> Reply:
    return call.ok(_project(call))


def update_project(call: Call) -> Reply:
    project = _project(call)
    form = call.form()
    name = form.string("name", required=True)
    description = form.string("description")
    form.check()
    project.data["name"] = name
    if description is not None:
        project.data["description"] = description
    call.store.touch(project, shared=True)
    return call.ok(project)


def _status(call: Call, status: str) -> Reply:
    project = _project(call)
    if project.status != status:
        project.status = status
        call.store.touch(project, shared=True)
    return empty()


def trash_project(call: Call) -> Reply:
    return _status(call, TRASHED)


def archive_project(call: Call) -> Reply:
    return _status(call, ARCHIVED)


def unarchive_project(call: Call) -> Reply:
    return _status(call, ACTIVE)


def register(router: Router) -> None:
    router.add("GET", "/projects", list_projects)
    router.add("POST", "/projects", create_project)
    router.add("GET", "/projects/{project_id}", get_project)
    router.add("PUT", "/projects/{project_id}", update_project)
    router.add("DELETE", "/projects/{project_id}", trash_project)
    router.add("PUT", "/projects/{project_id}/status/archived", archive_project)
    router.add("PUT", "/projects/{project_id}/status/active", unarchive_project)
