"""The client core: what a client shares across accounts, and the entry points of every
request.

:class:`ClientCore` holds the configuration, connection pool, credentials, HTTP cache,
back-pressure and hooks of one client, opens the transport (at once, or on the first
request when the backend depends on the async library running it), reopens it in a
forked child, and closes it all. :class:`~.session.AccountSession` binds it to one
account. Every request goes through :meth:`ClientCore.execute` (an operation, decoded:
:mod:`.execution`) or :meth:`ClientCore.open_stream` (a response left open), and both
through the retry loop (:mod:`.attempts`); hooks and logging are :mod:`.observe`'s.
"""

from __future__ import annotations

import os
import random as _random
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .attempts import send
from .cache import CacheStore, MemoryCache, SharedCacheStore
from .clock import SYSTEM_CLOCK, Clock
from .config import Config
from .credentials import Credentials, StaticCredentials, make_credentials
from .deadlines import CallDeadline
from .errors import UsageError
from .execution import run_operation
from .hooks import Hooks, PageFetched, emit
from .links import origin
from .logs import configure_from_env
from .observe import observed_operation
from .operation import Operation
from .request_body import UploadBody
from .retry import RetryPolicy
from .retry import policy_for as _policy_for
from .streams import OpenStream, Streaming
from .throttle import Throttle
from .transport import (
    Content,
    NetworkEnvironment,
    Transport,
    choose_backend,
    open_transport,
    read_environment,
)

T = TypeVar("T")

# Live cores, so that a forked child can drop the pools it inherited.
_CORES: weakref.WeakSet[ClientCore] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for core in list(_CORES):
        core._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# Pools and loops a forked child inherited: never used again, never collected (their
# finalisers would touch sockets and loops that belong to the parent).
ABANDONED: list[object] = []


