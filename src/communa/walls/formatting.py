"""User text for posts, comments and long-reads made into safe HTML, plain text and links.

Everything an author writes passes through here before it becomes HTML: markdown-it-py with
raw HTML turned off renders a small Markdown subset, then nh3 cleans the result against an
explicit allow-list (defence in depth: a parser bug cannot smuggle a tag the cleaner refuses).

Decisions a reader might question:
- Headings in posts and comments are demoted so they never compete with the page's own: `#`
  becomes <h3>, `##` and deeper become <h4>.
- Bare `http://` and `https://` URLs become links (linkify-it-py is not installed, so a small
  rule of our own does it); `www.…` and bare domains stay text, because guessing a scheme for
  them is how linkifiers turn "file.py" into a link.
- Markdown images are not rendered: images are attached to a post separately, so
  `![alt](src)` shows its alt text.
- Links keep only http, https, mailto or relative addresses and get `rel="nofollow ugc
  noopener"`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeGuard

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from communa.core.errors import ValidationFailed
from communa.core.hooks import answer
from communa.core.links import find_links, trim_url
from communa.core.widgets import BlockEmbeds

__all__ = [
    "ALLOWED_TAGS",
    "BLOCK_TAGS",
    "BLOCK_TYPES",
    "INLINE_TAGS",
    "clean_blocks",
    "find_links",
    "plain_text",
    "render_blocks",
    "render_inline",
    "render_markdown",
    "sanitise_html",
]

URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "nofollow ugc noopener"

INLINE_TAGS: Final = frozenset({"strong", "em", "s", "code", "a", "br"})
ALLOWED_TAGS: Final = INLINE_TAGS | {
    "p",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "hr",
}
BLOCK_TAGS: Final = ALLOWED_TAGS | {"figure", "figcaption", "img", "footer", "div"}

# Tags whose content is dropped with them: their text is code or markup, never prose.
_DROPPED_WITH_CONTENT: Final = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "template",
        "object",
        "embed",
        "svg",
        "math",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
    }
)

_LINK_ATTRIBUTES: Final = {"a": {"href", "title"}, "ol": {"start"}}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Browsers drop these before they read a URL's scheme ("jav\tascript:" is "javascript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


# JSON may carry lone surrogates (a "\\ud800" escape); nh3 and the database cannot encode them
# and would fail. They stand for no character: show the replacement character instead.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _allowed_url(url: str) -> bool:
    """True for a relative address or one whose scheme is http, https or mailto."""
    match = _SCHEME.match(_URL_NOISE.sub("", url))
    return match is None or match.group(1).lower() in URL_SCHEMES


def _cleaner(
    tags: frozenset[str], attribute_filter: Callable[[str, str, str], str | None] | None = None
) -> nh3.Cleaner:
    attributes: dict[str, set[str]] = {
        tag: set(names) for tag, names in _LINK_ATTRIBUTES.items() if tag in tags
    }
    if "img" in tags:
        attributes["img"] = {"src", "alt"}
        attributes["div"] = {"data-ref"}
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=attribute_filter,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        url_relative="pass_through",
        allowed_classes={"div": {"embed"}} if "div" in tags else None,
        tag_attribute_values=(
            {"img": {"loading": {"lazy"}}, "div": {"data-kind": {"product", "poll"}}}
            if "img" in tags
            else None
        ),
    )


_HTML_CLEANER: Final = _cleaner(ALLOWED_TAGS)
_INLINE_CLEANER: Final = _cleaner(INLINE_TAGS)


# -- Markdown ---------------------------------------------------------------------------------

_BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


class _Markdown(MarkdownIt):
    """markdown-it with our own rule for which link destinations may become links."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return _allowed_url(url)


def _without_images(tokens: list[Token]) -> list[Token]:
    """Images are attached to posts separately: a Markdown image becomes its alt text."""
    result: list[Token] = []
    for token in tokens:
        if token.type == "image":
            result.extend(_without_images(token.children or []))
        else:
            result.append(token)
    return result


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _linkified(md: MarkdownIt, token: Token) -> Iterator[Token]:
    """Split one text token around the bare http(s) URLs in it."""
    start = 0
    for match in _BARE_URL.finditer(token.content):
        url = trim_url(match.group())
        href = md.normalizeLink(url)
        if not url or not md.validateLink(href):
            continue
        if match.start() > start:
            yield _text_token(token.content[start : match.start()])
        opening = Token("link_open", "a", 1, markup="linkify", info="auto")
        opening.attrSet("href", href)
        yield opening
        yield _text_token(md.normalizeLinkText(url))
        yield Token("link_close", "a", -1, markup="linkify", info="auto")
        start = match.start() + len(url)
    if start == 0:
        yield token
    elif start < len(token.content):
        yield _text_token(token.content[start:])


