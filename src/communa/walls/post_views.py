"""A post's views where its footer shows them ("12 views"): the one part of a kept card, footer
or page that moves with every page view (the worker's flush raises the counts every few
seconds). Kept text keeps the views it was rendered with; each request puts in the post's own
(ADR 0009, "The views out of the keys")."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.template.loader import get_template
from django.utils.translation import get_language

from communa.core.fragments import deploy_stamp
from communa.core.kept import ProcessKept

TEMPLATE = "walls/_views.html"


def _stamp() -> str:
    """What a deploy may change in the views' text: their template."""
    return deploy_stamp(TEMPLATE)


# Where a footer shows a post's views (walls/_post_footer.html): the opening up to the text,
# the post's id, the text. `walls.kept_feed` cuts kept pages at the same place.
VIEWS_SPAN = r'(data-views="(\d+)">)([^<]*)</span>'
_VIEWS = re.compile(VIEWS_SPAN)
_VIEWS_KEPT = 4096  # texts kept per process before they are all forgotten
_VIEWS_TEXT = ProcessKept(_VIEWS_KEPT)


def views_text(count: int) -> str:
    """The views ("12 views") as the footer shows them in the current language: their own
    template, rendered once per process for each language, deploy and number."""
    return _views_texts(get_language(), _stamp())(count)


def _views_texts(language: str, stamp: str) -> Callable[[int], str]:
    def text(count: int) -> str:
        key = (language, stamp, count)
        found = _VIEWS_TEXT.get(key)
        if found is None:
            found = _VIEWS_TEXT.put(key, get_template(TEMPLATE).render({"views": count}))
        return found

    return text


def views_texts() -> Callable[[int], str]:
    """`views_text` for the current language and deploy, asked once for a page of posts."""
    return _views_texts(get_language(), _stamp())


def with_post_views(html: str, pk: int, count: int, text: Callable[[int], str]) -> str:
    """One post's `html` (a card's article) with its views as they are now: `with_views` for
    a single post, without a pattern (thirty of these are a page of the feed)."""
    marker = f'data-views="{pk:d}">'
    start = html.find(marker)
    if start < 0:
        return html
    start += len(marker)
    end = html.find("</span>", start)
    return html[:start] + text(count) + html[end:]


def with_views(html: str, views: Mapping[int, int]) -> str:
    """`html` with the views of each post in `views` (id: impressions) as they are now."""
    if 'data-views="' not in html:
        return html
    text = views_texts()

    def put(match: re.Match[str]) -> str:
        count = views.get(int(match.group(2)))
        if count is None:
            return match.group(0)
        return match.group(1) + text(count) + "</span>"

    return _VIEWS.sub(put, html)
