"""Stateful behaviour of the faked resources."""

from __future__ import annotations

import httpx

from basecamp_client.testing import FakeBasecamp

from .conftest import dock, todolist


def flat(url: str, tail: str = "") -> str:
    """``…/buckets/1/todos/2.json`` + ``/completion.json``."""
    return url.removesuffix(".json") + tail


# --------------------------------------------------------------------------- people


def test_people_and_profile(client: httpx.Client, fake: FakeBasecamp) -> None:
    people = client.get("/people.json").json()
    assert len(people) == 6
    me = client.get("/my/profile.json").json()
    assert me["id"] == fake.owner_id
    assert me["owner"] is True
    assert client.get(f"/people/{people[1]['id']}.json").json() == people[1]
    assert client.get("/people/1.json").status_code == 404
    assert client.put("/my/profile.json", json={"title": "Chief Gardener"}).status_code == 204
    assert client.get("/my/profile.json").json()["title"] == "Chief Gardener"
    bad = client.put("/my/profile.json", json={"name": ""})
    assert bad.status_code == 422
    assert "name" in bad.json()["errors"]
    project = client.get("/projects.json").json()[0]
    members = client.get(f"/projects/{project['id']}/people.json").json()
    assert any(p["client"] for p in members)
    assert client.get("/circles/people.json").status_code == 200
    assert client.get("/account.json").json()["name"] == "Larkspur & Finch"


# --------------------------------------------------------------------------- projects


def test_new_projects_get_a_full_dock(client: httpx.Client) -> None:
    r = client.post("/projects.json", json={"name": "Greenhouse", "description": "Tomatoes"})
    project = r.json()
    names = [t["name"] for t in project["dock"]]
    assert names == [
        "message_board",
        "todoset",
        "vault",
        "chat",
        "schedule",
        "questionnaire",
        "inbox",
    ]
    for item in project["dock"]:
        tool = client.get(item["url"])
        assert tool.status_code == 200, item
        assert tool.json()["id"] == item["id"]
        assert tool.json()["bucket"] == {
            "id": project["id"],
            "name": "Greenhouse",
            "type": "Project",
        }
    disabled = [t for t in project["dock"] if not t["enabled"]]
    assert all(t["position"] is None for t in disabled)
    duplicate = client.post("/projects.json", json={"name": "Greenhouse"})
    assert duplicate.status_code == 422


def test_project_update_archive_and_trash(client: httpx.Client) -> None:
    project = client.post("/projects.json", json={"name": "Shed", "description": "d"}).json()
    url = f"/projects/{project['id']}.json"
    updated = client.put(url, json={"name": "Big Shed"}).json()
    assert updated["name"] == "Big Shed"
    assert updated["description"] == "d"
    assert client.put(url, json={"description": "no name"}).status_code == 422
    assert client.put(f"/projects/{project['id']}/status/archived.json").status_code == 204
    assert project["id"] not in [p["id"] for p in client.get("/projects.json").json()]
    archived = client.get("/projects.json", params={"status": "archived"}).json()
    assert [p["id"] for p in archived] == [project["id"]]
    assert client.put(f"/projects/{project['id']}/status/active.json").status_code == 204
    assert client.delete(url).status_code == 204
    assert client.get(url).json()["status"] == "trashed"
    assert client.get("/projects.json", params={"status": "bogus"}).status_code == 400


# --------------------------------------------------------------------------- to-dos


