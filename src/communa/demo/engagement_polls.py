"""The demo's polls (R6.1): written at the end of the load, at "now", through the actions.

Learn to Cook runs a poll of its own on Saturday's live class (open for three more days, results
after voting, voters public), a poll under its latest post (two choices at most, anonymous,
closed by hand), and a closed poll on the class times whose results showed only once it closed.
Members vote through `vote_in_poll`, so ballots, events and audit entries are the ones users
leave.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from communa.accounts.models import User
from communa.communities.models import Community, Membership, Role
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.engagement.actions.polls import close_poll, create_poll, vote_in_poll
from communa.engagement.models import Poll
from communa.walls.models import Post, PostStatus

RUNNING = {
    "question": "What should Saturday's live class cook?",
    "options": ["Ramen from scratch", "Beef Wellington", "Three French sauces", "Dim sum"],
    "anonymous": False,
    "results_shown": "after_vote",
    "changeable": True,
}
UNDER_POST = {
    "question": "Which knives do you reach for most? Pick up to two.",
    "options": ["Chef's knife", "Santoku", "Paring knife", "Bread knife", "Cleaver"],
    "multiple": True,
    "max_choices": 2,
    "anonymous": True,
    "results_shown": "after_vote",
}
CLOSED = {
    "question": "Which time suits you best for evening classes?",
    "options": ["18:00", "19:00", "20:00"],
    "anonymous": True,
    "results_shown": "after_close",
    "changeable": False,
}
# How members lean, option by option (weights for the random choice).
LEANINGS = {
    RUNNING["question"]: [5, 2, 3, 4],
    UNDER_POST["question"]: [8, 5, 3, 1, 1],
    CLOSED["question"]: [2, 5, 3],
}


def _editor(community: Community) -> User:
    """The first editor, else the first administrator, else the owner."""
    for role in (Role.EDITOR, Role.ADMIN, Role.OWNER):
        found = (
            Membership.objects.filter(community=community, role=role)
            .select_related("user")
            .order_by("joined_at", "id")
            .first()
        )
        if found is not None:
            return found.user
    raise LookupError(community.slug)


def _members(community: Community) -> list[User]:
    rows = (
        Membership.objects.filter(community=community, role=Role.MEMBER)
        .select_related("user")
        .order_by("joined_at", "id")
    )
    return [row.user for row in rows]


def _votes(ctx: DemoContext, poll: Poll, voters: list[User]) -> None:
    options = list(poll.options.order_by("position").values_list("pk", flat=True))
    weights = LEANINGS[poll.question]
    for voter in voters:
        if poll.multiple:
            count = ctx.rng.choice([1, 1, 2])
            chosen = list(dict.fromkeys(ctx.rng.choices(options, weights=weights, k=count)))
        else:
            chosen = ctx.rng.choices(options, weights=weights, k=1)
        vote_in_poll(actor=voter, poll=poll, option_ids=chosen)


def _poll(community: Community, editor: User, data: dict[str, Any]) -> Poll:
    return create_poll(actor=editor, community=community, data=data)


def load_polls(ctx: DemoContext) -> None:
    """Learn to Cook's polls with members' votes: one running, one under a recent post, one
    closed."""
    community = Community.objects.filter(slug=BRAND).first()
    if community is None:
        return
    ctx.at(ctx.now)
    editor = _editor(community)
    members = _members(community)
    rng = ctx.rng
    running = _poll(
        community, editor, {**RUNNING, "closes_at": ctx.now + timedelta(days=3, hours=5)}
    )
    _votes(ctx, running, rng.sample(members, min(len(members), 34)))
    latest = (
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )
    if latest is not None:
        under = _poll(community, editor, {**UNDER_POST, "post_id": latest.pk})
        _votes(ctx, under, rng.sample(members, min(len(members), 21)))
    closed = _poll(community, editor, CLOSED)
    _votes(ctx, closed, rng.sample(members, min(len(members), 27)))
    close_poll(actor=editor, poll=closed)
