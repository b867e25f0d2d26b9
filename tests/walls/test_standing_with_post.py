"""An action on a post reads the actor's membership with the post (one statement, issue 11):
what it decides is what reading the post and then the standing decides, for every relation,
privacy and action; a post read for one person is never checked with their membership for
another."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.communities.models import Privacy
from communa.communities.permissions import MEMBERS, Action, Relation
from communa.core.errors import DomainError
from communa.walls.access import require_on_post
from communa.walls.models import Post
from communa.walls.selectors import post_to_act_on
from tests.factories import add_member, make_community, person, with_relation
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def outcome(check):
    try:
        standing = check()
    except DomainError as refused:
        return type(refused).__name__, str(refused)
    return "allowed", standing.relation if standing is not None else None


@pytest.mark.parametrize("action", [Action.COMMENT, Action.INTERACT, Action.MANAGE_POSTS])
@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_it_decides_what_the_post_and_the_standing_read_apart_decide(relation, privacy, action):
    # given a post in a community and a person in this relation to it
    community = make_community(privacy=privacy)
    post = make_post(community, body="Knife skills")
    actor = with_relation(community, relation)
    apart = Post.objects.select_related("author", "community").get(pk=post.pk)
    expected = outcome(lambda: require_on_post(actor, action, apart))

    # when the post is read to act on and the action's check runs
    with CaptureQueriesContext(connection) as queries:
        got = outcome(
            lambda: require_on_post(actor, action, post_to_act_on(actor=actor, post_id=post.pk))
        )

    # then it decides the same, and a member's check reads nothing after the post
    assert got == expected
    if relation in MEMBERS:
        assert len(queries) == 1


def test_a_post_read_for_one_person_is_checked_for_another_with_their_own_standing():
    # given a closed community's post read for one of its members
    community = make_community(privacy=Privacy.CLOSED)
    post = make_post(community, body="Members only")
    member = add_member(community, person("mira"))
    read = post_to_act_on(actor=member, post_id=post.pk)
    stranger = person("sam")

    # when someone who is not a member acts on that same row, they are refused
    with pytest.raises(DomainError):
        require_on_post(stranger, Action.COMMENT, read)

    # and the member still may
    assert require_on_post(member, Action.COMMENT, read).relation == Relation.MEMBER


def test_a_membership_read_with_the_post_is_of_that_post_s_community():
    # given a person who is a member of one community but not of the post's
    theirs = make_community(slug="theirs", privacy=Privacy.CLOSED)
    other = make_community(slug="other", privacy=Privacy.CLOSED)
    member = add_member(theirs, person("mira"))
    post = make_post(other, body="Not yours")

    # when they act on the other community's post, they are refused
    with pytest.raises(DomainError):
        require_on_post(member, Action.COMMENT, post_to_act_on(actor=member, post_id=post.pk))
