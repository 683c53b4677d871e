"""``None`` in a create call, and :data:`NULL`, the way to send JSON ``null`` on purpose.

A create sends only the arguments the caller passed. An argument passed as ``None``
is almost always an accident (``due_on=row.get("due")``), and Basecamp would read the
``null`` it turns into as "no value" — on some fields as a clear. So create methods
refuse ``None`` for any field the description does not declare nullable, and
:data:`NULL` is the explicit opt-in: ``todos.create(..., due_on=NULL)`` sends
``"due_on": null``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final, Literal

from .errors import UsageError
from .operation import Operation


class Null(enum.Enum):
    """Type of :data:`NULL`; an enum so that type checkers can tell it apart."""

    token = 0

    def __repr__(self) -> str:
        return "NULL"

    def __bool__(self) -> Literal[False]:
        return False


#: Send JSON ``null`` for this argument of a create call, on purpose.
NULL: Final = Null.token


def create_body(
    op: Operation,
    fields: Mapping[str, Any],
    *,
    required: frozenset[str] = frozenset(),
    nullable: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The body of a create: ``None`` refused (unless the field is ``nullable``),
    :data:`NULL` turned into ``None``. ``required`` fields never accept either."""
    body = dict(fields)
    for name, value in fields.items():
        if value is None and name not in nullable:
            if name in required:
                raise UsageError(f"{op.id}: {name} is required and cannot be None")
            raise UsageError(
                f"{op.id}: {name}=None would send null, which Basecamp reads as no value "
                f"or a clear; leave {name} out, or pass {name}=NULL "
                "(from basecamp_client) to send null on purpose"
            )
        if value is NULL:
            if name in required:
                raise UsageError(f"{op.id}: {name} is required and cannot be NULL")
            body[name] = None
    return body
