"""The engagement API: polls (R6.1). The team (RUN_ENGAGEMENT) creates, changes, closes and
deletes polls; members (TAKE_PART) vote, change or withdraw their vote; whoever may read the
community's content reads its polls, and their results and voters as the poll's rule allows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import Action
from communa.communities.selectors import community_at, community_for
from communa.core.errors import NotFound, PermissionRefused
from communa.core.events import viewer_of
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Moment, OneOf, Page, PageLimit, RowId, Strict
from communa.engagement.actions import polls as actions
from communa.engagement.api.routers import router
from communa.engagement.models import Poll, PollState, ResultsShown
from communa.engagement.selectors import polls as selectors

Question = Annotated[str, Field(max_length=actions.QUESTION_MAX)]
OptionText = Annotated[str, Field(max_length=actions.OPTION_MAX)]
Options = Annotated[
    list[OptionText],
    Field(
        description="The options' texts in order: 2 to the instance's maximum "
        '(`COMMUNA["POLL_MAX_OPTIONS"]`, 20 by default).'
    ),
]
Shown = Annotated[str, OneOf(ResultsShown.values)]
MaxChoices = Annotated[
    int | None,
    Field(ge=1, le=32767, description="With `multiple`: at most this many choices a ballot."),
]
PostRef = Annotated[
    RowId | None,
    Field(description="A published post of the same community to show the poll under."),
]


class OptionOut(Schema):
    id: int
    position: int
    text: str


class OptionResultOut(Schema):
    id: int
    text: str
    votes: int
    share: float = Field(description="Per cent of the voters who chose it (0–100).")


class ResultsOut(Schema):
    voters: int = Field(description="How many members voted.")
    options: list[OptionResultOut]


class PollOut(Schema):
    id: int
    community: str = Field(description="The community's address.")
    post_id: int | None
    question: str
    options: list[OptionOut]
    multiple: bool
    max_choices: int | None
    anonymous: bool = Field(description="Whether voters stay unnamed (else they are listed).")
    results_shown: str = Field(description="`after_vote` or `after_close` (the team always).")
    changeable: bool = Field(description="Whether a vote may change until the poll closes.")
    closes_at: datetime | None
    state: str = Field(description="`open`, or `closed` (by hand, or its deadline passed).")
    closed_at: datetime | None
    created_at: datetime


class PollDetailOut(PollOut):
    my_choices: list[int] = Field(description="The ids of the options you chose.")
    may_vote: bool = Field(description="Whether you may vote (or change your vote) now.")
    results: ResultsOut | None = Field(description="Null until the poll's rule shows them.")


class PollIn(Strict):
    question: Question
    options: Options
    multiple: bool = False
    max_choices: MaxChoices = None
    anonymous: bool = True
    results_shown: Shown = ResultsShown.AFTER_VOTE
    changeable: bool = True
    closes_at: Moment | None = Field(None, description="In the future; none: closed by hand.")
    post_id: PostRef = None


class PollPatch(Strict):
    question: Question | None = None
    options: Options | None = None
    multiple: bool | None = None
    max_choices: MaxChoices = None
    anonymous: bool | None = None
    results_shown: Shown | None = None
    changeable: bool | None = None
    closes_at: Moment | None = None
    post_id: PostRef = None


class VoteIn(Strict):
    option_ids: list[RowId] = Field(
        description="The options chosen: one, or up to the poll's `max_choices` when `multiple`."
    )


class VoterOut(Schema):
    username: str
    display_name: str
    option_ids: list[int]
    voted_at: datetime


def poll_out(poll: Poll) -> dict[str, Any]:
    """A poll as the API shows it (its options prefetched or read here)."""
    return {
        "id": poll.pk,
        "community": poll.community.slug,
        "post_id": poll.post_id,
        "question": poll.question,
        "options": [
            {"id": o.pk, "position": o.position, "text": o.text} for o in poll.options.all()
        ],
        "multiple": poll.multiple,
        "max_choices": poll.max_choices,
        "anonymous": poll.anonymous,
        "results_shown": poll.results_shown,
        "changeable": poll.changeable,
        "closes_at": poll.closes_at,
        "state": PollState.CLOSED if selectors.is_closed(poll) else PollState.OPEN,
        "closed_at": poll.closed_at or (poll.closes_at if selectors.is_closed(poll) else None),
        "created_at": poll.created_at,
    }


def _results(view: selectors.PollView) -> dict[str, Any] | None:
    if view.results is None:
        return None
    return {
        "voters": view.voters,
        "options": [
            {"id": r.option.pk, "text": r.option.text, "votes": r.votes, "share": r.share}
            for r in view.results
        ],
    }


def _detail(request: Any, poll: Poll) -> dict[str, Any]:
    actor = request.auth
    standing = selectors.require_poll_visible(actor, poll.community)
    view = selectors.poll_view(actor, poll, standing)
    return {
        **poll_out(poll),
        "my_choices": sorted(view.mine),
        "may_vote": view.may_vote and not view.closed and (not view.voted or poll.changeable),
        "results": _results(view),
    }


def _visible_poll(request: Any, poll_id: int) -> Poll:
    poll = selectors.poll_by_id(poll_id)
    selectors.require_poll_visible(request.auth, poll.community)
    return poll


def _team_poll(request: AuthedRequest, poll_id: int) -> Poll:
    """The poll, 404 unless its community is visible, 403 unless the person runs polls there."""
    poll = selectors.poll_by_id(poll_id)
    community_for(request.auth, poll.community.slug, Action.RUN_ENGAGEMENT)
    return poll


def _given(payload: Strict) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


def _community(request: Any, slug: str) -> Community:
    community = community_at(slug)
    if community is None:
        raise NotFound
    selectors.require_poll_visible(request.auth, community)
    return community


@router.get("/communities/{slug}/polls", auth=anyone, response=Page[PollOut])
def list_polls(  # noqa: PLR0917 — the query's parameters
    request: VisitorRequest,
    slug: str,
    state: Annotated[str | None, OneOf(selectors.STATES)] = None,
    post_id: Annotated[RowId | None, Query(description="Only the poll under this post.")] = None,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """The community's polls, newest first; `state` keeps open or closed ones (a poll past its
    deadline counts as closed once the worker has closed it)."""
    community = _community(request, slug)
    page = selectors.polls_page(
        community, cursor=cursor, limit=page_size(limit), state=state, post_id=post_id
    )
    prefetch_related_objects(page.items, "options")
    return {"items": [poll_out(poll) for poll in page.items], "next_cursor": page.next_cursor}


@router.post("/communities/{slug}/polls", response={201: PollDetailOut})
def create_poll(request: AuthedRequest, slug: str, payload: PollIn) -> Status:
    """Put a poll to the members; a poll with fewer than 2 or more than the maximum options,
    a closing time in the past or a post of another community is a 422 naming the field."""
    community, _standing = community_for(request.auth, slug, Action.RUN_ENGAGEMENT)
    poll = actions.create_poll(actor=request.auth, community=community, data=_given(payload))
    return Status(201, _detail(request, poll))


@router.get("/polls/{poll_id}", auth=anyone, response=PollDetailOut)
def get_poll(request: VisitorRequest, poll_id: RowId) -> dict[str, Any]:
    """One poll with your choices, and its results when the poll's rule shows them to you."""
    return _detail(request, selectors.poll_by_id(poll_id))


