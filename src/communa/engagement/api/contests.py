"""The contests API (R6.2): the team writes, announces and corrects the rules and marks prizes
delivered (RUN_ENGAGEMENT); members send photos and vote (TAKE_PART); anyone who may read the
community reads a contest, its entries and its draw, with everything needed to verify it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, File, Form, Schema, Status
from ninja.files import UploadedFile

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.events import viewer_of
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Moment, OneOf, Page, PageLimit, RowId, Strict
from communa.engagement.actions import contests as actions
from communa.engagement.actions import photos
from communa.engagement.actions.draws import exclusion_label, published_rules
from communa.engagement.api.routers import router
from communa.engagement.models import (
    Contest,
    ContestEntry,
    ContestKind,
    ContestWinner,
    DrawSource,
    VoteScope,
)
from communa.engagement.selectors import contests as selectors

KindName = Annotated[str, OneOf(ContestKind.values)]
SourceName = Annotated[str, OneOf(["", *DrawSource.values])]
ScopeName = Annotated[str, OneOf(VoteScope.values)]
Title = Annotated[str, Field(max_length=actions.TITLE_MAX)]
Mechanics = Annotated[str, Field(max_length=actions.MECHANICS_MAX)]
Prize = Annotated[str, Field(max_length=actions.PRIZE_MAX)]
Delivery = Annotated[str, Field(max_length=actions.DELIVERY_MAX)]
Countries = Annotated[
    list[Annotated[str, Field(max_length=2)]],
    Field(max_length=250, description="ISO 3166 codes of the profile countries that may enter."),
]


class ContestIn(Strict):
    kind: KindName
    title: Title
    mechanics: Mechanics = ""
    prize: Prize
    delivery: Delivery = ""
    source: SourceName = Field(
        "", description="A draw's entrants: `shared` or `commented` on `post`, or `joined`."
    )
    post: RowId | None = None
    winners_count: int = 1
    members_only: bool = True
    min_account_days: int = 0
    countries: Countries = []
    vote_scope: ScopeName = VoteScope.ENTRY
    live_counts: bool = True
    post_winners: bool = False
    announce_at: Moment
    open_at: Moment
    close_at: Moment
    decide_at: Moment
    winners_at: Moment | None = None


class ContestPatch(Strict):
    kind: KindName | None = None
    title: Title | None = None
    mechanics: Mechanics | None = None
    prize: Prize | None = None
    delivery: Delivery | None = None
    source: SourceName | None = None
    post: RowId | None = None
    winners_count: int | None = None
    members_only: bool | None = None
    min_account_days: int | None = None
    countries: Countries | None = None
    vote_scope: ScopeName | None = None
    live_counts: bool | None = None
    post_winners: bool | None = None
    announce_at: Moment | None = None
    open_at: Moment | None = None
    close_at: Moment | None = None
    decide_at: Moment | None = None
    winners_at: Moment | None = None


class CorrectionIn(Strict):
    field: Annotated[str, OneOf(actions.CORRECTABLE)]
    value: Annotated[str, Field(max_length=actions.MECHANICS_MAX)]
    note: Annotated[str, Field(max_length=actions.NOTE_MAX)] = ""


class DeliveredIn(Strict):
    note: Annotated[str, Field(max_length=actions.NOTE_MAX)] = ""


class CorrectionOut(Schema):
    field: str
    before: str
    after: str
    note: str
    made_at: datetime


class WinnerOut(Schema):
    id: int
    place: int
    username: str
    entry_number: int
    delivered_at: datetime | None


class ContestOut(Schema):
    id: int
    kind: str
    title: str
    mechanics: str
    prize: str
    delivery: str
    source: str
    post_id: int | None
    winners_count: int
    members_only: bool
    min_account_days: int
    countries: list[str]
    vote_scope: str
    live_counts: bool
    post_winners: bool
    announce_at: datetime
    open_at: datetime
    close_at: datetime
    decide_at: datetime
    winners_at: datetime | None
    state: str = Field(
        description="`draft`, `announced`, `open`, `closed`, `decided`, `winners` or `delivered`."
    )
    ready: bool = Field(description="Announced by the team (the worker shows it at its date).")
    commitment: str = Field(description="SHA-256 of the draw's seed, from the announcement.")
    rules: list[str] = Field(description="The rules the platform applies, worded.")
    corrections: list[CorrectionOut]
    winners: list[WinnerOut]
    url: str


class EntryOut(Schema):
    id: int
    number: int
    username: str
    caption: str
    photo: str | None
    thumbnail: str | None
    width: int
    height: int
    votes: int | None = Field(description="Null while the rules hide the counts.")
    voted: bool


class ExcludedOut(Schema):
    number: int
    username: str
    reason: str
    reason_text: str


class DrawOut(Schema):
    commitment: str
    seed: str | None = Field(description="Published at the draw; null before.")
    entries: list[str] = Field(description="The eligible entries, by user name, in draw order.")
    winners_count: int
    winners: list[str]
    drawn: bool
    algorithm: str = Field(description="Where the algorithm is written: run it to verify.")


def _winner_out(winner: ContestWinner) -> dict[str, Any]:
    return {
        "id": winner.pk,
        "place": winner.place,
        "username": winner.user.username,
        "entry_number": winner.entry.number,
        "delivered_at": winner.delivered_at,
    }


def contest_out(contest: Contest) -> dict[str, Any]:
    """A contest as the API shows it, with its rules, corrections and winners."""
    facts = {field: getattr(contest, field) for field in actions.FIELDS if field != "post"}
    # A page of contests comes with both prefetched (a fixed number of queries per page).
    prefetched = getattr(contest, "_prefetched_objects_cache", {})
    if "winners" in prefetched:
        corrections, winners = list(contest.corrections.all()), list(contest.winners.all())
    else:
        corrections, winners = selectors.corrections_of(contest), selectors.winners_of(contest)
    return {
        "id": contest.pk,
        **facts,
        "post_id": contest.post_id,
        "state": contest.state,
        "ready": contest.ready,
        "commitment": contest.commitment,
        "rules": published_rules(contest),
        "corrections": corrections,
        "winners": [_winner_out(winner) for winner in winners],
        "url": actions.contest_url(contest),
    }


def entry_out(entry: ContestEntry, contest: Contest, voted: set[int]) -> dict[str, Any]:
    """One entry; its votes only where the rules show them."""
    return {
        "id": entry.pk,
        "number": entry.number,
        "username": entry.name,
        "caption": entry.caption,
        "photo": entry.photo.url if entry.photo else None,
        "thumbnail": entry.thumbnail.url if entry.thumbnail else None,
        "width": entry.width,
        "height": entry.height,
        "votes": entry.vote_count if contest.counts_shown else None,
        "voted": entry.pk in voted,
    }


def _contest(request: Any, contest_id: int, action: Action = Action.VIEW_CONTENT) -> Contest:
    """The contest, 404 unless the person may see it (a draft is the team's), 403 unless the
    person may do `action`."""
    found = selectors.contest_by_id(contest_id)
    community, standing = community_for(request.auth, found.community.slug, Action.VIEW_CONTENT)
    contest = selectors.contest_in(request.auth, community, contest_id, standing)
    if action != Action.VIEW_CONTENT:
        community_for(request.auth, community.slug, action)
    return contest


def _given(payload: Strict) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get("/communities/{slug}/contests", auth=anyone, response=Page[ContestOut])
def list_contests(
    request: VisitorRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's contests, the latest announced first (drafts only for the team)."""
    community, standing = community_for(request.auth, slug, Action.VIEW_CONTENT)
    page = selectors.contests_page(
        request.auth, community, cursor=cursor, limit=page_size(limit), standing=standing
    )
    return {"items": [contest_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/contests", response={201: ContestOut})
def create_contest(request: AuthedRequest, slug: str, payload: ContestIn) -> Status:
    """Write a contest's rules as a draft; dates out of order are a 422 naming the field."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    contest = actions.create_contest(actor=request.auth, community=community, data=_given(payload))
    return Status(201, contest_out(contest))


@router.get("/contests/{contest_id}", auth=anyone, response=ContestOut)
def get_contest(request: VisitorRequest, contest_id: RowId) -> dict[str, Any]:
    """One contest: its rules, dates, state, commitment, corrections and winners."""
    return contest_out(_contest(request, contest_id))


@router.patch("/contests/{contest_id}", response=ContestOut)
def update_contest(
    request: AuthedRequest, contest_id: RowId, payload: ContestPatch
) -> dict[str, Any]:
    """Change the rules while a draft or announced; once open, a 409 names each field."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    return contest_out(
        actions.update_contest(actor=request.auth, contest=contest, data=_given(payload))
    )


@router.delete("/contests/{contest_id}", response={204: None})
def delete_contest(request: AuthedRequest, contest_id: RowId) -> Status:
    """Throw away a draft never announced (409 otherwise)."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    actions.delete_contest(actor=request.auth, contest=contest)
    return Status(204, None)


@router.post("/contests/{contest_id}/announce", response=ContestOut)
def announce_contest(request: AuthedRequest, contest_id: RowId) -> dict[str, Any]:
    """Publish a draft with its commitment: at once, or at its announcement date."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    return contest_out(actions.announce_contest(actor=request.auth, contest=contest))


@router.post("/contests/{contest_id}/corrections", response={201: CorrectionOut})
def correct_contest(request: AuthedRequest, contest_id: RowId, payload: CorrectionIn) -> Status:
    """Fix a typo in frozen rules (`title`, `mechanics`, `prize`, `delivery`); logged and shown."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    correction = actions.correct_contest(
        actor=request.auth,
        contest=contest,
        field=payload.field,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, correction)


@router.get("/contests/{contest_id}/entries", auth=anyone, response=Page[EntryOut])
def list_entries(
    request: VisitorRequest, contest_id: RowId, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The entries taking part, by number, with votes where the rules show them."""
    contest = _contest(request, contest_id)
    page = selectors.entries_page(contest, cursor=cursor, limit=page_size(limit))
    voted = selectors.my_votes(request.auth, contest)
    return {
        "items": [entry_out(entry, contest, voted) for entry in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/contests/{contest_id}/entries", response={201: EntryOut})
def submit_photo(
    request: AuthedRequest,
    contest_id: RowId,
    photo: File[UploadedFile],
    caption: Form[str] = "",
) -> Status:
    """Send a photo to an open photo contest (multipart: `photo`, optional `caption`)."""
    contest = _contest(request, contest_id)
    entry = photos.submit_photo(
        actor=request.auth,
        contest=contest,
        upload=photo,
        caption=caption,
        viewer=viewer_of(request, api=True),
    )
    return Status(201, entry_out(entry, contest, set()))


@router.post(
    "/contests/{contest_id}/entries/{entry_id}/vote", response={200: EntryOut, 201: EntryOut}
)
def vote(request: AuthedRequest, contest_id: RowId, entry_id: RowId) -> Status:
    """Vote for a photo: 201 for a new vote, 200 when it was already counted."""
    contest = _contest(request, contest_id)
    entry, counted = photos.vote_for_entry(
        actor=request.auth,
        entry=selectors.entry_in(contest, entry_id),
        viewer=viewer_of(request, api=True),
    )
    voted = selectors.my_votes(request.auth, contest)
    return Status(201 if counted else 200, entry_out(entry, contest, voted))


@router.delete("/contests/{contest_id}/entries/{entry_id}/vote", response=EntryOut)
def unvote(request: AuthedRequest, contest_id: RowId, entry_id: RowId) -> dict[str, Any]:
    """Take back your vote while the contest is open."""
    contest = _contest(request, contest_id)
    entry = photos.take_back_vote(actor=request.auth, entry=selectors.entry_in(contest, entry_id))
    return entry_out(entry, contest, selectors.my_votes(request.auth, contest))


@router.get("/contests/{contest_id}/draw", auth=anyone, response=DrawOut)
def draw(request: VisitorRequest, contest_id: RowId) -> dict[str, Any]:
    """The draw's published inputs and result: run docs/contest-draws.md on them to verify."""
    record = selectors.draw_record(_contest(request, contest_id))
    return {**record.__dict__, "algorithm": "docs/contest-draws.md"}


@router.get("/contests/{contest_id}/excluded", response=list[ExcludedOut])
def excluded(request: AuthedRequest, contest_id: RowId) -> list[dict[str, Any]]:
    """The entrants the published rules left out, with the reason (the team's view)."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    return [
        {
            "number": entry.number,
            "username": entry.name,
            "reason": entry.excluded,
            "reason_text": exclusion_label(entry.excluded),
        }
        for entry in selectors.excluded_entries(contest)
    ]


@router.post("/contests/{contest_id}/winners/{winner_id}/delivered", response=WinnerOut)
def mark_delivered(
    request: AuthedRequest, contest_id: RowId, winner_id: RowId, payload: DeliveredIn
) -> dict[str, Any]:
    """Mark a winner's prize delivered; with the last one the contest is done."""
    contest = _contest(request, contest_id, Action.RUN_ENGAGEMENT)
    winner = actions.mark_prize_delivered(
        actor=request.auth, winner=selectors.winner_in(contest, winner_id), note=payload.note
    )
    return _winner_out(winner)
