"""The rules every request meets before a resource sees it, through raw httpx."""

from __future__ import annotations

import httpx
import pytest

from basecamp_client.testing import FakeBasecamp, FakeRequest

from .conftest import HEADERS, UA, api


def test_user_agent_is_required(fake: FakeBasecamp) -> None:
    with httpx.Client(transport=fake.transport(), base_url=api(fake)) as c:
        r = c.get("/projects.json", headers={"Authorization": "Bearer t", "User-Agent": ""})
    assert r.status_code == 400
    assert "User-Agent" in r.json()["error"]
    assert r.headers["x-request-id"]


def test_bearer_token_is_required(fake: FakeBasecamp) -> None:
    with httpx.Client(transport=fake.transport(), base_url=api(fake)) as c:
        missing = c.get("/projects.json", headers={"User-Agent": UA})
        basic = c.get("/projects.json", headers={"User-Agent": UA, "Authorization": "Basic eDp5"})
    for r in (missing, basic):
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_configured_tokens_only(clock: object) -> None:
    fake = FakeBasecamp.with_sample_data(tokens=["good"])
    with httpx.Client(transport=fake.transport(), base_url=api(fake)) as c:
        ok = c.get("/my/profile.json", headers={"User-Agent": UA, "Authorization": "Bearer good"})
        bad = c.get("/my/profile.json", headers={"User-Agent": UA, "Authorization": "Bearer nope"})
    assert ok.status_code == 200
    assert ok.json()["id"] == fake.owner_id
    assert bad.status_code == 401


def test_tokens_can_act_as_other_people() -> None:
    fake = FakeBasecamp()
    someone = fake.add_person("Ines Varga", "ines@example.test")
    fake.add_token("ines-token", someone)
    with httpx.Client(transport=fake.transport(), base_url=api(fake)) as c:
        r = c.get(
            "/my/profile.json", headers={"User-Agent": UA, "Authorization": "Bearer ines-token"}
        )
    assert r.json()["name"] == "Ines Varga"
    with pytest.raises(ValueError, match="no person"):
        fake.add_token("x", 42)


def test_unknown_account_is_404(fake: FakeBasecamp) -> None:
    with httpx.Client(transport=fake.transport(), headers=HEADERS) as c:
        other = c.get(f"https://3.basecampapi.com/{fake.account_id + 1}/projects.json")
        bare = c.get("https://3.basecampapi.com/projects.json")
    assert other.status_code == 404
    assert bare.status_code == 404
    assert "reason" not in other.headers


def test_unknown_paths_404_and_wrong_methods_405(client: httpx.Client) -> None:
    assert client.get("/nothing/here.json").status_code == 404
    assert client.get("/todos/1.json").status_code == 404
    r = client.delete("/people.json")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"


def test_item_paths_accept_a_trailing_json_and_bucket_spelling(client: httpx.Client) -> None:
    project = client.get("/projects.json").json()[0]
    assert client.get(f"/projects/{project['id']}").json() == project
    assert client.get(f"/projects/{project['id']}.json").json() == project
    board = next(t for t in project["dock"] if t["name"] == "message_board")
    flat = client.get(f"/message_boards/{board['id']}.json")
    bucketed = client.get(f"/buckets/{project['id']}/message_boards/{board['id']}.json")
    assert flat.json() == bucketed.json()
    wrong_bucket = client.get(f"/buckets/{project['id'] + 999}/message_boards/{board['id']}.json")
    assert wrong_bucket.status_code == 404