def _house_rules(state: StateCore) -> None:
    """Demote headings, turn images into text and link bare URLs outside existing links."""
    for block in state.tokens:
        if block.type in ("heading_open", "heading_close"):
            block.tag = "h3" if block.tag == "h1" else "h4"
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in _without_images(block.children):
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type == "text" and not inside_link:
                children.extend(_linkified(state.md, token))
            else:
                children.append(token)
        block.children = children


_md: Final = (
    _Markdown("commonmark", {"html": False, "breaks": True})
    .enable("strikethrough")
    .disable(["html_block", "html_inline"])
)
_md.core.ruler.push("communa_house_rules", _house_rules)


# A line no Markdown rule can change: no character that opens markup, a link, an entity or an
# escape anywhere, none that starts a block at its start, no break, no space at either end.
_MARKUP_ANYWHERE: Final = frozenset("\\`*_~[]<>&#|:\x00\t\n\r\x0b\x0c")
_BLOCK_STARTS: Final = frozenset("#>-+*=_~`0123456789")


def _plain_line(text: str) -> bool:
    return (
        bool(text)
        and text[0] not in _BLOCK_STARTS
        and text == text.strip()
        and _MARKUP_ANYWHERE.isdisjoint(text)
    )


def render_markdown(source: str) -> str:
    """Render a post's or comment's Markdown into sanitised HTML.

    A plain line (most comments) is one paragraph of its text, escaped as markdown-it escapes
    it: the same HTML without parsing (0.15 ms a comment under load)."""
    source = _scrub(source)
    if _plain_line(source):
        escaped = source.replace('"', "&quot;")
        return sanitise_html(f"<p>{escaped}</p>\n")
    return sanitise_html(_md.render(source))


