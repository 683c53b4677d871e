"""The fake's live event channel: a WebSocket server speaking the Action Cable subset the
event stream uses (welcome, subscribe → confirm/reject, pings, message frames with
``visible_to_clients``, disconnect frames), on aiohttp in a background thread.

Each connection follows the next :class:`~._event_feed.ConnectionPlan` (faults:
unauthorized tickets, rejections, missing confirmations, disconnects, garbage or
oversized frames); once confirmed it receives every committed event that matches its
subscription. A failed upgrade (an ``Origin`` header, no ticket) sends no frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from ._event_feed import ConnectionPlan, ConnectionRecord, Row, matches
from ._wire import is_digits

if TYPE_CHECKING:
    from ._app import FakeBasecamp

SUBPROTOCOL = "actioncable-v1-json"
MAX_FRAME = 1024 * 1024


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _filters(identifier: str) -> dict[str, Any] | None:
    try:
        data = json.loads(identifier)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("channel") != "EventsChannel":
        return None
    out: dict[str, Any] = {}
    for name in ("types", "buckets", "creators"):
        raw = data.get(name)
        if raw is None:
            continue
        if not isinstance(raw, str):
            return None
        parts = raw.split(",")
        if name == "types":
            out[name] = parts
        elif all(is_digits(p) for p in parts):
            out[name] = [int(p) for p in parts]
        else:
            return None
    return out


class _Connection:
    def __init__(
        self,
        server: FakeCableServer,
        ws: web.WebSocketResponse,
        record: ConnectionRecord,
        plan: ConnectionPlan,
        person: int,
    ) -> None:
        self.server = server
        self.ws = ws
        self.record = record
        self.plan = plan
        self.person = person
        self.identifier: str | None = None
        self.filters: dict[str, Any] = {}
        self.confirmed = False
        self.outbox: asyncio.Queue[Row] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()

    def push(self, row: Row) -> None:  # called from any thread
        self.loop.call_soon_threadsafe(self.outbox.put_nowait, row)

    async def send(self, value: Any) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.send_str(value if isinstance(value, str) else _dumps(value))

    async def disconnect(self, reason: str, *, by: str = "server") -> None:
        await self.send({"type": "disconnect", "reason": reason, "reconnect": reason == "remote"})
        self.record.closed_by = by
        await self.ws.close()

    async def act(self, action: tuple[Any, ...]) -> None:
        feed = self.server.fake.event_feed
        kind = action[0]
        if kind == "event":
            row = feed.rows[action[1]]
            if not row.committed:
                feed.commit(row.id)  # pushes it to confirmed subscribers
                if self.confirmed:
                    return
            await self.send({"identifier": self.identifier, "message": row.live()})
        elif kind == "disconnect":
            await self.disconnect(action[1])
        elif kind == "raw":
            await self.send(action[1])
        elif kind == "oversized":
            await self.send(_dumps({"type": "ping", "message": "x" * (MAX_FRAME + 16)}))
        elif kind == "close":
            self.record.closed_by = "server"
            await self.ws.close()

    async def pings(self) -> None:
        feed = self.server.fake.event_feed
        while not self.ws.closed:
            await asyncio.sleep(feed.ping_interval)
            await self.send({"type": "ping", "message": int(time.time())})

    async def pushes(self) -> None:
        feed = self.server.fake.event_feed
        while True:
            row = await self.outbox.get()
            if self.confirmed and matches(row, self.filters, self.person, feed.agents):
                await self.send({"identifier": self.identifier, "message": row.live()})

    async def command(self, text: str) -> bool:
        """Handle one client frame; False once the connection is done."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        ident = data.get("identifier") if isinstance(data, dict) else None
        filters = _filters(ident) if isinstance(ident, str) else None
        if not isinstance(data, dict) or data.get("command") != "subscribe" or filters is None:
            await self.disconnect("invalid_event_stream_command")
            return False
        assert isinstance(ident, str)
        self.record.subscribes.append(ident)
        if self.identifier is not None:
            if ident != self.identifier:  # a different subscription on this socket
                await self.send({"identifier": ident, "type": "reject_subscription"})
            return True  # an identical resend is absorbed
        self.identifier, self.filters = ident, filters
        for action in self.plan.before_confirm:
            await self.act(action)
        if self.plan.subscription == "reject":
            await self.send({"identifier": ident, "type": "reject_subscription"})
        elif self.plan.subscription == "confirm":
            if self.plan.push:
                self.server.fake.event_feed.subscribe(self.push)
            self.confirmed = True
            self.record.confirmed = True
            self.record.requests_at_confirm = len(self.server.fake.requests)
            await self.send({"identifier": ident, "type": "confirm_subscription"})
            for action in self.plan.after_confirm:
                await self.act(action)
        return not self.ws.closed


