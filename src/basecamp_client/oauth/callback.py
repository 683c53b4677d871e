"""The one-shot HTTP server on 127.0.0.1 that receives the browser's redirect.

Deliberately tiny: it reads one request line per connection, answers every request
with a fixed page (nothing from the request is echoed back), and stops at the first
request to the callback path. Any other path (a favicon, a probe) gets a 404 and the
wait goes on. A callback whose ``state`` differs from the expected one is refused and
ends the login: it did not come from the authorization this process started.
"""

from __future__ import annotations

import hmac
import logging
import re
from urllib.parse import parse_qs, urlsplit

import anyio
import anyio.abc

from .._core.errors import BasecampError
from .errors import AuthorizationDeniedError, LoginError, OAuthError, StateMismatchError

logger = logging.getLogger("basecamp_client.oauth")

MAX_REQUEST_HEAD = 16 * 1024
READ_TIMEOUT = 10.0
_LOCAL_NAMES = ("localhost", "127.0.0.1")

_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body style='font-family:sans-serif;max-width:36em;margin:4em auto'>"
    "<h1>{title}</h1><p>{text}</p></body></html>"
)


def callback_address(redirect_uri: str) -> tuple[int, str]:
    """The port to listen on and the path to expect, from a local redirect URI."""
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or host not in _LOCAL_NAMES:
        raise LoginError(
            f"the login command receives the callback itself, so the redirect URI must be "
            f"http://localhost:PORT/… or http://127.0.0.1:PORT/…; got {redirect_uri!r}",
            hint="register such a redirect URI for your integration on Launchpad",
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if not port:
        raise LoginError(
            f"the redirect URI {redirect_uri!r} names no port; add one, e.g. "
            "http://localhost:8765/callback"
        )
    return port, parts.path or "/"


async def open_listener(port: int) -> anyio.abc.Listener[anyio.abc.SocketStream]:
    try:
        return await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=port)
    except OSError as exc:
        raise LoginError(
            f"cannot listen on 127.0.0.1:{port} for the callback: {exc.strerror or exc}",
            hint="is another login (or program) using that port? Stop it, or register and "
            "use a redirect URI with another port",
        ) from None


async def receive_code(
    listener: anyio.abc.Listener[anyio.abc.SocketStream],
    *,
    path: str,
    state: str,
    wait_seconds: float,
) -> str:
    """Serve until the callback arrives; its verification code, or a typed error.

    The caller owns (and closes) ``listener``.
    """
    outcome: list[str | BasecampError] = []

    async def handle(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            try:
                result = await _serve_request(stream, path, state)
            except (anyio.EndOfStream, anyio.BrokenResourceError, TimeoutError, OSError):
                return  # a speculative or dropped connection; keep waiting
            except Exception as exc:
                logger.warning("ignored a malformed callback request: %s", type(exc).__name__)
                return
        if result is not None and not outcome:
            outcome.append(result)
            tg.cancel_scope.cancel()

    with anyio.move_on_after(wait_seconds):
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, handle)
    if not outcome:
        raise LoginError(
            f"no callback arrived within {wait_seconds:g} seconds",
            hint="finish the authorization in the browser sooner, or raise --timeout",
        )
    if isinstance(outcome[0], BasecampError):
        raise outcome[0]
    return outcome[0]


async def _serve_request(
    stream: anyio.abc.SocketStream, path: str, state: str
) -> str | BasecampError | None:
    with anyio.fail_after(READ_TIMEOUT):
        head = await _read_head(stream)
    request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    fields = request_line.split(" ")
    if len(fields) != 3:
        await _respond(stream, 400, "Bad request", "This server only receives the login callback.")
        return None
    method, target, _version = fields
    url = urlsplit(target)
    if url.path != path:
        await _respond(stream, 404, "Not found", "This server only receives the login callback.")
        return None
    if method != "GET":
        await _respond(stream, 405, "Method not allowed", "The callback is a GET request.")
        return None
    query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    got_state = query.get("state", "")
    if not hmac.compare_digest(got_state.encode(), state.encode()):
        logger.warning("refused a login callback whose state does not match")
        await _respond(
            stream,
            400,
            "Login refused",
            "This callback does not belong to the login running in your terminal.",
        )
        return StateMismatchError("the callback's state does not match this login")
    if query.get("error"):
        await _respond(stream, 200, "Login cancelled", "You can close this tab.")
        reason = re.sub(r"[^A-Za-z0-9_.-]", "", query["error"])[:100]
        if reason == "access_denied":
            return AuthorizationDeniedError("the authorization was declined in the browser")
        return OAuthError(f"Launchpad reported an error instead of a code: {reason}")
    code = query.get("code", "")
    if not code:
        await _respond(stream, 400, "Login failed", "The callback carried no code.")
        return OAuthError("the callback carried neither a code nor an error")
    await _respond(
        stream,
        200,
        "Logged in",
        "basecamp-client received the authorization. "
        "You can close this tab and return to your terminal.",
    )
    return code


async def _read_head(stream: anyio.abc.SocketStream) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        if len(data) > MAX_REQUEST_HEAD:
            break
        data += await stream.receive(4096)
    return data


async def _respond(stream: anyio.abc.SocketStream, status: int, title: str, text: str) -> None:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    body = _PAGE.format(title=title, text=text).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reasons[status]}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Referrer-Policy: no-referrer\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")
    await stream.send(head + body)
