"""basecamp_client.rich_text: composable, escaped, and never a way to inject markup."""

from __future__ import annotations

import html.parser

import pytest

from basecamp_client import UsageError
from basecamp_client import rich_text as rt
from basecamp_client.models import Attachment, Person

HOSTILE = [
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "</bc-attachment><img src=x onerror=alert(1)>",
    "<!-- -->&amp;&lt;",
    'caption" sgid="other',
]
ALLOWED = {"div", "br", "strong", "em", "strike", "a", "pre", "ol", "ul", "li", "blockquote"}


class Structure(html.parser.HTMLParser):
    """Tags and attributes as a browser would parse them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment got through: {data!r}")


def test_text_is_escaped_and_line_breaks_become_br() -> None:
    assert rt.html("a < b & \"c\" 'd'") == "a &lt; b &amp; &quot;c&quot; &#x27;d&#x27;"
    assert rt.paragraph("one\ntwo\r\nthree") == "<div>one<br>two<br>three</div>"
    assert isinstance(rt.paragraph("x"), rt.Html)
    assert isinstance(rt.paragraph("x"), str)


def test_fragments_compose_without_double_escaping() -> None:
    inner = rt.bold("R&D")
    body = rt.html(
        rt.paragraph("Status: ", inner, " & ", rt.italic("on track")),
        rt.bullets("one", rt.html("two ", rt.strikethrough("three"))),
        rt.numbered("first"),
        rt.quote("said"),
        rt.code_block("if a < b:\n    go()"),
        rt.line_break(),
    )
    assert body == (
        "<div>Status: <strong>R&amp;D</strong> &amp; <em>on track</em></div>"
        "<ul><li>one</li><li>two <strike>three</strike></li></ul>"
        "<ol><li>first</li></ol>"
        "<blockquote>said</blockquote>"
        "<pre>if a &lt; b:\n    go()</pre>"
        "<br>"
    )
    assert {tag for tag, _ in Structure(body).tags} <= ALLOWED


def test_adding_text_to_html_escapes_the_text() -> None:
    assert rt.bold("x") + "<i>" == "<strong>x</strong>&lt;i&gt;"
    assert "<i>" + rt.bold("x") == "&lt;i&gt;<strong>x</strong>"
    assert isinstance(rt.bold("x") + "y", rt.Html)
    assert rt.Html("<br>").join(["a<", rt.bold("b")]) == "a&lt;<br><strong>b</strong>"


def test_markup_from_template_engines_is_kept() -> None:
    class Markup(str):
        def __html__(self) -> str:
            return str(self)

    assert rt.paragraph(Markup("<em>x</em>")) == "<div><em>x</em></div>"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_captions_names_and_labels_stay_text(hostile: str) -> None:
    body = rt.html(
        rt.attachment("sgid-1", caption=hostile),
        rt.paragraph(hostile),
        rt.link("https://example.com/?q=" + hostile.replace(" ", "%20"), hostile),
    )
    parsed = Structure(body)
    assert [tag for tag, _ in parsed.tags] == ["bc-attachment", "div", "a"]
    attachment_attrs = parsed.tags[0][1]
    assert attachment_attrs == {"sgid": "sgid-1", "caption": hostile}
    assert hostile in "".join(parsed.text)
    assert set(parsed.tags[2][1]) == {"href"}


def test_attachments_and_mentions() -> None:
    sgid = "BAh7CEkiCGdpZAY6BkVUSSIr--56e38ec83681abfe01b6203ad23176a5d9fad093"
    assert rt.attachment(sgid) == f'<bc-attachment sgid="{sgid}"></bc-attachment>'
    assert rt.attachment(Attachment.from_dict({"attachable_sgid": sgid}), caption="Q1") == (
        f'<bc-attachment sgid="{sgid}" caption="Q1"></bc-attachment>'
    )
    person = Person.from_dict({"id": 1, "name": '<b>"Eve"</b>', "attachable_sgid": sgid})
    assert rt.mention(person) == f'<bc-attachment sgid="{sgid}"></bc-attachment>'
    assert rt.mention(sgid) == rt.mention(person)
    with pytest.raises(UsageError, match="mention\\(\\) needs an attachable_sgid"):
        rt.mention(Person.from_dict({"id": 1, "name": "No sgid"}))
    for bad in ('x" onload="y', "a b", "", "https://3.basecampapi.com/x"):
        with pytest.raises(UsageError, match="needs an attachable_sgid"):
            rt.attachment(bad)
    with pytest.raises(UsageError, match="caption must be a string"):
        rt.attachment(sgid, caption=3)  # type: ignore[arg-type]


def test_links_take_only_http_https_and_mailto() -> None:
    assert rt.link("https://example.com/a?b=1&c=2") == (
        '<a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>'
    )
    assert rt.link(" mailto:team@example.com ", "Mail us") == (
        '<a href="mailto:team@example.com">Mail us</a>'
    )
    assert rt.link("HTTP://EXAMPLE.COM", rt.bold("x")) == (
        '<a href="HTTP://EXAMPLE.COM"><strong>x</strong></a>'
    )
    for bad in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "/relative/path",
        "//example.com/x",
        "https:example.com",
        "https://exa mple.com",
        "https://example.com/\x00",
        "",
    ):
        with pytest.raises(UsageError, match="http, https or mailto"):
            rt.link(bad)
    with pytest.raises(UsageError, match="href must be a string"):
        rt.link(None)  # type: ignore[arg-type]


def test_only_text_and_markup_are_accepted() -> None:
    with pytest.raises(UsageError, match="got int"):
        rt.paragraph(3)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="plain text"):
        rt.code_block(rt.bold("x"))
