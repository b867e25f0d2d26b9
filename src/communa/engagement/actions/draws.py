"""Finding a contest's winners when its draw or count date comes (R6.2).

A draw takes its entrants from walls' and communities' rows (who shared or commented on the
post, or joined, between the opening and the close), one entry per member, applies the published
rules, freezes the ordered list of eligible entries and picks the winners with
`engagement.draws.pick_winners` and the seed committed to at the announcement. A photo contest
counts its votes. Both run inside the worker's step (see `actions.contests`), in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.models import User
from communa.communities.models import Block, Membership, MembershipEvent, Role
from communa.core.conf import int_setting
from communa.core.events import EventKind, record_event, viewer_for_user
from communa.engagement import draws
from communa.engagement.models import (
    Contest,
    ContestEntry,
    ContestKind,
    ContestWinner,
    DrawSource,
)
from communa.walls.models import Comment, CommentStatus, Post, Share, Signature

TEAM_ROLES = (Role.OWNER, Role.ADMIN, Role.EDITOR)

# Why an entrant takes no part, in the order the rules are applied (the first that fits).
EXCLUSIONS: dict[str, Promise] = {
    "blocked": gettext_lazy("Blocked in the community"),
    "not_member": gettext_lazy("Not a member at the draw"),
    "team": gettext_lazy("Runs the contest (owner, administrator or editor)"),
    "too_new": gettext_lazy("Account too new"),
    "country": gettext_lazy("Country not eligible"),
    "suspected_fake": gettext_lazy("Suspected fake account"),
}


def exclusion_label(code: str) -> str:
    """The reason an entry was excluded, in the reader's language."""
    return str(EXCLUSIONS.get(code, code))


def account_cutoff(contest: Contest) -> datetime | None:
    """Accounts made after this moment are too new: `min_account_days` before the close."""
    if not contest.min_account_days:
        return None
    return contest.close_at - timedelta(days=contest.min_account_days)


def published_rules(contest: Contest) -> list[str]:
    """The rules the platform applies, worded for the contest's page (beside the team's text)."""
    rules: list[str] = []
    if contest.members_only:
        rules.append(_("Only members of the community take part."))
    rules.append(_("Members blocked in the community take no part."))
    cutoff = account_cutoff(contest)
    if cutoff is not None:
        rules.append(
            _("Accounts must be at least %(n)d days old at the close.")
            % {"n": contest.min_account_days}
        )
    if contest.countries:
        rules.append(
            _("Open to members whose profile country is one of: %(codes)s.")
            % {"codes": ", ".join(contest.countries)}
        )
    if contest.kind == ContestKind.DRAW:
        source = {
            DrawSource.SHARED: _(
                "Every member who shared the post between the opening and the close has one entry."
            ),
            DrawSource.COMMENTED: _(
                "Every member who commented on the post between the opening and the close has one"
                " entry."
            ),
            DrawSource.JOINED: _(
                "Every member who joined the community between the opening and the close has one"
                " entry."
            ),
        }.get(DrawSource(contest.source) if contest.source else DrawSource.JOINED)
        rules.append(str(source))
        rules.append(_("The owner, administrators and editors of the community cannot win."))
        rules.append(
            _(
                "Suspected fake accounts take no part: an account younger than %(n)d days at the"
                " close, with no avatar and no profile fields (display name, city, country,"
                " birth year, gender), that has written no post and at most one comment."
            )
            % {"n": int_setting("CONTEST_FAKE_ACCOUNT_DAYS")}
        )
        rules.append(
            _(
                "The winners are drawn with the seed whose SHA-256 (the commitment) is published"
                " from the announcement, by the algorithm shown under Verify, on the entries"
                " sorted by user name."
            )
        )
    else:
        rules.append(
            _("Members vote once per entry.")
            if contest.vote_scope == "entry"
            else _("Members have one vote in the whole contest.")
        )
        rules.append(_("Nobody votes for their own photo."))
        rules.append(
            _(
                "The entries with the most votes win; a tie goes to the entry sent first; a member"
                " wins at most once."
            )
        )
        rules.append(
            _("The counts are shown while voting.")
            if contest.live_counts
            else _("The counts are hidden until the close.")
        )
    return rules


def personal_refusal(contest: Contest, user: Any) -> str | None:
    """Why this member may not take part by the rules on their account (age, country)."""
    cutoff = account_cutoff(contest)
    if cutoff is not None and user.date_joined > cutoff:
        return _(
            "Your account is too new for this contest: it must be at least %(n)d days old at the"
            " close."
        ) % {"n": contest.min_account_days}
    if contest.countries and (str(user.country or "")) not in contest.countries:
        return _("This contest is open to members in: %(codes)s.") % {
            "codes": ", ".join(contest.countries)
        }
    return None


