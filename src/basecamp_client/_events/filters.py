"""Feed and inbox filters: checked once, sent as comma-joined query values, and
turned into the live channel's subscribe identifier and the checkpoint's filter key.

Values are normalised (deduplicated, sorted) so that the same filters always give the
same query, the same identifier and the same digest, whatever order the caller used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import attrs

from .._core.errors import UsageError

#: At most this many ids (or types) in one filter.
MAX_FILTER_ITEMS = 100
ACTOR_TYPES = frozenset({"agent", "person"})
INBOX_REASONS = frozenset({"mentioned", "assigned", "subscribed", "watched", "pinged", "boosted"})
#: The live channel's name in the subscribe identifier.
CHANNEL = "EventsChannel"
_MAX_TYPE_LENGTH = 200
_MAX_ID = 2**63 - 1


def _items(name: str, value: object) -> list[Any]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise UsageError(f"{name} must be a list, got {type(value).__name__}")
    items = list(value)
    if not items:
        raise UsageError(f"{name} is empty; leave it out to not filter on it")
    return items


def _check_count(name: str, values: tuple[Any, ...]) -> None:
    if len(values) > MAX_FILTER_ITEMS:
        raise UsageError(
            f"{name} has {len(values)} distinct values; the feed accepts at most {MAX_FILTER_ITEMS}"
        )


def _words(name: str, value: object, allowed: frozenset[str] | None = None) -> tuple[str, ...]:
    words: set[str] = set()
    for item in _items(name, value):
        if not isinstance(item, str) or not item or item != item.strip():
            raise UsageError(f"{name} must hold non-empty strings, got {item!r}")
        if "," in item or len(item) > _MAX_TYPE_LENGTH or not item.isprintable():
            raise UsageError(f"{name}: {item!r} is not a valid value (one value per item)")
        if allowed is not None and item not in allowed:
            raise UsageError(f"{name}: {item!r} is not one of {', '.join(sorted(allowed))}")
        words.add(item)
    # Sorted by their UTF-8 bytes, as the checkpoint digest defines.
    result = tuple(sorted(words, key=lambda w: w.encode()))
    _check_count(name, result)
    return result


def _ids(name: str, value: object, *, allow_self: bool = False) -> tuple[int | str, ...]:
    ids: set[int] = set()
    has_self = False
    for item in _items(name, value):
        if allow_self and item == "self":
            has_self = True
            continue
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= _MAX_ID:
            extra = ' or "self"' if allow_self else ""
            raise UsageError(f"{name} must hold positive integer ids{extra}, got {item!r}")
        ids.add(item)
    result: tuple[int | str, ...] = (*sorted(ids), *(("self",) if has_self else ()))
    _check_count(name, result)
    return result


def _joined(values: tuple[Any, ...] | None) -> str | None:
    return None if values is None else ",".join(str(v) for v in values)


def _opt(name: str, value: object, parse: Any, **kw: Any) -> Any:
    return None if value is None else parse(name, value, **kw)


@attrs.frozen(slots=True, kw_only=True)
class FeedFilters:
    """Which events of the account feed to receive; ``None`` means no filter."""

    types: tuple[str, ...] | None = None
    buckets: tuple[int, ...] | None = None
    creators: tuple[int, ...] | None = None
    performers: tuple[int | str, ...] | None = None
    exclude_performers: tuple[int | str, ...] | None = None
    actor_types: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        *,
        types: object = None,
        buckets: object = None,
        creators: object = None,
        performers: object = None,
        exclude_performers: object = None,
        actor_types: object = None,
    ) -> FeedFilters:
        """Checked and normalised filters (``UsageError`` for a bad value)."""
        return cls(
            types=_opt("types", types, _words),
            buckets=_opt("buckets", buckets, _ids),
            creators=_opt("creators", creators, _ids),
            performers=_opt("performers", performers, _ids, allow_self=True),
            exclude_performers=_opt(
                "exclude_performers", exclude_performers, _ids, allow_self=True
            ),
            actor_types=_opt("actor_types", actor_types, _words, allowed=ACTOR_TYPES),
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (only those set)."""
        pairs = {
            "types": _joined(self.types),
            "buckets": _joined(self.buckets),
            "creators": _joined(self.creators),
            "performers": _joined(self.performers),
            "exclude_performers": _joined(self.exclude_performers),
            "actor_types": _joined(self.actor_types),
        }
        return {k: v for k, v in pairs.items() if v is not None}

    def digest(self) -> str:
        """The ``srv1`` filter digest: 16 hex characters of SHA-256 over the compact
        JSON ``[types, buckets, creators]``."""
        payload = json.dumps(
            [
                list(self.types) if self.types is not None else None,
                list(self.buckets) if self.buckets is not None else None,
                list(self.creators) if self.creators is not None else None,
            ],
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def key(self) -> str:
        """The filter part of a checkpoint's identity: ``srv1-<digest>``."""
        return "srv1-" + self.digest()

    def identifier(self) -> str:
        """The live channel's subscribe identifier, built once per connection so any
        resend is byte-identical."""
        ident: dict[str, str] = {"channel": CHANNEL}
        for name in ("types", "buckets", "creators"):
            joined = _joined(getattr(self, name))
            if joined is not None:
                ident[name] = joined
        return json.dumps(ident, separators=(",", ":"), ensure_ascii=False)


@attrs.frozen(slots=True, kw_only=True)
class InboxFilters:
    """Which inbox items to receive; ``None`` means no filter."""

    reasons: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    buckets: tuple[int, ...] | None = None

    @classmethod
    def of(
        cls, *, reasons: object = None, types: object = None, buckets: object = None
    ) -> InboxFilters:
        return cls(
            reasons=_opt("reasons", reasons, _words, allowed=INBOX_REASONS),
            types=_opt("types", types, _words),
            buckets=_opt("buckets", buckets, _ids),
        )

    def query(self) -> dict[str, str]:
        pairs = {
            "reasons": _joined(self.reasons),
            "types": _joined(self.types),
            "buckets": _joined(self.buckets),
        }
        return {k: v for k, v in pairs.items() if v is not None}


def check_since(since: object) -> str | None:
    """``since`` as the query value: ``"now"``, or a decimal signed 64-bit id."""
    if since is None:
        return None
    if since == "now":
        return "now"
    if isinstance(since, bool):
        raise UsageError(f'since must be an event id or "now", got {since!r}')
    if isinstance(since, str) and since.lstrip("-").isdigit() and since.isascii():
        since = int(since)
    if not isinstance(since, int) or not -(2**63) <= since <= _MAX_ID:
        raise UsageError(f'since must be an event id (a 64-bit integer) or "now", got {since!r}')
    return str(since)


def check_position(position: object) -> str | None:
    if position is None:
        return None
    if not isinstance(position, str) or not position or len(position) > 4096:
        raise UsageError("position must be a position string from an earlier page")
    if not position.isprintable() or position != position.strip():
        raise UsageError("position must be a position string from an earlier page")
    return position
