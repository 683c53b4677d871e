""":class:`FakeBasecamp`: the fake account's face for tests: its state (seeded or empty),
tokens, people and projects, the event feed, and the adapters that serve it (httpx
transport, HTTP server, live channel). :class:`~._pipeline.RequestPipeline` answers
the requests.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._clock import FakeClock
from ._faults import Faults
from ._pagination import GEARS
from ._pipeline import LoggedRequest, RequestPipeline
from ._resources.people import new_person
from ._resources.projects import new_project
from ._store import Store
from ._wire import FakeRequest, FakeResponse

if TYPE_CHECKING:
    from ._cable import FakeCableServer
    from ._event_feed import FakeEventFeed
    from ._httpx import FakeTransport
    from ._server import FakeServer

DEFAULT_ACCOUNT_ID = 1_000_001


class FakeBasecamp:
    """An in-memory, stateful Basecamp 4 for tests, demos and local development.

    >>> fake = FakeBasecamp.with_sample_data()
    >>> client = AsyncBasecamp(access_token="any", user_agent="Tests (me@example.com)",
    ...                        transport=fake.transport())
    >>> account = client.for_account(fake.account_id)

    Any bearer token is accepted unless ``tokens`` lists the valid ones (a list, or a
    mapping from token to the id of the person it authenticates).

    Operations the fake does not model (card tables, timesheets, …) answer with a response
    made up from the API description, the same for the same request and ``seed``; their
    lists hold ``generated_items`` items (default: a seeded number from 1 to 20).
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        sample_data: bool | None = None,
        account_id: int = DEFAULT_ACCOUNT_ID,
        tokens: Iterable[str] | Mapping[str, int] | None = None,
        clock: FakeClock | None = None,
        page_sizes: tuple[int, ...] = GEARS,
        request_log_size: int = 1000,
        generated_items: int | None = None,
    ) -> None:
        if isinstance(account_id, bool) or not isinstance(account_id, int) or account_id <= 0:
            raise ValueError(f"account_id must be a positive integer, got {account_id!r}")
        if not page_sizes or any(isinstance(n, bool) or n < 1 for n in page_sizes):
            raise ValueError(f"page_sizes must be positive integers, got {page_sizes!r}")
        if generated_items is not None and (
            isinstance(generated_items, bool)
            or not isinstance(generated_items, int)
            or not 0 <= generated_items <= 10_000
        ):
            raise ValueError(
                f"generated_items must be an integer from 0 to 10000, got {generated_items!r}"
            )
        self.clock = clock if clock is not None else FakeClock()
        self.faults = Faults(self.clock)
        self._lock = threading.RLock()
        seeded = seed is not None or bool(sample_data)
        seed = 0 if seed is None else seed
        # Seeded fakes sign ids and URLs with a key derived from the seed, so the same seed
        # gives byte-identical payloads; an unseeded fake uses a random key.
        secret = (
            hashlib.sha256(f"basecamp-fake/{seed}".encode()).digest()
            if seeded
            else secrets.token_bytes(32)
        )
        store = Store(account_id, self.clock, secret=secret)
        store.seed = seed
        store.generated_items = generated_items
        self._store = store
        self._pipeline = RequestPipeline(
            store,
            self.clock,
            self.faults,
            lock=self._lock,
            page_sizes=tuple(page_sizes),
            request_log_size=request_log_size,
        )
        if seeded:
            from ._sample import populate

            populate(store, seed)
        else:
            store.account_created_at = store.now()
            owner = new_person(
                store,
                "Fake Owner",
                "owner@basecamp-fake.test",
                admin=True,
                owner=True,
                title="Account owner",
                company=(store.next_id(), "Fake Basecamp"),
            )
            store.owner_id = owner.id
        if tokens is not None:
            self._pipeline.tokens = {}
            items = tokens.items() if isinstance(tokens, Mapping) else ((t, 0) for t in tokens)
            for token, person_id in items:
                self.add_token(token, person_id or None)

    @classmethod
    def with_sample_data(cls, seed: int = 0, **options: Any) -> FakeBasecamp:
        """A fake account with a few people and projects, to-dos, messages and a chat."""
        return cls(seed=seed, **options)

    def __repr__(self) -> str:
        return f"<FakeBasecamp account_id={self.account_id}>"

    # ---------------------------------------------------------------------- public API

    @property
    def account_id(self) -> int:
        return self._store.account_id

    @property
    def owner_id(self) -> int:
        """The person every accepted token acts as, unless a token maps to someone else."""
        return self._store.owner_id

    @property
    def store(self) -> Store:
        """The raw state, for tests that need to look behind the API."""
        return self._store

    def add_token(self, token: str, person_id: int | None = None) -> None:
        """Accept ``token`` (as ``person_id``, default the owner). Once a token is added,
        only added tokens are accepted."""
        if not token:
            raise ValueError("token must be a non-empty string")
        with self._lock:
            pid = self.owner_id if person_id is None else person_id
            if pid not in self._store.people:
                raise ValueError(f"no person with id {pid}")
            if self._pipeline.tokens is None:
                self._pipeline.tokens = {}
            self._pipeline.tokens[token] = pid

    def add_person(self, name: str, email_address: str, **fields: Any) -> int:
        """Add someone to the account (by default in the owner's company); returns their id."""
        with self._lock:
            owner = self._store.people[self.owner_id].data
            fields.setdefault("company", (owner["company_id"], owner["company_name"]))
            return new_person(self._store, name, email_address, **fields).id

    def add_project(self, name: str, description: str = "", *, people: Iterable[int] = ()) -> int:
        """Create a project (with its dock of tools) as the owner; returns its id."""
        with self._lock:
            project = new_project(
                self._store,
                name,
                description,
                creator_id=self.owner_id,
                people=list(people),
            )
            return project.id

    @property
    def event_feed(self) -> FakeEventFeed:
        """The account event feed: add events, program faults, plan live connections."""
        from ._event_feed import feed_for

        return feed_for(self._store)

    def serve_cable(self, *, host: str = "127.0.0.1", port: int = 0) -> FakeCableServer:
        """Serve the live event channel (WebSocket) on ``host`` in a background thread;
        minted stream tickets point at it from then on. Use as a context manager."""
        from ._cable import FakeCableServer

        return FakeCableServer(self, host=host, port=port).start()

    @property
    def requests(self) -> list[LoggedRequest]:
        """Requests received so far, oldest first (the last ``request_log_size`` of them)."""
        with self._lock:
            return list(self._pipeline.log)

    def clear_requests(self) -> None:
        with self._lock:
            self._pipeline.log.clear()

    def transport(self) -> FakeTransport:
        """An httpx transport answering from this fake, for ``httpx.Client``,
        ``httpx.AsyncClient`` and ``AsyncBasecamp(transport=…)``/``Basecamp(transport=…)``."""
        from ._httpx import FakeTransport

        return FakeTransport(self)

    def serve(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        storage_port: int = 0,
        server: str = "auto",
    ) -> FakeServer:
        """Serve this fake over HTTP on ``host`` (port 0 picks a free port), in a background
        thread; use as a context manager. ``server`` is ``"uvicorn"``, ``"stdlib"`` or
        ``"auto"`` (uvicorn when installed)."""
        from ._server import FakeServer

        return FakeServer(
            self, host=host, port=port, storage_port=storage_port, server=server
        ).start()

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one request. Thread-safe; never blocks (delays are the adapter's job)."""
        return self._pipeline.handle(request)
