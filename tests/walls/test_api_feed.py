"""The member feed and profile walls through the API, and a fixed number of queries per page
for the wall, the feed and a post's comments whatever the page size."""

from __future__ import annotations

import pytest
from django.utils import timezone

from communa.communities.models import Kind, Role, WallMode
from communa.walls.actions.interactions import hide_post, like_comment, like_post
from communa.walls.actions.posts import pin_post, publish_suggestion, share_post, suggest_post
from communa.walls.models import Post
from communa.walls.selectors import FeedCommunities, feed_communities, team_community_ids
from tests.factories import add_member, make_community, person
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_comment, make_post, png_file, queries_of

pytestmark = pytest.mark.django_db


def feed_ids(api, **query) -> tuple[list[int], str | None]:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    response = api.get(f"/feed?{suffix}")
    assert response.status_code == 200, response.content
    body = response.json()
    return [p["id"] for p in body["items"]], body["next_cursor"]


# --- the feed ------------------------------------------------------------------------------------


def test_the_feed_shows_posts_of_my_communities_newest_first_and_nothing_else():
    # given
    mine, theirs = make_community(), make_community()
    member = add_member(mine)
    older = make_post(mine, body="Older")
    make_post(theirs, body="Not for me")
    newer = make_post(mine, body="Newer")
    # when
    ids, cursor = feed_ids(api_as(member))
    # then
    assert ids == [newer.pk, older.pk]
    assert cursor is None


def test_the_feed_needs_a_login():
    response = api_as(None).get("/feed")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_new_posts_arriving_between_page_loads_never_make_an_item_repeat_or_vanish():
    # given seven posts published at the same instant (ties are decided by id)
    community = make_community()
    member = add_member(community)
    originals = [make_post(community, body=f"Post {n}") for n in range(7)]
    Post.objects.filter(pk__in=[p.pk for p in originals]).update(published_at=timezone.now())
    api = api_as(member)
    # when new posts arrive between the page loads
    first, cursor = feed_ids(api, limit=3)
    arrived = [make_post(community, body="Breaking"), make_post(community, body="More news")]
    second, cursor = feed_ids(api, limit=3, cursor=cursor)
    arrived.append(make_post(community, body="Even more"))
    third, cursor = feed_ids(api, limit=3, cursor=cursor)
    # then every original appears exactly once, in order, and the newcomers wait on top
    seen = first + second + third
    assert seen == [p.pk for p in sorted(originals, key=lambda p: p.pk, reverse=True)]
    assert len(set(seen)) == len(seen)
    assert cursor is None
    top, _cursor = feed_ids(api, limit=3)
    assert top == [p.pk for p in reversed(arrived)]


def test_posts_of_a_community_i_left_are_not_in_my_feed():
    stay, leave = make_community(), make_community()
    member = add_member(stay)
    add_member(leave, member)
    kept = make_post(stay)
    make_post(leave)
    api = api_as(member)
    assert api.post(f"/communities/{leave.slug}/leave").status_code == 204
    assert feed_ids(api)[0] == [kept.pk]


def test_hidden_posts_suggestions_and_walls_that_are_off_stay_out_of_the_feed():
    # given
    group, page, silent = make_community(), make_community(kind=Kind.PUBLIC_PAGE), make_community()
    member = add_member(group)
    add_member(page, member)
    add_member(silent, member)
    hidden = make_post(group, body="Hidden")
    kept = make_post(group, body="Kept")
    suggest_post(actor=member, community=page, data={"body": "An idea"})
    make_post(silent)
    silent.wall_mode = WallMode.OFF
    silent.save(update_fields=["wall_mode"])
    hide_post(actor=member, post=hidden)
    # when
    ids, _cursor = feed_ids(api_as(member))
    # then
    assert ids == [kept.pk]


@pytest.mark.parametrize("limit", ["0", "1000"])
def test_the_feed_refuses_a_page_size_out_of_bounds(limit):
    member = add_member(make_community())
    response = api_as(member).get(f"/feed?limit={limit}")
    assert response.status_code == 422
    assert "limit" in error_of(response)["fields"]


# --- profile walls -------------------------------------------------------------------------------


def test_a_profile_wall_lists_the_persons_shares_newest_first():
    community = make_community()
    first, second = make_post(community), make_post(community)
    member = add_member(community)
    one = share_post(actor=member, post=first)
    two = share_post(actor=member, post=second, comment="Also good")
    response = api_as(None).get(f"/users/{member.username}/wall")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [p["id"] for p in items] == [two.pk, one.pk]
    assert all(p["profile"] == member.username for p in items)
    assert [p["shared_from"]["id"] for p in items] == [second.pk, first.pk]


def test_the_wall_of_nobody_is_a_404():
    assert api_as(None).get("/users/nobody-at-all/wall").status_code == 404


