"""The resources the fake serves, one module per area of the API."""

from __future__ import annotations

from .._router import Router
from . import chats, files, messages, people, projects, recordings, schedules, todos, webhooks


def build_router() -> Router:
    router = Router()
    for module in (
        people,
        projects,
        todos,
        messages,
        chats,
        files,
        schedules,
        webhooks,
        recordings,
    ):
        module.register(router)
    return router
