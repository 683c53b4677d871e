"""The asyncio backend (being built; not selected yet)."""

from __future__ import annotations

import ssl
from typing import Any


class AioTransport:
    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, **limits: Any) -> None:
        raise NotImplementedError("the asyncio backend is not finished")
