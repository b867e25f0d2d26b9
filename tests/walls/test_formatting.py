"""User text to safe HTML: the Markdown subset, the sanitiser, links and long-read blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from communa.core.errors import ValidationFailed
from communa.walls.formatting import (
    ALLOWED_TAGS,
    BLOCK_TAGS,
    BLOCK_TYPES,
    INLINE_TAGS,
    clean_blocks,
    find_links,
    plain_text,
    render_blocks,
    render_inline,
    render_markdown,
    sanitise_html,
)

pytestmark = pytest.mark.django_db(False)

REL = 'rel="nofollow ugc noopener"'


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


# -- An independent reading of the output ----------------------------------------------------


class _Reading(HTMLParser):
    """Every start tag with its (decoded) attributes, and the markup without attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.skeleton: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.skeleton.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.skeleton.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.skeleton.append(data)


def read(html: str) -> _Reading:
    reading = _Reading()
    reading.feed(html)
    reading.close()
    return reading


MARKDOWN_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
BLOCK_ATTRIBUTES = {
    **MARKDOWN_ATTRIBUTES,
    "img": {"src", "alt", "loading"},
    "div": {"class", "data-kind", "data-ref"},
}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: it drops ASCII whitespace and controls first."""
    match = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]+", "", url))
    return match.group(1).lower() if match else None


def assert_safe(html: str, tags: frozenset[str], attributes: dict[str, set[str]]) -> None:
    reading = read(html)
    skeleton = "".join(reading.skeleton).lower()
    assert "<script" not in skeleton, html
    assert "<style" not in skeleton, html
    for tag, attrs in reading.tags:
        assert tag in tags, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, html)
            assert name in attributes.get(tag, set()), (tag, name, html)
            if name in ("href", "src"):
                assert scheme_of(value or "") in (None, "http", "https", "mailto"), (value, html)


def tags_in(html: str) -> list[str]:
    return [tag for tag, _attrs in read(html).tags]


def hrefs_in(html: str) -> list[str | None]:
    return [dict(attrs).get("href") for tag, attrs in read(html).tags if tag == "a"]


# -- render_markdown -------------------------------------------------------------------------


def test_markdown_renders_paragraphs_line_breaks_and_emphasis():
    html = render_markdown("**bold** *italic* ~~gone~~ `x < y`\nnext line\n\nsecond")

    assert html == (
        "<p><strong>bold</strong> <em>italic</em> <s>gone</s> <code>x &lt; y</code><br>\n"
        "next line</p>\n<p>second</p>\n"
    )


def test_markdown_renders_lists_quotes_code_blocks_and_rules():
    html = render_markdown(
        "- a\n- b\n\n3. c\n4. d\n\n> said\n\n```python\n<b>\n```\n\n    indented\n\n***"
    )

    assert tags_in(html) == [
        "ul",
        "li",
        "li",
        "ol",
        "li",
        "li",
        "blockquote",
        "p",
        "pre",
        "code",
        "pre",
        "code",
        "hr",
    ]
    assert '<ol start="3">' in html
    assert "&lt;b&gt;" in html
    assert "class=" not in html


def test_markdown_headings_are_demoted_below_the_page_heading():
    html = render_markdown("# One\n\n## Two\n\n### Three\n\nSetext\n---")

    assert tags_in(html) == ["h3", "h4", "h4", "h4"]


def test_markdown_never_passes_raw_html_through():
    html = render_markdown('<b>hi</b> <script>alert(1)</script>\n\n<div onclick="x">block</div>')

    assert tags_in(html) == ["p", "p"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_links_get_rel_and_keep_their_title():
    html = render_markdown('[home](https://example.org/a "The title")')

    assert html == (f'<p><a href="https://example.org/a" title="The title" {REL}>home</a></p>\n')


def test_markdown_allows_mailto_and_relative_links():
    html = render_markdown(
        "[write](mailto:team@example.org) [there](/c/books) <https://example.org>"
    )

    assert hrefs_in(html) == ["mailto:team@example.org", "/c/books", "https://example.org"]


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_markdown_link_with_a_dangerous_scheme_is_not_a_link(source):
    html = render_markdown(source)

    assert_safe(html, ALLOWED_TAGS, MARKDOWN_ATTRIBUTES)
    assert all(scheme_of(href or "") is None for href in hrefs_in(html))


def test_markdown_link_title_cannot_break_out_into_an_attribute():
    html = render_markdown('[x](https://example.org "\\"onmouseover=alert(1) x=\\"")')

    (tag, attrs) = read(html).tags[1]
    assert tag == "a"
    assert dict(attrs)["title"] == '"onmouseover=alert(1) x="'
    assert [name for name, _value in attrs] == ["href", "title", "rel"]


def test_markdown_images_show_their_alt_text_instead():
    html = render_markdown("look ![a **cat**](https://example.org/cat.png) here")

    assert html == "<p>look a <strong>cat</strong> here</p>\n"


def test_markdown_links_bare_http_urls_without_trailing_punctuation():
    html = render_markdown("See https://example.org/a_(b)?q=1&r=2. Or (http://example.com/x).")

    assert hrefs_in(html) == ["https://example.org/a_(b)?q=1&r=2", "http://example.com/x"]
    assert html.endswith("</a>).</p>\n")


def test_markdown_leaves_www_and_bare_domains_as_text():
    html = render_markdown("www.example.org and example.com/page")

    assert tags_in(html) == ["p"]


def test_markdown_does_not_link_a_url_inside_a_link_or_code():
    html = render_markdown("[https://a.example](https://b.example) `https://c.example`")

    assert hrefs_in(html) == ["https://b.example"]


# -- sanitise_html ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", "ok"),
        ("<img src=x onerror=alert(1)>ok", "ok"),
        ("<style>body{display:none}</style>ok", "ok"),
        ("<svg onload=alert(1)><circle/></svg>ok", "ok"),
        ('<iframe src="https://evil.example">inside</iframe>ok', "ok"),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href=" &#14;javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', f"<a {REL}>x</a>"),
        (
            '<A HREF="https://ok.example" ONCLICK="x">Y</A>',
            f'<a href="https://ok.example" {REL}>Y</a>',
        ),
        ("<p onmouseover=alert(1)>hi", "<p>hi</p>"),
        ("<strong>unclosed <em>tags", "<strong>unclosed <em>tags</em></strong>"),
        ('<p style="color:red" class="x" id="y">p</p>', "<p>p</p>"),
        ("<!-- <script>x</script> -->ok", "ok"),
        ("<form action=x><input value=y></form>ok", "ok"),
    ],
)
def test_sanitise_html_removes_xss_classics(dirty, clean):
    assert sanitise_html(dirty) == clean


def test_sanitise_html_keeps_allowed_markup():
    html = '<h3>T</h3><p><a href="https://example.org" title="t">x</a><br><code>c</code></p><hr>'

    assert sanitise_html(html) == (
        f'<h3>T</h3><p><a href="https://example.org" title="t" {REL}>x</a><br><code>c</code></p><hr>'
    )


def test_sanitise_html_replaces_an_authors_rel():
    assert sanitise_html('<a href="/x" rel="opener">x</a>') == f'<a href="/x" {REL}>x</a>'


# -- render_inline ---------------------------------------------------------------------------


def test_inline_renders_emphasis_code_and_links():
    html = render_inline("**b** *i* `c` [l](https://example.org)")

    assert html == (
        f'<strong>b</strong> <em>i</em> <code>c</code> <a href="https://example.org" {REL}>l</a>'
    )


def test_inline_renders_no_block_elements():
    html = render_inline("# title\n- item\n> quote\n\n```\ncode\n```")

    assert set(tags_in(html)) <= {"br", "code"}
    assert "# title" in html


def test_lone_surrogates_from_json_become_replacement_characters():
    assert render_markdown("a\ud800b") == "<p>a\ufffdb</p>\n"
    assert render_inline("a\udfff") == "a\ufffd"
    assert sanitise_html("<p>\ud800</p>") == "<p>\ufffd</p>"
    assert clean_blocks([{"type": "paragraph", "text": "\ud800"}], image_count=0, max_blocks=1) == [
        {"type": "paragraph", "text": "\ufffd"}
    ]


def test_inline_escapes_raw_html():
    assert render_inline("<b onclick=x>hi</b>") == "&lt;b onclick=x&gt;hi&lt;/b&gt;"


# -- plain_text ------------------------------------------------------------------------------


def test_plain_text_strips_markup_and_collapses_whitespace():
    source = "# Title\n\nSome **bold**,  [a link](https://x.example)\nand `code`.\n\n- one\n- two\n\n![alt](x.png)"

    assert plain_text(source) == "Title Some bold, a link and code. one two alt"


def test_plain_text_keeps_what_looks_like_html_as_text():
    assert plain_text("1 < 2 &amp; <b>x</b>") == "1 < 2 & <b>x</b>"


def test_plain_text_cuts_at_a_word_with_an_ellipsis_within_the_limit():
    text = plain_text("The quick brown fox jumps over the lazy dog", limit=20)

    assert text == "The quick brown fox…"
    assert len(text) <= 20


def test_plain_text_cuts_a_long_word_mid_word():
    assert plain_text("abcdefghijklmnopqrstuvwxyz", limit=10) == "abcdefghi…"


def test_plain_text_within_the_limit_is_untouched():
    assert plain_text("short  text", limit=10) == "short text"


# -- find_links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("[a](http://x.example/y)", ["http://x.example/y"]),
        ("read https://example.org/page?q=1.", ["https://example.org/page?q=1"]),
        ("HTTPS://EXAMPLE.ORG", ["HTTPS://EXAMPLE.ORG"]),
        ("go to www.x.org now", ["www.x.org"]),
        ("see example.com/page", ["example.com/page"]),
        ("see example.com.", ["example.com"]),
        ("Example.com is a site", ["Example.com"]),
        ("shop.example.co.uk/sale", ["shop.example.co.uk/sale"]),
        ("(my-site.ru)", ["my-site.ru"]),
        ("пример.рф", ["пример.рф"]),
        ("EXAMPLE.NET/x", ["EXAMPLE.NET/x"]),
        ("[a](example.io)", ["example.io"]),
        ("**https://bold.example/x**", ["https://bold.example/x"]),
        (
            "a https://one.example b.org/x https://one.example www.c.net",
            ["https://one.example", "b.org/x", "www.c.net"],
        ),
    ],
)
def test_find_links_finds_every_kind_of_link_in_order(text, links):
    assert find_links(text) == links


@pytest.mark.parametrize(
    "text",
    [
        "version 3.5 is out",
        "e.g. this, i.e. that, etc.",
        "Mr.Smith said so",
        "ASP.NET and Node.js",
        "main.py and notes.md and run.sh",
        "hello.world",
        "write to bob@example.com",
        "a sentence.Another one",
        "prices: 1.000.000",
        "U.S.A. and a.m.",
        "",
    ],
)
def test_find_links_ignores_words_numbers_and_file_names(text):
    assert find_links(text) == []


# -- clean_blocks ----------------------------------------------------------------------------


def refusal(blocks: object, *, image_count: int = 2, max_blocks: int = 100) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        clean_blocks(blocks, image_count=image_count, max_blocks=max_blocks)
    return caught.value.fields["blocks"]


def test_clean_blocks_normalises_every_type_with_defaults():
    blocks = [
        {"type": "heading", "text": "  Title "},
        {"type": "paragraph", "text": "Some **text**"},
        {"type": "image", "image": 1},
        {"type": "quote", "text": "Said", "cite": "Someone"},
        {"type": "list", "items": [" a", "b "]},
        {"type": "embed", "kind": "poll", "ref": 7},
        {"type": "heading", "text": "Sub", "level": 3},
    ]

    assert clean_blocks(blocks, image_count=2, max_blocks=100) == [
        {"type": "heading", "text": "Title", "level": 2},
        {"type": "paragraph", "text": "Some **text**"},
        {"type": "image", "image": 1, "caption": ""},
        {"type": "quote", "text": "Said", "cite": "Someone"},
        {"type": "list", "items": ["a", "b"], "ordered": False},
        {"type": "embed", "kind": "poll", "ref": 7},
        {"type": "heading", "text": "Sub", "level": 3},
    ]


def test_clean_blocks_accepts_exactly_the_maximum():
    blocks = [{"type": "paragraph", "text": f"p{n}"} for n in range(100)]

    assert len(clean_blocks(blocks, image_count=0, max_blocks=100)) == 100


def test_clean_blocks_refuses_one_more_than_the_maximum_naming_it():
    blocks = [{"type": "paragraph", "text": f"p{n}"} for n in range(101)]

    assert refusal(blocks) == ["A long-read has at most 100 blocks; this one has 101."]


@pytest.mark.parametrize("blocks", [None, "[]", {"type": "paragraph"}, 3])
def test_clean_blocks_refuses_anything_but_a_list(blocks):
    assert refusal(blocks) == ["The blocks of a long-read must be a list."]


def test_clean_blocks_refuses_an_empty_list():
    assert refusal([]) == ["A long-read needs at least one block."]


GOOD = {"type": "paragraph", "text": "fine"}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("text", "a block needs a type"),
        ({"text": "no type"}, "a block needs a type"),
        ({"type": "video", "text": "x"}, "a block needs a type"),
        ({"type": "paragraph", "text": "x", "style": "bold"}, "unknown fields: style"),
        ({"type": "heading"}, "a heading needs text."),
        ({"type": "heading", "text": "   "}, "a heading needs text."),
        ({"type": "heading", "text": 5}, "a heading needs text."),
        ({"type": "heading", "text": "h" * 201}, "at most 200 characters; this one has 201"),
        ({"type": "heading", "text": "h", "level": 1}, "level is 2 or 3"),
        ({"type": "heading", "text": "h", "level": True}, "level is 2 or 3"),
        ({"type": "heading", "text": "h", "level": "2"}, "level is 2 or 3"),
        ({"type": "paragraph", "text": ""}, "a paragraph needs text."),
        ({"type": "paragraph", "text": "p" * 10_001}, "at most 10000 characters"),
        ({"type": "paragraph", "text": "nul\x00byte"}, "NUL character"),
        ({"type": "image"}, "from 1 to 2"),
        ({"type": "image", "image": 2}, "from 1 to 2"),
        ({"type": "image", "image": -1}, "from 1 to 2"),
        ({"type": "image", "image": "1"}, "from 1 to 2"),
        ({"type": "image", "image": False}, "from 1 to 2"),
        ({"type": "image", "image": 0, "caption": "c" * 301}, "at most 300 characters"),
        ({"type": "image", "image": 0, "caption": 3}, "a caption must be text."),
        ({"type": "quote", "text": "q", "cite": ["x"]}, "a quote's source must be text."),
        ({"type": "quote", "text": ""}, "a quote needs text."),
        ({"type": "quote", "text": "q" * 2001}, "at most 2000 characters"),
        ({"type": "quote", "text": "q", "cite": "c" * 201}, "at most 200 characters"),
        ({"type": "list", "items": []}, "from 1 to 50 items"),
        ({"type": "list", "items": "a\nb"}, "from 1 to 50 items"),
        ({"type": "list", "items": ["i"] * 51}, "from 1 to 50 items"),
        ({"type": "list", "items": ["a", " "]}, "item 2 of the list is empty."),
        ({"type": "list", "items": ["a", None]}, "item 2 of the list is empty."),
        ({"type": "list", "items": ["a", "b" * 501]}, "item 2 of the list has more than 500"),
        ({"type": "list", "items": ["a\x00"]}, "NUL character"),
        ({"type": "list", "items": ["a"], "ordered": "yes"}, "true or false"),
        ({"type": "embed", "kind": "video", "ref": 1}, "a product or a poll"),
        ({"type": "embed", "kind": "poll", "ref": 0}, "the number of the product or poll"),
        ({"type": "embed", "kind": "product"}, "the number of the product or poll"),
        ({"type": "embed", "kind": "product", "ref": 1.5}, "the number of the product or poll"),
    ],
)
def test_clean_blocks_refuses_a_bad_block_naming_its_number(bad, reason):
    messages = refusal([GOOD, GOOD, bad])

    assert len(messages) == 1
    assert messages[0].startswith("Block 3: ")
    assert reason in messages[0]


def test_clean_blocks_refuses_an_image_when_none_is_attached():
    assert refusal([{"type": "image", "image": 0}], image_count=0) == [
        "Block 1: attach an image to show it in an image block."
    ]


def test_clean_blocks_reports_every_bad_block_at_once():
    messages = refusal([{"type": "heading"}, GOOD, {"type": "quote", "text": ""}])

    assert messages == ["Block 1: a heading needs text.", "Block 3: a quote needs text."]


def test_clean_blocks_reads_the_block_types_from_one_list():
    assert BLOCK_TYPES == ("heading", "paragraph", "image", "quote", "list", "embed")


# -- render_blocks ---------------------------------------------------------------------------


def test_render_blocks_renders_each_type():
    blocks = clean_blocks(
        [
            {"type": "heading", "text": "<b>Big</b> & bold"},
            {"type": "heading", "text": "Small", "level": 3},
            {"type": "paragraph", "text": "**p** <i>raw</i>"},
            {"type": "image", "image": 0, "caption": 'A "cat"'},
            {"type": "quote", "text": "*said*", "cite": "Ann <Lee>"},
            {"type": "list", "items": ["one", "`two`"], "ordered": True},
            {"type": "list", "items": ["x"]},
            {"type": "embed", "kind": "product", "ref": 12},
        ],
        image_count=1,
        max_blocks=100,
    )

    html = render_blocks(blocks, ["/media/posts/cat&1.png"])

    assert html == (
        "<h3>&lt;b&gt;Big&lt;/b&gt; &amp; bold</h3>"
        "<h4>Small</h4>"
        "<p><strong>p</strong> &lt;i&gt;raw&lt;/i&gt;</p>"
        '<figure><img src="/media/posts/cat&amp;1.png" alt="A &quot;cat&quot;" loading="lazy">'
        '<figcaption>A "cat"</figcaption></figure>'
        "<blockquote><p><em>said</em></p><footer>Ann &lt;Lee&gt;</footer></blockquote>"
        "<ol><li>one</li><li><code>two</code></li></ol>"
        "<ul><li>x</li></ul>"
        '<div class="embed" data-kind="product" data-ref="12">'
        "Product 12 is shown here once the shop is open.</div>"
    )


def test_render_blocks_skips_an_image_that_is_no_longer_attached():
    assert render_blocks([{"type": "image", "image": 3, "caption": "gone"}], ["/media/a.png"]) == ""


def test_render_blocks_takes_image_sources_only_from_the_given_urls():
    html = render_blocks(
        [
            {"type": "image", "image": 0, "caption": ""},
            {"type": "image", "image": 1, "caption": ""},
        ],
        ["javascript:alert(1)", "https://cdn.example/a.png"],
    )

    assert html == (
        '<figure><img alt="" loading="lazy"></figure>'
        '<figure><img src="https://cdn.example/a.png" alt="" loading="lazy"></figure>'
    )


def test_render_blocks_ignores_unknown_or_broken_stored_blocks():
    blocks: list[Any] = [{"type": "video"}, "junk", {"type": "embed", "kind": "x", "ref": 1}]

    assert render_blocks(blocks, []) == ""


# -- Properties: nothing dangerous ever comes out --------------------------------------------

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<ScRiPt>",
    "<style>body{}</style>",
    "<style",
    "<STYLE>",
    " onerror=alert(1)",
    " onload=alert(1)",
    ' onmouseover="alert(1)"',
    " ONCLICK=x",
    "<a href=",
    '<a href="javascript:alert(1)">',
    "<a href=javascript:alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">',
    '<a href="&#106;avascript:alert(1)">',
    "<a href='data:text/html;base64,PHNjcmlwdD4='>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<math><mi>",
    "<object data=x>",
    "<p",
    "</a>",
    "<!--",
    "-->",
    "<![CDATA[",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html,x)",
    "[x](vbscript:x)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<https://ok.example>",
    '[x](https://ok.example "\\"onmouseover=alert(1)")',
    "[x]: javascript:alert(1)",
    "https://example.com/a?b=1&c=2",
    "www.example.org",
    "mailto:a@b.example",
    "javascript:",
    "&#x3C;script&#x3E;",
    "&lt;script&gt;",
    "&#60;",
    "&#0;",
    "&amp;",
    "`",
    "```",
    "**",
    "*",
    "_",
    "~~",
    "[",
    "](",
    "]",
    "(",
    ")",
    '"',
    "'",
    "<",
    ">",
    "&",
    "=",
    "/",
    "\\",
    "\n",
    "\n\n",
    "# ",
    "- ",
    "1. ",
    "> ",
    "    ",
]

# Any code point, lone surrogates included: JSON bodies can carry them.
any_text = st.text(st.characters(), max_size=12)
markup = st.lists(st.one_of(st.sampled_from(FRAGMENTS), any_text), max_size=30).map("".join)

block_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS), st.text(st.characters(exclude_characters="\x00"), max_size=12)
    ),
    max_size=12,
).map(lambda parts: "".join(parts).strip() or "x")

IMAGE_URLS = [
    "/media/a.png",
    "https://cdn.example/b.png",
    "javascript:alert(1)",
    '/media/"onerror=x.png',
]

raw_block = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("heading"),
            "text": block_text.map(lambda t: t[:200]),
            "level": st.sampled_from([2, 3]),
        }
    ),
    st.fixed_dictionaries({"type": st.just("paragraph"), "text": block_text}),
    st.fixed_dictionaries(
        {
            "type": st.just("image"),
            "image": st.integers(0, len(IMAGE_URLS) - 1),
            "caption": block_text.map(lambda t: t[:300]),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("quote"), "text": block_text, "cite": block_text.map(lambda t: t[:200])}
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("list"),
            "items": st.lists(block_text, min_size=1, max_size=5),
            "ordered": st.booleans(),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("embed"),
            "kind": st.sampled_from(["product", "poll"]),
            "ref": st.integers(1, 10**9),
        }
    ),
)


@settings(max_examples=300, deadline=None)
@given(source=markup)
def test_markdown_never_emits_scripts_styles_handlers_or_bad_urls(source):
    assert_safe(render_markdown(source), ALLOWED_TAGS, MARKDOWN_ATTRIBUTES)


@settings(max_examples=300, deadline=None)
@given(source=markup)
def test_inline_markdown_never_emits_scripts_styles_handlers_or_bad_urls(source):
    assert_safe(render_inline(source), INLINE_TAGS, MARKDOWN_ATTRIBUTES)


@settings(max_examples=300, deadline=None)
@given(source=markup)
def test_sanitised_html_never_contains_scripts_styles_handlers_or_bad_urls(source):
    assert_safe(sanitise_html(source), ALLOWED_TAGS, MARKDOWN_ATTRIBUTES)


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(raw_block, min_size=1, max_size=8))
def test_rendered_blocks_never_contain_scripts_styles_handlers_or_bad_urls(blocks):
    cleaned = clean_blocks(blocks, image_count=len(IMAGE_URLS), max_blocks=100)

    html = render_blocks(cleaned, IMAGE_URLS)

    assert_safe(html, BLOCK_TAGS, BLOCK_ATTRIBUTES)
    sources = [dict(attrs).get("src") for tag, attrs in read(html).tags if tag == "img"]
    assert all(src is None or src in IMAGE_URLS for src in sources)


def _parsed(source: str) -> str:
    """What the Markdown parser itself makes of a text (the path every text took before)."""
    from communa.walls import formatting

    return formatting.sanitise_html(formatting._md.render(formatting._scrub(source)))


@pytest.mark.parametrize(
    "text",
    [
        "Tried it on Sunday with the kids, the crust came out perfect. (12)",
        'Спасибо, получилось с первого раза, "тесто" поднялось отлично!',
        "Cảm ơn công thức, bánh mì giòn và thơm lắm 😀",
        "Terima kasih; resepi ini sangat mudah (dan sedap) 100 % ?",
    ],
)
def test_a_plain_line_is_rendered_without_the_parser_as_the_parser_renders_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from communa.walls import formatting

    expected = _parsed(text)
    monkeypatch.setattr(formatting._md, "render", lambda *a: pytest.fail("parsed"))
    assert render_markdown(text) == expected


def test_every_line_taken_for_plain_renders_as_the_parser_renders_it() -> None:
    import random

    from communa.walls import formatting

    pick = random.Random(11)
    pieces = [
        *"abc xyzАБВгдїієґăđơư()!?.,;'\"-+*_~`[]<>&#|:/\\=%$@^{}\u00a0\u2028\u3000\u200b\t\n\r",
        *("http", "www.", "&amp;", "1.", "@user", "é", "😀", "\ud800", "\x00", "  ", "    "),
    ]
    plain = 0
    for _ in range(20000):
        text = "".join(pick.choice(pieces) for _ in range(pick.randint(1, 30)))
        if formatting._plain_line(formatting._scrub(text)):
            plain += 1
            assert render_markdown(text) == _parsed(text), repr(text)
    assert plain > 500  # the rule was tried, not only refused


@pytest.mark.parametrize(
    "text",
    [
        "1. first",
        "- item",
        "# Title",
        "> quote",
        "**bold**",
        "a_b_c",
        "see http://x.org",
        "a&amp;b",
        "line\nbreak",
        "  indented",
        "`code`",
        "~~gone~~",
        "[a](b)",
        "a\\*b",
        "<b>x</b>",
        "x:y",
    ],
)
def test_a_line_with_anything_markdown_may_read_goes_to_the_parser(text: str) -> None:
    from communa.walls import formatting

    assert not formatting._plain_line(formatting._scrub(text))
    assert render_markdown(text) == _parsed(text)
