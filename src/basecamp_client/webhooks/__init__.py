"""Receiving Basecamp webhooks: typed events, routing, deduplication, signatures.

>>> from basecamp_client.webhooks import WebhookReceiver, WebhookEvent
>>> receiver = WebhookReceiver(path_token=os.environ["WEBHOOK_PATH_TOKEN"])
>>> @receiver.on("todo_created")
... async def on_todo(event: WebhookEvent) -> None:
...     print(event.recording.title)
>>> app = receiver.asgi_app()

Creating, listing and deleting webhook subscriptions is done through the API client
(``account.webhooks``); this package handles the deliveries.
"""

from __future__ import annotations

from .asgi import WebhookApp
from .dedup import Claim, MemorySeenStore, SeenStore
from .events import (
    Bucket,
    Person,
    Recording,
    RecordingParent,
    WebhookCopy,
    WebhookEvent,
    WebhookPayloadError,
    parse_event,
)
from .receiver import (
    Handler,
    Middleware,
    Next,
    Outcome,
    SeenStoreError,
    WebhookReceiver,
    WebhookResponse,
)
from .signature import SIGNATURE_HEADER, new_path_token, sign_payload, verify_signature

__all__ = [
    "SIGNATURE_HEADER",
    "Bucket",
    "Claim",
    "Handler",
    "MemorySeenStore",
    "Middleware",
    "Next",
    "Outcome",
    "Person",
    "Recording",
    "RecordingParent",
    "SeenStore",
    "SeenStoreError",
    "WebhookApp",
    "WebhookCopy",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookReceiver",
    "WebhookResponse",
    "new_path_token",
    "parse_event",
    "sign_payload",
    "verify_signature",
]
