"""The marker for "the caller did not pass this argument".

``None`` is a value the API understands (it clears a field), so it cannot also mean
"leave this out of the request". Generated signatures default optional arguments to
``UNSET`` and the request builder drops them.
"""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeVar

T = TypeVar("T")


class Unset(enum.Enum):
    """Type of :data:`UNSET`; an enum so that type checkers can narrow on ``is UNSET``."""

    token = 0

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.token


def is_set(value: T | Unset) -> bool:
    return value is not UNSET
