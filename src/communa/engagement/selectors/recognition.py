"""Reads of recognition (R6.3): what members contributed in a month, the boards, the badges
shown beside names, and the 1 % core offered to the team.

A month is a calendar month in the community's time zone (`core.moments.community_time_zone`).
What counts, each by a member of the community (the team only when the community says so):

- a post published in the month on the community's wall under the member's name (not one
  signed as the community, not a suggestion: that counts apart);
- a suggestion of theirs the team published in the month ("accepted suggestion");
- a visible comment under a published post, written in the month;
- a discussion reply: a visible comment in a discussion topic someone else opened, written in
  the month (walls has no "helpful answer" mark, so every reply to another member's topic
  counts);
- a like received in the month on one of their published posts or visible comments (their own
  likes are not counted).

The score weighs these with `COMMUNA["RECOGNITION_WEIGHT_*"]` (post 3, comment 1, like received
1, accepted suggestion 5, discussion reply 2 by default).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community, Membership, Role
from communa.core.badges import MemberBadges, Pair, ShownBadge
from communa.core.conf import int_setting
from communa.core.errors import NotFound, ValidationFailed
from communa.core.hooks import answer
from communa.core.moments import community_time_zone
from communa.core.participation import Contributions, MemberContributions, core_of
from communa.engagement.models import (
    BadgeKind,
    BadgeRule,
    Leader,
    MemberBadge,
    MonthlyLeaders,
    RecognitionSettings,
)
from communa.walls.models import Comment, CommentStatus, Like, Post, PostStatus, Share, Signature

KINDS = ("posts", "comments", "likes_received", "accepted_suggestions", "discussion_replies")
WEIGHT_SETTINGS = {
    "posts": "RECOGNITION_WEIGHT_POST",
    "comments": "RECOGNITION_WEIGHT_COMMENT",
    "likes_received": "RECOGNITION_WEIGHT_LIKE_RECEIVED",
    "accepted_suggestions": "RECOGNITION_WEIGHT_ACCEPTED_SUGGESTION",
    "discussion_replies": "RECOGNITION_WEIGHT_DISCUSSION_REPLY",
}


# Whose contribution a row of each kind is.
USER_FIELDS = {
    "posts": "author_id",
    "accepted_suggestions": "suggested_by_id",
    "comments": "author_id",
    "discussion_replies": "author_id",
}


def weights() -> dict[str, int]:
    """The score's weight of each kind of contribution, from the settings."""
    return {kind: max(0, int_setting(name)) for kind, name in WEIGHT_SETTINGS.items()}


# --- months ----------------------------------------------------------------------------------


