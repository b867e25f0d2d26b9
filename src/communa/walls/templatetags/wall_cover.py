"""`{% pinned_on_cover community as post %}`: the pinned post the community's cover shows (R1.6)."""

from __future__ import annotations

from typing import Any

from django import template

from communa.communities.models import Community
from communa.walls import selectors
from communa.walls.formatting import plain_text

register = template.Library()


@register.simple_tag(takes_context=True)
def pinned_on_cover(context: template.Context, community: Community) -> dict[str, Any] | None:
    """The pinned post's address and opening words, when the viewer may see the wall."""
    request = context.get("request")
    post = selectors.pinned_on_cover(actor=getattr(request, "user", None), community=community)
    if post is None:
        return None
    return {"pk": post.pk, "title": post.title, "excerpt": plain_text(post.body, 280)}
