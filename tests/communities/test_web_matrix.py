"""The whole role × action table, walked through the web pages and forms.

tests/communities/test_api_matrix.py walks the table through the API; this walks it through the
pages a person uses. Each case builds a fresh community of one privacy, a person in one relation
to it, and submits the form (or opens the page) that does one action. Who may do it comes from
`permissions.allowed_in`, never from a list written here: an allowed person succeeds (2xx or 3xx,
and the action took effect); a refused one gets 404 where the community, post or invitation is
hidden from them, 403 otherwise, or is sent to log in; and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.utils import timezone

from communa.accounts.models import User
from communa.communities.forms import SettingsForm
from communa.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Kind,
    Membership,
    OwnershipTransfer,
    Privacy,
    RequestStatus,
    Role,
    VerificationRequest,
    WikiPage,
)
from communa.communities.permissions import (
    MEMBERS,
    Action,
    Relation,
    allowed,
    allowed_in,
)
from communa.walls.models import (
    Album,
    Attendance,
    Comment,
    CommentStatus,
    Like,
    Post,
    PostStatus,
    Topic,
)
from tests.factories import (
    add_member,
    invite,
    make_community,
    pending_request,
    person,
    with_relation,
)
from tests.support import client_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


class Login(Enum):
    """When a page sends an anonymous visitor to log in."""

    NEVER = "never"  # anyone may open it: the table alone decides
    FIRST = "first"  # before anything else (`login_required`): nothing about the community leaks
    AFTER_GATE = "after the gate"  # once the page's gate action lets them see what it is about


@dataclass(frozen=True)
class Visit:
    """One request, and how to tell afterwards whether the action took effect."""

    method: str
    path: str
    data: dict[str, Any] | None = None
    took_effect: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Form:
    """How one action is done on the web: the request and how the page treats outsiders."""

    visit: Callable[[Community, User | None], Visit]
    login: Login = Login.FIRST
    # What the page checks first: whom it refuses is refused with 403 (anonymous visitors it
    # lets through are then asked to log in).
    gate: Action = Action.SEE
    # How the page refuses one whom the gate lets through but the table refuses the action.
    past_the_gate: int = 403
    on_a_thread: bool = False  # on a post or comment: who may not read the wall gets a 404
    only_the_addressee: bool = False  # on someone's invitation: to anyone else it is missing


def _member_name(community: Community) -> str:
    return add_member(community).username


def _role_of(community: Community, username: str) -> str | None:
    found = Membership.objects.filter(community=community, user__username=username).first()
    return found.role if found else None


def _is_member(community: Community, actor: User | None) -> bool:
    return actor is not None and Membership.objects.filter(community=community, user=actor).exists()


def _becomes_member(community: Community, actor: User | None) -> Callable[[], bool]:
    was_member = _is_member(community, actor)
    return lambda: not was_member and _is_member(community, actor)


def _join(community: Community, actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/join/",
        {"source": "search"},
        _becomes_member(community, actor),
    )


def _ask(community: Community, actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/ask/",
        {"message": "Hello!"},
        lambda: (
            JoinRequest.objects.filter(
                community=community, user=actor, status=RequestStatus.PENDING
            ).exists()
            if actor
            else False
        ),
    )


def _accept(community: Community, actor: User | None) -> Visit:
    own = Invitation.objects.filter(community=community, invitee=actor).first() if actor else None
    invitation = own or invite(community)  # someone else's, when the person has none
    return Visit(
        "post",
        f"/communities/invitations/{invitation.pk}/answer/",
        {"answer": "accept"},
        _becomes_member(community, actor),
    )


def _leave(community: Community, actor: User | None) -> Visit:
    was_member = _is_member(community, actor)
    return Visit(
        "post",
        f"/c/{community.slug}/leave/",
        None,
        lambda: was_member and not _is_member(community, actor),
    )


def _invite(community: Community, _actor: User | None) -> Visit:
    guest = person()
    return Visit(
        "post",
        f"/c/{community.slug}/invite/",
        {"usernames": guest.username},
        lambda: Invitation.objects.filter(community=community, invitee=guest).exists(),
    )


def _decide(community: Community, _actor: User | None) -> Visit:
    request = pending_request(community)
    return Visit(
        "post",
        f"/c/{community.slug}/requests/{request.pk}/decide/",
        {"decision": "approve"},
        lambda: JoinRequest.objects.get(pk=request.pk).status != RequestStatus.PENDING,
    )


def _block(community: Community, _actor: User | None) -> Visit:
    target = add_member(community)
    return Visit(
        "post",
        f"/c/{community.slug}/members/{target.pk}/block/",
        {"reason": "Spam links"},
        lambda: not _is_member(community, target),
    )


def _settings(community: Community, _actor: User | None) -> Visit:
    data = {
        name: value
        for name, value in SettingsForm.initial_of(community).items()
        if value not in (None, False)
    }
    data = {name: "on" if value is True else value for name, value in data.items()}
    data["description"] = "New words"
    return Visit(
        "post",
        f"/c/{community.slug}/settings/",
        data,
        lambda: Community.objects.get(pk=community.pk).description == "New words",
    )


def _wiki(community: Community, _actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/wiki/new/",
        {"title": "Rules", "slug": "rules", "body": "Be kind.", "position": 1},
        lambda: WikiPage.objects.filter(community=community, slug="rules").exists(),
    )


def _appoint(role: str) -> Callable[[Community, User | None], Visit]:
    def visit(community: Community, _actor: User | None) -> Visit:
        name = _member_name(community)
        return Visit(
            "post",
            f"/c/{community.slug}/team/role/",
            {"user": name, "role": role},
            lambda: _role_of(community, name) == role,
        )

    return visit


def _handover(community: Community, _actor: User | None) -> Visit:
    name = _member_name(community)
    return Visit(
        "post",
        f"/c/{community.slug}/team/handover/",
        {"user": name},
        lambda: OwnershipTransfer.objects.filter(
            community=community, to_user__username=name
        ).exists(),
    )


def _convert(community: Community, _actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/convert/",
        {"kind": Kind.PUBLIC_PAGE},
        lambda: Community.objects.get(pk=community.pk).kind == Kind.PUBLIC_PAGE,
    )


def _verification(community: Community, _actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/verification/",
        {"message": "We are the real shop."},
        lambda: VerificationRequest.objects.filter(community=community).exists(),
    )


def _page(suffix: str) -> Callable[[Community, User | None], Visit]:
    return lambda community, _actor: Visit("get", f"/c/{community.slug}/{suffix}")


def _compose(community: Community, actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/posts/new/",
        {"body": "Hello, wall"},
        lambda: (
            Post.objects.filter(community=community, author=actor, body="Hello, wall")
            .exclude(status=PostStatus.HELD)
            .exists()
            if actor
            else False
        ),
    )


def _pin(community: Community, _actor: User | None) -> Visit:
    post = make_post(community)
    return Visit("post", f"/p/{post.pk}/pin/", None, lambda: Post.objects.get(pk=post.pk).pinned)


def _comment(community: Community, actor: User | None) -> Visit:
    post = make_post(community)
    return Visit(
        "post",
        f"/p/{post.pk}/comments/",
        {"body": "Nice"},
        lambda: Comment.objects.filter(post=post, author=actor).exists() if actor else False,
    )


def _like(community: Community, actor: User | None) -> Visit:
    post = make_post(community)
    return Visit(
        "post",
        f"/p/{post.pk}/like/",
        None,
        lambda: Like.objects.filter(post=post, user=actor).exists() if actor else False,
    )


def _delete_comment(community: Community, _actor: User | None) -> Visit:
    comment = make_comment(make_post(community), add_member(community), "Someone else's words")
    return Visit(
        "post",
        f"/comments/{comment.pk}/delete/",
        None,
        lambda: Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED,
    )


def _start_topic(community: Community, actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/topics/new/",
        {"title": "Which whetstone?", "body": "Advice?"},
        lambda: (
            Topic.objects.filter(community=community, author=actor).exists() if actor else False
        ),
    )


def _pin_topic(community: Community, _actor: User | None) -> Visit:
    topic = Topic.objects.create(
        community=community, author=add_member(community), title="Which whetstone?"
    )
    return Visit("post", f"/t/{topic.pk}/pin/", None, lambda: Topic.objects.get(pk=topic.pk).pinned)


def _attend(community: Community, actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/attendance/",
        {"status": "going"},
        lambda: (
            Attendance.objects.filter(community=community, user=actor).exists() if actor else False
        ),
    )


def _album(community: Community, _actor: User | None) -> Visit:
    return Visit(
        "post",
        f"/c/{community.slug}/albums/",
        {"title": "Summer meet-up"},
        lambda: Album.objects.filter(community=community).exists(),
    )


FORMS: dict[Action, Form] = {
    Action.SEE: Form(_page(""), login=Login.NEVER),
    Action.VIEW_CONTENT: Form(_page("members/"), login=Login.NEVER),
    Action.JOIN: Form(_join, login=Login.AFTER_GATE),
    Action.REQUEST_JOIN: Form(_ask),
    Action.ACCEPT_INVITATION: Form(_accept, only_the_addressee=True),
    # The person is sent back to the community's page with the refusal as a message.
    Action.LEAVE: Form(_leave, past_the_gate=302),
    Action.INVITE: Form(_invite),
    Action.REVIEW_REQUESTS: Form(_decide),
    Action.BLOCK_MEMBERS: Form(_block),
    Action.EDIT_SETTINGS: Form(_settings),
    Action.EDIT_WIKI: Form(_wiki),
    Action.MANAGE_TEAM: Form(_appoint(Role.MODERATOR)),
    # The team page lets administrators in, but its form offers the role only to the owner.
    Action.APPOINT_ADMINS: Form(_appoint(Role.ADMIN), gate=Action.VIEW_TEAM, past_the_gate=400),
    Action.TRANSFER_OWNERSHIP: Form(_handover),
    Action.CONVERT_KIND: Form(_convert),
    Action.REQUEST_VERIFICATION: Form(_verification),
    Action.VIEW_TEAM: Form(_page("team/")),
    Action.VIEW_WALL: Form(_page("wall/"), login=Login.NEVER),
    Action.POST: Form(_compose),
    Action.SUGGEST_POST: Form(_compose),
    Action.REVIEW_SUGGESTIONS: Form(_page("suggestions/")),
    Action.MANAGE_POSTS: Form(_pin, on_a_thread=True),
    Action.COMMENT: Form(_comment, on_a_thread=True),
    Action.INTERACT: Form(_like, on_a_thread=True),
    Action.DELETE_COMMENTS: Form(_delete_comment, on_a_thread=True),
    Action.START_TOPIC: Form(_start_topic),
    Action.MANAGE_TOPICS: Form(_pin_topic, on_a_thread=True),
    Action.ATTEND: Form(_attend, login=Login.AFTER_GATE),
    Action.MANAGE_MEDIA: Form(_album, login=Login.AFTER_GATE, gate=Action.VIEW_WALL),
    Action.MODERATE: Form(_page("moderation/")),
    Action.VIEW_AUDIT_LOG: Form(_page("audit/")),
    Action.VIEW_STATISTICS: Form(_page("members/sources/")),
    Action.PLAN_CONTENT: Form(_page("planner/")),
    Action.APPROVE_POSTS: Form(_page("planner/approvals/")),
    Action.RUN_ENGAGEMENT: Form(_page("manage/recognition/")),
}


def _event() -> dict[str, Any]:
    return {
        "kind": Kind.EVENT,
        "event_starts_at": timezone.now() + timedelta(days=7),
        "event_place": "Riverside hall",
    }


# The kind a community must have for the action to be allowed to anyone: attendance belongs to
# events, and suggestions to public pages (always open). On a group the composer publishes for
# whoever may post, so suggesting is walked on public pages only.
SHAPES: dict[Action, Callable[[], dict[str, Any]]] = {
    Action.SUGGEST_POST: lambda: {"kind": Kind.PUBLIC_PAGE},
    Action.ATTEND: _event,
}
PRIVACIES = [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE]
CASES = [
    (action, relation, privacy)
    for action in Action
    for relation in Relation
    for privacy in PRIVACIES
    if not (action == Action.SUGGEST_POST and privacy != Privacy.OPEN)
]

LOGIN_PAGE = "/accounts/login/"


def expected_refusal(action: Action, relation: Relation, community: Community) -> int | str:
    """How the web refuses this person: 404 when what they address is hidden from them, 403 at
    the page's gate, "login" when an anonymous visitor is sent to log in, 409 for a member
    joining again, else the page's own way (403 unless it says otherwise)."""
    form = FORMS[action]
    if relation == Relation.ANONYMOUS and form.login is Login.FIRST:
        return "login"
    hidden = (
        relation not in allowed(Action.SEE, community.privacy)
        or (form.on_a_thread and relation not in allowed_in(Action.VIEW_WALL, community))
        or (form.only_the_addressee and relation != Relation.INVITED)
    )
    if hidden:
        return 404
    if relation not in allowed_in(form.gate, community):
        return 403
    if relation == Relation.ANONYMOUS and form.login is Login.AFTER_GATE:
        return "login"
    if action in {Action.JOIN, Action.REQUEST_JOIN} and relation in MEMBERS:
        return 409
    return form.past_the_gate


