"""Reads of polls (R6.1): a poll as one person sees it (their vote, the results when the rule
shows them), a community's polls, the voters of a public poll, and the polls under posts.

Who sees a poll: whoever may see the community's content (in an open community, everyone);
anyone else gets the 404 of a missing poll. Results show to the team always, to everyone once the
poll is closed, and before that to those who voted when the poll shows results after voting.
Voters are named only in public polls, to whoever sees the results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can, require
from communa.core.errors import DomainError, NotFound
from communa.core.pagination import Page, keyset_page
from communa.engagement.models import (
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
    PollState,
    ResultsShown,
)

ORDER = ["-created_at", "-id"]
STATES = ("open", "closed")


def poll_by_id(poll_id: int) -> Poll:
    """A poll with its community, or NotFound (the front door checks who may see it)."""
    found = Poll.objects.select_related("community").filter(pk=poll_id).first()
    if found is None:
        raise NotFound
    return found


def poll_in(community: Community, poll_id: int) -> Poll:
    """A poll of this community, or NotFound."""
    found = Poll.objects.select_related("community").filter(pk=poll_id, community=community).first()
    if found is None:
        raise NotFound
    return found


def require_poll_visible(actor: Any, community: Community) -> Standing:
    """The actor's standing when they may see the community's polls; else the 404 of a
    missing poll (a poll in a community one may not read is as good as missing)."""
    try:
        return require(actor, Action.VIEW_CONTENT, community)
    except DomainError as exc:
        raise NotFound from exc


def polls_page(
    community: Community,
    *,
    cursor: str | None,
    limit: int,
    state: str | None = None,
    post_id: int | None = None,
) -> Page[Poll]:
    """The community's polls, newest first, a keyset page at a time (one query)."""
    found = Poll.objects.filter(community=community).select_related("community")
    # A poll past its deadline is closed, whether or not the runner has recorded it yet.
    open_now = Q(state=PollState.OPEN) & (
        Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())
    )
    if state == PollState.OPEN:
        found = found.filter(open_now)
    elif state == PollState.CLOSED:
        found = found.exclude(open_now)
    if post_id is not None:
        found = found.filter(post_id=post_id)
    return keyset_page(found, ORDER, cursor=cursor, limit=limit)


def is_closed(poll: Poll) -> bool:
    """Closed by hand or by the runner, or past its deadline (the runner may not have run)."""
    return not poll.is_open_at()


@dataclass
class OptionResult:
    """One option with its votes and its share of the voters (0–100)."""

    option: PollOption
    votes: int
    share: float


@dataclass
class PollView:
    """A poll as one person sees it."""

    poll: Poll
    options: list[PollOption]
    closed: bool
    team: bool
    may_vote: bool
    mine: set[int] = field(default_factory=set)
    voted: bool = False
    results: list[OptionResult] | None = None
    voters: int | None = None

    @property
    def may_change(self) -> bool:
        return self.voted and self.poll.changeable and not self.closed

    @property
    def shows_voters(self) -> bool:
        return self.results is not None and not self.poll.anonymous


def results_of(poll: Poll, options: Iterable[PollOption]) -> tuple[list[OptionResult], int]:
    """Each option's votes and share of the voters, and how many voted: two COUNTs over the
    ballots, exact whatever votes run at once."""
    counts = dict(
        BallotChoice.objects.filter(poll=poll)
        .values("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )
    voters = Ballot.objects.filter(poll=poll).count()
    rows = [
        OptionResult(
            option=option,
            votes=counts.get(option.pk, 0),
            share=round(100 * counts.get(option.pk, 0) / voters, 1) if voters else 0.0,
        )
        for option in options
    ]
    return rows, voters


def results_visible(poll: Poll, *, team: bool, voted: bool, closed: bool) -> bool:
    """The rule of R6.1: the team always; everyone once closed; voters when shown after voting."""
    if team or closed:
        return True
    return voted and poll.results_shown == ResultsShown.AFTER_VOTE


def poll_view(actor: Any, poll: Poll, standing: Standing) -> PollView:
    """The poll for this person: the options, their choices, whether they may vote, and the
    results when the rule shows them. Three to five queries."""
    community = poll.community
    options = list(poll.options.all())
    closed = is_closed(poll)
    team = can(actor, Action.RUN_ENGAGEMENT, community, standing=standing)
    may_vote = can(actor, Action.TAKE_PART, community, standing=standing)
    view = PollView(poll=poll, options=options, closed=closed, team=team, may_vote=may_vote)
    if getattr(actor, "is_authenticated", False):
        view.mine = set(
            BallotChoice.objects.filter(poll=poll, ballot__voter=actor).values_list(
                "option_id", flat=True
            )
        )
        view.voted = bool(view.mine)
    if results_visible(poll, team=team, voted=view.voted, closed=closed):
        view.results, view.voters = results_of(poll, options)
    return view


def voters_page(
    poll: Poll, *, option_id: int | None, cursor: str | None, limit: int
) -> Page[Ballot]:
    """The ballots of a public poll (of one option when given), latest first, each with its
    voter and the options chosen: two queries a page."""
    found = Ballot.objects.filter(poll=poll).select_related("voter")
    if option_id is not None:
        found = found.filter(choices__option_id=option_id)
    page = keyset_page(found, ["-id"], cursor=cursor, limit=limit)
    choices = Prefetch("choices", queryset=BallotChoice.objects.order_by("option_id"))
    prefetch_related_objects(page.items, choices)
    return page


def voter_counts(poll_ids: list[int]) -> dict[int, int]:
    """How many voted in each of these polls (one grouped COUNT)."""
    if not poll_ids:
        return {}
    rows = (
        Ballot.objects.filter(poll_id__in=poll_ids)
        .values("poll_id")
        .annotate(n=Count("id"))
        .values_list("poll_id", "n")
    )
    return dict(rows)


def polls_under_posts(post_ids: list[int]) -> QuerySet[Poll]:
    """The polls shown under these posts (one query when read)."""
    return Poll.objects.filter(post_id__in=post_ids).only("id", "post_id", "question", "state")


def poll_under_post(post_id: int) -> Poll | None:
    """The poll shown under a post, if any."""
    return Poll.objects.select_related("community").filter(post_id=post_id).first()


__all__ = [
    "STATES",
    "OptionResult",
    "PollState",
    "PollView",
    "is_closed",
    "poll_by_id",
    "poll_in",
    "poll_view",
    "polls_page",
    "polls_under_posts",
    "require_poll_visible",
    "results_of",
    "results_visible",
    "voter_counts",
    "voters_page",
]
