"""The calendar page (R8.2): week, month and list views in the community's time zone, filters,
drag and drop (htmx) with a form for the keyboard, and the mix advisor beside it (R8.4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from communa.communities.models import Tone
from communa.communities.permissions import Action, can
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.activity import best_times, next_best_time
from communa.core.moments import FIRST_DAY, LAST_DAY
from communa.core.web import answers_refusals
from communa.planner.selectors import calendar as cal
from communa.planner.selectors.mix import mix_of
from communa.planner.selectors.plans import zone_of
from communa.walls.models import PostStatus

VIEWS = ("week", "month", "list")
STATES = [
    (PostStatus.DRAFT, PostStatus.DRAFT.label),
    (PostStatus.PENDING, PostStatus.PENDING.label),
    (PostStatus.SCHEDULED, PostStatus.SCHEDULED.label),
    (PostStatus.FAILED, PostStatus.FAILED.label),
    (PostStatus.PUBLISHED, PostStatus.PUBLISHED.label),
]


def _day(text: str | None, default: date) -> date:
    try:
        found = date.fromisoformat(text) if text else default
    except ValueError:
        return default
    return found if FIRST_DAY <= found <= LAST_DAY else default


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 12 else None


def calendar_context(request: HttpRequest, community: Any) -> dict[str, Any]:
    """Everything the calendar shows for this request's view, day and filters."""
    zone = zone_of(community)
    today = timezone.now().astimezone(zone).date()
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
    around = _day(request.GET.get("day"), today)
    first, last = cal.month_of(around) if view == "month" else cal.week_of(around)
    if view == "month":
        previous = first - timedelta(days=1)
        following = last + timedelta(days=1)
    else:
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    states = {value for value, _label in STATES}
    filters = cal.Filters(
        rubric=_int(request.GET.get("rubric")),
        tone=request.GET.get("tone", "") if request.GET.get("tone") in Tone.values else "",
        author=(request.GET.get("author") or "").strip()[:150],
        state=request.GET.get("state", "") if request.GET.get("state") in states else "",
    )
    days = cal.calendar_days(community, first, last, filters=filters, today=today)
    unscheduled = cal.unscheduled_drafts(community, filters)
    for post in [*(p for d in days for p in d.posts), *unscheduled]:
        post.colour = cal.rubric_colour(post.rubric)  # type: ignore[attr-defined]
    lead = [None] * first.weekday() if view == "month" else []
    mix = mix_of(community, period="month" if view == "month" else "week", day=around)
    grid = best_times(community)
    return {
        "view": view,
        "day": around,
        "first": first,
        "last": last,
        "previous": previous,
        "following": following,
        "today": today,
        "days": days,
        "lead": lead,
        "zone": zone.key,
        "filters": filters,
        "states": STATES,
        "tones": Tone.choices,
        "rubrics": list(rubrics_of(community)),
        "unscheduled": unscheduled,
        "mix": mix,
        "best_times": grid,
        "next_best": next_best_time(community, timezone.now(), cal.taken_times(community)),
        "query": request.GET.urlencode(),
    }


@login_required
@answers_refusals
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The planning team's calendar (week by default)."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    context = {
        **page_context(community, standing, "calendar"),
        **calendar_context(request, community),
        "may_approve": can(request.user, Action.APPROVE_POSTS, community, standing=standing),
    }
    template = "planner/_calendar.html" if request.headers.get("HX-Request") else None
    return render(request, template or "planner/calendar.html", context)
