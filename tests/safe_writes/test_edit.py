"""``edit()``: a draft in a block, written merge-safely on the way out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from basecamp_client import ConflictError, UsageError
from basecamp_client._generated.account import AsyncAccount

from .conftest import KINDS, Kind, World, without

pytestmark = pytest.mark.anyio


def service(account: AsyncAccount, kind: Kind) -> Any:
    return getattr(account, kind.service)


async def test_edit_writes_the_changed_field_and_keeps_the_rest(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    path = kind.path.format(id=record_id)
    before = world.raw(path)
    world.fake.clear_requests()

    async with service(account, kind).edit(**{kind.id_arg: record_id}) as draft:
        for name, value in kind.change.items():
            setattr(draft, name, value)
        assert draft.changes() == kind.change

    after = world.raw(path)
    ignored = kind.changes_keys | {"updated_at"}
    assert without(after, ignored) == without(before, ignored)
    assert draft.saved is not None
    assert draft.saved.id == record_id
    assert draft.record.id == record_id
    assert [(r.method, r.status) for r in world.ours()] == [
        ("GET", 200),
        ("GET", 304),
        ("PUT", 200),
    ]


async def test_nothing_is_written_when_nothing_changed(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    world.fake.clear_requests()
    async with service(account, kind).edit(**{kind.id_arg: record_id}) as draft:
        for name in kind.change:
            setattr(draft, name, getattr(draft, name))  # the same value again
    assert draft.changes() == {}
    assert draft.saved is None
    assert [r.method for r in world.ours()] == ["GET"]


async def test_nothing_is_written_when_the_block_raises(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    before = world.raw(kind.path.format(id=record_id))
    world.fake.clear_requests()

    async def change_then_fail() -> None:
        async with service(account, kind).edit(**{kind.id_arg: record_id}) as draft:
            for name, value in kind.change.items():
                setattr(draft, name, value)
            raise KeyError("changed my mind")

    with pytest.raises(KeyError, match="changed my mind"):
        await change_then_fail()
    assert [r.method for r in world.ours()] == ["GET"]
    assert world.raw(kind.path.format(id=record_id)) == before


async def test_a_change_made_while_the_block_ran_is_not_overwritten(
    world: World, account: AsyncAccount, kind: Kind
) -> None:
    record_id = await kind.create(account, world)
    path = kind.path.format(id=record_id)
    world.fake.clear_requests()
    drafts = []

    async def change_while_someone_else_does() -> None:
        async with service(account, kind).edit(**{kind.id_arg: record_id}) as draft:
            drafts.append(draft)
            for name, value in kind.change.items():
                setattr(draft, name, value)
            # Someone else, through the same API, while the block runs.
            await service(account, kind).update(**{kind.id_arg: record_id}, **kind.theirs)

    with pytest.raises(ConflictError) as info:
        await change_while_someone_else_does()
    assert info.value.changed_fields == tuple(kind.theirs)
    puts = [r for r in world.ours() if r.method == "PUT"]
    assert len(puts) == 1  # the other update's; the edit wrote nothing
    after = world.raw(path)
    assert all(after[k] == v for k, v in kind.theirs.items())
    assert all(after[k] != v for k, v in kind.change.items())
    assert drafts[0].saved is None


async def test_a_concurrent_raw_replace_is_detected_too(
    world: World, account: AsyncAccount
) -> None:
    todo_id = await KINDS[0].create(account, world)

    async def edit_while_a_naive_client_replaces() -> None:
        async with account.todos.edit(todo_id=todo_id) as draft:
            draft.content = "Mine"
            with world.other_writer() as other:
                # A naive replace wipes whatever it does not mention.
                other.put(f"/todos/{todo_id}.json", json={"content": "Theirs"}).raise_for_status()

    with pytest.raises(ConflictError) as info:
        await edit_while_a_naive_client_replaces()
    # Both edited content; the rest were wiped by the naive replace.
    assert set(info.value.changed_fields) == {
        "content",
        "description",
        "assignee_ids",
        "completion_subscriber_ids",
        "due_on",
        "starts_on",
    }
    assert world.raw(f"/todos/{todo_id}.json")["content"] == "Theirs"


async def test_the_draft_is_typed_and_strict(world: World, account: AsyncAccount) -> None:
    todo_id = await KINDS[0].create(account, world)
    async with account.todos.edit(todo_id=todo_id) as draft:
        assert draft.content == "Book the venue"
        assert draft.assignee_ids == [world.people[0], world.people[1]]
        assert draft.completion_subscriber_ids == [world.people[2]]
        assert draft.due_on == dt.date(2030, 5, 20)
        assert draft.notify is None  # write-only: nothing to show
        with pytest.raises(AttributeError, match=r"TodoDraft has no writable field 'title'"):
            draft.title = "x"  # type: ignore[attr-defined]
        with pytest.raises(AttributeError, match="no writable field 'nope'"):
            _ = draft.nope  # type: ignore[attr-defined]
        with pytest.raises(AttributeError, match="assign None to clear"):
            del draft.content
        assert "TodoDraft(content='Book the venue'" in repr(draft)
        draft.assignee_ids.append(world.people[2])  # in place counts as a change
        draft.due_on = None
        draft.notify = True
        assert draft.changes() == {
            "assignee_ids": [world.people[0], world.people[1], world.people[2]],
            "due_on": None,
            "notify": True,
        }
    saved = draft.saved
    assert saved is not None
    assert [p.id for p in saved.assignees or []] == world.people
    assert saved.due_on is None
    assert saved.starts_on == dt.date(2030, 5, 1)
    assert saved.description == "<div>Call <strong>three</strong> places</div>"
    sent = [r.json() for r in world.ours() if r.method == "PUT"][-1]
    assert sent["notify"] is True
    assert "due_on" not in sent


async def test_clearing_a_required_field_in_a_draft_writes_nothing(
    world: World, account: AsyncAccount
) -> None:
    todo_id = await KINDS[0].create(account, world)
    world.fake.clear_requests()
    with pytest.raises(UsageError, match="content is required by the API"):
        async with account.todos.edit(todo_id=todo_id) as draft:
            draft.content = None  # type: ignore[assignment]
    assert [r.method for r in world.ours()] == ["GET"]


async def test_an_edit_is_entered_once(world: World, account: AsyncAccount) -> None:
    todo_id = await KINDS[0].create(account, world)
    edit = account.todos.edit(todo_id=todo_id)
    assert "not entered" in repr(edit)
    async with edit:
        assert "open" in repr(edit)
    with pytest.raises(UsageError, match="already entered"):
        async with edit:
            pass


async def test_sequential_edits_see_each_other(world: World, account: AsyncAccount) -> None:
    todo_id = await KINDS[0].create(account, world)
    async with account.todos.edit(todo_id=todo_id) as first:
        first.content = "Step 1"
    async with account.todos.edit(todo_id=todo_id) as second:
        assert second.content == "Step 1"
        second.description = "<div>Step 2</div>"
    assert second.saved is not None
    assert (second.saved.content, second.saved.description) == ("Step 1", "<div>Step 2</div>")
