"""Every model of the API (``Project``, ``Todo``, ``Person``, …), importable from here.

Each class is imported on first access, so ``from basecamp_client.models import Todo``
loads Todo's module and the models it refers to, not all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The generated package's lazy loader serves this module too.
from ._generated.models import __all__, __dir__, __getattr__  # noqa: F401

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403
