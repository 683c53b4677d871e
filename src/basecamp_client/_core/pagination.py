"""Lazy paginators over ``Link: rel="next"`` lists.

Iterating keeps at most one page in memory; awaiting (or ``collect()``) gathers
everything into a :class:`ListResult` that remembers the total the API reported.

The server decides where a listing goes next, so every listing is bounded: a next link
back to a page already fetched, or an empty page that still offers a next one, ends it
with :class:`PaginationError` (no page is fetched twice), and so does passing
:data:`PAGE_CEILING` pages when the caller set no ``max_pages``.

A list the API wraps in an object beside other fields (``{"person": …, "events": […]}``)
gets an :class:`AsyncWrappedPaginator`: the same streaming, and the object too.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar, cast

import attrs

from .errors import PaginationError
from .links import page_key

T = TypeVar("T")
W = TypeVar("W")

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
class WrappedPage(Page[T], Generic[T, W]):
    """A page of a wrapped list: ``wrapper`` is the page's whole object, decoded, with
    this page's ``items`` in its list field (``page.wrapper.person``, ``page.items``)."""

    wrapper: W = attrs.field(kw_only=True)


@attrs.frozen(slots=True)
class PageData(Generic[T]):
    """What a page fetch returns to the paginator (built by the session). ``wrapper`` is
    the page's object decoded without its list (its list field is empty), for wrapped
    lists; ``None`` otherwise."""

    items: list[T]
    total_count: int | None
    next_url: str | None
    wrapper: Any = None

    def copy(self) -> PageData[T]:
        """A copy whose list the caller may change (a cached page is handed out again)."""
        return PageData(list(self.items), self.total_count, self.next_url, self.wrapper)


def with_items(wrapper: W, field: str, items: list[Any]) -> W:
    """A shallow copy of the frozen model ``wrapper`` with ``items`` in its list ``field``.

    A copy, because the decoded wrapper may sit in the HTTP cache and be handed out again.
    """
    fresh = copy.copy(wrapper)
    object.__setattr__(fresh, field, items)
    return fresh


#: ``fetch(url, page_number, store)``: one page, decoded; ``store`` says whether the page
#: may be kept in the HTTP cache for later revalidation.
FetchPage = Callable[[str, int, bool], Awaitable[PageData[T]]]


@attrs.frozen(slots=True)
class PageWalk(Generic[T]):
    """What a paginator walks: how to fetch a page, where the listing starts, the
    caller's caps, whether one page was asked for, and the operation id (for errors)."""

    fetch: FetchPage[T]
    first_url: str
    max_items: int | None = None
    max_pages: int | None = None
    single_page: bool = False
    name: str = "list"


class _Paginator(Generic[T]):
    """What both paginators share: the page walk, its caps, and item-by-item iteration."""

    __slots__ = ("_fetch", "_first_url", "_max_items", "_max_pages", "_name", "_single_page")

    def __init__(self, walk: PageWalk[T]) -> None:
        self._fetch = walk.fetch
        self._first_url = walk.first_url
        self._max_items = walk.max_items
        self._max_pages = 1 if walk.single_page else walk.max_pages
        self._single_page = walk.single_page
        self._name = walk.name  # the operation id, for errors

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._first_url}>"

    def _page(
        self,
        items: list[T],
        number: int,
        total: int | None,
        next_url: str | None,
        truncated: bool,
        wrapper: Any,
    ) -> Page[T]:
        return Page(items, number, total, next_url, truncated)

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
            items, total, next_url, wrapper = (
                data.items,
                data.total_count,
                data.next_url,
                data.wrapper,
            )
            # Only one page is alive at a time: drop this one before fetching the next.
            del data
            if remaining is not None and len(items) >= remaining:
                cut = len(items) > remaining or next_url is not None
                yield self._page(items[:remaining], number, total, next_url, cut, wrapper)
                return
            if remaining is not None:
                remaining -= len(items)
            if max_pages is not None and number >= max_pages:
                cut = next_url is not None and not self._single_page
                yield self._page(items, number, total, next_url, cut, wrapper)
                return
            empty = not items  # read now: the caller may empty the list it is handed
            yield self._page(items, number, total, next_url, False, wrapper)
            if next_url is not None:
                # After the page was handed out: what came so far is the caller's.
                self._check_next(number, empty, next_url, seen)
            del items, wrapper
            url = next_url

    def _check_next(self, number: int, empty: bool, next_url: str, seen: set[bytes]) -> None:
        """Refuse a next link that cannot lead anywhere new (before it is fetched)."""
        where = f"{self._name}: page {number}"
        hint = None
        if empty:
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
        pages = self._pages(store=False)
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

    async def _collect(self) -> tuple[ListResult[T], Page[T] | None]:
        """Every item (within the caps) with the list's meta, and the first page."""
        result: ListResult[T] = ListResult()
        total: int | None = None
        pages = 0
        truncated = False
        first: Page[T] | None = None
        async for page in self._pages(store=True):
            if first is None:
                first = page
            result.extend(page.items)
            total = page.total_count if page.total_count is not None else total
            pages = page.number
            truncated = page.truncated
        result.meta = ListMeta(total_count=total, truncated=truncated, pages=pages)
        return result, first


