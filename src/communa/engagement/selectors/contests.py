"""Reads of contests (R6.2): a community's contests, one contest with what its page shows, its
entries page by page, the member's own votes, the excluded entries the team reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can
from communa.core.errors import NotFound
from communa.core.pagination import Page, keyset_page
from communa.engagement.models import (
    Contest,
    ContestCorrection,
    ContestEntry,
    ContestState,
    ContestVote,
    ContestWinner,
)


def runs_contests(actor: Any, community: Community, standing: Standing | None = None) -> bool:
    """Whether the actor writes the rules and sees drafts and the excluded entries."""
    return can(actor, Action.RUN_ENGAGEMENT, community, standing=standing)


def _visible(actor: Any, community: Community, standing: Standing | None = None) -> Any:
    contests = Contest.objects.filter(community=community)
    if not runs_contests(actor, community, standing):
        contests = contests.exclude(state=ContestState.DRAFT)
    return contests


def contests_page(
    actor: Any,
    community: Community,
    *,
    cursor: str | None,
    limit: int,
    standing: Standing | None = None,
) -> Page[Contest]:
    """The community's contests the actor may see, the latest announced first; drafts only for
    the team."""
    winners = ContestWinner.objects.select_related("user", "entry")
    rows = (
        _visible(actor, community, standing)
        .select_related("community")
        .prefetch_related("corrections", Prefetch("winners", queryset=winners))
    )
    return keyset_page(
        rows,
        ["-announce_at", "-id"],
        cursor=cursor,
        limit=limit,
    )


def contest_in(
    actor: Any, community: Community, contest_id: int, standing: Standing | None = None
) -> Contest:
    """One contest the actor may see in this community, or NotFound (a draft is the team's)."""
    found = (
        _visible(actor, community, standing)
        .select_related("community", "post", "created_by")
        .filter(pk=contest_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def contest_by_id(contest_id: int) -> Contest:
    """A contest with its community, or NotFound (the front door checks who may see it)."""
    found = Contest.objects.select_related("community", "post").filter(pk=contest_id).first()
    if found is None:
        raise NotFound
    return found


def entry_in(contest: Contest, entry_id: int) -> ContestEntry:
    """An entry of this contest, or NotFound."""
    found = ContestEntry.objects.filter(contest=contest, pk=entry_id).select_related(
        "contest", "contest__community"
    )
    entry = found.first()
    if entry is None:
        raise NotFound
    return entry


def winner_in(contest: Contest, winner_id: int) -> ContestWinner:
    """A winner of this contest, or NotFound."""
    found = ContestWinner.objects.filter(contest=contest, pk=winner_id).select_related(
        "contest", "contest__community", "user"
    )
    winner = found.first()
    if winner is None:
        raise NotFound
    return winner


def entries_page(contest: Contest, *, cursor: str | None, limit: int) -> Page[ContestEntry]:
    """The entries taking part, by their number."""
    rows = ContestEntry.objects.filter(contest=contest, excluded="").select_related("user")
    return keyset_page(rows, ["number"], cursor=cursor, limit=limit)


def excluded_entries(contest: Contest) -> list[ContestEntry]:
    """The entrants the published rules left out, with their reasons (the team's view)."""
    return list(
        ContestEntry.objects.filter(contest=contest)
        .exclude(excluded="")
        .select_related("user")
        .order_by("number")
    )


def winners_of(contest: Contest) -> list[ContestWinner]:
    """The winners by place, with their entries."""
    return list(ContestWinner.objects.filter(contest=contest).select_related("user", "entry"))


def corrections_of(contest: Contest) -> list[ContestCorrection]:
    """The corrections made after the opening, oldest first."""
    return list(ContestCorrection.objects.filter(contest=contest).select_related("made_by"))


def my_votes(actor: Any, contest: Contest) -> set[int]:
    """The entries this member voted for."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    return set(
        ContestVote.objects.filter(contest=contest, voter=actor).values_list("entry_id", flat=True)
    )


def my_entry_count(actor: Any, contest: Contest) -> int:
    """How many photos this member has entered."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    return ContestEntry.objects.filter(contest=contest, user=actor).count()


@dataclass
class DrawRecord:
    """What anyone needs to verify a draw: the commitment, then the seed, the ordered entries,
    the number of winners and the winners."""

    commitment: str
    seed: str | None
    entries: list[str] = field(default_factory=list)
    winners_count: int = 0
    winners: list[str] = field(default_factory=list)
    drawn: bool = False


def draw_record(contest: Contest) -> DrawRecord:
    """The published draw: the seed and the results only once the draw has been made."""
    drawn = contest.decided_at is not None and contest.reached(ContestState.DECIDED)
    return DrawRecord(
        commitment=contest.commitment if contest.ready else "",
        seed=contest.seed if drawn else None,
        entries=list(contest.drawn_entries) if drawn else [],
        winners_count=contest.winners_count,
        winners=list(contest.drawn_winners) if drawn else [],
        drawn=drawn,
    )
