"""The fake behind the SDK's own clients: ``AsyncBasecamp(transport=…)`` and ``Basecamp``."""

from __future__ import annotations

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, NotFoundError, ValidationError
from basecamp_client.testing import FakeBasecamp

from ..core.example_service import AsyncProjectsService, ProjectsService
from .conftest import UA


@pytest.mark.anyio
async def test_async_client_lists_creates_and_pages(fake: FakeBasecamp) -> None:
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        projects = AsyncProjectsService(bc.for_account(fake.account_id)._session)
        names = [p.name async for p in projects.list()]
        assert names == ["Riverside Market Launch", "Web Shop Refresh"]
        created = await projects.create(name="From the SDK")
        assert (await projects.get(project_id=created.id)).name == "From the SDK"
        await projects.trash(project_id=created.id)
        with pytest.raises(ValidationError) as info:
            await projects.create(name="")
        assert info.value.field_errors == {"name": ["can't be blank"]}
        with pytest.raises(NotFoundError):
            await projects.get(project_id=1)
    sent = fake.requests[-1]
    assert sent.headers["user-agent"].startswith(UA)
    assert sent.headers["authorization"] == "[redacted]"


@pytest.mark.anyio
async def test_async_client_walks_geared_pages() -> None:
    fake = FakeBasecamp()
    for n in range(50):
        fake.add_project(f"Project {n:02d}")
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        projects = AsyncProjectsService(bc.for_account(fake.account_id)._session)
        names = [p.name async for p in projects.list()]
    assert len(names) == 50
    pages = [r for r in fake.requests if r.path.endswith("/projects.json")]
    assert [r.params.get("page") for r in pages] == [None, ["2"], ["3"]]


def test_sync_client(fake: FakeBasecamp) -> None:
    with Basecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        account = bc.for_account(fake.account_id)
        projects = ProjectsService(AsyncProjectsService(account._async._session), account._runner)
        created = projects.create(name="Sync side")
        assert projects.get(project_id=created.id).name == "Sync side"


def test_unknown_account_through_the_sdk(fake: FakeBasecamp) -> None:
    with Basecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        account = bc.for_account(fake.account_id + 1)
        projects = ProjectsService(AsyncProjectsService(account._async._session), account._runner)
        with pytest.raises(NotFoundError):
            projects.get(project_id=1)


def test_plain_httpx_sync_and_async_share_one_fake(fake: FakeBasecamp) -> None:
    transport = fake.transport()
    headers = {"User-Agent": UA, "Authorization": "Bearer t"}
    base = f"https://3.basecampapi.com/{fake.account_id}"
    with httpx.Client(transport=transport, headers=headers, base_url=base) as c:
        c.post("/projects.json", json={"name": "Seen by both"})

    import anyio

    async def read() -> str:
        async with httpx.AsyncClient(transport=transport, headers=headers, base_url=base) as ac:
            return (await ac.get("/projects.json")).text

    assert "Seen by both" in anyio.run(read)


@pytest.mark.anyio
async def test_the_suite_makes_clients_on_the_fake_strict(fake: FakeBasecamp) -> None:
    """tests/conftest.py: a client on the fake's transport or server decodes strictly;
    one on canned answers keeps the default."""
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=fake.transport()) as bc:
        assert bc._core.strict
    with fake.serve(server="stdlib") as server:
        async with AsyncBasecamp(access_token="t", user_agent=UA, base_url=server.base_url) as bc:
            assert bc._core.strict
    canned = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    async with AsyncBasecamp(access_token="t", user_agent=UA, transport=canned) as bc:
        assert not bc._core.strict


@pytest.mark.anyio
async def test_a_strict_client_reads_the_sample_account(fake: FakeBasecamp) -> None:
    """The generated services, decoding strictly, across every kind of sample record."""
    async with AsyncBasecamp(
        access_token="t", user_agent=UA, transport=fake.transport(), strict=True
    ) as bc:
        account = bc.for_account(fake.account_id)
        await account.account.get()
        await account.my_profile.get()
        assert await account.people.list()
        for project in await account.projects.list():
            project = await account.projects.get(project_id=project.id)
            tools = {tool.name: tool.id for tool in project.dock or []}
            todoset = await account.todosets.get(todoset_id=tools["todoset"])
            for todolist in await account.todolists.list(todoset_id=todoset.id):
                await account.todolist_groups.list(todolist_id=todolist.id)
                for todo in await account.todos.list(todolist_id=todolist.id):
                    await account.todos.get(todo_id=todo.id)
                await account.todos.list(todolist_id=todolist.id, completed=True)
            board = await account.message_boards.get(board_id=tools["message_board"])
            for message in await account.messages.list(board_id=board.id):
                await account.messages.get(message_id=message.id)
                await account.comments.list(recording_id=message.id)
                await account.events.list(recording_id=message.id)
            await account.message_types.list(bucket_id=project.id)
            vault = await account.vaults.get(vault_id=tools["vault"])
            await account.documents.list(vault_id=vault.id)
            await account.uploads.list(vault_id=vault.id)
            await account.schedules.get(schedule_id=tools["schedule"])
            await account.schedule_entries.list(schedule_id=tools["schedule"])
            await account.campfires.get(campfire_id=tools["chat"])
            await account.campfires.list_lines(campfire_id=tools["chat"])
            await account.questionnaires.get(questionnaire_id=tools["questionnaire"])
            await account.inboxes.get(inbox_id=tools["inbox"])
        for kind in ("Todo", "Message", "Document", "Upload", "Schedule::Entry", "Comment"):
            await account.recordings.list(type=kind)
        await account.search.find(q="awning")
