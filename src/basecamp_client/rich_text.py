"""Building HTML for Basecamp's rich-text fields (message bodies, comments, to-do notes,
document contents, upload descriptions) without ever injecting markup.

Every builder returns :class:`Html`, a ``str`` marked safe. Plain strings handed to a
builder are text: they are escaped (and their line breaks become ``<br>``), while
``Html`` values are kept as they are, so fragments compose without double escaping::

    from basecamp_client import rich_text as rt

    body = rt.html(
        rt.paragraph("Numbers for ", rt.bold("Q1"), " are in — see the chart:"),
        rt.attachment(chart.attachable_sgid, caption="Q1 revenue"),
        rt.bullets("Up 12%", rt.link("https://example.com/report", "Full report")),
        rt.paragraph("cc ", rt.mention(person)),
    )
    await account.messages.create(message_board_id=..., subject="Q1", content=body)

Captions, names and URLs are attribute-escaped; links accept only ``http``, ``https``
and ``mailto`` URLs. Only tags Basecamp keeps are produced (``div``, ``br``, ``strong``,
``em``, ``strike``, ``a``, ``pre``, ``ol``, ``ul``, ``li``, ``blockquote`` and
``bc-attachment``).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from typing import Protocol, Union

from ._core.errors import UsageError

__all__ = [
    "Fragment",
    "Html",
    "attachment",
    "bold",
    "bullets",
    "code_block",
    "escape",
    "html",
    "italic",
    "line_break",
    "link",
    "mention",
    "numbered",
    "paragraph",
    "quote",
    "strikethrough",
]


class Html(str):
    """A string of HTML that is safe as it is: builders never escape it again.

    Adding text to it escapes the text (``Html + str`` stays safe); ``__html__`` lets
    template engines that know the convention (Jinja2, MarkupSafe) take it as markup.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)

    def __add__(self, other: str) -> Html:
        return Html(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Html:
        return Html(str.__add__(escape(other), self))

    def __repr__(self) -> str:
        return f"Html({str.__repr__(self)})"

    def join(self, parts: Iterable[str]) -> Html:
        return Html(str.join(self, (escape(p) for p in parts)))


class _HasHtml(Protocol):
    def __html__(self) -> str: ...


#: What the builders accept: text (escaped) or markup (:class:`Html`, or anything with
#: ``__html__``, kept).
Fragment = Union[str, Html, _HasHtml]  # noqa: UP007  (a runtime alias)


def escape(value: Fragment) -> Html:
    """``value`` as safe HTML: markup is kept, text is escaped (quotes included) and
    its line breaks become ``<br>``."""
    if isinstance(value, Html):
        return value
    markup = getattr(value, "__html__", None)
    if callable(markup):
        return Html(markup())
    if isinstance(value, str):
        text = _html.escape(value, quote=True)
        return Html(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>"))
    raise UsageError(f"rich text takes strings or Html fragments, got {type(value).__name__}")


def html(*parts: Fragment) -> Html:
    """The parts one after another (text escaped, markup kept)."""
    return Html("".join(escape(p) for p in parts))


def _element(tag: str, parts: tuple[Fragment, ...]) -> Html:
    return Html(f"<{tag}>{html(*parts)}</{tag}>")


def paragraph(*parts: Fragment) -> Html:
    """A block of text (``<div>``, as Basecamp's editor writes paragraphs)."""
    return _element("div", parts)


def bold(*parts: Fragment) -> Html:
    return _element("strong", parts)


def italic(*parts: Fragment) -> Html:
    return _element("em", parts)


def strikethrough(*parts: Fragment) -> Html:
    return _element("strike", parts)


def quote(*parts: Fragment) -> Html:
    return _element("blockquote", parts)


def code_block(text: str) -> Html:
    """Preformatted text: escaped, line breaks kept as they are."""
    if not isinstance(text, str) or isinstance(text, Html):
        raise UsageError("code_block takes plain text")
    return Html(f"<pre>{_html.escape(text, quote=True)}</pre>")


def line_break() -> Html:
    return Html("<br>")


def _items(tag: str, items: tuple[Fragment, ...]) -> Html:
    return Html(f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>")


def bullets(*items: Fragment) -> Html:
    """A bulleted list, one item per argument (compose an item with :func:`html`)."""
    return _items("ul", items)


def numbered(*items: Fragment) -> Html:
    """A numbered list, one item per argument."""
    return _items("ol", items)


_SCHEMES = ("http", "https", "mailto")
# Anything a browser might skip or reinterpret inside a URL.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def link(href: str, *label: Fragment) -> Html:
    """``<a href="…">label</a>`` (the label defaults to the URL itself). Only ``http``,
    ``https`` and ``mailto`` URLs are accepted: a ``javascript:`` or ``data:`` URL is a
    :class:`~basecamp_client.UsageError`, never markup."""
    if not isinstance(href, str):
        raise UsageError(f"a link's href must be a string, got {type(href).__name__}")
    url = href.strip()
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in _SCHEMES or _URL_UNSAFE.search(url):
        raise UsageError(f"links take absolute http, https or mailto URLs, got {href!r}")
    if scheme.lower() != "mailto" and not rest.startswith("//"):
        raise UsageError(f"links take absolute http, https or mailto URLs, got {href!r}")
    text = html(*label) if label else escape(url)
    return Html(f'<a href="{_html.escape(url, quote=True)}">{text}</a>')


# Signed global ids: base64 (standard or URL-safe), ``--`` and a hex digest.
_SGID = re.compile(r"^[A-Za-z0-9+/=_.-]+$")


class _Attachable(Protocol):
    @property
    def attachable_sgid(self) -> str | None: ...


def _sgid(value: str | _Attachable, what: str) -> str:
    sgid = value if isinstance(value, str) else getattr(value, "attachable_sgid", None)
    if not isinstance(sgid, str) or not _SGID.match(sgid):
        shown = sgid if isinstance(sgid, str) else type(value).__name__
        raise UsageError(f"{what} needs an attachable_sgid, got {shown!r}")
    return sgid


def attachment(sgid: str | _Attachable, *, caption: str | None = None) -> Html:
    """An uploaded file (or image) embedded in the text:
    ``<bc-attachment sgid="…" caption="…"></bc-attachment>``.

    ``sgid`` is the ``attachable_sgid`` of ``attachments.upload``'s answer (or that
    answer itself).
    """
    value = _sgid(sgid, "attachment()")
    attributes = f'sgid="{_html.escape(value, quote=True)}"'
    if caption is not None:
        if not isinstance(caption, str):
            raise UsageError(f"caption must be a string, got {type(caption).__name__}")
        attributes += f' caption="{_html.escape(caption, quote=True)}"'
    return Html(f"<bc-attachment {attributes}></bc-attachment>")


def mention(person: str | _Attachable) -> Html:
    """An @-mention of a person, who gets notified: ``<bc-attachment sgid="…">`` with the
    person's ``attachable_sgid`` (pass the :class:`~basecamp_client.models.Person`, or
    the sgid)."""
    return attachment(_sgid(person, "mention()"))
