"""``update()`` on every replace-semantics write, against the fake Basecamp (which clears
omitted fields, refuses missing required ones and keeps the fields it preserves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from basecamp_client import Hooks, RequestEnd, UsageError
from basecamp_client._generated.account import AsyncAccount
from codegen.generate import api_from

from ..codegen.support import OUR_SPEC
from .conftest import Kind, World, account_with_hooks, without

pytestmark = pytest.mark.anyio

REPLACES = {op.service: op for op in api_from(OUR_SPEC).operations if op.merge is not None}


def service(account: AsyncAccount, kind: Kind) -> Any:
    return getattr(account, kind.service)


def put_bodies(world: World) -> list[dict[str, Any]]:
    return [r.json() for r in world.ours() if r.method == "PUT"]


async def test_updating_one_field_keeps_every_other_field(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    path = kind.path.format(id=record_id)
    before = world.raw(path)
    world.fake.clear_requests()

    result = await service(account, kind).update(**{kind.id_arg: record_id}, **kind.change)

    after = world.raw(path)
    ignored = kind.changes_keys | {"updated_at"}
    assert without(after, ignored) == without(before, ignored)
    for key, value in kind.change.items():
        assert after[key] == value
    assert after["updated_at"] > before["updated_at"]
    assert result.id == record_id
    assert {k: result.to_dict()[k] for k in kind.change} == kind.change
    # One read, one write: nothing runs between them, so nothing is read again.
    assert [(r.method, r.status) for r in world.ours()] == [("GET", 200), ("PUT", 200)]


async def test_the_write_never_carries_unset_write_only_or_preserved_fields(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    world.fake.clear_requests()
    await service(account, kind).update(**{kind.id_arg: record_id}, **kind.change)
    [body] = put_bodies(world)
    merge = REPLACES[kind.service].merge
    assert merge is not None
    only_if_passed = {f.param.wire for f in merge.fields if not f.read or f.preserved}
    assert not (set(body) & only_if_passed) - set(kind.change)
    assert None not in body.values()
    assert set(body) <= {f.param.wire for f in merge.fields}


async def test_none_clears_a_field_on_purpose(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    path = kind.path.format(id=record_id)
    field, key, expected = kind.clear
    before = world.raw(path)
    assert before.get(key) not in (None, "", expected)
    world.fake.clear_requests()

    await service(account, kind).update(**{kind.id_arg: record_id, field: None})

    after = world.raw(path)
    assert after.get(key) == expected
    ignored = {"updated_at", key, "title"}
    assert without(after, ignored) == without(before, ignored)
    [body] = put_bodies(world)
    assert None not in body.values()  # a clear is an omission (or an empty value), never null


async def test_a_required_field_cannot_be_cleared_and_nothing_is_sent(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    if kind.required is None:
        pytest.skip("this body has no required field")
    record_id = await kind.create(account, world)
    world.fake.clear_requests()
    with pytest.raises(UsageError, match=f"{kind.required} is required by the API"):
        await service(account, kind).update(**{kind.id_arg: record_id, kind.required: None})
    assert world.ours() == []


async def test_update_reads_once_and_writes_once(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    """No second, conditional read: it could only see what another writer did in the
    one round trip between the read and the write, and it cost a request against the
    rate limit. (``edit()``, whose block runs between them, keeps its check.)"""
    record_id = await kind.create(account, world)
    fired: list[int] = []

    async def someone_else_writes(event: RequestEnd) -> None:
        if event.method == "GET" and event.status_code == 200 and not fired:
            fired.append(1)
            await service(account, kind).update(**{kind.id_arg: record_id}, **kind.theirs)

    client, hooked = await account_with_hooks(world, Hooks(on_request_end=someone_else_writes))
    world.fake.clear_requests()
    async with client:
        result = await service(hooked, kind).update(**{kind.id_arg: record_id}, **kind.change)

    assert fired
    # Our read, then the other writer's read and write (run by the hook), then our write.
    assert [r.method for r in world.ours()] == ["GET", "GET", "PUT", "PUT"]
    for key, value in kind.change.items():
        assert result.to_dict()[key] == value


async def test_update_no_longer_takes_check_conflicts(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    world.fake.clear_requests()
    with pytest.raises(TypeError, match="check_conflicts"):
        await service(account, kind).update(
            **{kind.id_arg: record_id}, **kind.change, check_conflicts=False
        )
    assert world.ours() == []


async def test_without_the_http_cache_edit_reads_again_in_full(world: World) -> None:
    from basecamp_client import AsyncBasecamp

    from .conftest import UA

    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=world.fake.transport(), cache=False
    ) as client:
        account = client.for_account(world.fake.account_id)
        todo = await account.todos.create(todolist_id=world.todolist, content="No cache")
        world.fake.clear_requests()
        async with account.todos.edit(todo_id=todo.id) as draft:
            draft.due_on = dt.date(2030, 1, 1)
    assert [(r.method, r.status) for r in world.ours()] == [
        ("GET", 200),
        ("GET", 200),
        ("PUT", 200),
    ]
    assert "if-none-match" not in world.ours()[1].headers


# -- a change the write does not carry is no conflict (edit() checks) ----------------------


async def test_completing_a_todo_meanwhile_is_not_a_conflict(
    world: World, account: AsyncAccount
) -> None:
    todo = await account.todos.create(todolist_id=world.todolist, content="Order chairs")
    fired: list[int] = []

    async def someone_completes_it(event: RequestEnd) -> None:
        if event.method == "GET" and event.status_code == 200 and not fired:
            fired.append(1)
            await account.todos.complete(todo_id=todo.id)

    client, hooked = await account_with_hooks(world, Hooks(on_request_end=someone_completes_it))
    async with client, hooked.todos.edit(todo_id=todo.id) as draft:
        draft.content = "Order 200 chairs"
    updated = draft.saved
    assert updated is not None
    assert fired
    assert updated.completed is True
    assert updated.content == "Order 200 chairs"


async def test_participants_changed_meanwhile_are_kept_by_a_summary_update(
    world: World, account: AsyncAccount
) -> None:
    entry = await account.schedule_entries.create(
        schedule_id=world.schedule,
        summary="Review",
        starts_at="2030-06-01T09:00:00Z",
        ends_at="2030-06-01T10:00:00Z",
        participant_ids=[world.people[0]],
    )
    fired: list[int] = []

    async def someone_invites(event: RequestEnd) -> None:
        if event.method == "GET" and event.status_code == 200 and not fired:
            fired.append(1)
            await account.schedule_entries.update(
                entry_id=entry.id, participant_ids=[world.people[1], world.people[2]]
            )

    client, hooked = await account_with_hooks(world, Hooks(on_request_end=someone_invites))
    async with client, hooked.schedule_entries.edit(entry_id=entry.id) as draft:
        draft.summary = "Review v2"
    updated = draft.saved
    assert updated is not None
    assert fired
    assert updated.summary == "Review v2"
    assert [p.id for p in updated.participants or []] == [world.people[1], world.people[2]]


async def test_the_same_value_set_meanwhile_is_not_a_conflict(
    world: World, account: AsyncAccount
) -> None:
    todo = await account.todos.create(todolist_id=world.todolist, content="Print badges")
    fired: list[int] = []

    async def someone_agrees(event: RequestEnd) -> None:
        if event.method == "GET" and event.status_code == 200 and not fired:
            fired.append(1)
            await account.todos.update(todo_id=todo.id, content="Print 300 badges")

    client, hooked = await account_with_hooks(world, Hooks(on_request_end=someone_agrees))
    async with client, hooked.todos.edit(todo_id=todo.id) as draft:
        draft.content = "Print 300 badges"
    updated = draft.saved
    assert updated is not None
    assert fired
    assert updated.content == "Print 300 badges"


# -- field by field ------------------------------------------------------------------------


async def test_todo_clears_and_id_lists(world: World, account: AsyncAccount) -> None:
    todo_id = await KIND("todos").create(account, world)
    world.fake.clear_requests()
    updated = await account.todos.update(
        todo_id=todo_id, assignee_ids=None, due_on=None, completion_subscriber_ids=[]
    )
    assert updated.assignees == []
    assert updated.completion_subscribers == []
    assert updated.due_on is None
    assert updated.starts_on == dt.date(2030, 5, 1)
    assert updated.description == "<div>Call <strong>three</strong> places</div>"
    [body] = put_bodies(world)
    assert body == {
        "content": "Book the venue",
        "description": "<div>Call <strong>three</strong> places</div>",
        "completion_subscriber_ids": [],
        "starts_on": "2030-05-01",
    }
    again = await account.todos.update(todo_id=todo_id, assignee_ids=[world.people[2]])
    assert [p.id for p in again.assignees or []] == [world.people[2]]
    assert again.starts_on == dt.date(2030, 5, 1)


async def test_notify_is_sent_only_when_passed(world: World, account: AsyncAccount) -> None:
    todo_id = await KIND("todos").create(account, world)
    world.fake.clear_requests()
    await account.todos.update(todo_id=todo_id, assignee_ids=[world.people[0]], notify=True)
    await account.todos.update(todo_id=todo_id, content="Quiet change")
    first, second = put_bodies(world)
    assert first["notify"] is True
    assert "notify" not in second


async def test_schedule_entry_keeps_preserved_fields_and_clears_them_explicitly(
    world: World, account: AsyncAccount
) -> None:
    entry_id = await KIND("schedule_entries").create(account, world)
    world.fake.clear_requests()
    kept = await account.schedule_entries.update(entry_id=entry_id, description=None)
    assert [p.id for p in kept.participants or []] == [world.people[0], world.people[2]]
    assert kept.join_url == "https://meet.example.test/kickoff"
    assert kept.highlighted is True
    assert kept.description == ""
    assert kept.all_day is False
    cleared = await account.schedule_entries.update(
        entry_id=entry_id, participant_ids=None, url=None, highlighted=None
    )
    assert cleared.participants == []
    assert cleared.join_url is None
    assert cleared.highlighted is False
    first, second = put_bodies(world)
    assert not {"participant_ids", "url", "highlighted", "notify"} & set(first)
    assert first["all_day"] is False  # not preserved by the API: always written back
    assert {k: second[k] for k in ("participant_ids", "url", "highlighted")} == {
        "participant_ids": [],
        "url": "",
        "highlighted": False,
    }


async def test_schedule_entry_join_link_is_read_back_from_join_url(
    world: World, account: AsyncAccount
) -> None:
    entry_id = await KIND("schedule_entries").create(account, world)
    async with account.schedule_entries.edit(entry_id=entry_id) as draft:
        # The entry's own `url` is its API address; the draft shows the join link.
        assert draft.url == "https://meet.example.test/kickoff"
        draft.url = "https://meet.example.test/kickoff-2"
    assert draft.saved is not None
    assert draft.saved.join_url == "https://meet.example.test/kickoff-2"
    assert draft.saved.url.endswith(f"/schedule_entries/{entry_id}.json")


async def test_cloud_file_service_is_read_back_from_its_code(
    world: World, account: AsyncAccount
) -> None:
    cloud_id = await KIND("cloud_files").create(account, world)
    world.fake.clear_requests()
    updated = await account.cloud_files.update(cloud_file_id=cloud_id, title="Plan B")
    [body] = put_bodies(world)
    assert body["service"] == "dropbox"
    assert body["url"] == "https://www.dropbox.com/s/q1/plan.pdf"
    assert updated.title == "Plan B"
    assert updated.description == "<div>Latest revision</div>"


async def test_google_document_status_is_write_only(world: World, account: AsyncAccount) -> None:
    draft_doc = await account.google_documents.create(
        bucket_id=world.project,
        vault_id=world.vault,
        document_type="doc",
        url="https://docs.example.test/d/notes",
        title="Notes",
    )
    assert draft_doc.status == "drafted"
    world.fake.clear_requests()
    kept = await account.google_documents.update(google_document_id=draft_doc.id, title="Notes!")
    assert kept.status == "drafted"
    published = await account.google_documents.update(
        google_document_id=draft_doc.id, status="active"
    )
    assert published.status == "active"
    assert published.title == "Notes!"
    first, second = put_bodies(world)
    assert "status" not in first
    assert second["status"] == "active"


async def test_an_unknown_record_is_a_not_found_error_and_nothing_is_written(
    world: World, account: AsyncAccount
) -> None:
    from basecamp_client import NotFoundError

    with pytest.raises(NotFoundError):
        await account.todos.update(todo_id=1, content="Nope")
    assert [r.method for r in world.ours()] == ["GET"]


def KIND(name: str) -> Kind:
    from .conftest import KINDS

    return next(k for k in KINDS if k.service == name)


async def test_an_update_that_changes_nothing_sends_no_write(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    current = world.raw(kind.path.format(id=record_id))
    world.fake.clear_requests()
    same = {name: current[name] for name in kind.change}
    result = await service(account, kind).update(**{kind.id_arg: record_id}, **same)
    assert result.id == record_id
    assert [r.method for r in world.ours()] == ["GET"]
