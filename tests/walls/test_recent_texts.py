"""What an author wrote lately, for the repeat check (R5.1): posts, comments and discussion
topics, newest first, within the window, up to the limit, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from communa.core.gate import text_gate
from communa.moderation.models import HeldItem
from communa.moderation.screening import AuthorHistory
from communa.walls.actions.comments import add_comment
from communa.walls.models import Comment, CommentStatus, Post, Topic
from communa.walls.moderated import WallsModeratedContent
from communa.walls.recent_texts import recent_texts
from communa.walls.selectors import post_to_act_on
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, client_of
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


def _written_lately(community, writer) -> tuple[Post, datetime]:
    """A post, a comment, a topic of the writer's (times with microseconds) and one of last week."""
    now = timezone.now()
    post = make_post(community, writer, body="A post")
    comment = make_comment(post, writer, 'A "comment" — «ünïcode» 🍲')
    topic = topic_in(community, author=writer, title="A topic", body="A topic's text")
    old = make_post(community, writer, body="Last week")
    for model, pk, moment in (
        (Post, post.pk, now - timedelta(minutes=3, microseconds=1)),
        (Comment, comment.pk, now - timedelta(minutes=2, microseconds=123_456)),
        (Topic, topic.pk, now - timedelta(minutes=1)),
        (Post, old.pk, now - timedelta(days=7)),
    ):
        model.objects.filter(pk=pk).update(created_at=moment)
    return post, now


@pytest.mark.real_spam_checks
def test_the_texts_read_with_the_post_are_the_ones_read_alone(django_assert_num_queries):
    # given a member who wrote a post, a comment and a topic lately, and a post last week
    community = make_community()
    writer = add_member(community, person("vera"))
    post, now = _written_lately(community, writer)
    since = now - timedelta(hours=1)

    # when the post they comment on is read for the write, their texts with it
    post_to_act_on(actor=writer, post_id=post.pk, writing=True)
    with django_assert_num_queries(0):
        kept = recent_texts(writer, since, 10)
    alone = recent_texts(writer, since, 10)  # taken once: read now

    # then they are the texts, times and order a statement of their own reads
    assert kept == alone
    assert [body for body, _at in kept] == [
        "A topic's text",
        'A "comment" — «ünïcode» 🍲',
        "A post",
    ]
    assert all(at.tzinfo is not None for _body, at in kept)
    assert kept[1][1] == Comment.objects.get(body__startswith="A ").created_at


@pytest.mark.real_spam_checks
def test_texts_kept_for_a_shorter_span_or_fewer_rows_are_read_again(django_assert_num_queries):
    community = make_community()
    writer = add_member(community, person("vera"))
    post, now = _written_lately(community, writer)
    history = text_gate().history_wanted()
    assert history is not None
    kept_since, kept_limit = history

    # a later moment and a smaller limit are answered from the kept rows
    post_to_act_on(actor=writer, post_id=post.pk, writing=True)
    with django_assert_num_queries(0):
        assert [b for b, _ in recent_texts(writer, now - timedelta(seconds=150), 1)] == [
            "A topic's text"
        ]
    # an earlier moment than the kept rows cover is read again: last week's post is there
    post_to_act_on(actor=writer, post_id=post.pk, writing=True)
    with django_assert_num_queries(1):
        wider = recent_texts(writer, kept_since - timedelta(days=8), kept_limit)
    assert "Last week" in [body for body, _at in wider]
    # so is a longer list than the kept rows hold
    post_to_act_on(actor=writer, post_id=post.pk, writing=True)
    with django_assert_num_queries(1):
        recent_texts(writer, now - timedelta(hours=1), kept_limit + 1)


def test_the_checks_history_spans_the_longer_of_the_repeat_and_burst_windows(settings):
    settings.COMMUNA = {**settings.COMMUNA, "FILTER_REPEAT_HOURS": 2, "FILTER_BURST_MINUTES": 10}
    before = timezone.now()
    history = text_gate().history_wanted()
    assert history is not None
    since, limit = history
    assert before - timedelta(hours=2) <= since <= timezone.now() - timedelta(hours=2)
    assert limit == AuthorHistory.SAMPLE
    settings.COMMUNA = {**settings.COMMUNA, "FILTER_REPEAT_HOURS": 0, "FILTER_BURST_MINUTES": 300}
    since, _limit = text_gate().history_wanted() or (None, 0)
    assert since is not None
    assert since <= timezone.now() - timedelta(minutes=300)


@pytest.mark.real_spam_checks
def test_a_comment_repeating_a_topic_elsewhere_is_held_and_an_older_one_is_not():
    # given a member who opened a topic in another community, and wrote a text 25 hours ago
    here, elsewhere = make_community(slug="here"), make_community(slug="elsewhere")
    member = add_member(here, person("vera"))
    add_member(elsewhere, member)
    post = make_post(here)
    topic_in(
        elsewhere, author=member, title="Deal", body="Cheap followers, write me in private now"
    )
    old = make_post(elsewhere, member, body="Old news about the annual fair and its timetable")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    api = api_as(member)

    # when they comment the topic's text, then the old one, on a post here
    repeat = api.post(
        f"/posts/{post.pk}/comments", {"body": "Cheap followers, write me in private now!"}
    )
    older = api.post(
        f"/posts/{post.pk}/comments", {"body": "Old news about the annual fair and its timetable"}
    )

    # then the repeat waits for a moderator and the text older than the window goes out
    assert repeat.status_code == older.status_code == 201
    assert repeat.json()["status"] == "held"
    assert HeldItem.objects.get(comment_id=repeat.json()["id"]).reason == "spam_repeat"
    assert older.json()["status"] == "visible"


@pytest.mark.real_spam_checks
def test_a_team_members_comment_leaves_no_texts_kept_on_them():
    # given the owner, whose texts the checks skip, about to comment on their own post
    community = make_community()
    owner = owner_of(community)
    post = make_post(community, owner, body="Fresh bread on Fridays")
    kept = post_to_act_on(actor=owner, post_id=post.pk, writing=True)

    # when they comment, the texts read with the post are not left for a later check
    add_comment(actor=owner, post=kept, body="Fresh bread on Fridays")
    assert "_walls_recent_texts" not in owner.__dict__


@pytest.mark.real_spam_checks
def test_a_comment_through_the_page_repeating_a_recent_text_is_held_for_a_moderator():
    # given a member who commented on one post through the page
    community = make_community()
    member = add_member(community, person("vera"))
    first, second = make_post(community, body="Bread"), make_post(community, body="Buns")
    text = "Cheap followers, write me in private right now please"
    client = client_of(member)
    assert client.post(f"/p/{first.pk}/comments/", {"body": text}).status_code == 302

    # when they send nearly the same text under another post
    response = client.post(f"/p/{second.pk}/comments/", {"body": text + "!"})

    # then it is kept, waiting for a moderator as a repeat, and not shown to others
    assert response.status_code == 302
    held = Comment.objects.get(post=second)
    assert held.status == CommentStatus.HELD
    assert HeldItem.objects.get(comment=held).reason == "spam_repeat"
    page = client_of(None).get(f"/p/{second.pk}/")
    assert page.status_code == 200
    assert "Buns" in page.content.decode()
    assert text not in page.content.decode()
