"""Subscriptions and boosts on recordings, stored by the fake."""

from __future__ import annotations

import httpx

from basecamp_client.testing import FakeBasecamp

from .conftest import HEADERS, api


def _message(fake: FakeBasecamp) -> int:
    return next(r.id for r in fake.store.recordings.values() if r.kind == "Message")


def test_subscriptions(fake: FakeBasecamp, client: httpx.Client) -> None:
    message = _message(fake)
    url = f"/recordings/{message}/subscription.json"
    creator = fake.store.recordings[message].creator_id
    start = client.get(url).json()
    assert [p["id"] for p in start["subscribers"]] == [creator]
    assert start["count"] == 1
    me = fake.owner_id
    joined = client.post(url).json()
    assert joined["subscribed"] is True
    assert joined["count"] == len({creator, me})
    assert client.delete(url).status_code == 204
    assert client.get(url).json()["subscribed"] is False
    someone = next(p for p in fake.store.people if p not in (me, creator))
    updated = client.put(url, json={"subscriptions": [someone], "unsubscriptions": [creator]})
    assert [p["id"] for p in updated.json()["subscribers"]] == [someone]
    bad = client.put(url, json={"subscriptions": [123]})
    assert bad.status_code == 422
    assert "subscriptions" in bad.json()["errors"]


def test_boosts_on_recordings_and_events(fake: FakeBasecamp, client: httpx.Client) -> None:
    message = _message(fake)
    shown = client.get(f"/messages/{message}.json").json()
    assert shown["boosts_count"] == 0
    created = client.post(shown["boosts_url"], json={"content": "🎉"})
    assert created.status_code == 201
    boost = created.json()
    assert created.headers["Location"].endswith(f"/boosts/{boost['id']}.json")
    assert boost["booster"]["id"] == fake.owner_id
    assert boost["recording"]["id"] == message
    assert client.get(f"/messages/{message}.json").json()["boosts_count"] == 1
    assert [b["id"] for b in client.get(shown["boosts_url"]).json()] == [boost["id"]]
    assert client.post(shown["boosts_url"], json={"content": "x" * 17}).status_code == 422

    event = client.get(f"/recordings/{message}/events.json").json()[0]
    on_event = client.post(event["boosts_url"], json={"content": "+1"}).json()
    assert client.get(event["boosts_url"]).json()[0]["id"] == on_event["id"]
    assert client.get(f"/recordings/{message}/events.json").json()[0]["boosts_count"] == 1
    assert client.get(f"/recordings/{message}/events/1/boosts.json").status_code == 404

    assert (
        client.put(f"/boosts/{boost['id']}.json", json={"content": "yes"}).json()["content"]
        == "yes"
    )
    assert client.delete(f"/boosts/{boost['id']}.json").status_code == 204
    assert client.get(f"/boosts/{boost['id']}.json").status_code == 404
    assert client.get(f"/messages/{message}.json").json()["boosts_count"] == 0


def test_only_the_booster_changes_a_boost(fake: FakeBasecamp) -> None:
    other = fake.add_person("Someone Else", "else@example.test")
    fake.add_token("mine", fake.owner_id)
    fake.add_token("theirs", other)
    message = _message(fake)
    with httpx.Client(transport=fake.transport(), base_url=api(fake), headers=HEADERS) as http:
        http.headers["Authorization"] = "Bearer mine"
        boost = http.post(f"/recordings/{message}/boosts.json", json={"content": "ok"}).json()
        http.headers["Authorization"] = "Bearer theirs"
        assert http.delete(f"/boosts/{boost['id']}.json").status_code == 403