class ClientCore:
    """Account-independent state of one client: config, pool, credentials, cache."""

    def __init__(
        self,
        config: Config,
        *,
        transport: Any = None,
        token_provider: Any = None,
        auth: Any = None,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        cache_store: CacheStore | SharedCacheStore | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        configure_from_env()
        self.config = config
        self.origin = origin(config.base_url)
        #: Check decoded models against their annotations (``strict=True``): per client,
        #: so clients with different settings share the generated decoders.
        self.strict = config.strict
        base_headers = {
            "User-Agent": config.full_user_agent,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }
        self.credentials: Credentials = make_credentials(
            base_headers,
            access_token=config.access_token,
            token_provider=token_provider,
            auth=auth,
        )
        self.clock: Clock = clock if clock is not None else SYSTEM_CLOCK
        self.random: Callable[[], float] = random if random is not None else _random.random
        self.hooks: Hooks | None = hooks if hooks else None
        #: A store shared by processes (RedisCacheStore): validators and raw bodies,
        #: behind this process's memory cache of decoded results.
        self.shared_cache: SharedCacheStore | None = None
        if isinstance(cache_store, SharedCacheStore):
            self.shared_cache, cache_store = cache_store, None
        self.cache: CacheStore | None = cache_store
        if cache_store is None and (config.cache or self.shared_cache is not None):
            self.cache = MemoryCache(
                max_entries=config.cache_max_entries, max_bytes=config.cache_max_bytes
            )
        # Each attempt's limit on its total time (see Config.attempt_timeout).
        self.attempt_timeout = config.attempt_timeout
        self.attempt_message = (
            f"no complete answer within {self.attempt_timeout:g}s, the limit for one attempt"
        )
        shared = None
        if config.shared_limits is not None:
            # Imported only when used: it brings in redis-py.
            from .shared_limits import RedisLimits, default_key

            shared = RedisLimits(
                config.shared_limits,
                config.shared_limits_key or default_key(config.base_url),
                max_retry_after=config.max_retry_after,
            )
        self.throttle = Throttle(
            self.clock,
            rate_limit=config.rate_limit,
            max_in_flight=config.max_in_flight,
            max_retry_after=config.max_retry_after,
            shared=shared,
        )
        static = self.credentials
        #: The headers of credentials that never change, prepared once (else None).
        self.static_prepared = static.prepared if isinstance(static, StaticCredentials) else None
        self._transport_arg = transport
        self._closed = False
        #: The backend in use ("aiohttp" or "httpx"); None until chosen.
        self.backend: str | None = None
        injected = transport is not None
        choose_backend(config.http_backend, injected=injected)  # refuse bad combinations now
        # Proxies and CA locations, read from the environment once, now (an injected
        # transport brings its own).
        self._network: NetworkEnvironment | None = None
        if not injected:
            self._network = read_environment(trust_env=config.trust_env, proxy=config.proxy)
        # Built now, outside any event loop: creating the TLS context takes a while
        # and would otherwise stall the loop on the first request.
        self._ssl = config.ssl_context
        if self._ssl is None and self._network is not None and config.base_url.startswith("https:"):
            self._ssl = self._network.ssl_context()
        # "auto" without an injected transport waits for the first request to see which
        # async library runs it.
        self._http: Transport | None = None
        if injected or config.http_backend != "auto":
            self._http = self._open()
        _CORES.add(self)

    # -- lifecycle -------------------------------------------------------------------

    def _open(self) -> Transport:
        c = self.config
        backend = choose_backend(c.http_backend, injected=self._transport_arg is not None)
        http = open_transport(
            backend,
            timeout=c.timeout,
            connect_timeout=c.connect_timeout,
            max_connections=c.max_connections,
            max_keepalive_connections=c.max_keepalive_connections,
            keepalive_expiry=c.keepalive_expiry,
            transport=self._transport_arg,
            ssl_context=self._ssl,
            network=self._network,
            max_response_bytes=c.max_response_bytes,
        )
        self.backend = backend
        return http

    @property
    def http(self) -> Transport:
        """The connection pool (reopened in a forked child, which cannot share the
        parent's sockets)."""
        http = self._http
        if http is None:
            if self._closed:
                raise UsageError("the client is closed; create a new one")
            http = self._http = self._open()
        return http

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        http, self._http = self._http, None
        try:
            if http is not None:
                await http.aclose()
        finally:
            await self.throttle.aclose()
            if self.shared_cache is not None:
                await self.shared_cache.aclose()

    def _after_fork(self) -> None:
        # The inherited pool's sockets are shared with the parent: never touch them.
        if self._http is not None:
            ABANDONED.append(self._http)
            self._http = None
        self.throttle.reset()
        reset = getattr(self.cache, "reset_lock", None)
        if reset is not None:
            reset()
        if self.shared_cache is not None:
            self.shared_cache.reset()

    # -- the request path ------------------------------------------------------------

    def policy(self, op: Operation, *, replayable_body: bool = True) -> RetryPolicy:
        c = self.config
        return _policy_for(
            op,
            max_attempts=c.max_attempts,
            base_delay=c.base_delay,
            retry_on=c.retry_on,
            max_delay=c.max_delay,
            max_retry_after=c.max_retry_after,
            replayable_body=replayable_body,
        )

    async def execute(
        self,
        op: Operation,
        url: str,
        decode: Callable[[Any], T] | None,
        *,
        content: Content | UploadBody = None,
        content_type: str | None = None,
        raw: bool = False,
        replayable: bool = True,
        store: bool = True,
        deadline: CallDeadline | None = None,
    ) -> T:
        """Run one operation: send (with retries), then decode the response.

        ``decode`` gets the parsed JSON (or, with ``raw=True``, the
        :class:`HttpResponse`); ``None`` ignores the body. GETs go through the HTTP
        cache: a 304 returns the stored decoded result without decoding again.
        ``replayable=False`` marks a streamed body that cannot be sent twice; an
        :class:`UploadBody` says for itself whether it can (see :func:`.attempts.send`).
        ``store=False`` revalidates against the cache but adds nothing to it (streamed
        list pages). ``deadline`` bounds the whole call (see :mod:`.deadlines`).
        """
        running = run_operation(
            self, op, url, decode, content, content_type, raw, replayable, store, deadline
        )
        hooks = self.hooks
        if hooks is None or not (hooks.on_operation_start or hooks.on_operation_end):
            return (await running)[0]
        return await observed_operation(hooks, self.clock, op, url, running)

    async def open_stream(
        self,
        op: Operation,
        url: str,
        *,
        anonymous: Mapping[str, str] | None = None,
        redirect: bool = False,
        deadline: CallDeadline | None = None,
    ) -> OpenStream:
        """Like :meth:`execute` for a body-less request, but the successful response is
        returned open, its body unread (close it with ``aclose()``).

        ``anonymous`` replaces the credential headers with exactly these headers (for a
        host that must not see the client's credentials: no throttling, no 401 replay,
        and the URL's query is left out of logs, hooks and errors). ``redirect=True``
        also returns a 3xx answer, for the caller to follow or refuse. The attempt's time
        limit covers the response head only; ``deadline`` bounds the opening.
        """
        opened: OpenStream
        opened, _prepared, _entry = await send(
            self, op, url, None, None, None, True, Streaming(anonymous, redirect), deadline
        )
        return opened

    async def page_fetched(self, event: PageFetched) -> None:
        hooks = self.hooks
        if hooks is not None and hooks.on_page:
            await emit(hooks.on_page, event)
