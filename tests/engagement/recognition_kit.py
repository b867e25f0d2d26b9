"""Builders for the recognition tests: contributions written through walls' actions, then moved
to a chosen moment (the month under test)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from communa.communities.models import Community
from communa.engagement.actions.recognition import compute_month
from communa.engagement.models import MonthlyLeaders
from communa.walls.actions.boards import reply_in_topic
from communa.walls.actions.interactions import like_comment, like_post
from communa.walls.models import Comment, Like, Post, PostStatus, Topic
from tests.factories import make_community, owner_of
from tests.walls.support import make_comment, make_post, topic_in

MARCH = date(2024, 3, 1)
IN_MARCH = datetime(2024, 3, 10, 12, tzinfo=UTC)


def community_in(zone: str = "UTC", **data) -> Community:
    """A community on this clock, created long before the months under test."""
    community = make_community(**data)
    Community.objects.filter(pk=community.pk).update(
        time_zone=zone, created_at=datetime(2023, 1, 1, tzinfo=UTC)
    )
    community.refresh_from_db()
    return community


def post_by(community, author, at: datetime = IN_MARCH, **data) -> Post:
    post = make_post(community, author=author, body=f"By {author.username} at {at}", **data)
    Post.objects.filter(pk=post.pk).update(published_at=at, created_at=at)
    post.refresh_from_db()
    return post


def accepted_suggestion_by(community, author, at: datetime = IN_MARCH) -> Post:
    """A suggestion of the member's, published by the team at `at`."""
    return Post.objects.create(
        community=community,
        author=author,
        suggested_by=author,
        body="My idea",
        status=PostStatus.PUBLISHED,
        created_at=at,
        published_at=at,
    )


def comment_by(post, author, at: datetime = IN_MARCH) -> Comment:
    comment = make_comment(post, author, f"Comment by {author.username}")
    Comment.objects.filter(pk=comment.pk).update(created_at=at)
    return comment


def topic_by(community, author) -> Topic:
    return topic_in(community, author=author, title=f"Asked by {author.username}")


def reply_by(topic, author, at: datetime = IN_MARCH) -> Comment:
    reply = reply_in_topic(actor=author, topic=topic, body=f"Reply by {author.username}")
    Comment.objects.filter(pk=reply.pk).update(created_at=at)
    return reply


def likes_of(post, *people, at: datetime = IN_MARCH) -> None:
    for someone in people:
        like_post(actor=someone, post=post)
    Like.objects.filter(post=post).update(created_at=at)


def comment_likes_of(comment, *people, at: datetime = IN_MARCH) -> None:
    for someone in people:
        like_comment(actor=someone, comment=comment)
    Like.objects.filter(comment=comment).update(created_at=at)


def computed(community, month: date = MARCH) -> MonthlyLeaders:
    """The month computed on demand by the community's owner."""
    return compute_month(actor=owner_of(community), community=community, month=month)


def board_rows(board: MonthlyLeaders) -> list[tuple[str, int, int]]:
    """(username, rank, score) of each leader, best first."""
    return [
        (leader.user.username, leader.rank, leader.score)
        for leader in board.leaders.select_related("user").order_by("rank", "user_id")
    ]
