"""Subtasks and Pings (API 2026-10-19), stored by the fake, over raw HTTP.

The routes answer before the generated client has these operations; once it has them,
the registry-wide tests call them through the SDK too.
"""

from __future__ import annotations

import httpx

from basecamp_client.testing import FakeBasecamp

from .conftest import HEADERS, api, todolist


def _first_todo(client: httpx.Client) -> dict:
    todos = client.get(todolist(client, "Launch checklist")["todos_url"]).json()
    return todos[0]


def test_subtasks_of_a_todo(client: httpx.Client, fake: FakeBasecamp) -> None:
    todo = _first_todo(client)
    url = f"/recordings/{todo['id']}/subtasks.json"
    assert client.get(url).json() == []
    created = client.post(url, json={"title": "Measure the pitch", "due_on": "2026-02-03"})
    assert created.status_code == 201
    first = created.json()
    assert created.headers["Location"] == first["url"]
    assert first["type"] == "Kanban::Step"
    assert (first["title"], first["due_on"], first["completed"]) == (
        "Measure the pitch",
        "2026-02-03",
        False,
    )
    assert first["parent"]["id"] == todo["id"]
    assert first["creator"]["id"] == fake.owner_id
    second = client.post(url, json={"title": "Buy pegs", "assignee_ids": [fake.owner_id]}).json()
    assert second["assignees"][0]["id"] == fake.owner_id
    assert [s["position"] for s in client.get(url).json()] == [1, 2]

    # Through the older bucketed spelling too.
    bucketed = f"/buckets/{todo['bucket']['id']}/subtasks/{second['id']}.json"
    assert client.get(bucketed).json()["title"] == "Buy pegs"

    assert (
        client.put(f"/subtasks/{second['id']}/position.json", json={"position": 1}).status_code
        == 204
    )
    assert [s["title"] for s in client.get(url).json()] == ["Buy pegs", "Measure the pitch"]

    assert client.post(f"/subtasks/{first['id']}/completion.json").status_code == 204
    done = client.get(f"/subtasks/{first['id']}.json").json()
    assert done["completed"] is True
    assert done["completion"]["creator"]["id"] == fake.owner_id
    assert client.delete(f"/subtasks/{first['id']}/completion.json").status_code == 204
    assert "completion" not in client.get(f"/subtasks/{first['id']}.json").json()

    # An update changes only what it sends.
    updated = client.put(f"/subtasks/{first['id']}.json", json={"title": "Measure twice"}).json()
    assert (updated["title"], updated["due_on"]) == ("Measure twice", "2026-02-03")

    assert client.delete(f"/subtasks/{first['id']}.json").status_code == 204
    assert client.get(f"/subtasks/{first['id']}.json").status_code == 404
    assert [s["id"] for s in client.get(url).json()] == [second["id"]]


def test_subtask_validation(client: httpx.Client) -> None:
    todo = _first_todo(client)
    url = f"/recordings/{todo['id']}/subtasks.json"
    missing = client.post(url, json={"due_on": "2026-02-03"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"title": ["can't be blank"]}
    bad = client.post(url, json={"title": "x", "due_on": "soon", "assignee_ids": [1]})
    assert set(bad.json()["errors"]) == {"due_on", "assignee_ids"}
    subtask = client.post(url, json={"title": "x"}).json()
    empty = client.put(f"/subtasks/{subtask['id']}.json", json={})
    assert empty.status_code == 422
    position = client.put(f"/subtasks/{subtask['id']}/position.json", json={"position": 0})
    assert position.status_code == 422
    # Only to-dos hold subtasks here (the fake stores no cards).
    board = client.get("/projects.json").json()[0]["dock"][0]
    assert client.get(f"/recordings/{board['id']}/subtasks.json").status_code == 404


def test_pings(fake: FakeBasecamp, client: httpx.Client) -> None:
    people = [p["id"] for p in client.get("/people.json").json() if p["id"] != fake.owner_id]
    created = client.post("/circles.json", json={"user_ids": [people[0]]})
    assert created.status_code == 201
    ping = created.json()
    assert created.headers["Location"] == ping["url"]
    assert {p["id"] for p in ping["people"]} == {fake.owner_id, people[0]}
    assert ping["named"] is False
    assert client.get(f"/circles/{ping['id']}.json").json() == ping
    # Not listed until someone writes in it.
    assert client.get("/circles.json").json() == []
    line = client.post(ping["links"]["lines"], json={"content": "Lunch?"})
    assert line.status_code == 201
    assert line.json()["bucket"] == {"id": ping["id"], "name": ping["title"], "type": "Circle"}
    assert [p["id"] for p in client.get("/circles.json").json()] == [ping["id"]]
    # The same people again: the same Ping; new_group with one other person too.
    again = client.post("/circles.json", json={"user_ids": [people[0], 999]})
    assert again.status_code == 201
    assert again.json()["id"] == ping["id"]
    assert (
        client.post("/circles.json", json={"user_ids": [people[0]], "new_group": True}).json()["id"]
        == ping["id"]
    )
    # A group: new_group makes a new one each time.
    group = [people[0], people[1]]
    a = client.post("/circles.json", json={"user_ids": group}).json()
    b = client.post("/circles.json", json={"user_ids": group}).json()
    c = client.post("/circles.json", json={"user_ids": group, "new_group": True}).json()
    assert a["id"] == b["id"] != c["id"]
    # A Ping's chat is not one of the projects' campfires.
    chats = client.get("/chats.json").json()
    assert all(chat["bucket"]["type"] == "Project" for chat in chats)


def test_ping_validation_and_privacy(fake: FakeBasecamp) -> None:
    other = fake.add_person("Someone Else", "else@example.test")
    fake.add_token("mine", fake.owner_id)
    fake.add_token("theirs", other)
    base = api(fake)
    with httpx.Client(transport=fake.transport(), base_url=base, headers=HEADERS) as mine:
        mine.headers["Authorization"] = "Bearer mine"
        assert mine.post("/circles.json", json={}).json()["errors"] == {
            "user_ids": ["can't be blank"]
        }
        assert mine.post("/circles.json", json={"user_ids": ["a"]}).status_code == 422
        assert mine.post("/circles.json", json={"user_ids": [fake.owner_id]}).status_code == 422
        third = fake.add_person("Third", "third@example.test")
        ping = mine.post("/circles.json", json={"user_ids": [third]}).json()
    with httpx.Client(transport=fake.transport(), base_url=base, headers=HEADERS) as theirs:
        theirs.headers["Authorization"] = "Bearer theirs"
        assert theirs.get(f"/circles/{ping['id']}.json").status_code == 404
