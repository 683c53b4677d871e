"""``WebhookReceiver.fastapi_router()``: the ASGI app behind a FastAPI route.

FastAPI is an optional extra (``pip install 'basecamp-client[fastapi]'``); it is
imported only here, only when a router is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .._core.errors import UsageError

if TYPE_CHECKING:
    from .receiver import WebhookReceiver


def build_router(
    receiver: WebhookReceiver, *, path: str, include_in_schema: bool, **kwargs: Any
) -> Any:
    try:
        from fastapi import APIRouter
    except ImportError:
        raise ImportError(
            "fastapi_router() needs FastAPI: pip install 'basecamp-client[fastapi]' "
            "(or serve receiver.asgi_app() with any ASGI server)"
        ) from None
    if not path.startswith("/"):
        raise UsageError(f"path must start with '/', got {path!r}")
    base = path.rstrip("/")
    route = f"{base}/{{token}}" if receiver.path_token is not None else base or "/"
    app = cast(Any, receiver.asgi_app())
    router = APIRouter(**kwargs)
    # An ASGI app as the endpoint: the receiver reads the body itself, with its size cap.
    # Both spellings are routed so that no trailing-slash redirect is ever sent.
    variants = [route] if route == "/" else [route, route + "/"]
    for variant in variants:
        router.add_route(
            variant, app, include_in_schema=include_in_schema, name="basecamp_webhooks"
        )
    return router
