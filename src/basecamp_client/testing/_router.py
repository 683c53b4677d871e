"""Account-relative routes → handlers, with Basecamp's path conventions.

Templates are written without the ``/{account_id}`` prefix and without ``.json``;
a request path may carry a trailing ``.json`` and may use the older
``/buckets/{project_id}/…`` spelling of any flat route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from ._wire import HttpError, is_digits

# What a route's request body is: JSON (415 unless sent as JSON), raw bytes, a
# multipart form, or nothing.
JSON = "json"
BINARY = "binary"
MULTIPART = "multipart"

_SEGMENT = re.compile(r"\{(\w+)(?::(\w+))?\}")
_BUCKET = re.compile(r"^/buckets/(\d+)(/.*)$")
# A template segment: a literal (text, None), a numeric id (name, "id") or any text
# without a slash (name, "str").
Part = tuple[str, "str | None"]


class Route:
    __slots__ = (
        "body",
        "generated",
        "handler",
        "literals",
        "method",
        "name",
        "operation",
        "placeholders",
        "size",
        "template",
    )

    def __init__(
        self,
        method: str,
        template: str,
        handler: Callable[..., Any],
        body: str,
        name: str,
        operation: str | None = None,
        generated: bool = False,
    ) -> None:
        self.method = method
        self.template = template
        self.handler = handler
        self.body = body
        self.name = name
        # The id of the operation of the description this route answers (its request
        # checks come from there); None for routes outside the description.
        self.operation = operation
        # Answered from the description (``_synth``) rather than from the store.
        self.generated = generated
        # Matched segment by segment, not by a regular expression: compiling one for
        # each of ~250 routes would cost the first request tens of milliseconds.
        parts = [_part(segment, template) for segment in template.split("/")[1:]]
        self.size = len(parts)
        self.literals = tuple((i, name) for i, (name, kind) in enumerate(parts) if kind is None)
        self.placeholders = tuple(
            (i, name, kind == "id") for i, (name, kind) in enumerate(parts) if kind is not None
        )

    def params(self, segments: list[str]) -> dict[str, str] | None:
        """The placeholders' values when ``segments`` (a path split on ``/``) match."""
        if len(segments) != self.size:
            return None
        for i, text in self.literals:
            if segments[i] != text:
                return None
        found: dict[str, str] = {}
        for i, name, numeric in self.placeholders:
            segment = segments[i]
            if not segment or (numeric and not is_digits(segment)):
                return None
            found[name] = segment
        return found


def _part(segment: str, template: str) -> Part:
    m = _SEGMENT.fullmatch(segment)
    if m is not None:
        return m.group(1), m.group(2) or "id"
    if "{" in segment:
        raise ValueError(f"route {template!r}: a placeholder must be a whole segment")
    return segment, None


class Match:
    __slots__ = ("bucket_id", "params", "route")

    def __init__(self, route: Route, params: dict[str, str], bucket_id: int | None) -> None:
        self.route = route
        self.params = params
        self.bucket_id = bucket_id


class Router:
    def __init__(self) -> None:
        # Routes indexed by their first path segment, so a request tries only a few.
        self._by_head: dict[tuple[str, int], list[Route]] = {}
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        template: str,
        handler: Callable[..., Any],
        *,
        body: str = JSON,
        name: str = "",
        operation: str | None = None,
        generated: bool = False,
    ) -> Route:
        route = Route(
            method, template, handler, body, name or handler.__name__, operation, generated
        )
        self.routes.append(route)
        head = template.split("/", 2)[1]
        self._by_head.setdefault((head, route.size), []).append(route)
        return route

    def find(self, method: str, path: str) -> Route | None:
        """The route that would answer ``method`` on ``path``, or None (never raises)."""
        try:
            return self.match(method, path).route
        except HttpError:
            return None

    def match(self, method: str, path: str, *, encoded: bool = False) -> Match:
        """The route for ``method`` and an account-relative ``path``; 404 or 405 otherwise.

        An ``encoded`` path is still percent-encoded: it is split first, then each segment
        decoded, so that an escaped slash (``%2F``, in an opaque id) stays in its segment.
        """
        if path.endswith(".json"):
            path = path[:-5]
        found = self._find(method, path, None, encoded)
        if found is not None:
            return found
        bucketed = _BUCKET.match(path)
        if bucketed is not None:
            found = self._find(method, bucketed.group(2), int(bucketed.group(1)), encoded)
            if found is not None:
                return found
        raise HttpError(404, "Not found")

    def _find(
        self, method: str, path: str, bucket_id: int | None, encoded: bool = False
    ) -> Match | None:
        segments = path.split("/")[1:]
        if encoded:
            segments = [unquote(segment) for segment in segments]
        allowed: list[str] = []
        for route in self._by_head.get((segments[0] if segments else "", len(segments)), ()):
            params = route.params(segments)
            if params is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return Match(route, params, bucket_id)
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                f"{method} is not allowed here",
                headers=[("Allow", ", ".join(sorted(set(allowed))))],
            )
        return None
