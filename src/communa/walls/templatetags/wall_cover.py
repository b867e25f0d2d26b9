"""`{% pinned_on_cover community as post %}`: the pinned post the community's cover shows (R1.6)."""

from __future__ import annotations

from typing import Any

from django import template

from communa.communities.cover import cover_value
from communa.communities.models import Community
from communa.communities.permissions import Standing
from communa.walls import selectors
from communa.walls.formatting import plain_text

register = template.Library()


def pinned_cover(
    actor: Any, community: Community, standing: Standing | None
) -> dict[str, Any] | None:
    """The pinned post's address and opening words, when the viewer may see the wall: the
    cover part walls registers (`communities.cover`), read once with the community home."""
    post = selectors.pinned_on_cover(actor=actor, community=community, standing=standing)
    if post is None:
        return None
    return {"pk": post.pk, "title": post.title, "excerpt": plain_text(post.body, 280)}


@register.simple_tag(takes_context=True)
def pinned_on_cover(context: template.Context, community: Community) -> dict[str, Any] | None:
    """The pinned post the page read with its cover, or read now for this viewer."""
    found, pinned = cover_value(context, community, "pinned")
    if found:
        return pinned
    request = context.get("request")
    return pinned_cover(getattr(request, "user", None), community, None)
