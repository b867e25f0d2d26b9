"""The demo's contests (R6.2), written through the actions at moments of the demo's clock.

Learn to Cook ran a repost draw three weeks ago: members shared a brand post while it was open,
the worker's runner drew two winners with the committed seed (anyone can verify it on the
contest's page), one prize is already delivered. A photo contest is open now, with members'
photos (small generated pictures) and their votes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from communa.accounts.models import User
from communa.communities.models import Community, Membership, Role
from communa.core.errors import DomainError
from communa.demo.communities import BRAND
from communa.demo.context import DemoContext
from communa.demo.images import picture
from communa.engagement.actions.contests import (
    advance_due_contests,
    announce_contest,
    create_contest,
    mark_prize_delivered,
)
from communa.engagement.actions.photos import submit_photo, vote_for_entry
from communa.engagement.models import Contest, ContestEntry, ContestWinner
from communa.walls.actions.posts import share_post
from communa.walls.models import Post, PostStatus

PHOTO_CAPTIONS = [
    "Sunday sourdough",
    "Plum tart, first try",
    "Ramen from scratch",
    "Grandma's dumplings",
    "Burnt, but proud",
]


def _owner(community: Community) -> User:
    return Membership.objects.select_related("user").get(community=community, role=Role.OWNER).user


def _members(community: Community, before: datetime, count: int) -> list[User]:
    """Plain members who had joined and had their account well before `before`."""
    rows = (
        Membership.objects.filter(
            community=community,
            role=Role.MEMBER,
            joined_at__lt=before,
            user__date_joined__lt=before - timedelta(days=30),
        )
        .select_related("user")
        .order_by("joined_at", "id")[:count]
    )
    return [row.user for row in rows]


def _brand_post(community: Community, before: datetime) -> Post | None:
    return (
        Post.objects.filter(
            community=community,
            status=PostStatus.PUBLISHED,
            deleted_at__isnull=True,
            shared_from__isnull=True,
            published_at__lt=before,
        )
        .order_by("-published_at", "-id")
        .first()
    )


def _repost_draw(ctx: DemoContext, community: Community, owner: User) -> Contest | None:
    start = ctx.days_ago(24)
    post = _brand_post(community, start)
    if post is None:
        return None
    ctx.at(start)
    contest = create_contest(
        actor=owner,
        community=community,
        data={
            "kind": "draw",
            "title": "Share our knife guide, win a whetstone",
            "mechanics": "Share the knife-care post to your wall while the draw is open.",
            "prize": "Two 1000/6000 combination whetstones.",
            "delivery": "Sent by post within two weeks of the draw.",
            "source": "shared",
            "post": post.pk,
            "winners_count": 2,
            "min_account_days": 14,
            "post_winners": True,
            "announce_at": start,
            "open_at": start + timedelta(days=1),
            "close_at": start + timedelta(days=8),
            "decide_at": start + timedelta(days=8, hours=2),
            "winners_at": start + timedelta(days=8, hours=3),  # `announced` below
        },
    )
    announce_contest(actor=owner, contest=contest)
    ctx.at(contest.open_at)
    advance_due_contests()
    for i, member in enumerate(_members(community, start, 18)):
        ctx.at(contest.open_at + timedelta(hours=3 + 7 * i))
        try:
            share_post(actor=member, post=post, comment="Whetstones!" if i % 3 == 0 else "")
        except DomainError:
            ctx.skipped.append(f"contest share by {member.username}")
    announced = start + timedelta(days=8, hours=3)  # the contest's winners_at
    ctx.at(announced + timedelta(minutes=5))
    advance_due_contests()
    first = ContestWinner.objects.filter(contest=contest).order_by("place").first()
    if first is not None:
        ctx.at(announced + timedelta(days=3))
        mark_prize_delivered(actor=owner, winner=first, note="Parcel 4471-22 delivered.")
    return contest


def _photo_contest(ctx: DemoContext, community: Community, owner: User) -> Contest:
    start = ctx.days_ago(3)
    ctx.at(start)
    contest = create_contest(
        actor=owner,
        community=community,
        data={
            "kind": "photo",
            "title": "Your best bake of the month",
            "mechanics": "Send a photo of something you baked this month; vote for the others.",
            "prize": "A seat at the Saturday live class, for the three most voted.",
            "delivery": "The team writes to the winners to book their seat.",
            "winners_count": 3,
            "vote_scope": "entry",
            "live_counts": True,
            "announce_at": start,
            "open_at": start + timedelta(hours=2),
            "close_at": ctx.now + timedelta(days=4),
            "decide_at": ctx.now + timedelta(days=4, hours=1),
        },
    )
    announce_contest(actor=owner, contest=contest)
    ctx.at(contest.open_at)
    advance_due_contests()
    people = _members(community, start, 24)
    authors, voters = people[: len(PHOTO_CAPTIONS)], people[len(PHOTO_CAPTIONS) :]
    entries: list[ContestEntry] = []
    for i, (author, caption) in enumerate(zip(authors, PHOTO_CAPTIONS, strict=False)):
        ctx.at(contest.open_at + timedelta(hours=1 + 5 * i))
        photo = picture(f"contest-{i}", (640, 480), caption=caption)
        entries.append(submit_photo(actor=author, contest=contest, upload=photo, caption=caption))
    for i, voter in enumerate(voters):
        ctx.at(contest.open_at + timedelta(hours=30 + 2 * i))
        for entry in entries:
            if ctx.rng.random() < 0.25 + 0.12 * entries.index(entry):
                vote_for_entry(actor=voter, entry=entry)
    return contest


def load_contests(ctx: DemoContext) -> None:
    """A finished repost draw with its verified result, and a photo contest in voting."""
    community = Community.objects.filter(slug=BRAND).first()
    if community is None or Contest.objects.filter(community=community).exists():
        return
    owner = _owner(community)
    with ctx.clock.running():
        _repost_draw(ctx, community, owner)
        _photo_contest(ctx, community, owner)
