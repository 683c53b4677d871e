"""Geared pagination: pages grow 15, 30, 50, then 100 items, as Basecamp's do."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ._wire import HttpError, is_digits

GEARS = (15, 30, 50, 100)


def parse_page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not is_digits(raw) or int(raw) < 1:
        raise HttpError(400, f"page must be a positive integer, got {raw!r}")
    return int(raw)


def page_bounds(page: int, gears: tuple[int, ...] = GEARS) -> tuple[int, int]:
    """``(start, stop)`` item offsets of 1-based ``page``; the last gear repeats."""
    if page <= len(gears):
        start = sum(gears[: page - 1])
        return start, start + gears[page - 1]
    start = sum(gears) + (page - len(gears) - 1) * gears[-1]
    return start, start + gears[-1]


def next_page_url(origin: str, path: str, pairs: list[tuple[str, str]], page: int) -> str:
    """The absolute URL of ``page`` with every other query parameter kept as it was."""
    kept = [(k, v) for k, v in pairs if k != "page"]
    kept.append(("page", str(page)))
    return f"{origin}{quote(path)}?{urlencode(kept)}"