@router.patch("/polls/{poll_id}", response=PollDetailOut)
def update_poll(request: AuthedRequest, poll_id: RowId, payload: PollPatch) -> dict[str, Any]:
    """Change a poll: anything before the first vote, then only `closes_at` and `post_id`
    (409); a closed poll no longer changes (409)."""
    poll = actions.update_poll(
        actor=request.auth, poll=_team_poll(request, poll_id), data=_given(payload)
    )
    return _detail(request, selectors.poll_by_id(poll.pk))


@router.post("/polls/{poll_id}/close", response=PollDetailOut)
def close_poll(request: AuthedRequest, poll_id: RowId) -> dict[str, Any]:
    """Close a poll now; closing a closed poll is a 409."""
    poll = actions.close_poll(actor=request.auth, poll=_team_poll(request, poll_id))
    return _detail(request, poll)


@router.delete("/polls/{poll_id}", response={204: None})
def delete_poll(request: AuthedRequest, poll_id: RowId) -> Status:
    """Delete a poll and its votes; the post it was under stays."""
    actions.delete_poll(actor=request.auth, poll=_team_poll(request, poll_id))
    return Status(204, None)


@router.post("/polls/{poll_id}/vote", response={200: PollDetailOut, 201: PollDetailOut})
def vote(request: AuthedRequest, poll_id: RowId, payload: VoteIn) -> Status:
    """Vote (201), or change your vote where the poll allows it (200; the same choices again
    change nothing). A closed poll, or a changed vote where votes may not change, is a 409;
    no choice, too many, or an option of another poll is a 422 naming `option_ids`."""
    poll = selectors.poll_by_id(poll_id)
    _ballot, outcome = actions.vote_in_poll(
        actor=request.auth,
        poll=poll,
        option_ids=payload.option_ids,
        viewer=viewer_of(request, api=True),
    )
    return Status(201 if outcome == actions.CAST else 200, _detail(request, poll))


@router.delete("/polls/{poll_id}/vote", response={204: None})
def withdraw_vote(request: AuthedRequest, poll_id: RowId) -> Status:
    """Take your vote back, where the poll lets votes change and before it closes (else 409)."""
    actions.withdraw_vote(actor=request.auth, poll=selectors.poll_by_id(poll_id))
    return Status(204, None)


@router.get("/polls/{poll_id}/results", auth=anyone, response=ResultsOut)
def poll_results(request: VisitorRequest, poll_id: RowId) -> dict[str, Any]:
    """Votes and shares per option and how many voted; a 403 until the poll's rule shows them
    to you (after you vote, or after the poll closes)."""
    poll = _visible_poll(request, poll_id)
    found = _detail(request, poll)["results"]
    if found is None:
        raise PermissionRefused(_results_refusal(poll))
    return dict(found)


def _results_refusal(poll: Poll) -> str:
    if poll.results_shown == ResultsShown.AFTER_CLOSE:
        return str(_("The results show when the poll closes."))
    return str(_("The results show once you have voted."))


@router.get("/polls/{poll_id}/voters", auth=anyone, response=Page[VoterOut])
def poll_voters(
    request: VisitorRequest,
    poll_id: RowId,
    option_id: Annotated[RowId | None, Query(description="Only who chose this option.")] = None,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """Who voted in a public poll (the latest first), with the options each chose; a 403 for an
    anonymous poll or before its results show to you."""
    poll = _visible_poll(request, poll_id)
    if poll.anonymous:
        raise PermissionRefused(_("This poll is anonymous: its voters are not shown."))
    if _detail(request, poll)["results"] is None:
        raise PermissionRefused(_results_refusal(poll))
    if option_id is not None and not poll.options.filter(pk=option_id).exists():
        raise NotFound
    page = selectors.voters_page(poll, option_id=option_id, cursor=cursor, limit=page_size(limit))
    return {
        "items": [
            {
                "username": ballot.voter.username,
                "display_name": ballot.voter.display_name or ballot.voter.username,
                "option_ids": [choice.option_id for choice in ballot.choices.all()],
                "voted_at": ballot.changed_at,
            }
            for ballot in page.items
        ],
        "next_cursor": page.next_cursor,
    }
