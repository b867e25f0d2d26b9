"""`{% pinned_on_cover community as post %}`: the pinned post the community's cover shows (R1.6)."""

from __future__ import annotations

from typing import Any

from django import template

from communa.communities.models import Community
from communa.communities.permissions import Action, can
from communa.core.rows import read_many
from communa.walls.formatting import plain_text
from communa.walls.models import Post, PostStatus

register = template.Library()

# What the cover shows of the pinned post (read on every community home, written once).
_COVER = (("", ("title", "body")),)


@register.simple_tag(takes_context=True)
def pinned_on_cover(context: template.Context, community: Community) -> dict[str, Any] | None:
    """The pinned post's address and opening words, when the viewer may see the wall."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    if not can(actor, Action.VIEW_WALL, community):
        return None
    found = read_many(
        Post,
        't0."community_id" = %s AND t0."pinned" AND t0."status" = %s',
        [community.pk, PostStatus.PUBLISHED.value],
        order_by='t0."id"',
        limit=1,
        only=_COVER,
    )
    if not found:
        return None
    post = found[0]
    return {"pk": post.pk, "title": post.title, "excerpt": plain_text(post.body, 280)}
