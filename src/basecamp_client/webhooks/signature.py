"""HMAC-SHA256 signatures of webhook bodies (``X-Basecamp-Signature``), checked in
constant time, and the path-token check for endpoints without a signing secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

SIGNATURE_HEADER = "X-Basecamp-Signature"
_PREFIX = "sha256="
#: A path token shorter than this is guessable; see ``WebhookReceiver(path_token=…)``.
MIN_PATH_TOKEN = 22


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign_payload(body: bytes, secret: str | bytes) -> str:
    """The lowercase hex HMAC-SHA256 of ``body`` under ``secret`` (for tests and senders)."""
    return hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str | None, keys: Sequence[str | bytes]) -> bool:
    """True when ``signature`` is the HMAC of ``body`` under one of ``keys``.

    Several secrets allow rotation: accept the old and the new while senders switch.
    A ``sha256=`` prefix and upper-case hex are accepted. Every secret is tried, so the
    time taken does not reveal which one (if any) matched.
    """
    if not signature:
        return False
    given = signature.strip()
    if given[: len(_PREFIX)].lower() == _PREFIX:
        given = given[len(_PREFIX) :]
    given_bytes = given.lower().encode("ascii", "replace")
    matched = False
    for secret in keys:
        expected = sign_payload(body, secret).encode("ascii")
        matched |= hmac.compare_digest(expected, given_bytes)
    return matched


def check_path_token(segment: str | None, expected: str) -> bool:
    """Constant-time comparison of a URL path segment with the configured token."""
    return hmac.compare_digest((segment or "").encode("utf-8"), expected.encode("utf-8"))


def new_path_token() -> str:
    """An unguessable token (256 bits, URL-safe) to put in the webhook URL's path."""
    return secrets.token_urlsafe(32)