def test_a_deleted_original_shows_as_unavailable_inside_its_shares():
    community = make_community()
    post = make_post(community, body="Soon gone")
    member = add_member(community)
    share_post(actor=member, post=post)
    api_as(community.created_by).delete(f"/posts/{post.pk}")
    item = api_as(None).get(f"/users/{member.username}/wall").json()["items"][0]
    assert item["shared_from"]["available"] is False
    assert item["shared_from"]["status"] == "unavailable"
    assert item["shared_from"]["body_html"] == ""


# --- a fixed number of queries per page ----------------------------------------------------------


def _busy_community(count: int = 30):
    """A wall of posts with images, likes, a pinned post, and reposts of suggestions that a
    public page published (so each shared original has its suggester to show)."""
    community, elsewhere = make_community(), make_community(kind=Kind.PUBLIC_PAGE)
    reader = add_member(community)
    add_member(elsewhere, reader)
    owner = community.created_by
    for n in range(count):
        if n % 2:
            idea = suggest_post(
                actor=reader, community=elsewhere, data={"body": f"Idea {n}"}, images=[png_file()]
            )
            original = publish_suggestion(actor=elsewhere.created_by, post=idea)
            share_post(actor=owner, post=original, to_community=community)
        else:
            post = make_post(community, body=f"Post {n}", images=[png_file()])
            like_post(actor=reader, post=post)
    pin_post(actor=owner, post=make_post(community, body="Pinned", images=[png_file()]))
    return community, reader


def test_the_wall_runs_the_same_number_of_queries_for_5_and_25_posts(django_assert_num_queries):
    community, reader = _busy_community()
    api = api_as(reader)
    path = f"/communities/{community.slug}/wall"
    few = queries_of(lambda: api.get(f"{path}?limit=5"))
    with django_assert_num_queries(few):
        response = api.get(f"{path}?limit=25")
    assert len(response.json()["items"]) == 25


def test_the_feed_runs_the_same_number_of_queries_for_5_and_25_posts(django_assert_num_queries):
    _community, reader = _busy_community()
    api = api_as(reader)
    few = queries_of(lambda: api.get("/feed?limit=5"))
    with django_assert_num_queries(few):
        response = api.get("/feed?limit=25")
    assert len(response.json()["items"]) == 25


def test_a_profile_wall_runs_the_same_number_of_queries_for_5_and_25_posts(
    django_assert_num_queries,
):
    community = make_community()
    sharer = add_member(community)
    for n in range(30):
        share_post(actor=sharer, post=make_post(community, body=f"P{n}", images=[png_file()]))
    api = api_as(person())
    path = f"/users/{sharer.username}/wall"
    few = queries_of(lambda: api.get(f"{path}?limit=5"))
    with django_assert_num_queries(few):
        response = api.get(f"{path}?limit=25")
    assert len(response.json()["items"]) == 25


def test_comments_run_the_same_number_of_queries_for_5_and_25_threads(django_assert_num_queries):
    community = make_community()
    post = make_post(community)
    reader, writer = add_member(community), add_member(community)
    for n in range(30):
        top = make_comment(post, writer, f"Comment {n}")
        make_comment(post, reader, f"Reply {n}", parent=top)
        like_comment(actor=reader, comment=top)
    api = api_as(reader)
    few = queries_of(lambda: api.get(f"/posts/{post.pk}/comments?limit=5"))
    with django_assert_num_queries(few):
        response = api.get(f"/posts/{post.pk}/comments?limit=25")
    items = response.json()["items"]
    assert len(items) == 25
    assert all(len(item["replies"]) == 1 for item in items)


def test_the_feeds_communities_and_its_team_labels_come_from_one_read(django_assert_num_queries):
    # given a member on the team of one community, a plain member of another, and on the team of
    # a third whose wall is off
    edited, joined, silent = make_community(), make_community(), make_community()
    member = add_member(edited, role=Role.EDITOR)
    add_member(joined, member)
    add_member(silent, member, role=Role.MODERATOR)
    silent.wall_mode = WallMode.OFF
    silent.save(update_fields=["wall_mode"])
    for community, body in ((edited, "From the team community"), (joined, "From another")):
        expert = community.rubrics.get(code="expert").pk
        make_post(community, body=body, tone="emotional", rubric=expert)

    # when the feed's communities are read
    with django_assert_num_queries(1):
        communities = feed_communities(member)

    # then the walls are those with a wall on, the team those the labels were read from before
    assert sorted(communities.walls) == sorted([edited.pk, joined.pk])
    assert communities.team == team_community_ids(member) == {edited.pk, silent.pk}
    assert feed_communities(person()) == FeedCommunities(walls=[], team=set())
    # and the feed labels only the posts of the team's community
    items = api_as(member).get("/feed").json()["items"]
    assert {item["body"]: item["tone"] for item in items} == {
        "From the team community": "emotional",
        "From another": None,
    }
    # and so does the feed's page: one rubric label, in the byline of the team's community's
    # post (the newer post, from the other community, comes first)
    page = client_of(member).get("/feed/").content.decode()
    assert page.count('class="badge rubric"') == 1
    label_at = page.index('class="badge rubric"')
    assert page.index("From another") < label_at < page.index("From the team community")
