"""The resources the fake serves, one module per area of the API."""

from __future__ import annotations

from .._router import Router
from . import (
    boosts,
    chats,
    cloud,
    files,
    messages,
    people,
    pings,
    projects,
    recordings,
    schedules,
    subscriptions,
    subtasks,
    todos,
    webhooks,
)

MODULES = (
    people,
    projects,
    todos,
    subtasks,
    messages,
    chats,
    pings,
    files,
    cloud,
    schedules,
    webhooks,
    recordings,
    subscriptions,
    boosts,
)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        module.register(router)
    return router
