"""`{% board_nav community as nav %}`: the board links and event box a viewer may use.

The community home includes `walls/_board_nav.html` with only `community` in its context; this
tag works out the rest from the request, so the include needs nothing else.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from communa.communities.cover import viewer_of
from communa.communities.models import Community, Kind
from communa.communities.permissions import Action, Standing, can
from communa.core.errors import DomainError

register = template.Library()


def board_links(community: Community, standing: Standing) -> list[tuple[str, str, str]]:
    """(name, label, url) of the board pages this viewer may open."""
    if not can(None, Action.VIEW_WALL, community, standing=standing):
        return []
    links = [("topics", _("Discussions"), reverse("walls:topics", args=[community.slug]))]
    if community.kind == Kind.GROUP:
        links.append(
            ("documents", _("Documents"), reverse("walls:documents", args=[community.slug]))
        )
    links.append(("albums", _("Albums"), reverse("walls:albums", args=[community.slug])))
    return links


@register.simple_tag(takes_context=True)
def board_nav(context: template.Context, community: Community) -> dict[str, Any]:
    """The viewer's board links and, for an event, what the attendance box shows."""
    from communa.walls.views.library import attendance_box_context

    request = context.get("request")
    _actor, standing = viewer_of(context, community)
    nav: dict[str, Any] = {"links": board_links(community, standing), "box": None}
    if community.kind == Kind.EVENT and request is not None:
        try:
            nav["box"] = attendance_box_context(request, community, standing)
        except DomainError:
            # A page that may show the community but not its event box leaves the box out.
            nav["box"] = None
    return nav


@register.filter
def media_url(name: str | None) -> str:
    """The address of a stored file known only by its name (an annotated thumbnail)."""
    return default_storage.url(name) if name else ""
