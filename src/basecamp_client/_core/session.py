"""Executing operations: the one code path every generated method goes through.

:class:`ClientCore` holds what a client shares across accounts (configuration,
connection pool, credentials). :class:`AccountSession` binds it to one account and is
what generated services call: :meth:`~AccountSession.call`,
:meth:`~AccountSession.call_empty` and :meth:`~AccountSession.paginate`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .config import Config
from .encoding import encode_body, encode_query, format_path
from .errors import DecodeError, UsageError, error_for_response
from .links import next_page_url
from .operation import Operation
from .pagination import AsyncPaginator, PageData
from .transport import HttpResponse, HttpTransport
from .unset import UNSET

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = {}
_JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class ClientCore:
    """Account-independent state of one client: config, pool, credentials."""

    def __init__(self, config: Config, *, transport: Any = None) -> None:
        self.config = config
        self._base_headers = {
            "User-Agent": config.full_user_agent,
            "Accept": "application/json",
        }
        self._token = config.access_token
        self.http = HttpTransport(
            timeout=config.timeout,
            connect_timeout=config.connect_timeout,
            max_connections=config.max_connections,
            max_keepalive_connections=config.max_keepalive_connections,
            transport=transport,
        )

    async def send(
        self,
        op: Operation,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> HttpResponse:
        headers = dict(self._base_headers)
        if self._token is not None:
            headers["Authorization"] = "Bearer " + self._token
        if content_type is not None:
            headers["Content-Type"] = content_type
        response = await self.http.send(op.method, url, headers, body)
        if response.status_code >= 300:
            raise error_for_response(
                response.status_code,
                response.headers,
                response.content,
                operation_id=op.id,
            )
        return response

    async def aclose(self) -> None:
        await self.http.aclose()


def _parse_json(op: Operation, response: HttpResponse) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        raise DecodeError(
            f"{op.id}: the response is not valid JSON", http_status=response.status_code
        ) from None


class AccountSession:
    """One client bound to one Basecamp account; the target of generated code."""

    __slots__ = ("_prefix", "account_id", "core")

    def __init__(self, core: ClientCore, account_id: int) -> None:
        if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
            raise UsageError(f"account_id must be a positive integer, got {account_id!r}")
        self.core = core
        self.account_id = account_id
        self._prefix = f"{core.config.base_url}/{account_id}"

    def url(self, op: Operation, path: Mapping[str, Any], query: Mapping[str, Any] | None) -> str:
        rel = format_path(op.path, op.path_params, path) if op.path_params else op.path
        base = self._prefix if op.account_scoped else self.core.config.base_url
        qs = encode_query(query)
        return f"{base}{rel}?{qs}" if qs else base + rel

    async def _send(
        self,
        op: Operation,
        path: Mapping[str, Any],
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> HttpResponse:
        url = self.url(op, path, query)
        if body is not None:
            payload = json.dumps(encode_body(body), separators=(",", ":")).encode()
            return await self.core.send(op, url, body=payload, content_type=_JSON_CONTENT_TYPE)
        return await self.core.send(op, url)

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
        response = await self._send(op, path, query, body)
        return decode(_parse_json(op, response))

    async def call_empty(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Send an operation whose response carries nothing of interest (204)."""
        await self._send(op, path, query, body)

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
        for name, cap in (("max_items", max_items), ("max_pages", max_pages)):
            if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
                raise UsageError(f"{name} must be a positive integer, got {cap!r}")
        single = query is not None and query.get("page", UNSET) not in (None, UNSET)
        first_url = self.url(op, path, query)
        spec = op.pagination
        items_key = spec.items_key if spec else None
        total_header = spec.total_count_header if spec else None

        async def fetch(url: str) -> PageData[T]:
            response = await self.core.send(op, url)
            payload = _parse_json(op, response)
            if items_key is not None and isinstance(payload, Mapping):
                payload = payload.get(items_key, [])
            if not isinstance(payload, list):
                raise DecodeError(f"{op.id}: expected a JSON list", http_status=200)
            total = _total_count(response.headers, total_header)
            nxt = None if single else next_page_url(url, response.headers.get("link"))
            return PageData([decode(item) for item in payload], total, nxt)

        return AsyncPaginator(
            fetch, first_url, max_items=max_items, max_pages=max_pages, single_page=single
        )


def _total_count(headers: Mapping[str, str], name: str | None) -> int | None:
    raw = headers.get(name or "x-total-count")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None
