"""The resources the fake serves, one module per area of the API."""

from __future__ import annotations

import threading

from .._router import Router
from . import (
    boosts,
    chats,
    cloud,
    event_feed,
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
    event_feed,
)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        module.register(router)
    return router


_lock = threading.Lock()
_built: Router | None = None


def router() -> Router:
    """Every route: the hand-written resources', then one for every other operation of the
    description (see ``generated.link``). Built on the fake's first request: reading the
    operation table costs a few milliseconds that importing the fake need not pay."""
    global _built
    if _built is None:
        with _lock:
            if _built is None:
                from .generated import link

                fresh = build_router()
                link(fresh)
                _built = fresh
    return _built
