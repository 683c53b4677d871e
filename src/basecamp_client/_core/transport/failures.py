"""What a failed exchange means, said the same way on every backend.

Each backend decides, from its own library's exceptions, whether the request can have
left this machine; the :class:`~basecamp_client.NetworkError` it raises is built here,
so that the same failure reads the same on aiohttp and on httpx.
"""

from __future__ import annotations

import ssl

from ..errors import NetworkError

#: The request body stopped going out (the socket took nothing for ``timeout``).
BODY_TIMEOUT = "timed out sending the request body"
#: The request went out; the answer did not come in time.
RESPONSE_TIMEOUT = "timed out waiting for the response"
#: The answer broke HTTP's rules.
NOT_HTTP = "the response is not valid HTTP"

#: Exception classes (or tuples of them) and what a failure of that kind is called.
Kinds = tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...]


def not_sent(exc: BaseException, detail: str, *, permanent: bool) -> NetworkError:
    """A failure before any byte of the request left (``detail``: why, when known):
    retried even for a write, unless ``permanent`` (retrying cannot fix it)."""
    name = type(exc).__name__
    if detail:
        # Say why (refused, unknown host, certificate verification failed...).
        name = f"{name} ({detail})"
    return NetworkError(f"could not connect: {name}", request_sent=False, retryable=not permanent)


def sent(exc: BaseException, what: str) -> NetworkError:
    """A failure once the request may have reached the server."""
    return NetworkError(f"{what}: {type(exc).__name__}", request_sent=True, retryable=True)


def kind_of(exc: BaseException, kinds: Kinds) -> str:
    """What the first of ``kinds`` that ``exc`` belongs to calls it."""
    for classes, what in kinds:
        if isinstance(exc, classes):
            return what
    return "connection failed"


def certificate_failure(exc: BaseException) -> str | None:
    """The certificate verification failure behind ``exc``, if that is what it is (the
    libraries wrap it, trio more deeply than asyncio): retrying cannot fix it."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, ssl.SSLCertVerificationError) or (
            "CERTIFICATE_VERIFY_FAILED" in str(current)
        ):
            return str(current)
        current = current.__cause__ or current.__context__
        seen += 1
    return None
