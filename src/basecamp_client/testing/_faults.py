"""Fault injection: rate limits, server errors, dropped connections, slow answers, an
inactive account. Programmed by tests through ``fake.faults``."""

from __future__ import annotations

import fnmatch
import math
import threading
from typing import Literal

from ._clock import FakeClock

Target = Literal["api", "storage", "any"]


class _Rule:
    __slots__ = (
        "action",
        "method",
        "pattern",
        "remaining",
        "retry_after",
        "seconds",
        "status",
        "target",
    )

    def __init__(
        self,
        action: str,
        *,
        count: int | None,
        path: str | None,
        method: str | None,
        target: Target,
        status: int = 0,
        seconds: float = 0.0,
        retry_after: float | None = None,
    ) -> None:
        if count is not None and (isinstance(count, bool) or count < 1):
            raise ValueError(f"count must be a positive integer or None, got {count!r}")
        if target not in ("api", "storage", "any"):
            raise ValueError(f"target must be 'api', 'storage' or 'any', got {target!r}")
        self.action = action
        self.remaining = count
        self.pattern = path
        self.method = method.upper() if method else None
        self.target = target
        self.status = status
        self.seconds = seconds
        self.retry_after = retry_after

    def matches(self, method: str, path: str, relative: str, target: str) -> bool:
        if self.remaining == 0:
            return False
        if self.target != "any" and self.target != target:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.pattern is None or any(
            fnmatch.fnmatchcase(p, self.pattern) for p in (path, relative)
        )

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


class Decision:
    """What the faults say about one request, before it is handled."""

    __slots__ = ("delay", "reset", "retry_after", "status")

    def __init__(self) -> None:
        self.status = 0  # answer with this error status instead of handling the request
        self.retry_after: float | None = None
        self.reset: str | None = None  # "before" or "after"
        self.delay = 0.0


class Faults:
    """Programmable failures. Each method returns ``self`` so calls can be chained.

    ``path`` is a glob matched against the request path, with or without the account
    prefix (``"/todos/*"`` and ``"/1000001/todos/*"`` both work); ``count=None`` means
    until :meth:`clear`.
    """

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._limit: tuple[int, float, float | None] | None = None
        self._window_start = 0.0
        self._window_count = 0
        self.inactive = False

    def rate_limit(
        self, requests: int, per: float = 10.0, *, retry_after: float | None = None
    ) -> Faults:
        """Answer 429 with ``Retry-After`` once ``requests`` arrive within ``per`` seconds.

        ``Retry-After`` is the time left in the window unless ``retry_after`` fixes it.
        """
        if isinstance(requests, bool) or requests < 1 or per <= 0:
            raise ValueError("rate_limit needs requests >= 1 and per > 0")
        with self._lock:
            self._limit = (requests, float(per), retry_after)
            self._window_start = self._clock.monotonic()
            self._window_count = 0
        return self

    def fail(
        self,
        count: int | None = 1,
        *,
        status: int = 503,
        path: str | None = None,
        method: str | None = None,
        retry_after: float | None = None,
        target: Target = "api",
    ) -> Faults:
        """Answer the next ``count`` matching requests with ``status`` (not applied)."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an error status (4xx/5xx), got {status!r}")
        return self._add(
            _Rule(
                "fail",
                count=count,
                path=path,
                method=method,
                target=target,
                status=status,
                retry_after=retry_after,
            )
        )

    def reset_connections(
        self,
        count: int | None = 1,
        *,
        when: Literal["before", "after"] = "after",
        path: str | None = None,
        method: str | None = None,
        target: Target = "api",
    ) -> Faults:
        """Drop the connection on the next ``count`` matching requests.

        ``when="after"``: the request is applied and the answer is lost (the hard case
        for writes); ``when="before"``: the request never arrives.
        """
        if when not in ("before", "after"):
            raise ValueError(f"when must be 'before' or 'after', got {when!r}")
        return self._add(_Rule(when, count=count, path=path, method=method, target=target))

    def slow(
        self,
        seconds: float,
        count: int | None = None,
        *,
        path: str | None = None,
        method: str | None = None,
        target: Target = "api",
    ) -> Faults:
        """Hold matching answers back ``seconds``. In process no real time passes: the fake's
        clock moves, and a client whose read timeout is shorter gets a read timeout."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds!r}")
        return self._add(
            _Rule("slow", count=count, path=path, method=method, target=target, seconds=seconds)
        )

    def account_inactive(self, inactive: bool = True) -> Faults:
        """Answer every API request 404 with ``Reason: Account Inactive``."""
        self.inactive = inactive
        return self

    def clear(self) -> Faults:
        with self._lock:
            self._rules.clear()
            self._limit = None
            self.inactive = False
        return self

    def _add(self, rule: _Rule) -> Faults:
        with self._lock:
            self._rules.append(rule)
        return self

    @property
    def active(self) -> bool:
        return bool(self._rules) or self._limit is not None or self.inactive

    def decide(self, method: str, path: str, relative: str, target: str) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path, relative, target):
                    continue
                if rule.action == "before" and decision.reset is None and not decision.status:
                    decision.reset = "before"
                    rule.consume()
                elif rule.action == "fail" and not decision.status and decision.reset is None:
                    decision.status = rule.status
                    decision.retry_after = rule.retry_after
                    rule.consume()
                elif rule.action == "after" and decision.reset is None and not decision.status:
                    decision.reset = "after"
                    rule.consume()
                elif rule.action == "slow":
                    decision.delay += rule.seconds
                    rule.consume()
            self._rules = [r for r in self._rules if r.remaining != 0]
            if (
                self._limit is not None
                and target == "api"
                and decision.reset != "before"
                and not decision.status
            ):
                self._rate(decision)
        return decision

    def _rate(self, decision: Decision) -> None:
        assert self._limit is not None
        limit, per, fixed = self._limit
        now = self._clock.monotonic()
        if now - self._window_start >= per:
            self._window_start = now
            self._window_count = 0
        if self._window_count >= limit:
            decision.status = 429
            left = self._window_start + per - now
            decision.retry_after = fixed if fixed is not None else max(1, math.ceil(left))
            return
        self._window_count += 1
