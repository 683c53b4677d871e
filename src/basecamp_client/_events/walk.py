"""One walk over the feed or the inbox: page after page, following ``next`` links,
with the protocol's errors turned into typed ones.

The walk holds no events; it knows which URL comes next, the highest id it has served
(for a re-entry after a 409 or a bad position), and whether its entry was at the
present. Every request goes through the client's normal request path
(:func:`~basecamp_client._core.continuation.get_json_at`): retries, credential refresh,
rate limits and hooks apply, and ``next``/``resume`` URLs and redirects are checked
against the API origin before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._core.continuation import check_same_origin, get_json_at
from .._core.errors import BasecampError, UnsafeLinkError
from .errors import (
    FeedGapError,
    InvalidContinuationError,
    InvalidFilterError,
    InvalidPositionError,
    PollStalledError,
    PositionMismatchError,
)
from .pages import Lane, RawPage

if TYPE_CHECKING:
    from .._core.session import AccountSession

#: Pages in a row that carried a ``next`` link but nothing new before the walk is
#: declared stalled (a server that never reaches the head must not keep us forever).
MAX_IDLE_PAGES = 20


def _error_body(exc: BasecampError) -> Mapping[str, Any]:
    if not exc.body:
        return {}
    try:
        data = json.loads(exc.body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _hex16(value: object) -> str | None:
    if isinstance(value, str) and len(value) == 16 and all(c in "0123456789abcdef" for c in value):
        return value
    return None


class Walk:
    """The cursor state of one walk; :meth:`fetch` reads the next page."""

    __slots__ = (
        "_filters",
        "_idle",
        "_session",
        "_url",
        "entry_had_position",
        "lane",
        "present_entry",
        "served_max",
    )

    def __init__(
        self,
        session: AccountSession,
        lane: Lane,
        filters: Mapping[str, str],
        *,
        position: str | None,
        since: str | None,
    ) -> None:
        self._session = session
        self.lane = lane
        self._filters = dict(filters)
        self._idle = 0
        #: The highest id served by this walk's pages (``None`` until one was).
        self.served_max: int | None = None
        self.present_entry = False
        self.entry_had_position = False
        self._url = ""
        if position is not None:
            self.enter(position=position)
        else:
            self.enter(since=since)

    # -- where the next request goes ------------------------------------------------

    def enter(self, *, position: str | None = None, since: str | None = None) -> None:
        """Start (again) from a position, or from ``since`` (``None``: the present)."""
        query: dict[str, str] = {}
        if position is not None:
            query["position"] = position
        elif since is not None:
            query["since"] = since
        query.update(self._filters)
        self.entry_had_position = position is not None
        self.present_entry = position is None and since in (None, "now")
        self._url = self._session.url(self.lane.op, {}, query)
        self._idle = 0

    def reentry_since(self) -> str:
        """Where to start again when the position is refused: after the highest id
        served, or the present when none was."""
        return str(self.served_max) if self.served_max is not None else "now"

    def follow_resume(self, resume: object) -> None:
        """Continue at a 410's ``resume`` URL (checked against the API origin now, so a
        foreign one is refused before anything is sent)."""
        try:
            self._url = check_same_origin(
                resume, self._session.core.config.base_url, what="a resume URL"
            )
        except UnsafeLinkError as exc:
            raise InvalidContinuationError(exc.message) from None
        self.present_entry = True
        self.entry_had_position = False
        self._idle = 0

    # -- one page ---------------------------------------------------------------------

    async def fetch(self) -> RawPage:
        """The next page; typed errors for the protocol's refusals."""
        url = self._url
        op = self.lane.op
        try:
            page = await get_json_at(self._session.core, op, url, self.lane.decode)
        except UnsafeLinkError as exc:
            raise InvalidContinuationError(f"{op.id}: {exc.message}") from None
        except BasecampError as exc:
            raise self._translate(exc) from None
        fresh = False
        if page.entries:
            highest = max(self.lane.key(e) for e in page.entries)
            if self.served_max is None or highest > self.served_max:
                self.served_max = highest
                fresh = True
        if page.next is not None:
            # Progress means ids above any served before; repeats do not count.
            self._idle = 0 if fresh and page.next != url else self._idle + 1
            if self._idle >= MAX_IDLE_PAGES:
                raise PollStalledError(
                    f"{op.id}: {MAX_IDLE_PAGES} pages in a row offered more but "
                    "brought nothing new",
                    operation_id=op.id,
                )
            self._url = page.next
        else:
            self.enter(position=page.position)
        return page

    def _translate(self, exc: BasecampError) -> BasecampError:
        status = exc.http_status
        op_id = self.lane.op.id
        common: dict[str, Any] = {
            "http_status": status,
            "request_id": exc.request_id,
            "body": exc.body,
            "operation_id": op_id,
            "attempts": exc.attempts,
        }
        if status == 409:
            body = _error_body(exc)
            return PositionMismatchError(
                f"{op_id}: the position was issued for other filters",
                position_digest=_hex16(body.get("position_digest")),
                filters_digest=_hex16(body.get("filters_digest")),
                since=self.reentry_since(),
                **common,
            )
        if status == 410:
            body = _error_body(exc)
            epoch = body.get("epoch_after_id")
            resume = body.get("resume")
            return FeedGapError(
                f"{op_id}: the history behind the position is gone",
                epoch_after_id=epoch
                if isinstance(epoch, int) and not isinstance(epoch, bool)
                else None,
                resume=resume if isinstance(resume, str) else None,
                **common,
            )
        if status == 400:
            reason = _error_body(exc).get("reason")
            text = reason.lower() if isinstance(reason, str) else ""
            # Without a reason the two cases look alike: blame the position when there
            # was one (a re-entry with since= then tells), the filters otherwise.
            if "position" in text or "cursor" in text or (not text and self.entry_had_position):
                return InvalidPositionError(
                    f"{op_id}: the server refused the position ({exc.message})",
                    since=self.reentry_since(),
                    **common,
                )
            return InvalidFilterError(
                f"{op_id}: the server refused the filters ({exc.message})", **common
            )
        return exc
