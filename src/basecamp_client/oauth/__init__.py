"""OAuth 2 with Basecamp's Launchpad: log in, exchange codes, refresh tokens.

>>> from basecamp_client.oauth import LaunchpadClient
>>> launchpad = LaunchpadClient(client_id="…", client_secret="…",
...                             redirect_uri="https://example.com/oauth/callback")
>>> request = launchpad.start_authorization()          # redirect the browser to request.url
>>> token = await launchpad.exchange_code(code, code_verifier=request.code_verifier)
>>> authorization = await launchpad.fetch_authorization(token)
>>> [a.id for a in authorization.basecamp_accounts]

For scripts and tools, ``python -m basecamp_client login`` does all of this and writes a
token file that ``AsyncBasecamp.from_token_file(path, user_agent=…)`` uses and keeps
fresh.
"""

from __future__ import annotations

from .._core.auth import OAuthRefreshingProvider, Token
from .errors import (
    AuthorizationDeniedError,
    InvalidClientError,
    InvalidGrantError,
    LoginError,
    OAuthError,
    OAuthResponseError,
    StateMismatchError,
    TokenFileError,
)
from .flow import (
    GrantStyle,
    LaunchpadEndpoints,
    PkcePair,
    authorization_url,
    error_for_oauth_response,
    exchange_form,
    new_state,
    refresh_form,
    token_from_response,
)
from .identity import Authorization, Identity, LaunchpadAccount, parse_authorization
from .launchpad import AuthorizationRequest, LaunchpadClient
from .provider import TokenFileCredentials, open_token_file
from .token_file import StoredLogin, default_token_file, read_token_file, write_token_file

__all__ = [
    "Authorization",
    "AuthorizationDeniedError",
    "AuthorizationRequest",
    "GrantStyle",
    "Identity",
    "InvalidClientError",
    "InvalidGrantError",
    "LaunchpadAccount",
    "LaunchpadClient",
    "LaunchpadEndpoints",
    "LoginError",
    "OAuthError",
    "OAuthRefreshingProvider",
    "OAuthResponseError",
    "PkcePair",
    "StateMismatchError",
    "StoredLogin",
    "Token",
    "TokenFileCredentials",
    "TokenFileError",
    "authorization_url",
    "default_token_file",
    "error_for_oauth_response",
    "exchange_form",
    "new_state",
    "open_token_file",
    "parse_authorization",
    "read_token_file",
    "refresh_form",
    "token_from_response",
    "write_token_file",
]
