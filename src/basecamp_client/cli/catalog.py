"""The generated catalog (``_generated/catalog.py``) read as typed records.

The catalog is plain data, so listing services, methods and their arguments costs no
import of a service module or of the client core: ``basecamp --help`` and shell
completion stay fast.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from .._generated import catalog as _data


class Argument(NamedTuple):
    """One argument of a method, as the SDK method names it and the API sends it."""

    name: str  # the Python keyword argument
    wire: str  # the path placeholder, query parameter or body property
    location: str  # "path", "query" or "body"
    type: str  # see the catalog's comment: "int", "list:int", "model:<module>:<Class>", …
    required: bool
    help: str
    clearable: bool = False  # update methods: None clears the field

    @property
    def option(self) -> str:
        """The command-line option: ``todolist_id`` → ``--todolist-id`` (``from_`` →
        ``--from``)."""
        return "--" + self.name.rstrip("_").replace("_", "-")


class Method(NamedTuple):
    operation_id: str
    service: str
    name: str  # the method on the service
    kind: str  # "call", "empty", "paginated", "upload" or "update"
    http: str  # "GET /projects/{projectId}.json"
    summary: str
    returns: str  # a model name, "list:<name>", "JSON" or "" (nothing)
    deprecated: bool
    arguments: tuple[Argument, ...]

    @property
    def command(self) -> str:
        """The command name: ``create_line`` → ``create-line``."""
        return command_name(self.name)


def command_name(name: str) -> str:
    return name.replace("_", "-")


@cache
def services() -> dict[str, str]:
    """Service name (``card_tables``) → one-line summary."""
    return dict(_data.SERVICES)


@cache
def methods() -> tuple[Method, ...]:
    rows = []
    for row in _data.METHODS:
        *head, raw_args = row
        args = tuple(Argument(*a) for a in raw_args)  # type: ignore[attr-defined]
        rows.append(Method(*head, args))  # type: ignore[arg-type, call-arg]
    return tuple(rows)


@cache
def by_service() -> dict[str, dict[str, Method]]:
    """Service → command name → method."""
    table: dict[str, dict[str, Method]] = {}
    for method in methods():
        table.setdefault(method.service, {})[method.command] = method
    return table


@cache
def by_operation() -> dict[str, Method]:
    """Operation id → its method (the ``update`` rows, which are not operations, left out)."""
    return {m.operation_id: m for m in methods() if m.kind != "update"}