def sanitise_html(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes of HTML from anywhere else."""
    return _HTML_CLEANER.clean(_scrub(html))


def render_inline(source: str) -> str:
    """Render inline Markdown only (bold, italic, strike, code, links) into sanitised HTML."""
    return _INLINE_CLEANER.clean(_md.renderInline(_scrub(source)))


def _texts(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type in ("text", "code_inline", "code_block", "fence"):
            yield token.content
        elif token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.type == "inline":
            yield from _texts(token.children or [])
            yield " "
        elif token.children:
            yield from _texts(token.children)


def plain_text(source: str, limit: int | None = None) -> str:
    """The text without Markdown markup, whitespace collapsed, cut to `limit` with an ellipsis."""
    text = " ".join("".join(_texts(_md.parse(source))).split())
    if limit is None or len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        # Cut at the last word boundary unless that throws away most of the room.
        head = cut.rsplit(" ", 1)[0]
        if len(head) > limit // 2:
            cut = head
    return cut.rstrip(" .,;:!?-–—") + "…"


# -- Long-read blocks (R4.2) ------------------------------------------------------------------

BLOCK_TYPES: Final = ("heading", "paragraph", "image", "quote", "list", "embed")
EMBED_KINDS: Final = ("product", "poll")

HEADING_MAX = 200
PARAGRAPH_MAX = 10_000
CAPTION_MAX = 300
QUOTE_MAX = 2_000
CITE_MAX = 200
LIST_ITEMS_MAX = 50
LIST_ITEM_MAX = 500

_KEYS: Final = {
    "heading": {"type", "text", "level"},
    "paragraph": {"type", "text"},
    "image": {"type", "image", "caption"},
    "quote": {"type", "text", "cite"},
    "list": {"type", "items", "ordered"},
    "embed": {"type", "kind", "ref"},
}


class _BlockRefused(Exception):
    """One block's first problem; `clean_blocks` adds the block number."""


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _required_text(block: dict[str, Any], key: str, maximum: int, missing: str, long: str) -> str:
    value = block.get(key)
    text = _scrub(value).strip() if isinstance(value, str) else ""
    if not text:
        raise _BlockRefused(missing)
    if len(text) > maximum:
        raise _BlockRefused(long % {"max": maximum, "count": len(text)})
    return text


def _optional_text(block: dict[str, Any], key: str, maximum: int, long: str, not_text: str) -> str:
    value = block.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BlockRefused(not_text)
    text = _scrub(value).strip()
    if len(text) > maximum:
        raise _BlockRefused(long % {"max": maximum, "count": len(text)})
    return text


def _clean_heading(block: dict[str, Any]) -> dict[str, Any]:
    text = _required_text(
        block,
        "text",
        HEADING_MAX,
        _("a heading needs text."),
        _("a heading has at most %(max)d characters; this one has %(count)d."),
    )
    level = block.get("level", 2)
    if not _is_int(level) or level not in (2, 3):
        raise _BlockRefused(_("a heading's level is 2 or 3."))
    return {"type": "heading", "text": text, "level": level}


def _clean_paragraph(block: dict[str, Any]) -> dict[str, Any]:
    text = _required_text(
        block,
        "text",
        PARAGRAPH_MAX,
        _("a paragraph needs text."),
        _("a paragraph has at most %(max)d characters; this one has %(count)d."),
    )
    return {"type": "paragraph", "text": text}


def _clean_image(block: dict[str, Any], image_count: int) -> dict[str, Any]:
    index = block.get("image")
    if not _is_int(index) or not 0 <= index < image_count:
        if image_count <= 0:
            raise _BlockRefused(_("attach an image to show it in an image block."))
        # People count attached images from 1; the stored index counts from 0.
        raise _BlockRefused(
            _("choose one of the attached images, from 1 to %(count)d.") % {"count": image_count}
        )
    caption = _optional_text(
        block,
        "caption",
        CAPTION_MAX,
        _("a caption has at most %(max)d characters; this one has %(count)d."),
        _("a caption must be text."),
    )
    return {"type": "image", "image": index, "caption": caption}


def _clean_quote(block: dict[str, Any]) -> dict[str, Any]:
    text = _required_text(
        block,
        "text",
        QUOTE_MAX,
        _("a quote needs text."),
        _("a quote has at most %(max)d characters; this one has %(count)d."),
    )
    cite = _optional_text(
        block,
        "cite",
        CITE_MAX,
        _("a quote's source has at most %(max)d characters; this one has %(count)d."),
        _("a quote's source must be text."),
    )
    return {"type": "quote", "text": text, "cite": cite}


def _clean_list(block: dict[str, Any]) -> dict[str, Any]:
    items = block.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= LIST_ITEMS_MAX:
        raise _BlockRefused(_("a list needs from 1 to %(max)d items.") % {"max": LIST_ITEMS_MAX})
    cleaned: list[str] = []
    for number, item in enumerate(items, start=1):
        text = _scrub(item).strip() if isinstance(item, str) else ""
        if not text:
            raise _BlockRefused(_("item %(item)d of the list is empty.") % {"item": number})
        if len(text) > LIST_ITEM_MAX:
            raise _BlockRefused(
                _("item %(item)d of the list has more than %(max)d characters.")
                % {"item": number, "max": LIST_ITEM_MAX}
            )
        cleaned.append(text)
    ordered = block.get("ordered", False)
    if not isinstance(ordered, bool):
        raise _BlockRefused(_("a list is either numbered or not (true or false)."))
    return {"type": "list", "items": cleaned, "ordered": ordered}


def _clean_embed(block: dict[str, Any]) -> dict[str, Any]:
    kind = block.get("kind")
    if kind not in EMBED_KINDS:
        raise _BlockRefused(_("an embed shows a product or a poll."))
    ref = block.get("ref")
    if not _is_int(ref) or ref < 1:
        raise _BlockRefused(_("an embed needs the number of the product or poll it shows."))
    return {"type": "embed", "kind": kind, "ref": ref}


def _clean_block(block: object, image_count: int) -> dict[str, Any]:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        raise _BlockRefused(
            _("a block needs a type, one of: %(types)s.") % {"types": ", ".join(BLOCK_TYPES)}
        )
    kind = block["type"]
    unknown = sorted(str(key) for key in block if key not in _KEYS[kind])
    if unknown:
        raise _BlockRefused(_("unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    if any(_has_nul(value) for value in block.values()):
        raise _BlockRefused(_("the text contains a NUL character."))
    if kind == "heading":
        return _clean_heading(block)
    if kind == "paragraph":
        return _clean_paragraph(block)
    if kind == "image":
        return _clean_image(block, image_count)
    if kind == "quote":
        return _clean_quote(block)
    if kind == "list":
        return _clean_list(block)
    return _clean_embed(block)


def clean_blocks(blocks: object, *, image_count: int, max_blocks: int) -> list[dict[str, Any]]:
    """Check a long-read's raw blocks and return them normalised, or refuse with every reason."""

    def refuse(*messages: str) -> ValidationFailed:
        return ValidationFailed(fields={"blocks": list(messages)})

    if not isinstance(blocks, list):
        raise refuse(_("The blocks of a long-read must be a list."))
    if not blocks:
        raise refuse(_("A long-read needs at least one block."))
    if len(blocks) > max_blocks:
        raise refuse(
            _("A long-read has at most %(max)d blocks; this one has %(count)d.")
            % {"max": max_blocks, "count": len(blocks)}
        )
    cleaned: list[dict[str, Any]] = []
    reasons: list[str] = []
    for number, block in enumerate(blocks, start=1):
        try:
            cleaned.append(_clean_block(block, image_count))
        except _BlockRefused as refusal:
            reasons.append(
                _("Block %(number)d: %(reason)s") % {"number": number, "reason": refusal}
            )
    if reasons:
        raise refuse(*reasons)
    return cleaned


def _render_heading(block: dict[str, Any], _urls: list[str]) -> str:
    tag = "h4" if block.get("level") == 3 else "h3"
    return f"<{tag}>{html.escape(str(block.get('text', '')))}</{tag}>"


def _render_paragraph(block: dict[str, Any], _urls: list[str]) -> str:
    return f"<p>{render_inline(str(block.get('text', '')))}</p>"


def _render_image(block: dict[str, Any], image_urls: list[str]) -> str:
    index = block.get("image")
    if not _is_int(index) or not 0 <= index < len(image_urls):
        return ""  # the image is gone (or not saved yet): nothing to show
    caption = html.escape(str(block.get("caption") or ""))
    image = f'<img src="{html.escape(image_urls[index])}" alt="{caption}" loading="lazy">'
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image}{figcaption}</figure>"


def _render_quote(block: dict[str, Any], _urls: list[str]) -> str:
    cite = html.escape(str(block.get("cite") or ""))
    footer = f"<footer>{cite}</footer>" if cite else ""
    text = render_inline(str(block.get("text", "")))
    return f"<blockquote><p>{text}</p>{footer}</blockquote>"


def _render_list(block: dict[str, Any], _urls: list[str]) -> str:
    tag = "ol" if block.get("ordered") else "ul"
    items = "".join(f"<li>{render_inline(str(item))}</li>" for item in block.get("items", []))
    return f"<{tag}>{items}</{tag}>"


def _render_embed(block: dict[str, Any], _urls: list[str]) -> str:
    kind, ref = block.get("kind"), block.get("ref")
    if kind not in EMBED_KINDS or not _is_int(ref):
        return ""
    url = answer(BlockEmbeds).url_of(kind, ref)
    if url is not None and kind == "poll":
        # The live poll is swapped in by communa.js; without script the link opens it.
        text = html.escape(_("Open poll %(ref)d") % {"ref": ref})
        inner = f'<a href="{html.escape(url)}">{text}</a>'
    elif kind == "product":
        text = _("Product %(ref)d is shown here once the shop is open.") % {"ref": ref}
        inner = html.escape(text)
    else:
        inner = html.escape(_("Poll %(ref)d is shown here once polls are open.") % {"ref": ref})
    return f'<div class="embed" data-kind="{kind}" data-ref="{ref}">{inner}</div>'


_RENDERERS: Final[dict[str, Callable[[dict[str, Any], list[str]], str]]] = {
    "heading": _render_heading,
    "paragraph": _render_paragraph,
    "image": _render_image,
    "quote": _render_quote,
    "list": _render_list,
    "embed": _render_embed,
}


def render_blocks(blocks: list[dict[str, Any]], image_urls: list[str]) -> str:
    """Render a long-read's normalised blocks into sanitised HTML."""
    image_urls = [_scrub(url) for url in image_urls]
    allowed_sources = set(image_urls)

    def only_known_values(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if value in allowed_sources else None
        if tag == "div" and attribute == "data-ref":
            return value if value.isascii() and value.isdigit() else None
        return value

    # Stored blocks were normalised when written; anything else is skipped, not trusted.
    rendered = "".join(
        _RENDERERS[block["type"]](block, image_urls)
        for block in blocks
        if isinstance(block, dict) and block.get("type") in _RENDERERS
    )
    return _cleaner(BLOCK_TAGS, only_known_values).clean(_scrub(rendered))
