from __future__ import annotations

import json

import httpx
import pytest

from basecamp_client import AsyncBasecamp, Basecamp, NotFoundError, UsageError

from .example_service import AsyncProjectsService, ProjectsService

UA = "basecamp-client tests (tests@example.com)"


def handler(request: httpx.Request) -> httpx.Response:
    assert request.headers["user-agent"].startswith(UA + " basecamp-client-python/")
    assert request.headers["authorization"] == "Bearer t0k"
    if request.url.path == "/99/projects/1":
        return httpx.Response(
            200, json={"id": 1, "name": "HQ", "created_at": "2026-01-02T03:04:05Z"}
        )
    if request.url.path == "/99/projects.json" and request.method == "POST":
        assert request.headers["content-type"] == "application/json; charset=utf-8"
        return httpx.Response(201, json={"id": 2, **json.loads(request.content)})
    return httpx.Response(404, json={"error": "Not found"})


@pytest.mark.anyio
async def test_async_call_round_trip() -> None:
    async with AsyncBasecamp(
        access_token="t0k", user_agent=UA, transport=httpx.MockTransport(handler)
    ) as bc:
        projects = AsyncProjectsService(bc.for_account(99)._session)
        project = await projects.get(project_id=1)
        assert project.name == "HQ"
        assert project.created_at.year == 2026
        created = await projects.create(name="New")
        assert created.id == 2
        assert created.extra == {}
        with pytest.raises(NotFoundError):
            await projects.get(project_id=5)


def test_sync_facade_round_trip() -> None:
    with Basecamp(access_token="t0k", user_agent=UA, transport=httpx.MockTransport(handler)) as bc:
        account = bc.for_account(99)
        projects = ProjectsService(AsyncProjectsService(account._async._session), account._runner)
        assert projects.get(project_id=1).name == "HQ"


def test_user_agent_is_required() -> None:
    with pytest.raises(UsageError, match="user_agent is required"):
        AsyncBasecamp(access_token="t0k")
    with pytest.raises(UsageError, match="names no contact"):
        AsyncBasecamp(access_token="t0k", user_agent="MyApp")