class AsyncPaginator(_Paginator[T]):
    """``async for item in paginator`` / ``await paginator`` / ``paginator.pages()``.

    Nothing is fetched until it is iterated or awaited; each iteration starts afresh
    from the first page.
    """

    __slots__ = ()

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield pages one at a time, following ``rel="next"`` until the end or a cap.

        Iterating streams the list: pages already in the HTTP cache are revalidated
        (a 304 costs no decoding), but new pages are not added to it, so memory stays
        at about one page however long the list. :meth:`collect` caches what it fetches.
        """
        return self._pages(store=False)

    async def collect(self) -> ListResult[T]:
        """Fetch every page (within the caps) into one :class:`ListResult`."""
        result, _first = await self._collect()
        return result

    def __await__(self) -> Generator[Any, None, ListResult[T]]:
        return self.collect().__await__()


class AsyncWrappedPaginator(_Paginator[T], Generic[T, W]):
    """A list the API wraps in an object beside other fields, such as a person's progress
    report (``{"person": …, "events": […]}``, the events paged).

    ``async for item in paginator`` streams the list's items page by page, as
    :class:`AsyncPaginator` does; ``paginator.pages()`` yields :class:`WrappedPage` objects,
    whose ``wrapper`` is each page's whole object. ``await paginator`` (or
    ``collect()``) returns the first page's object with every item (within the caps) in
    its list field, as a :class:`ListResult` carrying the list's ``.meta``::

        progress = await account.timeline.list_for_person(person_id=7)
        progress.person, len(progress.events)
    """

    __slots__ = ("_field",)

    def __init__(self, walk: PageWalk[T], *, field: str) -> None:
        super().__init__(walk)
        self._field = field

    def _page(
        self,
        items: list[T],
        number: int,
        total: int | None,
        next_url: str | None,
        truncated: bool,
        wrapper: Any,
    ) -> WrappedPage[T, W]:
        whole: W = with_items(wrapper, self._field, items)
        return WrappedPage(items, number, total, next_url, truncated, wrapper=whole)

    def pages(self) -> AsyncGenerator[WrappedPage[T, W], None]:
        """Yield pages one at a time, each with its whole object (see the class)."""
        # Every page this paginator makes is a WrappedPage (see _page).
        return cast("AsyncGenerator[WrappedPage[T, W], None]", self._pages(store=False))

    async def collect(self) -> W:
        """The first page's object, its list field holding every item (a ListResult)."""
        result, first = await self._collect()
        assert first is not None  # a walk fetches at least one page, or raises
        return with_items(cast("WrappedPage[T, W]", first).wrapper, self._field, result)

    def __await__(self) -> Generator[Any, None, W]:
        return self.collect().__await__()