def test_writes_with_a_body_must_be_json(client: httpx.Client) -> None:
    r = client.post("/projects.json", content=b"name=Plain", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    form = client.post("/projects.json", data={"name": "Form"})
    assert form.status_code == 415
    charset = client.post(
        "/projects.json",
        content=b'{"name": "With charset"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert charset.status_code == 201


def test_malformed_json_is_400(client: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    assert client.post("/projects.json", content=b"{nope", headers=headers).status_code == 400
    assert client.post("/projects.json", content=b"[1, 2]", headers=headers).status_code == 400


def test_validation_errors_are_422_with_field_errors(client: httpx.Client) -> None:
    r = client.post("/projects.json", json={"description": "no name"})
    assert r.status_code == 422
    assert r.json() == {"error": "Name can't be blank", "errors": {"name": ["can't be blank"]}}
    wrong_type = client.post("/projects.json", json={"name": 7})
    assert wrong_type.json()["errors"] == {"name": ["must be a string"]}


def test_every_response_has_a_request_id(client: httpx.Client) -> None:
    responses = [
        client.get("/projects.json"),
        client.get("/nothing.json"),
        client.post("/projects.json", json={}),
        client.post("/projects.json", json={"name": "Request ids"}),
    ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(ids)
    assert len(set(ids)) == len(ids)


def test_creates_answer_201_with_location(client: httpx.Client) -> None:
    r = client.post("/projects.json", json={"name": "Located"})
    assert r.status_code == 201
    assert r.headers["location"] == r.json()["url"]
    assert client.get(r.headers["location"]).json()["name"] == "Located"


def test_urls_in_payloads_follow_the_callers_origin(fake: FakeBasecamp) -> None:
    with httpx.Client(transport=fake.transport(), headers=HEADERS) as c:
        here = c.get(f"http://127.0.0.1:9/{fake.account_id}/projects.json").json()
        there = c.get(f"https://3.basecampapi.com/{fake.account_id}/projects.json").json()
    assert here[0]["url"].startswith("http://127.0.0.1:9/")
    assert there[0]["url"].startswith("https://3.basecampapi.com/")


def test_the_core_is_usable_without_any_adapter(fake: FakeBasecamp) -> None:
    request = FakeRequest(
        "GET",
        f"/{fake.account_id}/my/profile.json",
        headers={"user-agent": UA, "authorization": "Bearer t"},
    )
    response = fake.handle(request)
    assert response.status == 200
    assert response.json()["id"] == fake.owner_id
    assert response.header("content-type") == "application/json; charset=utf-8"


def test_request_log_redacts_secrets(fake: FakeBasecamp, client: httpx.Client) -> None:
    client.post("/projects.json", json={"name": "Logged"})
    entry = fake.requests[-1]
    assert entry.method == "POST"
    assert entry.path == f"/{fake.account_id}/projects.json"
    assert entry.status == 201
    assert entry.json() == {"name": "Logged"}
    assert entry.headers["authorization"] == "[redacted]"
    assert "test-token" not in repr(entry)
    assert entry.headers["user-agent"] == UA
    fake.clear_requests()
    assert fake.requests == []


def test_head_answers_like_get_without_a_body(client: httpx.Client) -> None:
    get = client.get("/people.json")
    head = client.head("/people.json")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))


@pytest.mark.anyio
async def test_rules_hold_for_async_httpx(fake: FakeBasecamp) -> None:
    async with httpx.AsyncClient(transport=fake.transport(), base_url=api(fake)) as c:
        assert (
            await c.get("/people.json", headers={"Authorization": "Bearer t", "User-Agent": ""})
        ).status_code == 400
        assert (await c.get("/people.json", headers={"User-Agent": UA})).status_code == 401
        c.headers.update(HEADERS)
        bad_type = await c.post(
            "/projects.json", content=b"{}", headers={"Content-Type": "text/xml"}
        )
        assert bad_type.status_code == 415
        invalid = await c.post("/projects.json", json={"name": ""})
        assert invalid.status_code == 422
        created = await c.post("/projects.json", json={"name": "Async"})
        assert created.status_code == 201
        assert created.headers["location"] == created.json()["url"]
        first = await c.get("/projects.json")
        assert first.headers["x-total-count"] == "3"
        again = await c.get("/projects.json", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert (
            await c.get(f"https://3.basecampapi.com/{fake.account_id + 5}/people.json")
        ).status_code == 404
