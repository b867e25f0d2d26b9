"""Analytics pages: the best time to post (R8.5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.activity import best_times as best_times_of
from communa.core.web import answers_refusals


@login_required
@require_GET
@answers_refusals
def best_times(request: HttpRequest, slug: str) -> HttpResponse:
    """When the community's members are active, as a heat map, and the hours to post at."""
    community, standing = community_for(request.user, slug, Action.VIEW_STATISTICS)
    return render(
        request,
        "analytics/best_times.html",
        {
            **page_context(community, standing, "best_times"),
            "best_times": best_times_of(community),
        },
    )
