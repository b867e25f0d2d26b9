"""A post's text and link as its card shows them: through the short links of the instance.

`walls.selectors.attach_short_links` gives a published post `short_links` (its tracked addresses
by code). A post without them (not published, or shown where they were not read) keeps its
anchors as written, and its link card goes through `/p/<id>/go/`, which counts and tags too.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from communa.walls.models import PostStatus
from communa.walls.tracking import short_path, with_short_links

register = template.Library()


@register.simple_tag
def post_text(post: Any) -> SafeString:
    """The post's rendered text, its tracked anchors pointing at their short links."""
    codes = getattr(post, "short_links", None) or {}
    return mark_safe(with_short_links(post.body_html, codes))  # noqa: S308 — sanitised on write


@register.simple_tag
def post_link_href(post: Any) -> str:
    """Where the post's link card goes: its short link, else the counting redirect of a
    published post, else (a post nobody else sees yet) the address itself."""
    code = (getattr(post, "short_links", None) or {}).get(post.link_url)
    if code is not None:
        return short_path(code)
    if post.status == PostStatus.PUBLISHED:
        return reverse("walls:go", args=[post.pk])
    return str(post.link_url)
