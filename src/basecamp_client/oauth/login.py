"""``python -m basecamp_client login``: from nothing to a token file, in one command.

Opens (or prints) the authorization URL, receives the browser's redirect on
127.0.0.1, checks ``state``, exchanges the code, lists the accounts and stores the
tokens for the chosen Basecamp 4 account in an owner-only file. Secrets are never
printed: not the client secret, not the code, not the tokens.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import webbrowser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

import anyio
import anyio.to_thread
import attrs

from .._core.auth import Token
from .._core.errors import BasecampError, UsageError
from .callback import callback_address, open_listener, receive_code
from .errors import LoginError
from .flow import GRANT_STYLES, LaunchpadEndpoints
from .identity import Authorization, LaunchpadAccount
from .launchpad import LaunchpadClient
from .token_file import StoredLogin, default_token_file, write_token_file

logger = logging.getLogger("basecamp_client.oauth")

Browser = Callable[[str], object]
Ask = Callable[[str], str]

DEFAULT_TIMEOUT = 300.0


@attrs.frozen(kw_only=True)
class LoginSettings:
    launchpad: LaunchpadClient
    token_file: Path
    account_id: int | None = None
    open_browser: bool = True
    timeout: float = DEFAULT_TIMEOUT
    save_client_secret: bool = False


async def authorize(
    launchpad: LaunchpadClient,
    *,
    out: TextIO,
    browser: Browser | None,
    wait_seconds: float = DEFAULT_TIMEOUT,
) -> tuple[Token, Authorization]:
    """The browser round trip, the code exchange and ``authorization.json``."""
    port, path = callback_address(launchpad.redirect_uri)
    listener = await open_listener(port)
    try:
        request = launchpad.start_authorization()
        if browser is None:
            _say(out, "Open this URL in a browser to authorize this application on Launchpad:")
        else:
            _say(out, "Opening a browser to authorize on Launchpad. If none opens, visit:")
        _say(out, f"\n    {request.url}\n")
        _say(out, f"Waiting for the callback on {launchpad.redirect_uri} (Ctrl-C to cancel)…")
        failure: BasecampError | None = None
        async with anyio.create_task_group() as tg:
            if browser is not None:
                tg.start_soon(_open_browser, browser, request.url)
            try:
                code = await receive_code(
                    listener, path=path, state=request.state, wait_seconds=wait_seconds
                )
            except BasecampError as exc:
                failure = exc
            tg.cancel_scope.cancel()
    finally:
        await listener.aclose()
    if failure is not None:
        raise failure
    token = await launchpad.exchange_code(code, code_verifier=request.code_verifier)
    authorization = await launchpad.fetch_authorization(token)
    return token, authorization


async def _open_browser(browser: Browser, url: str) -> None:
    try:
        # Some browsers block until they exit; the wait for the callback goes on anyway.
        await anyio.to_thread.run_sync(browser, url, abandon_on_cancel=True)
    except Exception as exc:
        logger.warning("could not open a browser: %s", type(exc).__name__)


def choose_account(
    authorization: Authorization, *, requested: int | None, ask: Ask | None
) -> LaunchpadAccount | None:
    """The Basecamp 4 account to store: the requested one, the only one, or asked for;
    ``None`` when there are several and ``ask`` is ``None`` (no terminal)."""
    usable = authorization.basecamp_accounts
    if requested is not None:
        match = next((a for a in authorization.accounts if a.id == requested), None)
        if match is None:
            raise LoginError(
                f"account {requested} is not among the accounts this login can reach",
                hint="pick one of the ids listed above",
            )
        if not match.is_basecamp:
            raise LoginError(
                f"account {requested} is a {match.product or 'non-Basecamp'} account; only "
                "Basecamp 4 accounts (product bc3) work with this client"
            )
        return match
    if not usable:
        raise LoginError(
            "this login can reach no Basecamp 4 account (product bc3)",
            hint="log in as a person who belongs to a Basecamp 4 account",
        )
    if len(usable) == 1:
        return usable[0]
    if ask is None:
        return None  # several, and no one to ask: the caller saves them all undecided
    for _ in range(3):
        answer = ask(f"Which account? [1-{len(usable)}, or an account id]: ").strip()
        if answer.isdigit():
            number = int(answer)
            if 1 <= number <= len(usable):
                return usable[number - 1]
            chosen = next((a for a in usable if a.id == number), None)
            if chosen is not None:
                return chosen
    raise LoginError("no account was chosen", hint="choose one with --account ID")


def describe_accounts(authorization: Authorization) -> list[str]:
    who = authorization.identity
    email = f" <{who.email_address}>" if who.email_address else ""
    lines = [f"Logged in to Launchpad as {who.name}{email}.", "Accounts:"]
    number = 0
    for account in authorization.accounts:
        name = account.name or "(unnamed)"
        if account.is_basecamp:
            number += 1
            lines.append(f"  [{number}] {account.id:<12} {name}  (Basecamp 4)")
        else:
            product = account.product or "unknown product"
            lines.append(f"      {account.id:<12} {name}  ({product}; not usable here)")
    if not authorization.accounts:
        lines.append("  (none)")
    return lines


def login(
    settings: LoginSettings,
    *,
    out: TextIO,
    ask: Ask | None = None,
    browser: Browser | None = None,
) -> StoredLogin:
    """Run the whole login and write the token file; returns what was stored.

    ``browser(url)`` opens the authorization URL (default: :func:`webbrowser.open`);
    it is not called when ``settings.open_browser`` is false.
    """
    token, authorization = anyio.run(
        lambda: authorize(
            settings.launchpad,
            out=out,
            browser=(browser or webbrowser.open) if settings.open_browser else None,
            wait_seconds=settings.timeout,
        )
    )
    for line in describe_accounts(authorization):
        _say(out, line)
    account = choose_account(authorization, requested=settings.account_id, ask=ask)
    who = authorization.identity
    launchpad = settings.launchpad
    stored = StoredLogin(
        accounts=tuple((a.id, a.name) for a in authorization.basecamp_accounts),
        token=token,
        client_id=launchpad.client_id,
        client_secret=launchpad.client_secret if settings.save_client_secret else None,
        redirect_uri=launchpad.redirect_uri,
        grant_style=launchpad.grant_style,
        endpoints=launchpad.endpoints,
        account_id=account.id if account else None,
        account_name=account.name if account else None,
        identity={
            k: v
            for k, v in (("id", who.id), ("name", who.name), ("email_address", who.email_address))
            if v is not None
        },
    )
    replaced = settings.token_file.expanduser().exists()
    path = write_token_file(settings.token_file, stored)
    private = f"(readable only by you{'; replaced the previous file' if replaced else ''})"
    if account is None:
        _say(
            out,
            f"Saved the tokens to {path} {private}, with no default account: this login "
            f"reaches {len(stored.accounts)} Basecamp 4 accounts and there is no terminal to "
            "ask which. Pick one per use with --account ID (or BASECAMP_ACCOUNT_ID), or log "
            "in again with --account ID to make it the default.",
        )
    else:
        _say(
            out,
            f"Saved the tokens for account {account.id} ({account.name or 'unnamed'}) to "
            f"{path} {private}.",
        )
    _say(
        out,
        f'Use them with: AsyncBasecamp.from_token_file("{path}", user_agent="…"), or the '
        "basecamp command (pip install 'basecamp-client[cli]').",
    )
    return stored


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


# -- command line ------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-id", help="your integration's client id [$BASECAMP_CLIENT_ID]")
    parser.add_argument(
        "--client-secret",
        help="your integration's client secret; prefer $BASECAMP_CLIENT_SECRET, since "
        "command lines are visible to other users (asked for when neither is set)",
    )
    parser.add_argument(
        "--redirect-uri",
        help="the redirect URI registered for the integration, http://localhost:PORT/PATH "
        "[$BASECAMP_REDIRECT_URI]",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        help="where to store the tokens [$BASECAMP_TOKEN_FILE, else "
        "~/.config/basecamp-client/token.json]",
    )
    parser.add_argument("--account", type=int, metavar="ID", help="the account to store")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="print the authorization URL instead of opening a browser",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the browser (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--grant-style",
        choices=GRANT_STYLES,
        default="legacy",
        help="legacy: Launchpad's type=web_server/refresh fields (default); standard: "
        "RFC 6749 grant_type fields",
    )
    parser.add_argument(
        "--pkce",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="send a PKCE challenge (default: with --grant-style standard only)",
    )
    parser.add_argument(
        "--save-client-secret",
        action="store_true",
        help="also store the client secret in the token file, so refreshing needs nothing else",
    )
    parser.add_argument(
        "--launchpad-url",
        metavar="URL",
        help="another Launchpad origin, e.g. a test server [$BASECAMP_LAUNCHPAD_URL]",
    )
    for name, what in (
        ("authorize", "the browser's authorization page"),
        ("token", "the token endpoint"),
        ("identity", "authorization.json"),
    ):
        parser.add_argument(
            f"--{name}-url", metavar="URL", help=f"override the URL of {what} alone"
        )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")


def settings_from_args(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    interactive: bool,
) -> LoginSettings:
    client_id = args.client_id or environ.get("BASECAMP_CLIENT_ID")
    if not client_id:
        raise UsageError("the client id is missing: pass --client-id or set BASECAMP_CLIENT_ID")
    redirect_uri = args.redirect_uri or environ.get("BASECAMP_REDIRECT_URI")
    if not redirect_uri:
        raise UsageError(
            "the redirect URI is missing: pass --redirect-uri (e.g. "
            "http://localhost:8765/callback) or set BASECAMP_REDIRECT_URI"
        )
    secret = args.client_secret or environ.get("BASECAMP_CLIENT_SECRET")
    if not secret and interactive:
        secret = getpass.getpass("Client secret: ")
    if not secret and args.grant_style == "legacy":
        raise UsageError(
            "the client secret is missing: set BASECAMP_CLIENT_SECRET or pass --client-secret"
        )
    base = args.launchpad_url or environ.get("BASECAMP_LAUNCHPAD_URL")
    endpoints = LaunchpadEndpoints.at(base) if base else LaunchpadEndpoints()
    overrides = {
        f"{name}_url": value
        for name in ("authorize", "token", "identity")
        if (value := getattr(args, f"{name}_url"))
    }
    if overrides:
        endpoints = attrs.evolve(endpoints, **overrides)
    if not args.timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    launchpad = LaunchpadClient(
        client_id=client_id,
        client_secret=secret or None,
        redirect_uri=redirect_uri,
        endpoints=endpoints,
        grant_style=args.grant_style,
        pkce=args.pkce,
    )
    return LoginSettings(
        launchpad=launchpad,
        token_file=args.token_file or default_token_file(environ),
        account_id=args.account,
        open_browser=not args.no_browser,
        timeout=args.timeout,
        save_client_secret=args.save_client_secret,
    )


def run(args: argparse.Namespace) -> int:
    """The ``login`` command; returns the process exit code."""
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    interactive = sys.stdin.isatty()
    try:
        settings = settings_from_args(args, environ=os.environ, interactive=interactive)
        login(settings, out=sys.stdout, ask=input if interactive else None)
    except BasecampError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("login cancelled", file=sys.stderr)
        return 130
    return 0