def test_todo_lifecycle(client: httpx.Client, fake: FakeBasecamp) -> None:
    people = [p["id"] for p in client.get("/people.json").json()]
    todoset = dock(client, "todoset")
    todolist_ = client.post(todoset["todolists_url"], json={"name": "Errands"}).json()
    assert todolist_["description"] == ""
    assert todolist_["completed_ratio"] == "0/0"
    created = client.post(
        todolist_["todos_url"],
        json={
            "content": "Buy twine",
            "description": "<div>green, not brown</div>",
            "assignee_ids": [people[1]],
            "due_on": "2026-03-01",
            "starts_on": "2026-02-20",
        },
    )
    assert created.status_code == 201
    todo = created.json()
    assert todo["assignees"][0]["id"] == people[1]
    assert todo["parent"]["id"] == todolist_["id"]
    assert todo["position"] == 1
    assert client.get(todo["url"]).json() == todo

    assert client.post(flat(todo["url"], "/completion.json")).status_code == 204
    done = client.get(todo["url"]).json()
    assert done["completed"] is True
    assert done["completion"]["creator"]["id"] == fake.owner_id
    assert client.get(todolist_["url"]).json()["completed_ratio"] == "1/1"
    assert client.get(todolist_["todos_url"]).json() == []
    completed = client.get(todolist_["todos_url"], params={"completed": "true"}).json()
    assert [t["id"] for t in completed] == [todo["id"]]

    assert client.delete(flat(todo["url"], "/completion.json")).status_code == 204
    assert client.get(todo["url"]).json()["completed"] is False
    events = client.get(f"/recordings/{todo['id']}/events.json").json()
    actions = [e["action"] for e in events]
    assert actions == ["uncompleted", "completed", "created"]


