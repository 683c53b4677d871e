"""Text that travels in a request's head: checked before anything is sent. Pure functions.

HTTP/1.1 header values and request targets are bytes; the backends encode them
differently (httpx refuses non-ASCII with a raw ``UnicodeEncodeError``, another backend
may send Latin-1), and a line break would let a value start a header of its own. So the
client accepts only visible ASCII in what it writes there, and refuses anything else
with a :class:`UsageError` at the moment the value is given, identically on every
backend.
"""

from __future__ import annotations

import re

from .errors import UsageError

# Visible ASCII, with single spaces or tabs between words (RFC 9110 field-value).
_FIELD_VALUE = re.compile(r"[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*")
# Visible ASCII without spaces: a bearer token, a URL.
_VISIBLE = re.compile(r"[\x21-\x7e]+")
# RFC 9110 token: what a header name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _why(text: str) -> str:
    """What is wrong with ``text`` (it failed a check), in words; never quotes it."""
    if any(ch in text for ch in "\r\n"):
        return "a line break"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text if ch not in "\t"):
        return "a control character"
    if any(ord(ch) > 0x7E for ch in text):
        return "a non-ASCII character"
    return "spaces or tabs"


def check_field_value(what: str, value: str, *, secret: bool = False) -> str:
    """``value`` if it can be sent as a header value as is; else a :class:`UsageError`
    naming ``what`` (``secret``: the message never quotes the value)."""
    if _FIELD_VALUE.fullmatch(value):
        return value
    if not value.strip():
        raise UsageError(f"{what} must not be empty")
    shown = "" if secret else f" (got {value!r})"
    raise UsageError(
        f"{what} must be printable ASCII on a single line; it has {_why(value)}{shown}"
    )


def check_visible(what: str, value: str, *, secret: bool = False) -> str:
    """``value`` if it is visible ASCII without spaces (a token, a URL); else a
    :class:`UsageError` naming ``what``."""
    if _VISIBLE.fullmatch(value):
        return value
    if not value.strip():
        raise UsageError(f"{what} must not be empty")
    shown = "" if secret else f" (got {value!r})"
    raise UsageError(f"{what} must be printable ASCII without spaces; it has {_why(value)}{shown}")


def check_header_name(what: str, name: str) -> str:
    """``name`` if it is a valid header name; else a :class:`UsageError`."""
    if _TOKEN.fullmatch(name):
        return name
    raise UsageError(f"{what}: {name!r} is not a valid HTTP header name")