def _entrant_ids(contest: Contest) -> set[int]:
    window = {"created_at__gte": contest.open_at, "created_at__lt": contest.close_at}
    post_id = contest.post_id or 0  # a deleted post: nobody can have entered through it
    if contest.source == DrawSource.SHARED:
        shares = Share.objects.filter(post_id=post_id, repost__deleted_at__isnull=True)
        return set(shares.filter(**window).values_list("user_id", flat=True))
    if contest.source == DrawSource.COMMENTED:
        rows = Comment.objects.filter(
            post_id=post_id,
            status=CommentStatus.VISIBLE,
            deleted_at__isnull=True,
            signed_as=Signature.AUTHOR,
        )
        return set(rows.filter(**window).values_list("author_id", flat=True))
    joins = MembershipEvent.objects.filter(
        community=contest.community,
        kind=MembershipEvent.Kind.JOIN,
        at__gte=contest.open_at,
        at__lt=contest.close_at,
    )
    return set(joins.values_list("user_id", flat=True))


@dataclass
class _Facts:
    blocked: set[int]
    roles: dict[int, str]
    posts: set[int]
    comments: dict[int, int]


def _facts_of(contest: Contest, ids: set[int], now: datetime) -> _Facts:
    blocked = Block.objects.filter(
        community=contest.community, user_id__in=ids, lifted_at__isnull=True
    )
    blocked = blocked.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    roles = Membership.objects.filter(community=contest.community, user_id__in=ids)
    posts = Post.objects.filter(
        author_id__in=ids, shared_from__isnull=True, deleted_at__isnull=True
    )
    comments = (
        Comment.objects.filter(author_id__in=ids, deleted_at__isnull=True)
        .values("author_id")
        .annotate(n=Count("id"))
    )
    return _Facts(
        blocked=set(blocked.values_list("user_id", flat=True)),
        roles=dict(roles.values_list("user_id", "role")),
        posts=set(posts.values_list("author_id", flat=True).distinct()),
        comments={row["author_id"]: row["n"] for row in comments},
    )


def _suspected_fake(contest: Contest, user: User, facts: _Facts) -> bool:
    young = user.date_joined > contest.close_at - timedelta(
        days=int_setting("CONTEST_FAKE_ACCOUNT_DAYS")
    )
    bare = not (
        user.avatar
        or user.display_name
        or user.city
        or user.country
        or user.birth_year
        or user.gender
    )
    silent = user.pk not in facts.posts and facts.comments.get(user.pk, 0) <= 1
    return young and bare and silent


def _exclusion(contest: Contest, user: User, facts: _Facts) -> str:  # noqa: PLR0911 - one rule a line
    if user.pk in facts.blocked:
        return "blocked"
    role = facts.roles.get(user.pk)
    if contest.members_only and role is None:
        return "not_member"
    if role in TEAM_ROLES:
        return "team"
    cutoff = account_cutoff(contest)
    if cutoff is not None and user.date_joined > cutoff:
        return "too_new"
    if contest.countries and str(user.country or "") not in contest.countries:
        return "country"
    if _suspected_fake(contest, user, facts):
        return "suspected_fake"
    return ""


def _draw(contest: Contest, now: datetime) -> None:
    ids = _entrant_ids(contest)
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    facts = _facts_of(contest, set(users), now)
    reasons = {pk: _exclusion(contest, user, facts) for pk, user in users.items()}
    by_name = {user.username: user for user in users.values()}
    eligible = draws.ordered_entries(name for name, u in by_name.items() if not reasons[u.pk])
    excluded = draws.ordered_entries(name for name, u in by_name.items() if reasons[u.pk])
    entries = [
        ContestEntry(
            contest=contest,
            user=by_name[name],
            number=number,
            name=name,
            excluded=reasons[by_name[name].pk],
            created_at=now,
        )
        for number, name in enumerate([*eligible, *excluded], start=1)
    ]
    made = {entry.name: entry for entry in ContestEntry.objects.bulk_create(entries)}
    winners = draws.pick_winners(contest.seed, eligible, contest.winners_count)
    ContestWinner.objects.bulk_create(
        ContestWinner(contest=contest, entry=made[name], user=by_name[name], place=place)
        for place, name in enumerate(winners, start=1)
    )
    for name in eligible:
        record_event(
            EventKind.ENTRY,
            viewer=viewer_for_user(by_name[name]),
            community_id=contest.community_id,
        )
    Contest.objects.filter(pk=contest.pk).update(
        drawn_entries=eligible, drawn_winners=winners, decided_at=now
    )


def _count(contest: Contest, now: datetime) -> None:
    ranked = ContestEntry.objects.filter(contest=contest, excluded="").order_by(
        "-vote_count", "number"
    )
    winners: list[ContestEntry] = []
    seen: set[int] = set()
    for entry in ranked.iterator():
        if entry.user_id in seen:
            continue
        seen.add(entry.user_id)
        winners.append(entry)
        if len(winners) >= contest.winners_count:
            break
    ContestWinner.objects.bulk_create(
        ContestWinner(contest=contest, entry=entry, user_id=entry.user_id, place=place)
        for place, entry in enumerate(winners, start=1)
    )
    Contest.objects.filter(pk=contest.pk).update(
        drawn_winners=[f"#{entry.number} {entry.name}" for entry in winners], decided_at=now
    )


def decide_contest(contest: Contest, *, now: datetime | None = None) -> None:
    """Draw or count the winners (the worker's step to `decided`, inside its transaction)."""
    now = now or timezone.now()
    if contest.kind == ContestKind.DRAW:
        _draw(contest, now)
    else:
        _count(contest, now)