def test_every_action_has_a_web_form_or_page():
    assert set(FORMS) == set(Action)


@pytest.mark.parametrize(("action", "relation", "privacy"), CASES)
def test_the_web_obeys_the_role_action_table(action, relation, privacy):
    # given a fresh community and a person in this relation to it
    community = make_community(privacy=privacy, **SHAPES.get(action, dict)())
    actor = with_relation(community, relation)
    visit = FORMS[action].visit(community, actor)

    # when they open the page or send the form
    response = getattr(client_of(actor), visit.method)(visit.path, visit.data or {})

    # then it succeeds exactly when the table, narrowed by the community's settings, allows it
    if relation in allowed_in(action, community):
        if action == Action.CONVERT_KIND and privacy != Privacy.OPEN:
            # Allowed, but a public page is always open: the rule, not the role, refuses it.
            assert response.status_code == 422, response.content
            return
        assert 200 <= response.status_code < 400, response.content
        assert not response.get("Location", "").startswith(LOGIN_PAGE)
        assert visit.took_effect is None or visit.took_effect(), response.content
    else:
        refusal = expected_refusal(action, relation, community)
        if refusal == "login":
            assert response.status_code == 302, response.content
            assert response["Location"].startswith(LOGIN_PAGE)
        elif refusal == 302:
            assert response.status_code == 302, response.content
            assert not response["Location"].startswith(LOGIN_PAGE)
            said = [m for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
            assert said, "refused without saying why"
        else:
            assert response.status_code == refusal, response.content
        assert visit.took_effect is None or not visit.took_effect()
