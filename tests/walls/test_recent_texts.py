"""What an author wrote lately, for the repeat check (R5.1): posts, comments and discussion
topics, newest first, within the window, up to the limit, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.walls.models import Comment, Post, Topic
from communa.walls.moderated import WallsModeratedContent
from tests.factories import add_member, make_community, person
from tests.walls.support import make_comment, make_post, topic_in

pytestmark = pytest.mark.django_db


def test_posts_comments_and_topics_come_newest_first_within_the_window():
    community = make_community()
    writer = add_member(community, person("vera"))
    other = add_member(community, person("ivan"))
    now = timezone.now()
    post = make_post(community, writer, body="A post")
    comment = make_comment(post, writer, "A comment")
    topic = topic_in(community, author=writer, title="A topic", body="A topic's text")
    make_comment(post, other, "Someone else's comment")
    old = make_post(community, writer, body="Last week")
    for model, pk, minutes in (
        (Post, post.pk, 3),
        (Comment, comment.pk, 2),
        (Topic, topic.pk, 1),
        (Post, old.pk, 7 * 24 * 60),
    ):
        model.objects.filter(pk=pk).update(created_at=now - timedelta(minutes=minutes))
    recent = WallsModeratedContent().recent_texts(writer, now - timedelta(hours=1), 10)
    assert [body for body, _at in recent] == ["A topic's text", "A comment", "A post"]
    assert recent[0][1] == now - timedelta(minutes=1)
    assert recent[0][1].tzinfo is not None
    limited = WallsModeratedContent().recent_texts(writer, now - timedelta(hours=1), 2)
    assert [body for body, _at in limited] == ["A topic's text", "A comment"]
