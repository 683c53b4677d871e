"""The resources the fake serves, one module per area of the API."""

from __future__ import annotations

from .._router import Router
from . import (
    chats,
    cloud,
    event_feed,
    files,
    messages,
    people,
    projects,
    recordings,
    schedules,
    todos,
    webhooks,
)

MODULES = (
    people,
    projects,
    todos,
    messages,
    chats,
    files,
    cloud,
    schedules,
    webhooks,
    recordings,
    event_feed,
)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        module.register(router)
    return router