def month_from(text: str | None, *, field_name: str = "month") -> date:
    """The first day of the month written "YYYY-MM"; anything else is a 422 naming the field."""
    try:
        year, month = (int(part) for part in str(text or "").strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationFailed(fields={field_name: [_("Give a month such as 2026-03.")]}) from None


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def month_bounds(community: Any, month: date) -> tuple[datetime, datetime]:
    """The moments a month starts and ends (exclusive) on the community's clock."""
    zone = community_time_zone(community)
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    end_day = next_month(month)
    end = datetime(end_day.year, end_day.month, 1, tzinfo=zone)
    return start, end


def current_month(community: Any, now: datetime | None = None) -> date:
    """The month it is now where the community is."""
    local = (now or timezone.now()).astimezone(community_time_zone(community))
    return local.date().replace(day=1)


def last_finished_month(community: Any, now: datetime | None = None) -> date:
    """The latest month that has ended where the community is."""
    return previous_month(current_month(community, now))


def label_of(month: date) -> str:
    return f"{month:%Y-%m}"


# --- contributions ---------------------------------------------------------------------------


@dataclass
class Tally:
    """One member's contributions over a span, and the score they make."""

    user_id: int
    posts: int = 0
    comments: int = 0
    likes_received: int = 0
    accepted_suggestions: int = 0
    discussion_replies: int = 0

    def breakdown(self) -> dict[str, int]:
        return {kind: getattr(self, kind) for kind in KINDS}

    def score(self, weighting: dict[str, int]) -> int:
        return sum(getattr(self, kind) * weighting[kind] for kind in KINDS)


def counted_members(community: Community, include_team: bool) -> QuerySet[Membership]:
    """Whose contributions count: current members (the blocked are not members), the team
    only when the community lists it."""
    found = Membership.objects.filter(community=community)
    return found if include_team else found.filter(role=Role.MEMBER)


def _in(members: QuerySet[Membership], user_field: str) -> Exists:
    return Exists(members.filter(user_id=OuterRef(user_field)))


def _span(prefix: str, start: datetime | None, end: datetime) -> Q:
    found = Q(**{f"{prefix}__lt": end})
    if start is not None:
        found &= Q(**{f"{prefix}__gte": start})
    return found


def tallies(
    community: Community, *, start: datetime | None, end: datetime, include_team: bool
) -> dict[int, Tally]:
    """Every counted member's contributions from `start` (None: the beginning) to `end`
    (six grouped queries)."""
    members = counted_members(community, include_team)
    published = Post.objects.filter(community=community, status=PostStatus.PUBLISHED).filter(
        _span("published_at", start, end)
    )
    reads: dict[str, QuerySet[Any]] = {
        "posts": published.filter(suggested_by__isnull=True, signed_as=Signature.AUTHOR)
        .filter(_in(members, "author_id"))
        .values("author_id"),
        "accepted_suggestions": published.filter(suggested_by__isnull=False)
        .filter(_in(members, "suggested_by_id"))
        .values("suggested_by_id"),
        "comments": Comment.objects.filter(
            post__community=community,
            post__status=PostStatus.PUBLISHED,
            status=CommentStatus.VISIBLE,
            signed_as=Signature.AUTHOR,
        )
        .filter(_span("created_at", start, end), _in(members, "author_id"))
        .values("author_id"),
        "discussion_replies": Comment.objects.filter(
            topic__community=community, topic__deleted_at__isnull=True, status=CommentStatus.VISIBLE
        )
        .exclude(author_id=F("topic__author_id"))
        .filter(_span("created_at", start, end), _in(members, "author_id"))
        .values("author_id"),
    }
    found: dict[int, Tally] = {}

    def add(kind: str, rows: Any) -> None:
        for user_id, count in rows:
            tally = found.setdefault(user_id, Tally(user_id))
            setattr(tally, kind, getattr(tally, kind) + count)

    for kind, query in reads.items():
        user_field = USER_FIELDS[kind]
        add(kind, query.annotate(n=Count("pk")).values_list(user_field, "n"))
    likes = Like.objects.filter(_span("created_at", start, end))
    add(
        "likes_received",
        likes.filter(
            post__community=community,
            post__status=PostStatus.PUBLISHED,
            post__signed_as=Signature.AUTHOR,
        )
        .exclude(user_id=F("post__author_id"))
        .filter(_in(members, "post__author_id"))
        .values("post__author_id")
        .annotate(n=Count("pk"))
        .values_list("post__author_id", "n"),
    )
    add(
        "likes_received",
        likes.filter(
            Q(comment__post__community=community) | Q(comment__topic__community=community),
            comment__status=CommentStatus.VISIBLE,
            comment__signed_as=Signature.AUTHOR,
        )
        .exclude(user_id=F("comment__author_id"))
        .filter(_in(members, "comment__author_id"))
        .values("comment__author_id")
        .annotate(n=Count("pk"))
        .values_list("comment__author_id", "n"),
    )
    return found


@dataclass(frozen=True)
class Ranked:
    """A member's place: ties share a rank (1, 2, 2, 4)."""

    rank: int
    score: int
    tally: Tally


def ranked(found: dict[int, Tally], weighting: dict[str, int]) -> list[Ranked]:
    """Members with a score above nothing, best first; equal scores share a rank and are listed
    by user id."""
    scored = sorted(
        ((tally.score(weighting), tally) for tally in found.values()),
        key=lambda pair: (-pair[0], pair[1].user_id),
    )
    places: list[Ranked] = []
    for position, (score, tally) in enumerate(scored, start=1):
        if score <= 0:
            break
        rank = places[-1].rank if places and places[-1].score == score else position
        places.append(Ranked(rank, score, tally))
    return places


# --- boards ----------------------------------------------------------------------------------


def settings_of(community: Community) -> RecognitionSettings:
    """The community's recognition settings (defaults when it never changed them)."""
    found = RecognitionSettings.objects.filter(community=community).first()
    return found or RecognitionSettings(community=community)


def board_of(community: Community, month: date | None) -> MonthlyLeaders | None:
    """The board of that month (None: the latest one), None when not computed."""
    boards = MonthlyLeaders.objects.filter(community=community)
    if month is not None:
        boards = boards.filter(month=month)
    return boards.order_by("-month").first()


def leaders_of(board: MonthlyLeaders) -> list[Leader]:
    return list(board.leaders.select_related("user").order_by("rank", "user_id"))


def months_of(community: Community, limit: int = 24) -> list[date]:
    """The months that have a board, the latest first (the month picker)."""
    return list(
        MonthlyLeaders.objects.filter(community=community)
        .order_by("-month")
        .values_list("month", flat=True)[:limit]
    )


def titles_of(community: Community, month: date) -> list[MemberBadge]:
    """The titles given for that month (the member of the month; ties share it)."""
    return list(
        MemberBadge.objects.filter(
            community=community,
            kind=BadgeKind.TITLE,
            period=label_of(month),
            revoked_at__isnull=True,
        )
        .select_related("user")
        .order_by("user_id")
    )


# --- badges ----------------------------------------------------------------------------------


def rules_of(community: Community) -> list[BadgeRule]:
    return list(BadgeRule.objects.filter(community=community).order_by("id"))


def rule_by_id(rule_id: int) -> BadgeRule:
    found = BadgeRule.objects.select_related("community").filter(pk=rule_id).first()
    if found is None:
        raise NotFound
    return found


def badge_by_id(badge_id: int) -> MemberBadge:
    found = MemberBadge.objects.select_related("community", "user").filter(pk=badge_id).first()
    if found is None:
        raise NotFound
    return found


def badges_held(community: Community, user: Any) -> list[MemberBadge]:
    """A member's titles and badges in the community, the newest first, taken-back ones too."""
    return list(
        MemberBadge.objects.filter(community=community, user=user).order_by("-awarded_at", "-id")
    )


def recent_badges(community: Community, limit: int = 50) -> list[MemberBadge]:
    """The community's latest badges (the team's page), taken-back ones too."""
    return list(
        MemberBadge.objects.filter(community=community)
        .select_related("user", "awarded_by")
        .order_by("-awarded_at", "-id")[:limit]
    )


class RecognitionBadges(MemberBadges):
    """Engagement's answer to the kernel's `MemberBadges` socket (ADR 0021)."""

    def badges_of(self, pairs: Collection[Pair]) -> dict[Pair, tuple[ShownBadge, ...]]:
        communities = {community_id for community_id, _user in pairs}
        users = {user_id for _community, user_id in pairs}
        latest_title = Subquery(
            MemberBadge.objects.filter(
                community_id=OuterRef("community_id"),
                kind=BadgeKind.TITLE,
                revoked_at__isnull=True,
            )
            .order_by("-period")
            .values("period")[:1]
        )
        rows = (
            MemberBadge.objects.filter(
                community_id__in=communities, user_id__in=users, revoked_at__isnull=True
            )
            .annotate(latest_title=latest_title)
            .order_by("-awarded_at", "-id")
            .values_list(
                "community_id", "user_id", "kind", "label", "description", "period", "latest_title"
            )
        )
        grouped: dict[Pair, dict[tuple[str, str], list[str]]] = {}
        for community_id, user_id, kind, stored_label, stored_note, period, latest in rows:
            pair = (community_id, user_id)
            # A title shows while it is the community's latest: the member of the last month.
            if pair not in pairs or (kind == BadgeKind.TITLE and period != latest):
                continue
            label, description = stored_label, stored_note
            if kind == BadgeKind.TITLE:
                label = _(stored_label)
                description = _("Member of the month, %(month)s") % {"month": period}
            grouped.setdefault(pair, {}).setdefault((kind, label), []).append(description)
        shown = max(0, int_setting("RECOGNITION_BADGES_SHOWN"))
        answer_: dict[Pair, tuple[ShownBadge, ...]] = {}
        for pair, labels in grouped.items():
            badges = [
                ShownBadge(label=label, kind=kind, count=len(notes), description=notes[0])
                for (kind, label), notes in labels.items()
            ]
            badges.sort(key=lambda badge: badge.kind != BadgeKind.TITLE)
            answer_[pair] = tuple(badges[:shown])
        return answer_


def shown_badges_of(
    community: Community, user_ids: Collection[int]
) -> dict[int, tuple[ShownBadge, ...]]:
    """The badges shown beside these members' names in the community (one query)."""
    found = answer(MemberBadges).badges_of({(community.pk, pk) for pk in user_ids})
    return {user_id: badges for (_community, user_id), badges in found.items()}


# --- the 1 % core ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoreCandidate:
    """A member of the 1 % core with their contributions and their role now."""

    user: User
    contributions: Contributions
    role: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def core_window(community: Community, now: datetime | None = None) -> tuple[date, date]:
    """The last `RECOGNITION_CORE_DAYS` whole days on the community's clock, ending yesterday."""
    today = (now or timezone.now()).astimezone(community_time_zone(community)).date()
    days = max(1, int_setting("RECOGNITION_CORE_DAYS"))
    return today - timedelta(days=days), today - timedelta(days=1)


def walls_contributions(community: Community, first: date, last: date) -> list[Contributions]:
    """The ladder's contributions read from walls' rows, for when analytics does not answer:
    likes given (those still standing), comments, shares and published posts of audience
    members. Views are analytics' alone, so lurkers are not on this ladder."""
    zone = community_time_zone(community)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    after = last + timedelta(days=1)
    end = datetime(after.year, after.month, after.day, tzinfo=zone)
    members = counted_members(community, include_team=False)
    span = {"created_at__gte": start, "created_at__lt": end}
    reads = {
        "likes": Like.objects.filter(
            Q(post__community=community)
            | Q(comment__post__community=community)
            | Q(comment__topic__community=community),
            **span,
        ).values("user_id"),
        "comments": Comment.objects.filter(
            Q(post__community=community) | Q(topic__community=community), **span
        )
        .exclude(status=CommentStatus.DELETED)
        .values("author_id"),
        "shares": Share.objects.filter(post__community=community, **span).values("user_id"),
        "posts": Post.objects.filter(
            community=community,
            status=PostStatus.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).values("author_id"),
    }
    counts: dict[int, dict[str, int]] = {}
    for kind, query in reads.items():
        user_field = "user_id" if kind in {"likes", "shares"} else "author_id"
        rows = query.filter(_in(members, user_field)).annotate(n=Count("pk"))
        for user_id, n in rows.values_list(user_field, "n"):
            counts.setdefault(user_id, {})[kind] = n
    return [Contributions(user_id=user_id, **kinds) for user_id, kinds in counts.items()]


def core_members(community: Community, now: datetime | None = None) -> list[CoreCandidate]:
    """The 1 % core of the last `RECOGNITION_CORE_DAYS` days by the participation ladder's
    definition (METRICS.md; `core.participation.core_of`), with their roles now."""
    first, last = core_window(community, now)
    rows = answer(MemberContributions).of(community, first, last)
    if rows is None:
        rows = walls_contributions(community, first, last)
    core, _target = core_of(rows, len(rows))
    users = User.objects.in_bulk([row.user_id for row in core])
    roles = dict(
        Membership.objects.filter(
            community=community, user_id__in=[row.user_id for row in core]
        ).values_list("user_id", "role")
    )
    return [
        CoreCandidate(users[row.user_id], row, roles.get(row.user_id, Role.MEMBER))
        for row in core
        if row.user_id in users
    ]


def member_in(community: Community, username: str) -> User:
    """A member of the community by username; anyone else is a 404."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None or not Membership.objects.filter(community=community, user=user).exists():
        raise NotFound
    return user
