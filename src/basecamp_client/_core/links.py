"""RFC 8288 (née 5988) ``Link`` header parsing and next-page URL checks. Pure functions.

The header comes from the server, so the parser is written to stay linear in its
length whatever it holds (a regular expression over ``<…>`` took 20 s on 64 KiB of
``<``), and a header longer than :data:`MAX_LINK_HEADER` is refused outright.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from .errors import PaginationError, UnsafeLinkError

#: The longest ``Link`` header read, in characters. Basecamp's carry one or two links
#: (well under 500 characters); anything past this is not a pagination header.
MAX_LINK_HEADER = 8 * 1024

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _segment_end(header: str, start: int) -> int:
    """Index of the comma ending the link-params that begin at ``start`` (commas inside
    quoted strings do not count), or ``len(header)``."""
    quoted = False
    index, end = start, len(header)
    while index < end:
        ch = header[index]
        if quoted:
            if ch == "\\":
                index += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ",":
            return index
        index += 1
    return end


def _rels(params: str) -> list[str]:
    """The relation types of one link's ``; rel="a b"`` parameters, lower-cased."""
    found: list[str] = []
    for param in params.split(";"):
        name, sep, value = param.partition("=")
        if sep and name.strip().lower() == "rel":
            found.extend(value.strip().strip('"').lower().split())
    return found


def parse_links(header: str | None) -> dict[str, str]:
    """``{"next": url, ...}`` from a Link header; unknown or malformed parts are skipped,
    and so is a link with an empty target (``<>``): the first usable link of each
    relation wins."""
    links: dict[str, str] = {}
    if not header:
        return links
    if len(header) > MAX_LINK_HEADER:
        raise PaginationError(
            f"the Link header is {len(header):,} characters long, more than the "
            f"{MAX_LINK_HEADER:,} read"
        )
    position, end = 0, len(header)
    while position < end:
        opening = header.find("<", position)
        if opening < 0:
            break
        closing = header.find(">", opening + 1)
        if closing < 0:
            break  # no target can follow
        target = header[opening + 1 : closing].strip()
        stop = _segment_end(header, closing + 1)
        if target:
            for rel in _rels(header[closing + 1 : stop]):
                links.setdefault(rel, target)
        position = stop + 1
    return links


def next_page_url(current_url: str, link_header: str | None) -> str | None:
    """The absolute URL of the next page (without a fragment), or ``None`` on the last page.

    A next link pointing to another origin, or downgrading https to http, is refused:
    following it would send the caller's credentials somewhere else.
    """
    target = parse_links(link_header).get("next")
    if not target:
        return None
    absolute = urljoin(current_url, target)
    there = urlsplit(absolute)
    try:
        there_origin = origin(absolute)
    except ValueError:
        raise UnsafeLinkError("refusing a pagination link with an invalid port") from None
    if origin(current_url) != there_origin:
        raise UnsafeLinkError(
            f"refusing to follow a pagination link to another origin "
            f"({there.scheme}://{there.hostname}); credentials stay on the API origin"
        )
    if any(ch <= " " or ch >= "\x7f" for ch in absolute):
        # A real next link is plain ASCII; anything else would reach the request line.
        raise PaginationError("the next link holds spaces, control or non-ASCII characters")
    return there._replace(fragment="").geturl() if there.fragment else absolute


def page_key(url: str) -> bytes:
    """A short digest that is equal for two URLs naming the same page: scheme and host in
    any case, the default port or none, percent-escapes or not, query parameters in any
    order, with or without a fragment. Only the digest is kept, so remembering every page
    of a long listing costs a few dozen bytes a page, however long the server's URLs."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    host = (parts.hostname or "").lower()
    netloc = host if port is None else f"{host}:{port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    canonical = urlunsplit((scheme, netloc, unquote(parts.path) or "/", query, ""))
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def origin(url: str) -> tuple[str, str | None, int | None]:
    """``(scheme, host, port)``: what two URLs must share for credentials to travel (the
    scheme's default port is ``None``, as when none is written)."""
    parts = urlsplit(url)
    scheme, port = parts.scheme.lower(), parts.port
    return scheme, parts.hostname, None if port == _DEFAULT_PORTS.get(scheme) else port


def shown_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` for messages: never its path, query or user
    information (``repr(url)`` when it has no host)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else repr(url)
