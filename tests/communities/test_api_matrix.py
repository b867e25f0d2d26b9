"""The whole role × action table, walked through the API for every relation and privacy.

Each case builds a fresh community of one privacy, a person in one relation to it, and calls the
endpoint that exercises one action. The outcome must agree with `permissions.allowed`; the spot
checks below restate a few rules from the issue by hand, so a wrong table fails them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from communa.communities.models import Community, Kind, Privacy, Role
from communa.communities.permissions import MEMBERS, Action, Relation, allowed, allowed_in
from communa.core.models import AuditEntry
from communa.walls.models import Topic
from tests.factories import add_member, make_community, pending_request, person, with_relation
from tests.support import api_as, error_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: Any = None
    needs_login: bool = True


Exercise = Callable[[Community], Call]


def _member(community: Community) -> str:
    return add_member(community).username


def _post(community: Community) -> int:
    """A post by the owner, signed with their name (so it writes no audit entry)."""
    return make_post(community).pk


def _members_comment(community: Community) -> int:
    return make_comment(make_post(community), add_member(community), "Someone else's words").pk


def _topic(community: Community) -> int:
    return Topic.objects.create(
        community=community, author=add_member(community), title="Which whetstone?"
    ).pk


EXERCISES: dict[Action, Exercise] = {
    Action.SEE: lambda c: Call("get", f"/communities/{c.slug}", needs_login=False),
    Action.VIEW_CONTENT: lambda c: Call("get", f"/communities/{c.slug}/members", needs_login=False),
    Action.JOIN: lambda c: Call("post", f"/communities/{c.slug}/join", {"source": "search"}),
    Action.REQUEST_JOIN: lambda c: Call(
        "post", f"/communities/{c.slug}/requests", {"message": "Hello!"}
    ),
    Action.ACCEPT_INVITATION: lambda c: Call("post", f"/communities/{c.slug}/invitation/accept"),
    Action.LEAVE: lambda c: Call("post", f"/communities/{c.slug}/leave"),
    Action.INVITE: lambda c: Call(
        "post", f"/communities/{c.slug}/invitations", {"usernames": [person().username]}
    ),
    Action.REVIEW_REQUESTS: lambda c: Call(
        "post", f"/communities/{c.slug}/requests/{pending_request(c).pk}/approve"
    ),
    Action.BLOCK_MEMBERS: lambda c: Call(
        "post", f"/communities/{c.slug}/blocks", {"username": _member(c), "reason": "Spam links"}
    ),
    Action.EDIT_SETTINGS: lambda c: Call(
        "patch", f"/communities/{c.slug}", {"description": "New words"}
    ),
    Action.EDIT_WIKI: lambda c: Call(
        "put", f"/communities/{c.slug}/wiki/rules", {"title": "Rules", "body": "Be kind."}
    ),
    Action.MANAGE_TEAM: lambda c: Call(
        "put", f"/communities/{c.slug}/team/{_member(c)}", {"role": Role.MODERATOR}
    ),
    Action.APPOINT_ADMINS: lambda c: Call(
        "put", f"/communities/{c.slug}/team/{_member(c)}", {"role": Role.ADMIN}
    ),
    Action.TRANSFER_OWNERSHIP: lambda c: Call(
        "post", f"/communities/{c.slug}/transfer", {"username": _member(c)}
    ),
    Action.CONVERT_KIND: lambda c: Call(
        "post", f"/communities/{c.slug}/convert", {"kind": "public_page"}
    ),
    Action.REQUEST_VERIFICATION: lambda c: Call(
        "post", f"/communities/{c.slug}/verification", {"message": "We are the real shop."}
    ),
    Action.VIEW_TEAM: lambda c: Call("get", f"/communities/{c.slug}/team"),
    Action.VIEW_WALL: lambda c: Call("get", f"/communities/{c.slug}/wall", needs_login=False),
    Action.POST: lambda c: Call("post", f"/communities/{c.slug}/posts", {"body": "Hello, wall"}),
    Action.SUGGEST_POST: lambda c: Call(
        "post", f"/communities/{c.slug}/suggestions", {"body": "An idea for the page"}
    ),
    Action.REVIEW_SUGGESTIONS: lambda c: Call("get", f"/communities/{c.slug}/suggestions"),
    Action.MANAGE_POSTS: lambda c: Call("post", f"/posts/{_post(c)}/pin"),
    Action.COMMENT: lambda c: Call("post", f"/posts/{_post(c)}/comments", {"body": "Nice"}),
    Action.INTERACT: lambda c: Call("post", f"/posts/{_post(c)}/like"),
    Action.DELETE_COMMENTS: lambda c: Call("delete", f"/comments/{_members_comment(c)}"),
    # The board API: discussions, attendance, documents and albums.
    Action.START_TOPIC: lambda c: Call(
        "post", f"/communities/{c.slug}/topics", {"title": "Which whetstone?", "body": "Advice?"}
    ),
    Action.MANAGE_TOPICS: lambda c: Call("post", f"/topics/{_topic(c)}/pin"),
    Action.ATTEND: lambda c: Call("put", f"/communities/{c.slug}/attendance", {"status": "going"}),
    Action.MANAGE_MEDIA: lambda c: Call(
        "post", f"/communities/{c.slug}/albums", {"title": "Summer meet-up"}
    ),
    Action.VIEW_AUDIT_LOG: lambda c: Call("get", f"/communities/{c.slug}/audit"),
    Action.MODERATE: lambda c: Call("get", f"/communities/{c.slug}/moderation/queue"),
    Action.VIEW_STATISTICS: lambda c: Call("get", f"/communities/{c.slug}/members/sources"),
    # The planner (R8): the calendar is the planning team's; the approval queue the approvers'.
    Action.PLAN_CONTENT: lambda c: Call("get", f"/communities/{c.slug}/calendar"),
    Action.APPROVE_POSTS: lambda c: Call("get", f"/communities/{c.slug}/approvals"),
    Action.RUN_ENGAGEMENT: lambda c: Call("get", f"/communities/{c.slug}/recognition/rules"),
}


def _event() -> dict[str, Any]:
    return {
        "kind": Kind.EVENT,
        "event_starts_at": timezone.now() + timedelta(days=7),
        "event_place": "Riverside hall",
    }


# Kind-gated actions need a community of the right kind to be allowed at all. A public page is
# always open, so suggestions in closed and private communities are tried on groups, where
# `allowed_in` expects every relation to be refused.
SHAPES: dict[Action, Callable[[str], dict[str, Any]]] = {
    Action.SUGGEST_POST: lambda privacy: (
        {"kind": Kind.PUBLIC_PAGE} if privacy == Privacy.OPEN else {}
    ),
    Action.ATTEND: lambda privacy: _event(),
}

# Actions on a post, comment or topic: who may not see the wall gets the 404 of a missing one.
ON_A_THREAD = {
    Action.MANAGE_POSTS,
    Action.COMMENT,
    Action.INTERACT,
    Action.DELETE_COMMENTS,
    Action.MANAGE_TOPICS,
}


def community_for_case(action: Action, privacy: str) -> Community:
    shape = SHAPES.get(action, lambda _privacy: {})(privacy)
    return make_community(privacy=privacy, **shape)


PRIVACIES = [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE]


def refusal_status(action: Action, relation: Relation, community: Community, call: Call) -> int:
    """The status of a refused call: who you are decides 401, 404, 409 or 403."""
    if relation == Relation.ANONYMOUS and call.needs_login:
        return 401  # the same for every community, so it tells nothing about a hidden one
    if relation not in allowed(Action.SEE, community.privacy):
        return 404
    if action in ON_A_THREAD and relation not in allowed_in(Action.VIEW_WALL, community):
        return 404  # a post one may not read is as good as missing
    if action in {Action.JOIN, Action.REQUEST_JOIN} and relation in MEMBERS:
        return 409  # "you are already a member": a clash with state, not a missing permission
    return 403


def perform(action: Action, relation: Relation, privacy: str):
    community = community_for_case(action, privacy)
    actor = with_relation(community, relation)
    call = EXERCISES[action](community)
    response = api_as(actor).call(call.method, call.path, call.body)
    return community, call, response


def test_every_action_has_an_exercise():
    assert set(EXERCISES) == set(Action)


@pytest.mark.parametrize("privacy", PRIVACIES)
@pytest.mark.parametrize("relation", list(Relation))
@pytest.mark.parametrize("action", list(Action))
def test_the_api_obeys_the_role_action_table(action, relation, privacy):
    # given a fresh community and a person in this relation to it
    audit_before = AuditEntry.objects.count()
    # when they try the action through the API
    community, call, response = perform(action, relation, privacy)
    # then it succeeds exactly when the table, narrowed by the community's settings, allows it
    if relation in allowed_in(action, community):
        if action == Action.CONVERT_KIND and privacy != Privacy.OPEN:
            # Allowed, but a public page is always open: the rule, not the role, refuses it.
            assert response.status_code == 422, response.content
            assert "privacy" in error_of(response)["fields"]
        else:
            assert 200 <= response.status_code < 300, response.content
    else:
        expected = refusal_status(action, relation, community, call)
        assert response.status_code == expected, response.content
        error_of(response)
        assert AuditEntry.objects.count() == audit_before + 1  # only the community's creation


# --- spot checks restated from the issue, independent of the table -----------------------------


def status_of(action: Action, relation: Relation, privacy: str) -> int:
    return perform(action, relation, privacy)[2].status_code


@pytest.mark.parametrize(
    ("action", "relation", "privacy", "status"),
    [
        # R2: a moderator handles members and requests, not settings.
        (Action.EDIT_SETTINGS, Relation.MODERATOR, Privacy.OPEN, 403),
        (Action.REVIEW_REQUESTS, Relation.MODERATOR, Privacy.CLOSED, 200),
        (Action.BLOCK_MEMBERS, Relation.MODERATOR, Privacy.OPEN, 201),
        # R2: an admin runs the community but only the owner appoints admins or hands it over.
        (Action.EDIT_SETTINGS, Relation.ADMIN, Privacy.CLOSED, 200),
        (Action.APPOINT_ADMINS, Relation.ADMIN, Privacy.OPEN, 403),
        (Action.APPOINT_ADMINS, Relation.OWNER, Privacy.OPEN, 200),
        (Action.TRANSFER_OWNERSHIP, Relation.ADMIN, Privacy.OPEN, 403),
        (Action.TRANSFER_OWNERSHIP, Relation.OWNER, Privacy.PRIVATE, 201),
        # R2: an analyst reads statistics; it decides nothing.
        (Action.REVIEW_REQUESTS, Relation.ANALYST, Privacy.CLOSED, 403),
        (Action.BLOCK_MEMBERS, Relation.ANALYST, Privacy.OPEN, 403),
        # R2: an editor writes content (the wiki), not settings or the team.
        (Action.EDIT_WIKI, Relation.EDITOR, Privacy.OPEN, 200),
        (Action.MANAGE_TEAM, Relation.EDITOR, Privacy.OPEN, 403),
        # The owner cannot simply leave: ownership must be handed over first.
        (Action.LEAVE, Relation.OWNER, Privacy.OPEN, 403),
        (Action.LEAVE, Relation.MEMBER, Privacy.CLOSED, 204),
        # R1.2: open is joined by anyone; closed is asked; private is invisible to outsiders.
        (Action.JOIN, Relation.NON_MEMBER, Privacy.OPEN, 201),
        (Action.JOIN, Relation.NON_MEMBER, Privacy.CLOSED, 403),
        (Action.REQUEST_JOIN, Relation.NON_MEMBER, Privacy.CLOSED, 201),
        (Action.SEE, Relation.NON_MEMBER, Privacy.CLOSED, 200),
        (Action.VIEW_CONTENT, Relation.NON_MEMBER, Privacy.CLOSED, 403),
        (Action.VIEW_CONTENT, Relation.MEMBER, Privacy.CLOSED, 200),
        (Action.VIEW_CONTENT, Relation.ANONYMOUS, Privacy.OPEN, 200),
        (Action.SEE, Relation.NON_MEMBER, Privacy.PRIVATE, 404),
        (Action.SEE, Relation.ANONYMOUS, Privacy.PRIVATE, 404),
        (Action.SEE, Relation.INVITED, Privacy.PRIVATE, 200),
        (Action.JOIN, Relation.NON_MEMBER, Privacy.PRIVATE, 404),
        # R3: a blocked person cannot come back.
        (Action.JOIN, Relation.BLOCKED, Privacy.OPEN, 403),
        (Action.REQUEST_JOIN, Relation.BLOCKED, Privacy.CLOSED, 403),
        # R3.2: nobody joins without consent, but the invited person may accept.
        (Action.ACCEPT_INVITATION, Relation.INVITED, Privacy.PRIVATE, 201),
        (Action.ACCEPT_INVITATION, Relation.NON_MEMBER, Privacy.OPEN, 403),
        # R2.6: the table is shown to admins on the team page, not to members.
        (Action.VIEW_TEAM, Relation.ADMIN, Privacy.OPEN, 200),
        (Action.VIEW_TEAM, Relation.MEMBER, Privacy.OPEN, 403),
        # R4: members post on an open wall; the team pins; moderators review and delete comments.
        (Action.POST, Relation.MEMBER, Privacy.OPEN, 201),
        (Action.POST, Relation.NON_MEMBER, Privacy.OPEN, 403),
        (Action.VIEW_WALL, Relation.ANONYMOUS, Privacy.OPEN, 200),
        (Action.VIEW_WALL, Relation.NON_MEMBER, Privacy.CLOSED, 403),
        (Action.SUGGEST_POST, Relation.MEMBER, Privacy.OPEN, 201),
        (Action.SUGGEST_POST, Relation.MEMBER, Privacy.CLOSED, 403),
        (Action.REVIEW_SUGGESTIONS, Relation.MODERATOR, Privacy.OPEN, 200),
        (Action.REVIEW_SUGGESTIONS, Relation.MEMBER, Privacy.OPEN, 403),
        (Action.MANAGE_POSTS, Relation.EDITOR, Privacy.CLOSED, 200),
        (Action.MANAGE_POSTS, Relation.MODERATOR, Privacy.OPEN, 403),
        (Action.COMMENT, Relation.NON_MEMBER, Privacy.OPEN, 201),
        (Action.COMMENT, Relation.NON_MEMBER, Privacy.CLOSED, 404),
        (Action.COMMENT, Relation.BLOCKED, Privacy.OPEN, 403),
        (Action.INTERACT, Relation.MEMBER, Privacy.PRIVATE, 201),
        (Action.DELETE_COMMENTS, Relation.MODERATOR, Privacy.OPEN, 204),
        (Action.DELETE_COMMENTS, Relation.MEMBER, Privacy.OPEN, 403),
        # R5.6: the owner and administrators read the audit log; moderators do not.
        (Action.VIEW_AUDIT_LOG, Relation.ADMIN, Privacy.CLOSED, 200),
        (Action.VIEW_AUDIT_LOG, Relation.MODERATOR, Privacy.OPEN, 403),
        (Action.MODERATE, Relation.MODERATOR, Privacy.CLOSED, 200),
        (Action.MODERATE, Relation.ANALYST, Privacy.OPEN, 403),
        (Action.MODERATE, Relation.MEMBER, Privacy.OPEN, 403),
        # R2.5: statistics (where members came from) are the analyst's job, not moderation.
        (Action.VIEW_STATISTICS, Relation.ANALYST, Privacy.CLOSED, 200),
        (Action.VIEW_STATISTICS, Relation.EDITOR, Privacy.OPEN, 200),
        (Action.VIEW_STATISTICS, Relation.MODERATOR, Privacy.OPEN, 403),
        (Action.VIEW_STATISTICS, Relation.MEMBER, Privacy.OPEN, 403),
    ],
)
def test_spot_checks_from_the_issue(action, relation, privacy, status):
    assert status_of(action, relation, privacy) == status


def test_a_private_community_answers_outsiders_exactly_like_a_missing_one():
    # given a private community and a logged-in outsider
    community = make_community(privacy=Privacy.PRIVATE, slug="secret-garden")
    outsider = api_as(person())
    for suffix in ["", "/members", "/wiki", "/team", "/requests", "/blocks", "/transfer"]:
        # when they ask for it and for an address nobody uses
        hidden = outsider.get(f"/communities/{community.slug}{suffix}")
        missing = outsider.get(f"/communities/no-such-garden{suffix}")
        # then both answers are the same 404, byte for byte
        assert hidden.status_code == missing.status_code == 404, suffix
        assert hidden.json() == missing.json(), suffix
    for path, body in [("/join", {}), ("/requests", {"message": "hi"}), ("/leave", None)]:
        hidden = outsider.post(f"/communities/{community.slug}{path}", body)
        missing = outsider.post(f"/communities/no-such-garden{path}", body)
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()), path
        assert hidden.status_code == 404


def test_search_and_lookup_never_reveal_a_private_community_to_anonymous_visitors():
    make_community(privacy=Privacy.PRIVATE, name="Secret Garden", slug="secret-garden")
    anonymous = api_as(None)
    assert anonymous.get("/communities?q=garden").json()["items"] == []
    assert anonymous.get("/communities/secret-garden").json() == (
        anonymous.get("/communities/nowhere-at-all").json()
    )
