"""RFC 8288 (née 5988) ``Link`` header parsing and next-page URL checks. Pure functions."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .errors import UnsafeLinkError

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_PARAM = re.compile(r';\s*([A-Za-z*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^";,\s]+)')


def parse_links(header: str | None) -> dict[str, str]:
    """``{"next": url, ...}`` from a Link header; unknown or malformed parts are skipped."""
    links: dict[str, str] = {}
    if not header:
        return links
    for match in _LINK.finditer(header):
        url, params = match.group(1).strip(), match.group(2)
        for name, value in _PARAM.findall(params):
            if name.lower() == "rel":
                for rel in value.strip('"').split():
                    links.setdefault(rel.lower(), url)
    return links


def next_page_url(current_url: str, link_header: str | None) -> str | None:
    """The absolute URL of the next page, or ``None`` on the last page.

    A next link pointing to another origin, or downgrading https to http, is refused:
    following it would send the caller's credentials somewhere else.
    """
    target = parse_links(link_header).get("next")
    if not target:
        return None
    absolute = urljoin(current_url, target)
    here, there = urlsplit(current_url), urlsplit(absolute)
    if (here.scheme, here.hostname, here.port) != (there.scheme, there.hostname, there.port):
        raise UnsafeLinkError(
            f"refusing to follow a pagination link to another origin "
            f"({there.scheme}://{there.hostname}); credentials stay on the API origin"
        )
    return absolute


def origin(url: str) -> tuple[str, str | None, int | None]:
    """``(scheme, host, port)``: what two URLs must share for credentials to travel."""
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port
