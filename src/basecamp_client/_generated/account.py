# Placeholder until the generator writes this module (`make generate`).
from __future__ import annotations

from .._core.account import AsyncAccountBase, SyncAccountBase


class AsyncAccount(AsyncAccountBase):
    pass


class SyncAccount(SyncAccountBase):
    pass