class FakeCableServer:
    """The live channel on ``ws://host:port/cable``; stop it with :meth:`stop` or ``with``."""

    def __init__(self, fake: FakeBasecamp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._connections: set[_Connection] = set()

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def __repr__(self) -> str:
        return f"<FakeCableServer {self.url}/cable>"

    def start(self) -> FakeCableServer:
        if self._thread is not None:
            raise RuntimeError("this cable server is already running")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-cable", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=10)
        self.fake.event_feed.cable_url = self.url
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/cable", self._handle)
        app.router.add_get("/moved", self._moved)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def _moved(self, request: web.Request) -> web.StreamResponse:
        """A stream URL that redirects (clients must not follow it)."""
        raise web.HTTPFound(f"/cable?{request.query_string}")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        feed = self.fake.event_feed
        offered = request.headers.get("Sec-WebSocket-Protocol", "")
        record = ConnectionRecord(
            ticket=request.query.get("ticket", ""),
            origin_header=request.headers.get("Origin"),
            subprotocols=tuple(p.strip() for p in offered.split(",") if p.strip()),
        )
        with feed.lock:
            feed.connections.append(record)
        if record.origin_header is not None:
            return web.Response(status=403, text="cross-origin WebSocket refused")
        if not record.ticket:
            return web.Response(status=401, text="a ticket is required")
        plan = feed.next_plan()
        ws = web.WebSocketResponse(protocols=(SUBPROTOCOL,), autoping=True, max_msg_size=MAX_FRAME)
        await ws.prepare(request)
        person = feed.redeem(record.ticket, self.fake.clock.monotonic())
        conn = _Connection(self, ws, record, plan, person or 0)
        if plan.unauthorized or person is None:
            await conn.disconnect("unauthorized")
            return ws
        if not plan.welcome:
            await ws.receive()  # silence until the client gives up
            return ws
        self._connections.add(conn)
        tasks = [asyncio.ensure_future(conn.pings()), asyncio.ensure_future(conn.pushes())]
        try:
            await conn.send({"type": "welcome"})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT or not await conn.command(msg.data):
                    break
        finally:
            feed.unsubscribe(conn.push)
            self._connections.discard(conn)
            for task in tasks:
                task.cancel()
            if record.closed_by is None:
                record.closed_by = "client"
            await ws.close()
        return ws

    # -- controls (any thread) ----------------------------------------------------------

    def _run(self, coro: Any) -> None:
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def disconnect_all(self, reason: str = "remote") -> None:
        """Send ``disconnect`` with ``reason`` on every open connection and close them."""

        async def go() -> None:
            for conn in list(self._connections):
                await conn.disconnect(reason)

        self._run(go())

    def send_all(self, text: str) -> None:
        """Send a raw text frame on every open connection."""

        async def go() -> None:
            for conn in list(self._connections):
                await conn.send(text)

        self._run(go())

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def down() -> None:
            for conn in list(self._connections):
                with contextlib.suppress(Exception):
                    await conn.ws.close()
            if self._runner is not None:
                await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(down(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None
        if self.fake.event_feed.cable_url == self.url:
            self.fake.event_feed.cable_url = None

    def __enter__(self) -> FakeCableServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
