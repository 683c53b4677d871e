"""A hand-written service in exactly the shape the generator emits.

It proves the pattern end to end (async service → core; sync service → runner →
async service) before generated code exists, and keeps proving it in the core tests.
"""

from __future__ import annotations

from typing import Any

import attrs

from basecamp_client._core import (
    UNSET,
    AccountSession,
    AsyncPaginator,
    Operation,
    PaginationSpec,
    RetrySpec,
    Runner,
    SyncPaginator,
    Unset,
    parse_datetime,
)


@attrs.frozen(slots=True)
class Project:
    id: int
    name: str
    created_at: Any = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: Any) -> Project:
        known = {"id", "name", "created_at"}
        return cls(
            id=data.get("id"),
            name=data.get("name"),
            created_at=parse_datetime(data.get("created_at")),
            extra={k: v for k, v in data.items() if k not in known},
        )


_GET = Operation(
    id="GetProject",
    method="GET",
    path="/projects/{projectId}",
    path_params=("projectId",),
    retry=RetrySpec(max_attempts=3, base_delay=1.0, retry_on=frozenset({429, 503})),
)
_LIST = Operation(
    id="ListProjects",
    method="GET",
    path="/projects.json",
    pagination=PaginationSpec(total_count_header="X-Total-Count", max_page_size=50),
)
_CREATE = Operation(
    id="CreateProject", method="POST", path="/projects.json", body="json", success_status=201
)
_TRASH = Operation(
    id="TrashProject",
    method="DELETE",
    path="/projects/{projectId}",
    path_params=("projectId",),
    idempotent=True,
    success_status=204,
)


class AsyncProjectsService:
    __slots__ = ("_session",)

    def __init__(self, session: AccountSession) -> None:
        self._session = session

    async def get(self, *, project_id: int) -> Project:
        """``GET /projects/{projectId}``"""
        return await self._session.call(
            _GET, path={"projectId": project_id}, decode=Project.from_dict
        )

    def list(
        self,
        *,
        status: str | Unset = UNSET,
        page: int | Unset = UNSET,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> AsyncPaginator[Project]:
        """``GET /projects.json``"""
        return self._session.paginate(
            _LIST,
            query={"status": status, "page": page},
            decode=Project.from_dict,
            max_items=max_items,
            max_pages=max_pages,
        )

    async def create(self, *, name: str, description: str | Unset = UNSET) -> Project:
        """``POST /projects.json``"""
        return await self._session.call(
            _CREATE, body={"name": name, "description": description}, decode=Project.from_dict
        )

    async def trash(self, *, project_id: int) -> None:
        """``DELETE /projects/{projectId}``"""
        await self._session.call_empty(_TRASH, path={"projectId": project_id})


class ProjectsService:
    __slots__ = ("_a", "_runner")

    def __init__(self, async_service: AsyncProjectsService, runner: Runner) -> None:
        self._a = async_service
        self._runner = runner

    def get(self, *, project_id: int) -> Project:
        return self._runner.run(self._a.get, project_id=project_id)

    def list(
        self,
        *,
        status: str | Unset = UNSET,
        page: int | Unset = UNSET,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> SyncPaginator[Project]:
        return SyncPaginator(
            self._runner,
            self._a.list(status=status, page=page, max_items=max_items, max_pages=max_pages),
        )

    def create(self, *, name: str, description: str | Unset = UNSET) -> Project:
        return self._runner.run(self._a.create, name=name, description=description)

    def trash(self, *, project_id: int) -> None:
        return self._runner.run(self._a.trash, project_id=project_id)
