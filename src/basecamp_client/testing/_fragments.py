"""Records as the JSON bytes a response holds, serialized again only when the record (or a
name it embeds) changed; search hits add their plain-text fields."""

from __future__ import annotations

from typing import Any

from ._render import Urls, plain_text
from ._render_kinds import RENDERERS
from ._store import Record, Store
from ._wire import dumps


def render(store: Store, record: Record, urls: Urls) -> dict[str, Any]:
    return RENDERERS[record.kind](store, record, urls)


def render_search_hit(store: Store, record: Record, urls: Urls) -> dict[str, Any]:
    d = render(store, record, urls)
    d.setdefault("content", None)
    d.setdefault("description", None)
    d["plain_text_content"] = plain_text(d["content"])
    d["plain_text_description"] = plain_text(d["description"])
    return d


def fragment(store: Store, record: Record, urls: Urls, variant: str = "") -> bytes:
    """``record`` as JSON bytes, re-serialized only when it (or a name it embeds) changed."""
    key = (urls.api, variant)
    version = (record.rev, store.shared_rev)
    cached = record._frag.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    value = (
        render_search_hit(store, record, urls)
        if variant == "search"
        else render(store, record, urls)
    )
    body = dumps(value)
    record._frag[key] = (version, body)
    return body
