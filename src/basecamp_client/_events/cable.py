"""One WebSocket connection to the live channel, over aiohttp (asyncio only).

The ticket URL is dialled exactly as minted, with the ``actioncable-v1-json``
subprotocol and no ``Origin`` header; a redirect is refused (the URL must not move),
inbound frames are capped while they are read, and a reader task moves frames into a
small bounded queue (back-pressure beyond it) so the connector can ask "is anything
already here?" without waiting. The URL carries the ticket: it never appears in a log,
an error or a repr.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl as _ssl
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .._core.transport.environment import is_loopback
from .machine import StreamSettings

if TYPE_CHECKING:
    import aiohttp

# aiohttp is imported when the first stream connects, never by polling or by
# ``import basecamp_client`` (it costs a few hundred milliseconds to import).

SUBPROTOCOL = "actioncable-v1-json"


class CableUrlError(Exception):
    """The minted URL is not one we may dial (not ``wss://`` off loopback, unparseable)
    or it redirected: never retried."""


class DialError(Exception):
    """The connection could not be made (a refused upgrade, a network failure): back
    off and mint again."""


def check_cable_url(url: object) -> str:
    """``url`` if it is a ``wss://`` URL (``ws://`` only on a loopback host)."""
    if not isinstance(url, str) or not url or not url.isprintable():
        raise CableUrlError("the stream URL is not a URL")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        raise CableUrlError("the stream URL cannot be parsed") from None
    if not host:
        raise CableUrlError("the stream URL has no host")
    if parts.scheme == "wss":
        return url
    if parts.scheme == "ws" and is_loopback(host):
        return url
    raise CableUrlError(
        f"the stream URL must be wss:// (ws:// only on localhost), got {parts.scheme or 'none'}://"
    )


def redacted(url: str) -> str:
    """``url`` without its query (the ticket), for diagnostics."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}" + (
        "?…" if parts.query else ""
    )


class _Redirected(Exception):
    pass


async def _refuse_redirect(*_args: Any) -> None:
    raise _Redirected


# Frames as the reader hands them over: ("text", str) | ("closed", None) | ("error", str)
Item = tuple[str, Any]


class CableConnection:
    """An open WebSocket; :meth:`close` is idempotent and always completes."""

    __slots__ = ("_closed", "_http", "_reader", "_ws", "frames")

    def __init__(
        self,
        http: aiohttp.ClientSession,
        ws: aiohttp.ClientWebSocketResponse[bool],
        read_ahead: int,
    ) -> None:
        self._http = http
        self._ws = ws
        self._closed = False
        self.frames: asyncio.Queue[Item] = asyncio.Queue(maxsize=read_ahead)
        self._reader = asyncio.ensure_future(self._read())

    def __repr__(self) -> str:
        return f"<CableConnection {'closed' if self._closed else 'open'}>"

    async def _read(self) -> None:
        import aiohttp

        ws = self._ws
        try:
            while True:
                msg = await ws.receive()
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self.frames.put(("text", msg.data))
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    await self.frames.put(("error", "a binary frame"))
                    return
                elif msg.type is aiohttp.WSMsgType.ERROR:
                    error = ws.exception()
                    code = getattr(error, "code", None)
                    what = (
                        "a frame larger than the limit"
                        if code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
                        else f"a read error ({type(error).__name__})"
                    )
                    await self.frames.put(("error", what))
                    return
                elif msg.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSING,
                    aiohttp.WSMsgType.CLOSED,
                ):
                    await self.frames.put(("closed", None))
                    return
                # PING/PONG are answered by aiohttp itself
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any failure of the socket ends this connection
            with contextlib.suppress(asyncio.QueueFull):
                self.frames.put_nowait(("error", f"a read error ({type(exc).__name__})"))

    async def send(self, text: str) -> None:
        import aiohttp

        try:
            await self._ws.send_str(text)
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as exc:
            raise DialError(f"sending failed ({type(exc).__name__})") from None

    async def close(self, timeout: float) -> None:
        if self._closed:
            return
        self._closed = True
        self._reader.cancel()
        # Shielded and bounded: a teardown must finish even while being cancelled.
        with contextlib.suppress(BaseException):
            await asyncio.shield(self._finish(timeout))

    async def _finish(self, timeout: float) -> None:
        try:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._ws.close(), timeout)
            with contextlib.suppress(BaseException):
                await self._reader
        finally:
            await self._http.close()


async def dial(
    url: str,
    *,
    settings: StreamSettings,
    user_agent: str,
    ssl_context: _ssl.SSLContext | None,
) -> CableConnection:
    """Open the socket at ``url`` (already checked with :func:`check_cable_url`)."""
    import aiohttp
    import yarl

    trace = aiohttp.TraceConfig()
    trace.on_request_redirect.append(_refuse_redirect)
    http = aiohttp.ClientSession(
        headers={"User-Agent": user_agent},
        trace_configs=[trace],
        timeout=aiohttp.ClientTimeout(total=None, connect=settings.handshake_timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    try:
        ws = await http.ws_connect(
            yarl.URL(url, encoded=True),  # verbatim: no re-quoting of the ticket
            protocols=(SUBPROTOCOL,),
            origin=None,
            autoping=True,
            heartbeat=None,
            max_msg_size=settings.max_frame_bytes,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=settings.close_timeout),
            ssl=ssl_context if ssl_context is not None else True,
            compress=0,
        )
    except _Redirected:
        await http.close()
        raise CableUrlError("the stream URL redirected; it is not followed") from None
    except aiohttp.WSServerHandshakeError as exc:
        await http.close()
        if exc.status in (301, 302, 303, 307, 308):
            raise CableUrlError("the stream URL redirected; it is not followed") from None
        raise DialError(f"the upgrade was refused (HTTP {exc.status})") from None
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
        await http.close()
        raise DialError(f"the connection failed ({type(exc).__name__})") from None
    except BaseException:
        await http.close()
        raise
    return CableConnection(http, ws, settings.read_ahead_frames)
