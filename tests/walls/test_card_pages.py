"""A member's feed and walls are read from statements written once (walls.selectors._card_page):
the pages, their order and their cursors are the ORM's, to the last tie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.core.pagination import encode_cursor, keyset_page
from communa.walls import selectors, wall_selectors
from communa.walls.actions.interactions import like_post
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of
from tests.walls.support import make_post, png_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_and_posts():
    """Two communities of one member, 13 posts of which five share one moment, one liked."""
    reader = person("mira")
    first, second = make_community(slug="cooks"), make_community(slug="bakers")
    for community in (first, second):
        add_member(community, reader)
    moment = timezone.now() - timedelta(hours=1)
    posts = []
    for index in range(13):
        post = make_post(first if index % 2 else second, body=f"Post {index}")
        # Five posts at the same instant: only the id orders them.
        post.published_at = moment if index < 5 else moment - timedelta(minutes=index)
        post.save(update_fields=["published_at"])
        posts.append(post)
    like_post(actor=reader, post=posts[3])
    return reader, first, posts


def every_page(read, limit: int) -> tuple[list[int], int]:
    ids, cursor, pages = [], None, 0
    while True:
        page = read(cursor, limit)
        ids += [post.pk for post in page.items]
        pages += 1
        if page.next_cursor is None:
            return ids, pages
        cursor = page.next_cursor


def orm_order(**filters) -> list[int]:
    found = Post.objects.filter(status=PostStatus.PUBLISHED, **filters)
    return list(found.order_by("-published_at", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("limit", [1, 2, 4, 13, 30])
def test_the_feed_pages_through_every_post_once_in_the_orm_order(reader_and_posts, limit):
    reader, _first, posts = reader_and_posts
    ids, pages = every_page(
        lambda cursor, size: selectors.feed_page(actor=reader, cursor=cursor, limit=size), limit
    )
    assert ids == orm_order(pk__in=[post.pk for post in posts])
    assert pages == -(-len(posts) // limit)


@pytest.mark.parametrize("limit", [2, 3, 7])
def test_a_wall_pages_the_same_way(reader_and_posts, limit):
    reader, first, _posts = reader_and_posts
    ids, _pages = every_page(
        lambda cursor, size: selectors.wall_page(
            actor=reader, community=first, cursor=cursor, limit=size
        ),
        limit,
    )
    assert ids == orm_order(community=first, pinned=False)


def test_the_readers_like_and_the_joined_rows_come_with_the_page(
    reader_and_posts, django_assert_num_queries
):
    reader, _first, posts = reader_and_posts
    page = selectors.feed_page(actor=reader, cursor=None, limit=30, details=False)
    liked = {post.pk for post in page.items if post.liked}
    assert liked == {posts[3].pk}
    with django_assert_num_queries(0):
        assert {post.community.slug for post in page.items} == {"cooks", "bakers"}
        assert all(post.author.username for post in page.items)


def test_details_come_in_their_prefetches(reader_and_posts, django_assert_num_queries):
    reader, first, _posts = reader_and_posts
    pictured = make_post(first, body="With a picture", images=[png_file()])
    page = selectors.feed_page(actor=reader, cursor=None, limit=30, details=True)
    with django_assert_num_queries(0):
        shown = next(post for post in page.items if post.pk == pictured.pk)
        assert len(shown.images.all()) == 1
        assert shown.rubric is not None


@pytest.mark.parametrize(
    "values", [["yesterday", 5], [None, 5], ["2026-12-05T10:00:00+00:00", None], [1, 2, 3]]
)
def test_a_made_up_cursor_is_a_422_naming_it(reader_and_posts, values):
    reader, first, _posts = reader_and_posts
    cursor = encode_cursor(values)
    for path in ("/feed", f"/communities/{first.slug}/wall"):
        response = api_as(reader).get(path, data={"cursor": cursor})
        assert response.status_code == 422
        assert "cursor" in error_of(response)["fields"]


def test_a_member_of_no_community_has_an_empty_feed():
    page = selectors.feed_page(actor=person("alone"), cursor=None, limit=30)
    assert page.items == []
    assert page.next_cursor is None


def test_a_wall_gives_its_posts_the_community_it_was_asked_for(reader_and_posts):
    reader, first, posts = reader_and_posts
    pinned = posts[1]  # a post of the first community
    Post.objects.filter(pk=pinned.pk).update(pinned=True)
    page = selectors.wall_page(actor=reader, community=first, cursor=None, limit=30)
    assert pinned.pk not in [post.pk for post in page.items]
    assert all(post.community is first for post in page.items)
    shown = selectors.pinned_post(actor=reader, community=first)
    assert shown is not None
    assert shown.pk == pinned.pk
    assert shown.community is first
    assert shown.liked is False


def test_a_community_is_found_by_its_address_in_any_case(reader_and_posts):
    reader, first, _posts = reader_and_posts
    response = api_as(reader).get(f"/communities/{first.slug.upper()}/wall")
    assert response.status_code == 200
    assert api_as(reader).get("/communities/no-such-place/wall").status_code == 404


@pytest.mark.parametrize("limit", [2, 5])
@pytest.mark.parametrize("as_reader", [False, True], ids=["visitor", "reader"])
def test_a_visitors_wall_rows_are_the_orms_values_page_after_page(
    reader_and_posts, limit, as_reader
):
    reader, first, posts = reader_and_posts
    Post.objects.filter(pk=posts[1].pk).update(pinned=True)
    like_post(actor=reader, post=posts[1])
    like_post(actor=reader, post=posts[5])
    liked_by_reader = {posts[1].pk, posts[3].pk, posts[5].pk}
    who = reader if as_reader else None
    shown = Post.objects.filter(community=first, status=PostStatus.PUBLISHED)
    values = shown.filter(pinned=False).values(*wall_selectors.STAMP_FIELDS)
    stamps = wall_selectors.visitor_wall_stamps(
        community=first, cursor=None, limit=limit, reader=who
    )
    assert stamps.pinned == shown.filter(pinned=True).values(*wall_selectors.STAMP_FIELDS).get()
    assert stamps.held is None  # not asked
    cursor, seen, liked = None, [], set()
    while True:
        stamps = wall_selectors.visitor_wall_stamps(
            community=first, cursor=cursor, limit=limit, reader=who
        )
        orm = keyset_page(values, selectors.ORDER, cursor=cursor, limit=limit)
        assert stamps.page.items == orm.items
        assert stamps.page.next_cursor == orm.next_cursor
        assert stamps.pinned is None or cursor is None
        seen += [row["id"] for row in stamps.page.items]
        liked |= stamps.liked
        if stamps.page.next_cursor is None:
            break
        cursor = stamps.page.next_cursor
    assert seen == orm_order(community=first, pinned=False)
    # which of the wall's posts (the pinned one too) the reader likes; none for a visitor
    on_wall = set(shown.values_list("pk", flat=True))
    assert liked == (liked_by_reader & on_wall if as_reader else set())
    assert liked_by_reader & on_wall


def test_a_readers_wall_rows_say_whether_they_have_a_held_post(reader_and_posts):
    reader, first, _posts = reader_and_posts

    def held() -> bool | None:
        stamps = wall_selectors.visitor_wall_stamps(
            community=first, cursor=None, limit=5, reader=reader, held=True
        )
        return stamps.held

    assert held() is False
    mine = make_post(first, body="Mine", author=reader)
    Post.objects.filter(pk=mine.pk).update(status=PostStatus.HELD)
    assert held() is True
    Post.objects.filter(pk=mine.pk).update(status=PostStatus.REJECTED)
    assert held() is True
    Post.objects.filter(pk=mine.pk).update(status=PostStatus.PUBLISHED)
    assert held() is False
    assert (
        wall_selectors.visitor_wall_stamps(community=first, cursor=None, limit=5, held=True).held
        is None
    )


@pytest.mark.parametrize("limit", [1, 4, 30])
def test_a_members_feed_rows_are_the_orms_values_page_after_page(reader_and_posts, limit):
    reader, _first, posts = reader_and_posts
    like_post(actor=reader, post=posts[6])
    communities = selectors.feed_communities(reader)
    cursor, liked = None, set()
    while True:
        page = selectors.feed_page(actor=reader, cursor=cursor, limit=limit)
        rows, page_liked = wall_selectors.feed_stamps(
            actor=reader, communities=communities, cursor=cursor, limit=limit
        )
        assert rows.items == [
            Post.objects.values(*wall_selectors.FEED_STAMP_FIELDS).get(pk=post.pk)
            for post in page.items
        ]
        assert rows.next_cursor == page.next_cursor
        assert page_liked == {post.pk for post in page.items if post.liked}
        liked |= page_liked
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert liked == {posts[3].pk, posts[6].pk}
