"""R1.1, R1.3, R1.4 by hand: wall modes, comment policies and kinds narrow the role table.

The API matrix (tests/communities/test_api_matrix.py) checks the endpoints agree with
`allowed_in`; these cases restate the rules from the SPEC so that a wrong rule fails here.
"""

from __future__ import annotations

import pytest

from communa.communities.models import CommentPolicy, Community, Kind, Privacy, WallMode
from communa.communities.permissions import Action, Relation, allowed_in

R = Relation
pytestmark = pytest.mark.django_db(False)


def community(**fields) -> Community:
    values = {
        "kind": Kind.GROUP,
        "privacy": Privacy.OPEN,
        "wall_mode": WallMode.OPEN,
        "comment_policy": CommentPolicy.EVERYONE,
    }
    values.update(fields)
    return Community(**values)


@pytest.mark.parametrize(
    ("wall", "relation", "may_post"),
    [
        (WallMode.OPEN, R.MEMBER, True),
        (WallMode.OPEN, R.NON_MEMBER, False),
        (WallMode.LIMITED, R.MEMBER, False),
        (WallMode.LIMITED, R.EDITOR, True),
        (WallMode.LIMITED, R.ADMIN, True),
        (WallMode.LIMITED, R.MODERATOR, False),
        (WallMode.CLOSED, R.MEMBER, False),
        (WallMode.CLOSED, R.EDITOR, True),
        (WallMode.OFF, R.OWNER, False),
        (WallMode.OFF, R.MEMBER, False),
    ],
)
def test_the_wall_mode_decides_who_posts(wall, relation, may_post):
    assert (relation in allowed_in(Action.POST, community(wall_mode=wall))) is may_post


@pytest.mark.parametrize(
    ("wall", "policy", "relation", "may_comment"),
    [
        (WallMode.OPEN, CommentPolicy.EVERYONE, R.NON_MEMBER, True),
        (WallMode.OPEN, CommentPolicy.EVERYONE, R.ANONYMOUS, False),
        (WallMode.OPEN, CommentPolicy.EVERYONE, R.BLOCKED, False),
        (WallMode.LIMITED, CommentPolicy.EVERYONE, R.MEMBER, True),
        (WallMode.LIMITED, CommentPolicy.MEMBERS, R.NON_MEMBER, False),
        (WallMode.LIMITED, CommentPolicy.MEMBERS, R.MEMBER, True),
        (WallMode.OPEN, CommentPolicy.NOBODY, R.OWNER, False),
        (WallMode.CLOSED, CommentPolicy.EVERYONE, R.MEMBER, False),
        (WallMode.CLOSED, CommentPolicy.EVERYONE, R.ADMIN, False),
        (WallMode.OFF, CommentPolicy.EVERYONE, R.MEMBER, False),
    ],
)
def test_the_wall_mode_and_comment_policy_decide_who_comments(wall, policy, relation, may_comment):
    rules = community(wall_mode=wall, comment_policy=policy)
    assert (relation in allowed_in(Action.COMMENT, rules)) is may_comment


def test_closed_communities_keep_outsiders_from_commenting_even_when_everyone_may():
    rules = community(privacy=Privacy.CLOSED, comment_policy=CommentPolicy.EVERYONE)
    assert R.NON_MEMBER not in allowed_in(Action.COMMENT, rules)
    assert R.MEMBER in allowed_in(Action.COMMENT, rules)


def test_on_a_public_page_only_editors_post_and_members_suggest():
    page = community(kind=Kind.PUBLIC_PAGE)
    assert allowed_in(Action.POST, page) == {R.OWNER, R.ADMIN, R.EDITOR}
    assert R.MEMBER in allowed_in(Action.SUGGEST_POST, page)
    assert R.MEMBER not in allowed_in(Action.SUGGEST_POST, community(kind=Kind.GROUP))


def test_a_wall_that_is_off_is_hidden_from_members_but_kept_for_the_team():
    off = community(wall_mode=WallMode.OFF)
    assert R.MEMBER not in allowed_in(Action.VIEW_WALL, off)
    assert R.ANONYMOUS not in allowed_in(Action.VIEW_WALL, off)
    assert R.EDITOR in allowed_in(Action.VIEW_WALL, off)


def test_only_events_have_attendance():
    assert R.MEMBER in allowed_in(Action.ATTEND, community(kind=Kind.EVENT))
    assert allowed_in(Action.ATTEND, community(kind=Kind.GROUP)) == frozenset()


def test_moderators_delete_comments_but_do_not_manage_posts():
    rules = community()
    assert R.MODERATOR in allowed_in(Action.DELETE_COMMENTS, rules)
    assert R.MODERATOR not in allowed_in(Action.MANAGE_POSTS, rules)
    assert R.ANALYST not in allowed_in(Action.DELETE_COMMENTS, rules)
