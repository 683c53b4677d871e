"""A fake Launchpad on 127.0.0.1: authorize (auto-approving), token, authorization.json.

It speaks both dialects (``type=web_server|refresh`` and ``grant_type=…``), checks
PKCE, keeps codes single-use, and records every request so tests can look at what was
sent. ``browse(url)`` plays the browser: it opens the authorization URL here and
follows the redirect to the application's callback.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "client-abc"
CLIENT_SECRET = "s3cret-client-value-0123456789"

ACCOUNTS = [
    {
        "product": "bc3",
        "id": 99999999,
        "name": "Honcho Design",
        "href": "https://3.basecampapi.com/99999999",
        "app_href": "https://3.basecamp.com/99999999",
    },
    {
        "product": "bcx",
        "id": 1234567,
        "name": "Old Classic",
        "href": "https://basecamp.com/1234567/api/v1",
        "app_href": "https://basecamp.com/1234567",
    },
]


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    text: str


def fetch(method: str, url: str) -> Page:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/")
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Page(response.status, headers, response.read().decode())
    finally:
        connection.close()


class FakeLaunchpad:
    def __init__(self) -> None:
        self.redirect_uris: set[str] = set()
        self.codes: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: set[str] = set()
        self.access_tokens: set[str] = set()
        self.accounts: list[dict[str, Any]] = list(ACCOUNTS)
        self.requests: list[dict[str, Any]] = []
        self.issued: list[dict[str, Any]] = []
        self.issued_codes: list[str] = []
        self.deny = False
        self.expires_in = 1209600
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the browser ----------------------------------------------------------------

    def browse(self, url: str, *, state: str | None = None) -> Page:
        """Open the authorization URL, approve, and follow the redirect to the callback
        (with ``state`` replaced when given, to play a forged callback).

        Uses http.client rather than httpx so that the test's browser adds nothing to
        the captured logs, which are searched for leaked secrets.
        """
        approval = fetch("GET", url)
        assert approval.status == 302, approval.text
        location = approval.headers["location"]
        if state is not None:
            parts = urlsplit(location)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query["state"] = state
            location = parts._replace(query=urlencode(query)).geturl()
        return fetch("GET", location)

    # -- the server -----------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append(
                    {
                        "method": "GET",
                        "path": parts.path,
                        "query": query,
                        "headers": dict(self.headers),
                    }
                )
                if parts.path == "/authorization/new":
                    self._authorize(query)
                elif parts.path == "/authorization.json":
                    self._identity()
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                fake.requests.append(
                    {
                        "method": "POST",
                        "path": parts.path,
                        "query": parts.query,
                        "form": form,
                        "headers": dict(self.headers),
                    }
                )
                if parts.path == "/authorization/token":
                    self._token(form)
                else:
                    self._json(404, {"error": "not found"})

            def _authorize(self, q: dict[str, str]) -> None:
                legacy = q.get("type") == "web_server"
                if not legacy and q.get("response_type") != "code":
                    self._json(400, {"error": "unsupported_response_type"})
                    return
                if q.get("client_id") != CLIENT_ID:
                    self._json(400, {"error": "invalid_client"})
                    return
                redirect = q.get("redirect_uri", "")
                if fake.redirect_uris and redirect not in fake.redirect_uris:
                    self._json(400, {"error": "redirect_uri mismatch"})
                    return
                if fake.deny:
                    target = {"error": "access_denied", "state": q.get("state", "")}
                else:
                    code = "code-" + secrets.token_hex(8)
                    with fake.lock:
                        fake.issued_codes.append(code)
                        fake.codes[code] = {
                            "redirect_uri": redirect,
                            "challenge": q.get("code_challenge"),
                        }
                    target = {"code": code, "state": q.get("state", "")}
                self.send_response(302)
                self.send_header("Location", f"{redirect}?{urlencode(target)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _token(self, f: dict[str, str]) -> None:
                if f.get("client_id") != CLIENT_ID or f.get("client_secret") != CLIENT_SECRET:
                    self._json(401, {"error": "invalid_client"})
                    return
                grant = f.get("type") or f.get("grant_type")
                if grant in ("web_server", "authorization_code"):
                    with fake.lock:
                        issued = fake.codes.pop(f.get("code", ""), None)
                    if issued is None or issued["redirect_uri"] != f.get("redirect_uri"):
                        self._json(400, {"error": "invalid_grant"})
                        return
                    if issued["challenge"] is not None:
                        verifier = f.get("code_verifier", "")
                        digest = hashlib.sha256(verifier.encode()).digest()
                        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                        if expected != issued["challenge"]:
                            self._json(400, {"error": "invalid_grant"})
                            return
                    refresh = "refresh-" + secrets.token_hex(16)
                    with fake.lock:
                        fake.refresh_tokens.add(refresh)
                    self._issue(refresh)
                elif grant in ("refresh", "refresh_token"):
                    if f.get("refresh_token") not in fake.refresh_tokens:
                        self._json(400, {"error": "invalid_grant"})
                        return
                    self._issue(None)
                else:
                    self._json(400, {"error": "unsupported_grant_type"})

            def _issue(self, refresh: str | None) -> None:
                access = "access-" + secrets.token_hex(16)
                payload: dict[str, Any] = {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": fake.expires_in,
                }
                if refresh is not None:
                    payload["refresh_token"] = refresh
                with fake.lock:
                    fake.access_tokens.add(access)
                    fake.issued.append(payload)
                self._json(200, payload)

            def _identity(self) -> None:
                auth = self.headers.get("authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in fake.access_tokens:
                    self._json(401, {"error": "invalid_token"})
                    return
                self._json(
                    200,
                    {
                        "expires_at": "2026-02-16T12:00:00-06:00",
                        "identity": {
                            "id": 9999999,
                            "first_name": "Jason",
                            "last_name": "Fried",
                            "email_address": "jason@example.com",
                        },
                        "accounts": fake.accounts,
                    },
                )

            def _json(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def running_launchpad() -> Iterator[FakeLaunchpad]:
    fake = FakeLaunchpad()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