def test_todo_put_replaces_and_clears_omitted_fields(client: httpx.Client) -> None:
    people = [p["id"] for p in client.get("/people.json").json()]
    backlog = todolist(client, "Backlog")
    todo = client.post(
        backlog["todos_url"],
        json={
            "content": "Fix the gate",
            "description": "hinge",
            "assignee_ids": people[:2],
            "completion_subscriber_ids": [people[2]],
            "due_on": "2026-04-01",
        },
    ).json()
    replaced = client.put(todo["url"], json={"content": "Fix the gate properly"})
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["content"] == "Fix the gate properly"
    assert body["description"] == ""
    assert body["assignees"] == []
    assert body["completion_subscribers"] == []
    assert body["due_on"] is None
    assert body["starts_on"] is None
    missing = client.put(todo["url"], json={"description": "no content"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"content": ["can't be blank"]}
    assert client.get(todo["url"]).json()["content"] == "Fix the gate properly"


def test_todo_validation(client: httpx.Client) -> None:
    url = todolist(client, "Backlog")["todos_url"]
    r = client.post(url, json={"description": "nothing to do"})
    assert r.status_code == 422
    assert r.json()["errors"] == {"content": ["can't be blank"]}
    r = client.post(url, json={"content": "x", "due_on": "next week", "assignee_ids": [1]})
    assert set(r.json()["errors"]) == {"due_on", "assignee_ids"}
    r = client.post(url, json={"content": "x", "due_on": "2026-01-01", "starts_on": "2026-02-01"})
    assert r.json()["errors"] == {"starts_on": ["must be on or before the due date"]}
    assert client.post(url, json={"content": "   "}).status_code == 422
    r = client.get(url, params={"completed": "maybe"})
    assert r.status_code == 400


def test_reposition_todos_within_and_across_lists(client: httpx.Client) -> None:
    backlog = todolist(client, "Backlog")
    first_page = client.get(backlog["todos_url"]).json()
    third = first_page[2]
    assert client.put(flat(third["url"], "/position.json"), json={"position": 1}).status_code == 204
    reordered = client.get(backlog["todos_url"]).json()
    assert [t["id"] for t in reordered[:3]] == [
        third["id"],
        first_page[0]["id"],
        first_page[1]["id"],
    ]
    assert [t["position"] for t in reordered[:3]] == [1, 2, 3]

    launch = todolist(client, "Launch checklist")
    moved = client.put(
        flat(third["url"], "/position.json"), json={"position": 1, "parent_id": launch["id"]}
    )
    assert moved.status_code == 204
    assert client.get(third["url"]).json()["parent"]["id"] == launch["id"]
    assert client.get(launch["todos_url"]).json()[0]["id"] == third["id"]
    bad = client.put(flat(third["url"], "/position.json"), json={"position": 0})
    assert bad.status_code == 422
    elsewhere = client.put(
        flat(third["url"], "/position.json"), json={"position": 1, "parent_id": 5}
    )
    assert elsewhere.status_code == 422


def test_todolists_groups_and_replace_semantics(client: httpx.Client) -> None:
    todoset = dock(client, "todoset")
    lists = client.get(todoset["todolists_url"]).json()
    assert [t["name"] for t in lists] == ["Launch checklist", "Backlog"]
    launch = lists[0]
    groups = client.get(launch["groups_url"]).json()
    assert [g["name"] for g in groups] == ["Permits"]
    assert groups[0]["parent"]["id"] == launch["id"]
    assert "group_position_url" in groups[0]
    group = client.post(launch["groups_url"], json={"name": "Signage", "color": "green"}).json()
    assert client.put(group["group_position_url"], json={"position": 1}).status_code == 204
    assert [g["name"] for g in client.get(launch["groups_url"]).json()] == ["Signage", "Permits"]

    replaced = client.put(launch["url"], json={"name": "Opening checklist"}).json()
    assert replaced["name"] == "Opening checklist"
    assert replaced["description"] == ""
    assert client.put(launch["url"], json={"description": "x"}).status_code == 422

    assert (
        client.put(
            f"/todosets/todolists/{lists[1]['id']}/position.json", json={"position": 1}
        ).status_code
        == 204
    )
    assert next(t["id"] for t in client.get(todoset["todolists_url"]).json()) == lists[1]["id"]


def test_trash_and_archive_any_recording(client: httpx.Client) -> None:
    backlog = todolist(client, "Backlog")
    todo = client.get(backlog["todos_url"]).json()[0]
    recording = f"/recordings/{todo['id']}"
    assert client.put(f"{recording}/status/trashed.json").status_code == 204
    assert client.get(todo["url"]).json()["status"] == "trashed"
    assert todo["id"] not in [t["id"] for t in client.get(backlog["todos_url"]).json()]
    trashed = client.get(backlog["todos_url"], params={"status": "trashed"}).json()
    assert [t["id"] for t in trashed] == [todo["id"]]
    assert client.put(f"{recording}/status/active.json").status_code == 204
    assert client.put(f"{recording}/status/archived.json").status_code == 204
    assert client.get(todo["url"]).json()["status"] == "archived"
    assert client.put("/recordings/1/status/trashed.json").status_code == 404


# --------------------------------------------------------------------------- messages


def test_messages_and_comments(client: httpx.Client) -> None:
    board = dock(client, "message_board")
    assert board["messages_count"] == 2
    categories = client.get(f"/buckets/{board['bucket']['id']}/categories.json").json()
    message = client.post(
        board["messages_url"],
        json={
            "subject": "Bunting",
            "content": "<div>Yes or no?</div>",
            "category_id": categories[1]["id"],
        },
    ).json()
    assert message["category"]["name"] == categories[1]["name"]
    assert client.get(board["messages_url"]).json()[0]["id"] == message["id"]
    assert client.get(board["url"]).json()["messages_count"] == 3
    assert client.post(board["messages_url"], json={"content": "no subject"}).status_code == 422
    updated = client.put(message["url"], json={"subject": "Bunting!"}).json()
    assert updated["subject"] == "Bunting!"
    assert updated["content"] == "<div>Yes or no?</div>"

    comment = client.post(message["comments_url"], json={"content": "<div>Yes.</div>"}).json()
    assert comment["parent"]["id"] == message["id"]
    assert comment["title"] == "Re: Bunting!"
    assert client.get(message["url"]).json()["comments_count"] == 1
    assert [c["id"] for c in client.get(message["comments_url"]).json()] == [comment["id"]]
    edited = client.put(comment["url"], json={"content": "<div>Definitely.</div>"}).json()
    assert edited["content"] == "<div>Definitely.</div>"
    assert client.post(message["comments_url"], json={}).status_code == 422


def test_comments_on_todos_and_not_on_people(client: httpx.Client, fake: FakeBasecamp) -> None:
    todo = client.get(todolist(client, "Backlog")["todos_url"]).json()[0]
    assert client.post(todo["comments_url"], json={"content": "on it"}).status_code == 201
    assert client.get(todo["url"]).json()["comments_count"] == 1
    assert (
        client.post(f"/recordings/{fake.owner_id}/comments.json", json={"content": "x"}).status_code
        == 404
    )


# --------------------------------------------------------------------------- chats


def test_campfire_lines(client: httpx.Client, fake: FakeBasecamp) -> None:
    chats = client.get("/chats.json").json()
    assert len(chats) == 2
    chat = dock(client, "chat")
    lines = client.get(chat["lines_url"]).json()
    assert len(lines) == 8
    plain = client.post(chat["lines_url"], json={"content": "Hello"}).json()
    rich = client.post(
        chat["lines_url"], json={"content": "<em>Hi</em>", "content_type": "text/html"}
    ).json()
    assert plain["type"] == "Chat::Lines::Text"
    assert rich["type"] == "Chat::Lines::RichText"
    newest = client.get(chat["lines_url"], params={"direction": "desc"}).json()[0]
    assert newest["id"] == rich["id"]
    assert client.put(plain["url"], json={"content": "Hello!"}).status_code == 204
    assert client.get(plain["url"]).json()["content"] == "Hello!"
    someone_elses = next(line for line in lines if line["creator"]["id"] != fake.owner_id)
    assert client.put(someone_elses["url"], json={"content": "hijack"}).status_code == 403
    # The owner is an admin: deleting others' lines is allowed.
    assert client.delete(someone_elses["url"]).status_code == 204
    assert client.get(chat["lines_url"]).headers["x-total-count"] == "9"


# --------------------------------------------------------------------------- docs & files


def test_vaults_and_documents_with_replace_semantics(client: httpx.Client) -> None:
    vault = dock(client, "vault")
    assert vault["documents_count"] == 1
    assert vault["uploads_count"] == 1
    child = client.post(vault["vaults_url"], json={"title": "Receipts"}).json()
    assert child["parent"]["id"] == vault["id"]
    assert (
        client.put(child["url"], json={"title": "Old receipts"}).json()["title"] == "Old receipts"
    )
    doc = client.post(
        child["documents_url"], json={"title": "March", "content": "<div>Σ 42</div>"}
    ).json()
    assert doc["title"] == "March"
    assert doc["content"] == "<div>Σ 42</div>"
    only_title = client.put(doc["url"], json={"title": "March totals"}).json()
    assert only_title["content"] == ""
    only_content = client.put(doc["url"], json={"content": "<div>43</div>"}).json()
    assert only_content["title"] == "Untitled"
    assert client.put(doc["url"], json={}).status_code == 400
    assert client.post(child["documents_url"], json={"content": "untitled"}).status_code == 422


# --------------------------------------------------------------------------- schedules


def test_schedule_entries_replace_but_keep_carved_out_fields(client: httpx.Client) -> None:
    people = [p["id"] for p in client.get("/people.json").json()]
    schedule = dock(client, "schedule")
    assert [e["summary"] for e in client.get(schedule["entries_url"]).json()] == [
        "Call with the awning supplier",
        "Soft opening",
    ]
    entry = client.post(
        schedule["entries_url"],
        json={
            "summary": "Delivery",
            "starts_at": "2026-03-02T08:00:00+01:00",
            "ends_at": "2026-03-02T09:00:00+01:00",
            "description": "<div>Side gate</div>",
            "participant_ids": people[:2],
            "url": "https://meet.example.test/x",
            "highlighted": True,
        },
    ).json()
    assert entry["starts_at"] == "2026-03-02T07:00:00.000Z"
    assert entry["join_url"] == "https://meet.example.test/x"
    replaced = client.put(
        entry["url"], json={"starts_at": entry["starts_at"], "ends_at": "2026-03-02T10:00:00Z"}
    ).json()
    assert replaced["summary"] == "Untitled"
    assert replaced["description"] == ""
    assert [p["id"] for p in replaced["participants"]] == people[:2]
    assert replaced["join_url"] == "https://meet.example.test/x"
    assert replaced["highlighted"] is True
    cleared = client.put(
        entry["url"],
        json={"starts_at": entry["starts_at"], "ends_at": entry["ends_at"], "participant_ids": []},
    ).json()
    assert cleared["participants"] == []
    missing = client.put(entry["url"], json={"summary": "no times"})
    assert set(missing.json()["errors"]) == {"starts_at", "ends_at"}
    backwards = client.post(
        schedule["entries_url"],
        json={
            "summary": "x",
            "starts_at": "2026-03-02T10:00:00Z",
            "ends_at": "2026-03-02T09:00:00Z",
        },
    )
    assert backwards.json()["errors"] == {"ends_at": ["must be after the start"]}
    settings = client.put(schedule["url"], json={"include_due_assignments": False}).json()
    assert settings["include_due_assignments"] is False


# --------------------------------------------------------------------------- webhooks


def test_webhooks_crud(client: httpx.Client) -> None:
    project = client.get("/projects.json").json()[0]
    hooks = f"/buckets/{project['id']}/webhooks.json"
    assert client.get(hooks).json() == []
    hook = client.post(
        hooks, json={"payload_url": "https://hooks.example.test/in", "types": ["Todo"]}
    )
    assert hook.status_code == 201
    body = hook.json()
    assert body["active"] is True
    assert body["recent_deliveries"] == []
    assert client.get(body["url"]).json() == body
    assert client.get(f"/webhooks/{body['id']}.json").json() == body
    updated = client.put(body["url"], json={"active": False}).json()
    assert updated["active"] is False
    assert updated["types"] == ["Todo"]
    assert (
        client.post(
            hooks, json={"payload_url": "http://insecure.test", "types": ["Todo"]}
        ).status_code
        == 422
    )
    assert (
        client.post(hooks, json={"payload_url": "https://a.test", "types": ["Nope"]}).status_code
        == 422
    )
    assert (
        client.post(
            hooks, json={"payload_url": "https://hooks.example.test/in", "types": ["all"]}
        ).status_code
        == 422
    )
    assert client.delete(body["url"]).status_code == 204
    assert client.get(body["url"]).status_code == 404
    assert client.get("/buckets/1/webhooks.json").status_code == 404


# --------------------------------------------------------------------------- cross-cutting


def test_recordings_listing(client: httpx.Client) -> None:
    r = client.get("/projects/recordings.json", params={"type": "Message"})
    messages = r.json()
    assert [m["type"] for m in messages] == ["Message", "Message"]
    assert messages[0]["created_at"] >= messages[1]["created_at"]
    asc = client.get(
        "/projects/recordings.json", params={"type": "Message", "direction": "asc"}
    ).json()
    assert asc == messages[::-1]
    project = client.get("/projects.json").json()[1]
    other = client.get(
        "/projects/recordings.json", params={"type": "Todo", "bucket": project["id"]}
    )
    assert {t["bucket"]["id"] for t in other.json()} == {project["id"]}
    assert client.get("/projects/recordings.json").status_code == 400


def test_search(client: httpx.Client) -> None:
    hits = client.get("/search.json", params={"q": "awning"}).json()
    assert {h["type"] for h in hits} >= {"Todo", "Schedule::Entry"}
    for hit in hits:
        assert (
            "awning"
            in (hit["title"] + hit["plain_text_content"] + hit["plain_text_description"]).lower()
        )
        assert "content" in hit
        assert "description" in hit
    todos_only = client.get("/search.json", params={"q": "awning", "type_names[]": "Todo"}).json()
    assert {h["type"] for h in todos_only} == {"Todo"}
    no_chat = client.get("/search.json", params={"q": "awning", "exclude_chat": "true"}).json()
    assert not any(h["type"].startswith("Chat::") for h in no_chat)
    assert client.get("/search.json", params={"q": "zzzz-nothing"}).json() == []
    assert client.get("/search.json").status_code == 400


def test_events_for_a_recording(client: httpx.Client) -> None:
    board = dock(client, "message_board")
    message = client.get(board["messages_url"]).json()[0]
    client.put(message["url"], json={"content": "<div>edited</div>"})
    events = client.get(f"/recordings/{message['id']}/events.json").json()
    assert [e["action"] for e in events] == ["content_changed", "created"]
    assert all(e["recording_id"] == message["id"] for e in events)


def test_questionnaires_and_inboxes_answer(client: httpx.Client) -> None:
    for name, listing in (("questionnaire", "questions_url"), ("inbox", "forwards_url")):
        tool = dock(client, name)
        assert tool["id"]
        assert client.get(tool[listing]).json() == []
    inbox = dock(client, "inbox")
    assert client.get(f"/inboxes/{inbox['id']}/inbox_forwards.json").json() == []


def test_programmatic_setup(fake: FakeBasecamp, client: httpx.Client) -> None:
    person = fake.add_person("Yara Lind", "yara@example.test", title="Intern")
    project = fake.add_project("Seeded from code", people=[person])
    members = client.get(f"/projects/{project}/people.json").json()
    assert [m["name"] for m in members] == [
        fake.store.people[fake.owner_id].data["name"],
        "Yara Lind",
    ]


def test_positions_stay_contiguous_through_appends_completions_and_trash(
    client: httpx.Client,
) -> None:
    backlog = todolist(client, "Backlog")
    url = backlog["todos_url"]
    client.get(url)  # positions are now cached
    added = [client.post(url, json={"content": f"Late {n}"}).json() for n in range(2)]
    assert [t["position"] for t in added] == [121, 122]
    middle = client.get(url).json()[5]
    client.post(flat(middle["url"], "/completion.json"))
    client.put(f"/recordings/{added[0]['id']}/status/trashed.json")
    open_todos = [t for page in range(1, 5) for t in client.get(url, params={"page": page}).json()]
    assert [t["position"] for t in open_todos] == list(range(1, 121))
    assert open_todos[-1]["id"] == added[1]["id"]
    done = client.get(url, params={"completed": "true"}).json()
    assert [(t["id"], t["position"]) for t in done] == [(middle["id"], 1)]


def test_cloud_files_and_google_documents_replace_semantics(client: httpx.Client) -> None:
    vault = dock(client, "vault")
    project = vault["bucket"]["id"]
    base = f"/buckets/{project}/vaults/{vault['id']}"
    bad = client.post(
        f"{base}/cloud_files.json", json={"service": "dropbox", "url": "https://x.test/a"}
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"url"}
    created = client.post(
        f"{base}/cloud_files.json",
        json={
            "service": "dropbox",
            "url": "https://www.dropbox.com/s/q1/plan.pdf",
            "title": "Plan",
            "description": "<div>v1</div>",
        },
    )
    assert created.status_code == 201
    cloud = created.json()
    assert cloud["type"] == "CloudFile"
    assert cloud["service"]["code"] == "dropbox"
    assert cloud["url"] == "https://www.dropbox.com/s/q1/plan.pdf"  # the link, not the API URL
    assert client.get(f"/cloud_files/{cloud['id']}.json").json() == cloud
    cloud_api = f"/cloud_files/{cloud['id']}.json"
    replaced = client.put(
        cloud_api, json={"service": "other", "url": "https://files.example.test/plan"}
    ).json()
    assert replaced["title"] == "Untitled"
    assert replaced["description"] == ""
    assert replaced["service"]["code"] == "other"
    assert replaced["url"] == "https://files.example.test/plan"
    missing = client.put(cloud_api, json={"title": "No link"})
    assert set(missing.json()["errors"]) == {"service", "url"}

    doc = client.post(
        f"{base}/google_documents.json",
        json={"document_type": "sheet", "url": "https://docs.example.test/s/1", "title": "Budget"},
    ).json()
    assert doc["status"] == "drafted"
    assert doc["document_type"] == "sheet"
    assert doc["url"] == "https://docs.example.test/s/1"
    doc_api = f"/google_documents/{doc['id']}.json"
    published = client.put(
        doc_api,
        json={"document_type": "sheet", "url": "https://docs.example.test/s/1", "status": "active"},
    ).json()
    assert published["status"] == "active"
    assert published["title"] == "Untitled"
    wrong = client.put(doc_api, json={"document_type": "memo", "url": "https://d.test/x"})
    assert wrong.json()["errors"] == {"document_type": ["is not a valid document type"]}
    elsewhere = client.post(
        f"/buckets/{project + 1}/vaults/{vault['id']}/cloud_files.json",
        json={"service": "other", "url": "https://x.test/"},
    )
    assert elsewhere.status_code == 404
