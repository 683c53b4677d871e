"""The sync twins (``Basecamp``), and the whole thing over real sockets (server mode)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from basecamp_client import AsyncBasecamp, Basecamp, ConflictError, UsageError
from basecamp_client._generated.account import SyncAccount

from .conftest import KINDS, UA, Kind, World, without


@pytest.fixture
def sync_account(world: World) -> Iterator[SyncAccount]:
    with Basecamp(access_token="t", user_agent=UA, transport=world.fake.transport()) as client:
        yield client.for_account(world.fake.account_id)


def create(account: SyncAccount, kind: Kind, world: World) -> int:
    # The record factories are async; run one through the sync client's own loop.
    record_id: int = account._runner.run(kind.create, account._async, world)
    return record_id


def service(account: SyncAccount, kind: Kind) -> Any:
    return getattr(account, kind.service)


def test_sync_update_keeps_every_other_field(
    world: World, sync_account: SyncAccount, kind: Kind
) -> None:
    record_id = create(sync_account, kind, world)
    path = kind.path.format(id=record_id)
    before = world.raw(path)
    result = service(sync_account, kind).update(**{kind.id_arg: record_id}, **kind.change)
    after = world.raw(path)
    ignored = kind.changes_keys | {"updated_at"}
    assert without(after, ignored) == without(before, ignored)
    assert result.id == record_id


def test_sync_edit_writes_changes_and_refuses_to_overwrite(
    world: World, sync_account: SyncAccount, kind: Kind
) -> None:
    record_id = create(sync_account, kind, world)
    path = kind.path.format(id=record_id)
    svc = service(sync_account, kind)
    ids = {kind.id_arg: record_id}

    with svc.edit(**ids) as draft:
        for name, value in kind.change.items():
            setattr(draft, name, value)
    assert draft.saved is not None
    assert all(world.raw(path)[k] == v for k, v in kind.change.items())

    world.fake.clear_requests()
    with svc.edit(**ids) as untouched:
        pass
    assert untouched.saved is None

    def change_then_fail() -> None:
        with svc.edit(**ids) as abandoned:
            for name in kind.theirs:
                setattr(abandoned, name, "<div>never written</div>")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert [r.method for r in world.ours()] == ["GET", "GET"]

    def change_while_someone_else_does() -> None:
        with svc.edit(**ids) as late:
            for name in kind.change:
                setattr(late, name, "Mine")
            svc.update(**ids, **kind.theirs)  # someone else, meanwhile

    with pytest.raises(ConflictError) as info:
        change_while_someone_else_does()
    assert info.value.changed_fields == tuple(kind.theirs)
    assert all(world.raw(path)[k] == v for k, v in kind.theirs.items())


def test_sync_usage_errors_cross_the_loop_thread(world: World, sync_account: SyncAccount) -> None:
    todo_id = create(sync_account, KINDS[0], world)
    with pytest.raises(UsageError, match="content is required"):
        sync_account.todos.update(todo_id=todo_id, content=None)  # type: ignore[arg-type]
    assert "SyncEdit Todo" in repr(sync_account.todos.edit(todo_id=todo_id))


@pytest.mark.anyio
async def test_over_real_sockets(world: World) -> None:
    with world.fake.serve() as server:
        async with AsyncBasecamp(
            access_token="t", user_agent=UA, base_url=server.base_url
        ) as client:
            account = client.for_account(world.fake.account_id)
            todo_id = await KINDS[0].create(account, world)
            world.fake.clear_requests()
            updated = await account.todos.update(todo_id=todo_id, due_on=dt.date(2031, 1, 1))
            assert updated.description == "<div>Call <strong>three</strong> places</div>"
            assert [p.id for p in updated.assignees or []] == world.people[:2]
            assert [(r.method, r.status) for r in world.ours()] == [("GET", 200), ("PUT", 200)]
            world.fake.clear_requests()
            async with account.todos.edit(todo_id=todo_id) as draft:
                draft.content = "Book the venue, now"
            assert [(r.method, r.status) for r in world.ours()] == [
                ("GET", 200),
                ("GET", 304),  # edit() re-validates: a bodiless 304 when nothing changed
                ("PUT", 200),
            ]

            async def edit_while_someone_else_updates() -> None:
                async with account.todos.edit(todo_id=todo_id) as draft:
                    draft.content = "Mine"
                    await account.todos.update(todo_id=todo_id, starts_on=None)

            with pytest.raises(ConflictError):
                await edit_while_someone_else_updates()
            async with account.todos.edit(todo_id=todo_id) as draft:
                draft.content = "Mine, after all"
            assert draft.saved is not None
            assert draft.saved.starts_on is None
            assert draft.saved.due_on == dt.date(2031, 1, 1)


def test_sync_client_over_real_sockets(world: World) -> None:
    with (
        world.fake.serve() as server,
        Basecamp(access_token="t", user_agent=UA, base_url=server.base_url) as client,
    ):
        account = client.for_account(world.fake.account_id)
        entry_id = create(account, KINDS[-1], world)
        with account.schedule_entries.edit(entry_id=entry_id) as draft:
            draft.summary = "Kickoff (moved)"
            draft.starts_at = "2030-05-02T09:00:00.000Z"
            draft.ends_at = "2030-05-02T10:00:00.000Z"
        saved = draft.saved
        assert saved is not None
        assert saved.summary == "Kickoff (moved)"
        assert saved.join_url == "https://meet.example.test/kickoff"
        assert [p.id for p in saved.participants or []] == [world.people[0], world.people[2]]
        assert saved.highlighted is True
