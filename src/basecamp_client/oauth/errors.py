"""Errors of the OAuth flows, each with a hint saying what to do next.

They extend the client's hierarchy: everything here is an
:class:`~basecamp_client.AuthError` (so ``except AuthError`` catches a failed refresh
in the middle of an API call), except :class:`TokenFileError`, which is a problem with
a local file rather than with credentials Launchpad judged.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._core.errors import AuthError, BasecampError

LOGIN_AGAIN = "run `python -m basecamp_client login` again to get new tokens"


class OAuthError(AuthError):
    """Launchpad refused a request, or answered with something unusable."""

    code = "oauth_error"


class InvalidGrantError(OAuthError):
    """The verification code or refresh token is invalid, expired, used or revoked."""

    code = "oauth_invalid_grant"
    default_hint = LOGIN_AGAIN


class InvalidClientError(OAuthError):
    """Launchpad does not accept the client id / secret (or this redirect URI)."""

    code = "oauth_invalid_client"
    default_hint = (
        "check the client id, client secret and redirect URI against your integration "
        "at launchpad.37signals.com/integrations"
    )


class OAuthResponseError(OAuthError):
    """Launchpad's answer was too large, redirected, or not the JSON expected."""

    code = "oauth_bad_response"
    default_hint = "check that the Launchpad endpoint URLs are right"


class AuthorizationDeniedError(OAuthError):
    """The person declined the authorization in the browser (``error=access_denied``)."""

    code = "oauth_denied"
    default_hint = "approve the request in the browser to let this application in"


class StateMismatchError(OAuthError):
    """The callback's ``state`` is not the one this login sent: refused as a forgery."""

    code = "oauth_state_mismatch"
    default_hint = (
        "the callback did not come from the authorization this login started; run the "
        "login again and use only the URL it prints"
    )


class LoginError(BasecampError):
    """The login command could not complete for a local reason (port, timeout, input)."""

    code = "login"
    exit_code = 2


class TokenFileError(BasecampError):
    """The token file is missing, unreadable or not in the expected format."""

    code = "token_file"
    exit_code = 2
    default_hint = LOGIN_AGAIN


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every occurrence of each (non-trivial) secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
