"""Load the demo: plan the whole history, then act it out in time order under the clock."""

from __future__ import annotations

from django.db import transaction

from communa.communities.models import Community
from communa.demo.boards import BoardPlanner
from communa.demo.communities import BRAND, CommunityPlanner
from communa.demo.context import DemoContext, relaxed_limits
from communa.demo.engagement_contests import load_contests
from communa.demo.engagement_forms import load_forms
from communa.demo.engagement_polls import load_polls
from communa.demo.engagement_recognition import load_recognition
from communa.demo.moderation import ModerationPlanner
from communa.demo.people import add_logins, plan_people
from communa.demo.planner import load_planner
from communa.demo.timeline import Timeline
from communa.demo.wall_stories import plan_walls


def plan_demo(ctx: DemoContext) -> Timeline:
    """Every step of the demo's history at its moment; planning writes nothing."""
    timeline = Timeline()
    people = plan_people(ctx, timeline)
    places = CommunityPlanner(ctx, timeline, people).plan()
    team = set(people.team.values())
    veterans = [
        j.person
        for j in sorted(places[BRAND].members, key=lambda j: j.at)
        if j.person not in team and j.person not in people.named
    ]
    spammer = veterans[7]  # an early member who turns to advertising
    story = plan_walls(ctx, timeline, people, places, spammer)
    BoardPlanner(ctx, timeline, people, places).plan()
    ModerationPlanner(ctx, timeline, people, places).plan(
        story["spam_post"], story["latest_brand_post"]
    )
    return timeline


def load_demo(ctx: DemoContext | None = None) -> DemoContext:
    """Load the demo unless it is there already; either way, return the logins to print."""
    ctx = ctx or DemoContext()
    add_logins(ctx)
    if Community.objects.filter(slug__iexact=BRAND).exists():
        return ctx  # loaded on an earlier run: the data are kept and reused
    timeline = plan_demo(ctx)
    with relaxed_limits(), ctx.clock.running(), transaction.atomic():
        timeline.run(ctx)
    # The plan ahead is written at "now", after the story that led there (demo/planner.py).
    with relaxed_limits(), transaction.atomic():
        load_planner(ctx)
    # Engagement (R6): polls, contests, forms, guides and last month's leaders, at "now" too.
    with relaxed_limits(), transaction.atomic():
        with ctx.clock.running():
            load_polls(ctx)
        load_contests(ctx)
        with ctx.clock.running():
            load_forms(ctx)
            load_recognition(ctx)
    return ctx
