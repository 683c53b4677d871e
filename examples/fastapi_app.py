"""A FastAPI backend that answers every new to-do with a comment.

Basecamp posts a webhook delivery for each event in a project you subscribed. The
receiver checks it (an unguessable path token here), drops redeliveries and calls
``acknowledge`` for ``todo_created``, which comments back through the async client.
The client lives as long as the app: opened in the lifespan, closed at shutdown, so
every delivery reuses one connection pool.

    pip install 'basecamp-client[fastapi,server]'
    export BASECAMP_TOKEN=… BASECAMP_ACCOUNT_ID=…
    export BASECAMP_USER_AGENT="To-do Greeter (ops@acme.example)"
    export BASECAMP_WEBHOOK_TOKEN=$(python -c \\
        "from basecamp_client.webhooks import new_path_token; print(new_path_token())")
    uvicorn --factory --app-dir examples fastapi_app:create_app --no-access-log

(``--no-access-log``: an access log would write the path token, a secret, with every request.)

Then subscribe a project to To-do events (``account.webhooks.create(...)`` or the
project's webhook settings) with the payload URL
``https://your.host/webhooks/basecamp/<BASECAMP_WEBHOOK_TOKEN>``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from basecamp_client import AsyncBasecamp, UsageError
from basecamp_client import rich_text as rt
from basecamp_client.webhooks import WebhookEvent, WebhookReceiver

logger = logging.getLogger("todo_greeter")


def create_app(
    *,
    make_client: Callable[[], AsyncBasecamp] = AsyncBasecamp.from_env,
    path_token: str | None = None,
    secret: str | None = None,
) -> FastAPI:
    """The app. ``make_client`` builds the Basecamp client at startup (from the
    ``BASECAMP_*`` variables by default); deliveries must carry ``path_token`` as the last
    URL segment or be signed with ``secret`` (default: ``$BASECAMP_WEBHOOK_TOKEN`` /
    ``$BASECAMP_WEBHOOK_SECRET``)."""
    if path_token is None and secret is None:
        path_token = os.environ.get("BASECAMP_WEBHOOK_TOKEN") or None
        secret = os.environ.get("BASECAMP_WEBHOOK_SECRET") or None
    if path_token is None and secret is None:
        raise UsageError(
            "set BASECAMP_WEBHOOK_TOKEN (an unguessable URL segment, see new_path_token()) "
            "or BASECAMP_WEBHOOK_SECRET: a webhook endpoint is public"
        )
    receiver = WebhookReceiver(path_token=path_token, secret=secret)
    basecamp: AsyncBasecamp | None = None

    @receiver.on("todo_created")
    async def acknowledge(event: WebhookEvent) -> None:
        if basecamp is None:
            # Shutting down: fail, so that the delivery is answered 500 and sent again.
            raise RuntimeError("the Basecamp client is closed")
        todo = event.recording
        if todo is None or todo.id is None:
            return
        if event.account_id != basecamp.config.account_id:
            logger.warning("ignoring event %s from another account", event.id)
            return
        account = basecamp.for_account()
        # The title is text from a user: rich_text escapes it.
        thanks = rt.paragraph("Thanks! ", rt.bold(todo.title or "This"), " is on our list now.")
        await account.comments.create(recording_id=todo.id, content=thanks)
        # Our comment is a comment_created event, so it does not come back here.

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nonlocal basecamp
        async with make_client() as client:
            basecamp = client
            try:
                yield
            finally:
                basecamp = None

    app = FastAPI(lifespan=lifespan)
    app.include_router(receiver.fastapi_router(path="/webhooks/basecamp"))
    return app
