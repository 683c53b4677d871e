"""Account-relative routes → handlers, with Basecamp's path conventions.

Templates are written without the ``/{account_id}`` prefix and without ``.json``;
a request path may carry a trailing ``.json`` and may use the older
``/buckets/{project_id}/…`` spelling of any flat route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._wire import HttpError

# What a route's request body is: JSON (415 unless sent as JSON), raw bytes, a
# multipart form, or nothing.
JSON = "json"
BINARY = "binary"
MULTIPART = "multipart"

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_BUCKET = re.compile(r"^/buckets/(\d+)(/.*)$")


class Route:
    __slots__ = (
        "body",
        "generated",
        "handler",
        "method",
        "name",
        "operation",
        "pattern",
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
        self.pattern = re.compile("^" + _PARAM.sub(_group, template) + "$")


def _group(match: re.Match[str]) -> str:
    kind = match.group(2) or "id"
    return f"(?P<{match.group(1)}>{r'[^/]+' if kind == 'str' else r'[0-9]+'})"


class Match:
    __slots__ = ("bucket_id", "params", "route")

    def __init__(self, route: Route, params: dict[str, str], bucket_id: int | None) -> None:
        self.route = route
        self.params = params
        self.bucket_id = bucket_id


class Router:
    def __init__(self) -> None:
        # Routes indexed by their first path segment, so a request tries only a few.
        self._by_head: dict[str, list[Route]] = {}
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
        self._by_head.setdefault(head, []).append(route)
        return route

    def find(self, method: str, path: str) -> Route | None:
        """The route that would answer ``method`` on ``path``, or None (never raises)."""
        try:
            return self.match(method, path).route
        except HttpError:
            return None

    def match(self, method: str, path: str) -> Match:
        """The route for ``method`` and an account-relative ``path``; 404 or 405 otherwise."""
        if path.endswith(".json"):
            path = path[:-5]
        found = self._find(method, path, None)
        if found is not None:
            return found
        bucketed = _BUCKET.match(path)
        if bucketed is not None:
            found = self._find(method, bucketed.group(2), int(bucketed.group(1)))
            if found is not None:
                return found
        raise HttpError(404, "Not found")

    def _find(self, method: str, path: str, bucket_id: int | None) -> Match | None:
        head = path.split("/", 2)[1] if path.count("/") else ""
        allowed: list[str] = []
        for route in self._by_head.get(head, ()):
            m = route.pattern.match(path)
            if m is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return Match(route, m.groupdict(), bucket_id)
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                f"{method} is not allowed here",
                headers=[("Allow", ", ".join(sorted(set(allowed))))],
            )
        return None
