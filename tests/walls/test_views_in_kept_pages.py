"""A post's views move with every page view (the worker's flush raises them every few seconds):
kept pages and answers leave them out of their keys and put them in for each request
(walls.post_views.with_views, walls.kept_walls.VIEWS / COUNTS). A kept page then shows exactly what
a page rendered afresh shows, in every language, and is not rendered again when only the views
(or, in the API, the counts) moved."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings

from communa.walls import kept_walls
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import create_post
from communa.walls.models import Post
from tests.factories import add_member, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
VIEWS = re.compile(r'data-views="(\d+)">([^<]*)</span>')
# Counts whose words differ: one, few and many in Russian and Ukrainian, a thousands separator.
SOME_COUNTS = [0, 1, 2, 5, 11, 21, 22, 1234]


@pytest.fixture(autouse=True)
def _buffered(settings):
    """Buffered impressions (as `communa serve`): reading a page does not change its rows
    until the flush, which these tests stand in for by setting the counts."""
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}


@pytest.fixture
def group():
    owner = person(username="olga", display_name="Olga")
    community = make_community(owner, name="Learn to Cook", slug="cooks")
    posts = [
        create_post(actor=owner, community=community, data={"body": f"Post {index}"})
        for index in range(len(SOME_COUNTS))
    ]
    return community, posts, owner


@pytest.fixture
def keeps(monkeypatch):
    """How many times a wall page or answer was kept (rendered, then kept)."""
    calls = []
    real = kept_walls.VisitorWall.keep

    def counted(self, *args, **kwargs):
        calls.append(self.key)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(kept_walls.VisitorWall, "keep", counted)
    return calls


def flush(posts, counts) -> None:
    """What the worker's flush does to the rows: raise the posts' views and reach."""
    for post, count in zip(posts, counts, strict=True):
        Post.objects.filter(pk=post.pk).update(impression_count=count, reach_count=count // 2)


def views_in(html: str) -> dict[int, str]:
    found = dict(VIEWS.findall(html))
    return {int(pk): text for pk, text in found.items()}


def fresh(client, path: str, settings, **headers) -> str:
    """The page rendered with nothing kept."""
    saved = settings.COMMUNA
    settings.COMMUNA = {**saved, "CARD_CACHE_SECONDS": 0}
    try:
        response = client.get(path, **headers)
    finally:
        settings.COMMUNA = saved
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru", "uk", "vi", "ms"])
def test_a_visitors_kept_wall_shows_the_views_as_they_are_in_every_language(
    group, keeps, settings, language
):
    _community, posts, _owner = group
    visitor = client_of()
    visitor.cookies["django_language"] = language
    first = visitor.get("/c/cooks/wall/", **HTMX)
    assert first.status_code == 200
    assert len(keeps) == 1
    for counts in (SOME_COUNTS, list(reversed(SOME_COUNTS))):
        flush(posts, counts)
        kept = visitor.get("/c/cooks/wall/", **HTMX).content.decode()
        assert len(keeps) == 1, "served from the kept page, not rendered again"
        expected = fresh(visitor, "/c/cooks/wall/", settings, **HTMX)
        assert views_in(kept) == views_in(expected)
        assert set(views_in(kept)) == {post.pk for post in posts}
        # and the rest of the page is the page rendered afresh
        assert VIEWS.sub("", kept) == VIEWS.sub("", expected)


def test_a_readers_kept_wall_and_a_visitors_post_page_show_the_views_as_they_are(
    group, keeps, settings
):
    community, posts, _owner = group
    member = add_member(community, person("mira"))
    reader = client_of(member)
    reader.get("/c/cooks/wall/", **HTMX)
    reader.get("/c/cooks/wall/", **HTMX)
    assert len(keeps) == 1
    flush(posts, SOME_COUNTS)
    html = reader.get("/c/cooks/wall/", **HTMX).content.decode()
    assert len(keeps) == 1
    assert views_in(html) == views_in(fresh(reader, "/c/cooks/wall/", settings, **HTMX))
    # A visitor's page of one post, kept whole: the views as they are, the page not rendered
    # again (only the views' own template is).
    visitor = client_of()
    post = posts[7]
    assert visitor.get(f"/p/{post.pk}/").status_code == 200
    Post.objects.filter(pk=post.pk).update(impression_count=1234)
    response = visitor.get(f"/p/{post.pk}/")
    assert "walls/post.html" not in [t.name for t in response.templates]
    page = response.content.decode()
    expected = fresh(visitor, f"/p/{post.pk}/", settings)
    assert views_in(page)[post.pk] == views_in(expected)[post.pk]
    assert "1,234" in views_in(page)[post.pk] or "1234" in views_in(page)[post.pk]


def test_the_apis_kept_wall_answer_has_the_counts_and_likes_as_they_are(group, keeps):
    community, posts, owner = group
    member = add_member(community, person("mira"))
    visitor = client_of()
    first = visitor.get("/api/communities/cooks/wall")
    assert first.status_code == 200
    assert len(keeps) == 1
    flush(posts, SOME_COUNTS)
    like_post(actor=member, post=posts[0])
    like_post(actor=owner, post=posts[0])
    answer = visitor.get("/api/communities/cooks/wall").json()
    assert len(keeps) == 1, "the kept answer, its counts put in"
    shown = {item["id"]: item for item in [*answer["items"], answer["pinned"]] if item}
    for post in Post.objects.filter(pk__in=[p.pk for p in posts]):
        assert shown[post.pk]["counts"] == {
            "views": post.impression_count,
            "reach": post.reach_count,
            "likes": post.like_count,
            "comments": post.comment_count,
            "shares": post.share_count,
        }
        assert shown[post.pk]["liked"] is False
    assert shown[posts[0].pk]["counts"]["likes"] == 2
    # A reader outside the team gets the same kept answer, with their own "liked".
    reader = client_of(member)
    mine = reader.get("/api/communities/cooks/wall").json()
    assert len(keeps) == 1
    liked = {item["id"]: item["liked"] for item in mine["items"]}
    assert liked[posts[0].pk] is True
    assert sum(liked.values()) == 1
