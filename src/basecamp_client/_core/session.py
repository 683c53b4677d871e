"""One client bound to one account: the object generated services call.

:class:`AccountSession` builds URLs and bodies and hands them to the shared
:class:`~.core.ClientCore`: :meth:`~AccountSession.call`, :meth:`~AccountSession.call_empty`,
:meth:`~AccountSession.upload` and :meth:`~AccountSession.paginate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from .core import ClientCore
from .credentials import JSON_CONTENT_TYPE
from .deadlines import call_deadline, check_deadline
from .encoding import encode_query, format_path, json_payload
from .errors import UsageError
from .operation import Operation
from .pages import PageDecoder, PageFetcher
from .pagination import AsyncPaginator, AsyncWrappedPaginator, PageWalk
from .progress import ProgressCallback, check_progress
from .request_body import UploadBody, file_name, media_type, multipart_framing
from .sources import UploadSource, open_source
from .unset import UNSET, Unset

T = TypeVar("T")
W = TypeVar("W")

_EMPTY: Mapping[str, Any] = {}


class AccountSession:
    """One client bound to one Basecamp account; the target of generated code."""

    __slots__ = ("_base", "_prefix", "account_id", "core", "deadline")

    def __init__(
        self, core: ClientCore, account_id: int, *, deadline: float | Unset | None = UNSET
    ) -> None:
        if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
            raise UsageError(f"account_id must be a positive integer, got {account_id!r}")
        self.core = core
        self.account_id = account_id
        self._base = core.config.base_url
        self._prefix = f"{self._base}/{account_id}"
        #: Seconds each call may take in all (``None``: no bound; UNSET: the client's).
        self.deadline = deadline if isinstance(deadline, Unset) else check_deadline(deadline)

    def __repr__(self) -> str:
        return f"<AccountSession account_id={self.account_id}>"

    def with_options(self, *, deadline: float | Unset | None = UNSET) -> AccountSession:
        """The same account with per-call settings replaced (those not given are kept)."""
        if isinstance(deadline, Unset):
            deadline = self.deadline  # not given: kept
        return AccountSession(self.core, self.account_id, deadline=deadline)

    def url(self, op: Operation, path: Mapping[str, Any], query: Mapping[str, Any] | None) -> str:
        rel = format_path(op.path, op.path_params, path) if op.path_params else op.path
        base = self._prefix if op.account_scoped else self._base
        if query:
            qs = encode_query(query)
            if qs:
                return f"{base}{rel}?{qs}"
        return base + rel

    async def call(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        decode: Callable[[Any], T],
    ) -> T:
        """Send the operation and decode its JSON response with ``decode``."""
        url = self.url(op, path, query)
        core = self.core
        deadline = call_deadline(core, self.deadline)
        if body is None:
            return await core.execute(op, url, decode, deadline=deadline)
        payload = json_payload(op, body)
        return await core.execute(
            op, url, decode, content=payload, content_type=JSON_CONTENT_TYPE, deadline=deadline
        )

    async def call_empty(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Send an operation whose response carries nothing of interest (204)."""
        url = self.url(op, path, query)
        core = self.core
        deadline = call_deadline(core, self.deadline)
        if body is None:
            await core.execute(op, url, None, deadline=deadline)
            return
        payload = json_payload(op, body)
        await core.execute(
            op, url, None, content=payload, content_type=JSON_CONTENT_TYPE, deadline=deadline
        )

    @overload
    async def upload(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = ...,
        query: Mapping[str, Any] | None = ...,
        source: UploadSource,
        name: str | None = ...,
        name_query: str | None = ...,
        content_type: str | None = ...,
        size: int | None = ...,
        progress: ProgressCallback | None = ...,
        decode: Callable[[Any], T],
    ) -> T: ...

    @overload
    async def upload(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = ...,
        query: Mapping[str, Any] | None = ...,
        source: UploadSource,
        name: str | None = ...,
        name_query: str | None = ...,
        content_type: str | None = ...,
        size: int | None = ...,
        progress: ProgressCallback | None = ...,
        decode: None,
    ) -> None: ...

    async def upload(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        source: UploadSource,
        name: str | None = None,
        name_query: str | None = None,
        content_type: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
        decode: Callable[[Any], T] | None,
    ) -> T | None:
        """Send a file: the raw body of a ``binary`` operation, or the one file field
        (``op.multipart_field``) of a ``multipart`` one.

        The body is streamed from ``source`` with its exact ``Content-Length``; the
        file's name is ``name`` or the one ``source`` implies, and is also sent as the
        query parameter ``name_query`` when given. ``content_type`` defaults to a guess
        from the name. Retries re-send the body only when ``source`` can be read again.
        """
        src = open_source(source, size=size)
        filename = file_name(name, src)
        kind = media_type(content_type, filename)
        callback = check_progress(progress)
        if op.body == "multipart":
            if not op.multipart_field:
                raise UsageError(f"{op.id}: the operation names no multipart file field")
            header, head, tail = multipart_framing(op.multipart_field, filename, kind)
            body = UploadBody(src, content_type=header, progress=callback, head=head, tail=tail)
        else:
            body = UploadBody(src, content_type=kind, progress=callback)
        if name_query is not None:
            query = {**(query or {}), name_query: filename}
        url = self.url(op, path, query)
        deadline = call_deadline(self.core, self.deadline)
        return await self.core.execute(op, url, decode, content=body, deadline=deadline)

    def paginate(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        decode: Callable[[Any], T],
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> AsyncPaginator[T]:
        """A lazy paginator over a list operation; ``decode`` turns one item into a model.

        A ``page`` query argument asks for exactly that one page.
        """
        return AsyncPaginator(self._page_walk(op, path, query, decode, None, max_items, max_pages))

    def paginate_wrapped(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        decode: Callable[[Any], T],
        wrapper: Callable[[Any], W],
        field: str,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> AsyncWrappedPaginator[T, W]:
        """:meth:`paginate` for a list the API wraps in an object beside other fields
        (``op.pagination.items_key`` names the list): ``wrapper`` decodes that object and
        ``field`` is the attribute of its list."""
        if op.pagination is None or op.pagination.items_key is None:
            raise UsageError(f"{op.id}: the operation's pages do not wrap their list")
        walk = self._page_walk(op, path, query, decode, wrapper, max_items, max_pages)
        return AsyncWrappedPaginator(walk, field=field)

    def _page_walk(
        self,
        op: Operation,
        path: Mapping[str, Any],
        query: Mapping[str, Any] | None,
        decode: Callable[[Any], T],
        wrapper: Callable[[Any], Any] | None,
        max_items: int | None,
        max_pages: int | None,
    ) -> PageWalk[T]:
        """What a paginator of ``op`` walks, its arguments checked."""
        for name, cap in (("max_items", max_items), ("max_pages", max_pages)):
            if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
                raise UsageError(f"{name} must be a positive integer, got {cap!r}")
        page = query.get("page", UNSET) if query is not None else UNSET
        single = page is not UNSET and page is not None
        if single and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
            raise UsageError(f"page must be a positive integer, got {page!r}")
        first_url = self.url(op, path, query)
        spec = op.pagination
        decoder = PageDecoder(
            op.id,
            decode,
            spec.items_key if spec else None,
            spec.total_count_header if spec else None,
            single,
            self.core.origin,
            wrapper,
        )
        fetch = PageFetcher(self.core, op, decoder, self.deadline)
        return PageWalk(fetch, first_url, max_items, max_pages, single, op.id)
