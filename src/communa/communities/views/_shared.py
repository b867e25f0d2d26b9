"""What every community page needs: the community and the viewer's standing, the manage area's
navigation (`page_context`), paging links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from communa.communities import manage, selectors
from communa.communities.models import (
    Community,
)
from communa.communities.permissions import (
    Action,
    Standing,
    can,
)
from communa.core.pagination import next_page_link


def _community(
    request: HttpRequest, slug: str, action: Action = Action.SEE
) -> tuple[Community, Standing]:
    return selectors.community_for(request.user, slug, action)


def _may(community: Community, standing: Standing, action: Action) -> bool:
    return can(None, action, community, standing=standing)


def _home_url(community: Community) -> str:
    return reverse("communities:home", args=[community.slug])


def _flat_links(community: Community, standing: Standing) -> list[tuple[str, str, str]]:
    """For people outside the team: the few pages they may open, as plain tabs."""
    return [
        (entry.current, entry.label, entry.url)
        for section in manage.sections(community, standing, counts={})
        for entry in section.entries
    ]


def page_context(community: Community, standing: Standing, current: str) -> dict[str, Any]:
    """What every page of one community needs: the community, the viewer's standing, the tabs.

    The team sees "Home · Manage" on the community's own pages, and the manage area's grouped
    navigation (with what waits, read in one statement) on its pages; others see plain tabs.
    """
    context: dict[str, Any] = {
        "community": community,
        "standing": standing,
        "current": current,
        "manages": False,
        "team_links": [],
        "manage_sections": [],
        "manage_section": None,
    }
    if not manage.may_manage(standing):
        context["team_links"] = _flat_links(community, standing)
        return context
    context["manages"] = True
    pages = {page.current for page in manage.visible_pages(community, standing)}
    if current == "manage" or current in pages:
        counts = manage.counts_for(community, standing)
        found = manage.sections(community, standing, counts=counts)
        context["manage_counts"] = counts
        context["manage_sections"] = found
        context["manage_section"] = next(
            (s for s in found if any(e.current == current for e in s.entries)), None
        )
    return context


def _next_link(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor)
