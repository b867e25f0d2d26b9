"""The demo's recognition (R6.3): Learn to Cook's badge rules, last month's leaders with the
member of the month and the badges the rules gave, and one badge the team gave by hand.

Written at the end of the load, at "now", through engagement's actions as the community's owner,
so it obeys the rules users do (only a month that is over is computed, only members get badges).
Loading it twice changes nothing: the rules and the hand-given badge are found by their names,
and computing a month again gives nothing twice.
"""

from __future__ import annotations

from communa.communities.models import Community, Membership, Role
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.engagement.actions.recognition import award_badge, compute_month, create_badge_rule
from communa.engagement.models import BadgeRule, MemberBadge
from communa.engagement.selectors.recognition import last_finished_month, leaders_of

RULES = [
    {
        "label": "Top contributor",
        "description": "One of the month's three leaders.",
        "contribution": "rank",
        "threshold": 3,
        "scope": "month",
    },
    {
        "label": "First post",
        "description": "Published a first post in the community.",
        "contribution": "posts",
        "threshold": 1,
        "scope": "total",
    },
    {
        "label": "Conversationalist",
        "description": "Twenty comments and counting.",
        "contribution": "comments",
        "threshold": 20,
        "scope": "total",
    },
    {
        "label": "Helpful neighbour",
        "description": "Answered others in three discussions in a month.",
        "contribution": "discussion_replies",
        "threshold": 3,
        "scope": "month",
    },
]
HAND_GIVEN = "Recipe tester"
HAND_REASON = "Cooked and reviewed every recipe of the autumn class."


def load_recognition(ctx: DemoContext) -> None:
    """Badge rules and last month's leaders of the brand community."""
    community = Community.objects.filter(slug=BRAND).first()
    owner = (
        Membership.objects.filter(community=community, role=Role.OWNER)
        .select_related("user")
        .first()
    )
    if community is None or owner is None:
        return
    actor = owner.user
    named = set(BadgeRule.objects.filter(community=community).values_list("label", flat=True))
    for rule in RULES:
        if rule["label"] not in named:
            create_badge_rule(actor=actor, community=community, data=dict(rule))
    board = compute_month(
        actor=actor, community=community, month=last_finished_month(community, ctx.now)
    )
    leaders = leaders_of(board)
    # The team thanks the runner-up by hand (the leader has the title already).
    chosen = leaders[1].user if len(leaders) > 1 else (leaders[0].user if leaders else None)
    if (
        chosen is not None
        and not MemberBadge.objects.filter(community=community, label=HAND_GIVEN).exists()
    ):
        award_badge(
            actor=actor, community=community, user=chosen, label=HAND_GIVEN, reason=HAND_REASON
        )
