"""Lazy paginators over ``Link: rel="next"`` lists.

Iterating keeps at most one page in memory; awaiting (or ``collect()``) gathers
everything into a :class:`ListResult` that remembers the total the API reported.

The server decides where a listing goes next, so every listing is bounded: a next link
back to a page already fetched, or an empty page that still offers a next one, ends it
with :class:`PaginationError` (no page is fetched twice), and so does passing
:data:`PAGE_CEILING` pages when the caller set no ``max_pages``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

import attrs

from .errors import PaginationError
from .links import page_key

T = TypeVar("T")

#: Pages a listing may fetch when the caller sets no ``max_pages``: about a million
#: items at Basecamp's 100 a page, far beyond any real list, yet a bound on a server
#: that hands out fresh next links forever. Reaching it is an error, not a quiet
#: truncation; an explicit ``max_pages`` replaces it.
PAGE_CEILING = 10_000


@attrs.frozen(slots=True)
class ListMeta:
    """What the API said about a list: ``total_count`` from ``X-Total-Count`` (when sent),
    ``truncated`` when a ``max_items``/``max_pages`` cap stopped the listing early, and
    how many ``pages`` were fetched."""

    total_count: int | None = None
    truncated: bool = False
    pages: int = 0


class ListResult(list[T]):
    """A plain list with the list's :class:`ListMeta` attached as ``.meta``."""

    __slots__ = ("meta",)

    def __init__(self, items: list[T] | None = None, meta: ListMeta | None = None) -> None:
        super().__init__(items or ())
        self.meta = meta or ListMeta()

    def __repr__(self) -> str:
        return f"ListResult({list.__repr__(self)}, meta={self.meta!r})"


@attrs.frozen(slots=True)
class Page(Generic[T]):
    """One fetched page: its items, its 1-based position and what followed it."""

    items: list[T]
    number: int
    total_count: int | None
    next_url: str | None
    truncated: bool = False  # a max_items/max_pages cap ended the listing here


@attrs.frozen(slots=True)
class PageData(Generic[T]):
    """What a page fetch returns to the paginator (built by the session)."""

    items: list[T]
    total_count: int | None
    next_url: str | None


#: ``fetch(url, page_number, store)``: one page, decoded; ``store`` says whether the page
#: may be kept in the HTTP cache for later revalidation.
FetchPage = Callable[[str, int, bool], Awaitable[PageData[T]]]


class AsyncPaginator(Generic[T]):
    """``async for item in paginator`` / ``await paginator`` / ``paginator.pages()``.

    Nothing is fetched until it is iterated or awaited; each iteration starts afresh
    from the first page.
    """

    __slots__ = ("_fetch", "_first_url", "_max_items", "_max_pages", "_name", "_single_page")

    def __init__(
        self,
        fetch: FetchPage[T],
        first_url: str,
        *,
        max_items: int | None = None,
        max_pages: int | None = None,
        single_page: bool = False,
        name: str = "list",
    ) -> None:
        self._fetch = fetch
        self._first_url = first_url
        self._max_items = max_items
        self._max_pages = 1 if single_page else max_pages
        self._single_page = single_page
        self._name = name  # the operation id, for errors

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._first_url}>"

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield pages one at a time, following ``rel="next"`` until the end or a cap.

        Iterating streams the list: pages already in the HTTP cache are revalidated
        (a 304 costs no decoding), but new pages are not added to it, so memory stays
        at about one page however long the list. :meth:`collect` caches what it fetches.
        """
        return self._pages(store=False)

    async def _pages(self, *, store: bool) -> AsyncGenerator[Page[T], None]:
        url: str | None = self._first_url
        number = 0
        remaining = self._max_items
        max_pages = self._max_pages
        seen: set[bytes] = set()  # digests of the pages fetched (links.page_key)
        while url is not None:
            seen.add(page_key(url))
            data = await self._fetch(url, number + 1, store)
            number += 1
            items, total, next_url = data.items, data.total_count, data.next_url
            # Only one page is alive at a time: drop this one before fetching the next.
            del data
            if remaining is not None and len(items) >= remaining:
                cut = len(items) > remaining or next_url is not None
                yield Page(items[:remaining], number, total, next_url, cut)
                return
            if remaining is not None:
                remaining -= len(items)
            if max_pages is not None and number >= max_pages:
                cut = next_url is not None and not self._single_page
                yield Page(items, number, total, next_url, cut)
                return
            yield Page(items, number, total, next_url)
            if next_url is not None:
                # After the page was handed out: what came so far is the caller's.
                self._check_next(number, items, next_url, seen)
            del items
            url = next_url

    def _check_next(self, number: int, items: list[T], next_url: str, seen: set[bytes]) -> None:
        """Refuse a next link that cannot lead anywhere new (before it is fetched)."""
        where = f"{self._name}: page {number}"
        hint = None
        if not items:
            problem = f"{where} is empty but links to a next page; stopped there"
        elif page_key(next_url) in seen:
            problem = f"{where} links back to a page already fetched; stopped instead of looping"
        elif self._max_pages is None and number >= PAGE_CEILING:
            problem = f"{where}: the listing reached {PAGE_CEILING:,} pages and still goes on"
            hint = "pass max_pages= to fetch more pages (or fewer, and keep what came)"
        else:
            return
        raise PaginationError(problem, hint=hint, operation_id=self._name)

    async def __aiter__(self) -> AsyncIterator[T]:
        pages = self.pages()
        try:
            while True:
                try:
                    page = await pages.__anext__()
                except StopAsyncIteration:
                    return
                items = page.items
                del page
                # By index, so that no loop variable keeps an item alive past its page.
                for index in range(len(items)):
                    yield items[index]
                del items
        finally:
            await pages.aclose()

    async def collect(self) -> ListResult[T]:
        """Fetch every page (within the caps) into one :class:`ListResult`."""
        result: ListResult[T] = ListResult()
        total: int | None = None
        pages = 0
        truncated = False
        async for page in self._pages(store=True):
            result.extend(page.items)
            total = page.total_count if page.total_count is not None else total
            pages = page.number
            truncated = page.truncated
        result.meta = ListMeta(total_count=total, truncated=truncated, pages=pages)
        return result

    def __await__(self) -> Generator[Any, None, ListResult[T]]:
        return self.collect().__await__()
