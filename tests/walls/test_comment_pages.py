"""A page of comments is read from statements written once (walls.comment_selectors): for every
reader, the threads, their order, the replies, the "liked" marks and the cursors are those the
ORM gives (the reference below is the query the page was built from before)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from communa.accounts.models import signed_in
from communa.core.pagination import keyset_page
from communa.walls.comment_selectors import comments_page
from communa.walls.models import Comment, CommentStatus, Like
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def reference_page(*, actor, post, cursor, limit):
    """The ORM's page: what comments_page returned before it was written as statements."""
    comments = Comment.objects.filter(parent__isnull=True, post=post)
    shown = Q(status=CommentStatus.VISIBLE)
    if signed_in(actor):
        shown |= Q(status__in=[CommentStatus.HELD, CommentStatus.REJECTED], author=actor)
    comments = comments.filter(shown | Q(reply_count__gt=0))
    replies = Comment.objects.filter(shown).select_related("author")
    if signed_in(actor):
        liked = Like.objects.filter(user=actor, comment=OuterRef("pk"))
        comments = comments.annotate(liked=Exists(liked))
        replies = replies.annotate(liked=Exists(liked))
    replies = replies.order_by("created_at", "id")
    comments = comments.select_related("author").prefetch_related(
        Prefetch("replies", queryset=replies, to_attr="visible_replies")
    )
    return keyset_page(comments, ["created_at", "id"], cursor=cursor, limit=limit)


def threads(page) -> list[tuple]:
    return [
        (
            c.pk,
            c.status,
            c.author.username,
            bool(getattr(c, "liked", False)),
            [
                (r.pk, r.status, r.author.username, bool(getattr(r, "liked", False)))
                for r in c.visible_replies
            ],
        )
        for c in page.items
    ]


@pytest.fixture
def discussion():
    """A post with 12 top-level comments (four at one instant), replies, held, refused and
    deleted ones, and likes."""
    community = make_community(slug="cooks")
    owner = owner_of(community)
    mira, oleg = person("mira"), person("oleg")
    for member in (mira, oleg):
        add_member(community, member)
    post = make_post(community)
    moment = timezone.now() - timedelta(hours=2)
    statuses = [
        CommentStatus.VISIBLE,
        CommentStatus.HELD,
        CommentStatus.VISIBLE,
        CommentStatus.REJECTED,
        CommentStatus.DELETED,
        CommentStatus.VISIBLE,
    ]
    tops = []
    for index in range(12):
        tops.append(
            Comment.objects.create(
                post=post,
                author=mira if index % 3 == 0 else oleg,
                body=f"Comment {index}",
                status=statuses[index % len(statuses)],
                created_at=moment if index < 4 else moment + timedelta(minutes=index),
            )
        )
    for parent in (tops[0], tops[4], tops[7]):  # tops[4] is deleted: it stays for its replies
        for index, status in enumerate(
            [CommentStatus.VISIBLE, CommentStatus.HELD, CommentStatus.VISIBLE]
        ):
            Comment.objects.create(
                post=post,
                parent=parent,
                author=oleg if index == 1 else mira,
                body=f"Reply {index}",
                status=status,
                created_at=moment + timedelta(minutes=30, seconds=index),
            )
        parent.reply_count = 3
        parent.save(update_fields=["reply_count"])
    Like.objects.create(user=oleg, post=None, comment=tops[2])
    reply = Comment.objects.filter(parent=tops[0]).order_by("id").first()
    Like.objects.create(user=oleg, post=None, comment=reply)
    return post, {"visitor": None, "owner": owner, "mira": mira, "oleg": oleg}


@pytest.mark.parametrize("reader", ["visitor", "owner", "mira", "oleg"])
@pytest.mark.parametrize("limit", [1, 3, 5, 50])
def test_every_page_is_the_orm_page_for_every_reader(discussion, reader, limit):
    post, readers = discussion
    actor = readers[reader] or AnonymousUser()
    cursor, pages = None, 0
    expected_pages = -(
        -len(threads(reference_page(actor=actor, post=post, cursor=None, limit=99))) // limit
    )
    while True:
        page = comments_page(actor=actor, post=post, cursor=cursor, limit=limit)
        expected = reference_page(actor=actor, post=post, cursor=cursor, limit=limit)
        assert threads(page) == threads(expected)
        assert page.next_cursor == expected.next_cursor
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == max(expected_pages, 1)


def test_a_readers_own_held_comment_and_likes_show_only_to_them(discussion):
    post, readers = discussion
    # Held, without replies (a comment with replies keeps its place in the thread for all).
    held = Comment.objects.filter(
        post=post, status=CommentStatus.HELD, parent__isnull=True, reply_count=0
    )
    oleg_page = comments_page(actor=readers["oleg"], post=post, cursor=None, limit=50)
    mira_page = comments_page(actor=readers["mira"], post=post, cursor=None, limit=50)
    oleg_held = {c.pk for c in held if c.author_id == readers["oleg"].pk}
    assert oleg_held
    assert oleg_held <= {c.pk for c in oleg_page.items}
    assert not oleg_held & {c.pk for c in mira_page.items}
    assert any(c.liked for c in oleg_page.items)
    assert not any(c.liked for c in mira_page.items)


def test_a_made_up_cursor_is_a_422_naming_the_cursor(discussion):
    post, readers = discussion
    response = api_as(readers["mira"]).get(f"/posts/{post.pk}/comments?cursor=bm90LWpzb24")
    assert response.status_code == 422
    assert "cursor" in error_of(response)["fields"]
