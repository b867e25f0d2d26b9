"""R6.3: a month's leaders are scored from what members contributed in that calendar month on
the community's clock, with the documented weights (post 3, comment 1, like received 1,
accepted suggestion 5, discussion reply 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings as django_settings

from communa.communities.models import Membership, Role
from communa.engagement.actions.recognition import update_recognition_settings
from communa.engagement.models import Leader
from tests.engagement.recognition_kit import (
    accepted_suggestion_by,
    board_rows,
    comment_by,
    comment_likes_of,
    community_in,
    computed,
    likes_of,
    post_by,
    reply_by,
    topic_by,
)
from tests.factories import add_member, owner_of, person

pytestmark = pytest.mark.django_db


def test_each_kind_of_contribution_counts_with_its_weight():
    # given Ann: 2 posts (6), a comment (1), 3 likes received (3), an accepted suggestion (5)
    # and a reply in Bob's discussion (2); her like of her own post and her reply in her own
    # discussion count for nothing
    community = community_in(slug="cooks")
    ann, bob, cat, dan = (
        add_member(community, person(name)) for name in ["ann", "bob", "cat", "dan"]
    )
    first = post_by(community, ann)
    post_by(community, ann)
    likes_of(first, bob, cat, ann)
    own = comment_by(first, ann)
    comment_likes_of(own, dan)
    accepted_suggestion_by(community, ann)
    reply_by(topic_by(community, bob), ann)
    reply_by(topic_by(community, ann), ann)
    # Bob: one comment (1)
    comment_by(first, bob)

    # when March is computed
    board = computed(community)

    # then the score and its breakdown are as hand-counted
    assert board_rows(board) == [("ann", 1, 17), ("bob", 2, 1)]
    top = Leader.objects.get(board=board, user=ann)
    assert (
        top.posts,
        top.comments,
        top.likes_received,
        top.accepted_suggestions,
        top.discussion_replies,
    ) == (2, 1, 3, 1, 1)
    assert board.weights == {
        "posts": 3,
        "comments": 1,
        "likes_received": 1,
        "accepted_suggestions": 5,
        "discussion_replies": 2,
    }


def test_the_weights_come_from_the_settings(settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "RECOGNITION_WEIGHT_POST": 10}
    community = community_in()
    ann = add_member(community, person("ann"))
    post_by(community, ann)

    assert board_rows(computed(community)) == [("ann", 1, 10)]


def test_the_month_is_the_calendar_month_on_the_community_clock():
    # given a community in Tokyo (UTC+9) and posts either side of 1 March's local midnight, and
    # of 1 April's
    community = community_in("Asia/Tokyo")
    early, inside, late = (add_member(community, person(n)) for n in ("early", "inside", "late"))
    post_by(community, early, at=datetime(2024, 2, 29, 14, 59, tzinfo=UTC))
    post_by(community, inside, at=datetime(2024, 2, 29, 15, 0, tzinfo=UTC))
    post_by(community, inside, at=datetime(2024, 3, 31, 14, 59, tzinfo=UTC))
    post_by(community, late, at=datetime(2024, 3, 31, 15, 0, tzinfo=UTC))

    # then March holds only what happened in March in Tokyo
    assert board_rows(computed(community)) == [("inside", 1, 6)]
    assert board_rows(computed(community, date(2024, 2, 1))) == [("early", 1, 3)]


def test_equal_scores_share_a_rank():
    community = community_in()
    ann, bob, cat = (add_member(community, person(n)) for n in ("ann", "bob", "cat"))
    post_by(community, ann)
    post_by(community, bob)
    comment_by(post_by(community, owner_of(community)), cat)

    assert board_rows(computed(community)) == [("ann", 1, 3), ("bob", 1, 3), ("cat", 3, 1)]


def test_the_team_is_left_out_unless_the_community_lists_it():
    community = community_in()
    editor = add_member(community, person("edith"), role=Role.EDITOR)
    member = add_member(community, person("mia"))
    post_by(community, editor)
    comment_by(post_by(community, editor), member)

    assert board_rows(computed(community)) == [("mia", 1, 1)]

    update_recognition_settings(actor=owner_of(community), community=community, include_team=True)

    board = computed(community)
    assert board_rows(board) == [("edith", 1, 6), ("mia", 2, 1)]
    assert board.include_team


def test_people_who_left_or_were_blocked_are_not_listed():
    community = community_in()
    stays, leaves = add_member(community, person("stays")), add_member(community, person("leaves"))
    post_by(community, stays)
    post_by(community, leaves)
    post_by(community, leaves)
    Membership.objects.filter(community=community, user=leaves).delete()

    assert board_rows(computed(community)) == [("stays", 1, 3)]


def test_deleted_posts_do_not_count():
    community = community_in()
    ann = add_member(community, person("ann"))
    deleted = post_by(community, ann)
    deleted.status = "deleted"
    deleted.save(update_fields=["status"])

    assert board_rows(computed(community)) == []
