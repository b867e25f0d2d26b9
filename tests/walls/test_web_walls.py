"""Walls through the web pages: posting, wall modes, suggestions, the feed and their costs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from communa.analytics.models import Event, EventKind, Platform
from communa.communities.models import Role
from communa.walls.actions.posts import create_post, share_post
from communa.walls.models import Post, PostKind, PostStatus
from tests.factories import add_member, image_upload, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
HTMX = {"HTTP_HX_REQUEST": "true"}


def post_ids(html: str) -> list[int]:
    """The posts a page shows, in order."""
    return [
        int(found)
        for found in re.findall(r'<article class="card post-card[^"]*" id="post-(\d+)"', html)
    ]


def more_url(html: str) -> str | None:
    found = re.search(r'class="button secondary more" href="([^"]+)" hx-get="([^"]+)"', html)
    if found is None:
        return None
    assert found.group(1) == found.group(2)
    return found.group(1).replace("&amp;", "&")


def publish(author, community, text: str, **data) -> Post:
    return create_post(actor=author, community=community, data={"body": text, **data})


@pytest.fixture
def owner():
    return person(username="olga", display_name="Olga")


@pytest.fixture
def group(owner):
    return make_community(owner, name="Learn to Cook", slug="cooks")


# --- posting and wall modes ---------------------------------------------------------------------


def test_a_member_posts_on_an_open_wall_and_sees_it(group):
    # given a member of an open group
    member = add_member(group, person(display_name="Linh"))
    client = client_of(member)

    # when they post through the composer
    response = client.post(
        "/c/cooks/posts/new/", {"body": "Pho **tonight** at 7", "next": "/c/cooks/"}
    )

    # then they are sent back to the community and the wall shows the post, formatted
    assert response.status_code == 302
    assert response["Location"] == "/c/cooks/"
    post = Post.objects.get()
    assert (post.author, post.status, post.community) == (member, PostStatus.PUBLISHED, group)
    wall = client.get("/c/cooks/wall/", **HTMX).content.decode()
    assert post_ids(wall) == [post.pk]
    assert "<strong>tonight</strong>" in wall
    assert "Linh" in wall
    assert "<html" not in wall  # the fragment the community home loads with htmx


def test_the_community_home_loads_the_wall_with_htmx(group):
    page = Client().get("/c/cooks/").content.decode()

    assert 'hx-get="/c/cooks/wall/"' in page
    assert 'hx-trigger="load"' in page


def test_a_member_of_a_limited_wall_is_refused_with_the_reason(owner):
    # given a member of a group whose wall only the team writes on
    community = make_community(owner, slug="limited", wall_mode="limited")
    member = add_member(community)
    client = client_of(member)

    # when they try to post anyway
    response = client.post("/c/limited/posts/new/", {"body": "Me too!"})

    # then the page says why, and nothing is written
    assert response.status_code == 403
    assert "Only the administrators and editors post on this wall." in response.content.decode()
    assert not Post.objects.exists()
    # and the wall offers no composer, only the reason
    wall = client.get("/c/limited/wall/").content.decode()
    assert "Only the administrators and editors post on this wall." in wall
    assert 'action="/c/limited/posts/new/"' not in wall


def test_an_empty_post_is_refused_beside_the_text_field(group):
    member = add_member(group)

    response = client_of(member).post("/c/cooks/posts/new/", {"body": "   "})

    assert response.status_code == 422
    assert response.context["form"].errors["body"] == [
        "A post needs text, an image, a link or a document."
    ]
    assert '<div class="error" id="id_body_error"><p>A post needs text' in response.content.decode()
    assert not Post.objects.exists()


def test_the_team_labels_its_post_and_signs_it_as_the_community(owner, group):
    # given the owner's composer, which offers rubrics, tone and the signature
    client = client_of(owner)
    wall = client.get("/c/cooks/wall/").content.decode()
    assert "Recommended post image: 510×510 px" in wall
    rubric = group.rubrics.get(code="expert")
    assert f'<option value="{rubric.pk}">' in wall

    # when the owner publishes a promotional expert post with an image, as the community
    response = client.post(
        "/c/cooks/posts/new/",
        {
            "body": "How to sharpen a knife",
            "images": [image_upload(600, 600)],
            "rubric": rubric.pk,
            "tone": "functional",
            "promotional": "on",
            "signed_as": "community",
        },
    )

    # then the post carries the labels, and the team (only) sees the rubric on the wall
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.rubric, post.tone, post.promotional, post.signed_as) == (
        rubric,
        "functional",
        True,
        "community",
    )
    assert post.images.count() == 1
    team_wall = client.get("/c/cooks/wall/").content.decode()
    assert 'class="badge rubric"' in team_wall
    member_wall = client_of(add_member(group)).get("/c/cooks/wall/").content.decode()
    assert 'class="badge rubric"' not in member_wall
    assert 'href="/c/cooks/">Learn to Cook</a>' in member_wall
    assert post.images.get().thumbnail.url in member_wall


# --- suggested posts on public pages ---------------------------------------------------------


@pytest.fixture
def page(owner):
    return make_community(owner, name="City Bakery", slug="bakery", kind="public_page")


def test_a_suggestion_is_published_by_an_editor_and_its_author_sees_suggested_by(owner, page):
    # given a member of a public page, who is offered "Suggest a post" instead of posting
    member = add_member(page, person(display_name="Mai"))
    client = client_of(member)
    assert "Suggest a post" in client.get("/c/bakery/wall/").content.decode()

    # when they suggest a post
    response = client.post("/c/bakery/posts/new/", {"body": "Try the rye bread!"})
    assert response.status_code == 302
    suggestion = Post.objects.get()
    assert suggestion.status == PostStatus.SUGGESTED
    mine = client.get("/c/bakery/wall/").content.decode()
    assert "My suggestions" in mine
    assert "Waiting for review" in mine
    assert post_ids(mine) == []

    # and an editor publishes it, edited, from the queue
    editor = client_of(owner)
    queue = editor.get("/c/bakery/suggestions/").content.decode()
    assert "Try the rye bread!" in queue
    rubric = page.rubrics.get(code="interaction")
    published = editor.post(
        f"/c/bakery/suggestions/{suggestion.pk}/publish/",
        {
            f"s{suggestion.pk}-body": "Try our rye bread!",
            f"s{suggestion.pk}-rubric": rubric.pk,
            f"s{suggestion.pk}-tone": "emotional",
        },
    )

    # then the author sees it on the wall, signed by the page and "suggested by" them
    assert published.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.body, suggestion.signed_as) == (
        PostStatus.PUBLISHED,
        "Try our rye bread!",
        "community",
    )
    wall = client.get("/c/bakery/wall/").content.decode()
    assert post_ids(wall) == [suggestion.pk]
    assert "suggested by Mai" in wall
    assert "Try our rye bread!" in wall


def test_a_rejected_suggestion_shows_its_author_the_reason(owner, page):
    # given a suggestion
    member = add_member(page)
    client = client_of(member)
    client.post("/c/bakery/posts/new/", {"body": "Buy my bike"})
    suggestion = Post.objects.get()

    # when an editor rejects it without a reason, then with one
    editor = client_of(owner)
    empty = editor.post(f"/c/bakery/suggestions/{suggestion.pk}/reject/", {})
    assert empty.status_code == 400
    rejected = editor.post(
        f"/c/bakery/suggestions/{suggestion.pk}/reject/",
        {f"r{suggestion.pk}-reason": "Adverts of private sales are not for this page."},
    )

    # then the author's list shows the rejection and its reason
    assert rejected.status_code == 302
    wall = client.get("/c/bakery/wall/").content.decode()
    assert "Rejected" in wall
    assert "Adverts of private sales are not for this page." in wall
    assert post_ids(wall) == []


def test_the_suggestions_queue_is_for_reviewers_only(page):
    member = add_member(page)

    response = client_of(member).get("/c/bakery/suggestions/")

    assert response.status_code == 403


# --- the member feed ------------------------------------------------------------------------


def test_the_feed_shows_posts_of_my_communities_newest_first(owner, group):
    stranger = person()
    other = make_community(stranger, slug="elsewhere")
    member = add_member(group)
    first = publish(owner, group, "first")
    publish(stranger, other, "not my community")
    second = publish(owner, group, "second")

    page = client_of(member).get("/feed/")

    assert page.status_code == 200
    assert post_ids(page.content.decode()) == [second.pk, first.pk]


def test_the_feed_needs_a_login(client):
    response = client.get("/feed/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_more_continues_the_feed_without_repeats_while_new_posts_arrive(owner, group, settings):
    # given seven posts and pages of three
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 3}
    member = add_member(group)
    older = [publish(owner, group, f"post {n}") for n in range(7)]
    client = client_of(member)

    # when the member reads the feed and presses "More" while new posts keep arriving
    page = client.get("/feed/").content.decode()
    seen = post_ids(page)
    url = more_url(page)
    arrived = []
    while url:
        arrived.append(publish(owner, group, f"new while reading {len(arrived)}"))
        fragment = client.get(url, **HTMX).content.decode()
        assert "<html" not in fragment
        seen += post_ids(fragment)
        url = more_url(fragment)

    # then every older post came exactly once, newest first, and none of the new ones
    assert seen == [post.pk for post in reversed(older)]
    assert len(arrived) == 2
    assert post_ids(client.get("/feed/").content.decode())[:2] == [
        arrived[-1].pk,
        arrived[-2].pk,
    ]


def _varied_posts(owner, community, count: int) -> None:
    """Posts of every shape a card shows: a link, an image, a document, a share (1.25 a call)."""
    for n in range(count):
        data = {"body": f"post {n}"}
        if n % 4 == 0:
            data["link_url"] = "https://example.org/recipe"
        images = [image_upload(40, 40)] if n % 4 == 1 else []
        document = SimpleUploadedFile("menu.txt", b"Menu of the week") if n % 4 == 2 else None
        post = create_post(
            actor=owner, community=community, data=data, images=images, document=document
        )
        if n % 4 == 3:
            share_post(actor=owner, post=post, to_community=community, comment="Look")


def test_the_feed_costs_the_same_queries_for_5_and_25_posts(
    owner, group, django_assert_num_queries
):
    # given a member and a feed of five posts
    member = add_member(group)
    client = client_of(member)
    _varied_posts(owner, group, 4)
    assert Post.objects.count() == 5
    with CaptureQueriesContext(connection) as small:
        response = client.get("/feed/")
    assert len(post_ids(response.content.decode())) == 5

    # when the feed holds twenty-five
    _varied_posts(owner, group, 16)
    assert Post.objects.count() == 25

    # then the page costs exactly as many queries
    with django_assert_num_queries(len(small)):
        response = client.get("/feed/")
    assert len(post_ids(response.content.decode())) == 25


def test_the_wall_fragment_costs_the_same_queries_for_5_and_25_posts(
    owner, group, django_assert_num_queries
):
    member = add_member(group)
    client = client_of(member)
    _varied_posts(owner, group, 4)
    with CaptureQueriesContext(connection) as small:
        response = client.get("/c/cooks/wall/", **HTMX)
    assert len(post_ids(response.content.decode())) == 5

    _varied_posts(owner, group, 16)

    with django_assert_num_queries(len(small)):
        response = client.get("/c/cooks/wall/", **HTMX)
    assert len(post_ids(response.content.decode())) == 25


# --- impressions ---------------------------------------------------------------------------


def test_a_wall_seen_on_a_phone_records_mobile_web_impressions(owner, group):
    # given two posts
    posts = [publish(owner, group, "one"), publish(owner, group, "two")]
    member = add_member(group)

    # when a member opens the wall on a phone
    client_of(member).get("/c/cooks/wall/", HTTP_USER_AGENT=IPHONE)

    # then each post got one impression from them, marked mobile web, and one unique viewer
    events = Event.objects.filter(kind=EventKind.IMPRESSION)
    assert sorted(events.values_list("post_id", flat=True)) == sorted(p.pk for p in posts)
    assert set(events.values_list("platform", "user_id")) == {(Platform.MOBILE_WEB, member.pk)}
    assert list(Post.objects.values_list("reach_count", flat=True)) == [1, 1]


def test_a_desktop_browser_records_web_impressions(owner, group):
    publish(owner, group, "one")

    Client().get("/c/cooks/wall/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130")

    assert Event.objects.get(kind=EventKind.IMPRESSION).platform == Platform.WEB


# --- CSRF ------------------------------------------------------------------------------------


def test_the_composer_needs_the_csrf_token(group):
    # given a member whose browser enforces CSRF
    member = add_member(group)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    # when a form is posted without the token
    forged = client.post("/c/cooks/posts/new/", {"body": "forged"})

    # then it is refused and nothing is written; with the token it works
    assert forged.status_code == 403
    assert not Post.objects.exists()
    client.get("/c/cooks/wall/")
    token = client.cookies["csrftoken"].value
    genuine = client.post("/c/cooks/posts/new/", {"body": "genuine", "csrfmiddlewaretoken": token})
    assert genuine.status_code == 302
    assert Post.objects.get().body == "genuine"


# --- long-reads ----------------------------------------------------------------------------


def longread_rows(count: int) -> dict[str, list[str]]:
    return {
        "block_type": ["heading"] + ["paragraph"] * (count - 1),
        "block_text": ["Knives"] + [f"Paragraph {n}" for n in range(1, count)],
        "block_image": [""] * count,
        "block_extra": [""] * count,
    }


def test_an_editor_publishes_a_long_read_from_blocks(owner, group):
    client = client_of(owner)
    assert client.get("/c/cooks/longread/new/").status_code == 200

    response = client.post(
        "/c/cooks/longread/new/",
        {"title": "All about knives", **longread_rows(3), "signed_as": "community"},
    )

    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.kind, post.title, len(post.blocks)) == (PostKind.LONGREAD, "All about knives", 3)
    page = client.get(response["Location"]).content.decode()
    assert "Paragraph 2" in page


def test_a_long_read_of_101_blocks_is_refused_on_the_form(owner, group):
    response = client_of(owner).post(
        "/c/cooks/longread/new/", {"title": "Too long", **longread_rows(101)}
    )

    assert response.status_code == 422
    errors = response.context["form"].errors["blocks"]
    assert any("100" in error for error in errors)
    assert not Post.objects.exists()
    # the blocks written so far are still on the page
    assert "Paragraph 100" in response.content.decode()


def test_the_add_block_button_without_htmx_adds_a_row(owner, group):
    response = client_of(owner).post(
        "/c/cooks/longread/new/", {"title": "Draft", **longread_rows(1), "add": "quote"}
    )

    assert response.status_code == 200
    assert [row["type"] for row in response.context["rows"]] == ["heading", "quote"]
    assert not Post.objects.exists()


def test_a_block_row_fragment_is_served_for_htmx(client):
    response = client.get("/longread/block/list/")

    assert response.status_code == 200
    assert 'name="block_type" value="list"' in response.content.decode()


def test_moderators_of_a_page_see_how_many_suggestions_wait(owner, page):
    moderator = add_member(page, role=Role.MODERATOR)
    client_of(add_member(page)).post("/c/bakery/posts/new/", {"body": "Idea"})

    wall = client_of(moderator).get("/c/bakery/wall/").content.decode()

    assert "1 suggested post waits for review" in wall


def test_a_long_read_shows_an_attached_image_by_its_number(owner, group):
    client = client_of(owner)

    response = client.post(
        "/c/cooks/longread/new/",
        {
            "title": "Plating",
            "images": [image_upload(510, 510)],
            "block_type": ["paragraph", "image", "list", "quote"],
            "block_text": ["Start with a warm plate.", "The finished dish", "Sauce\nHerbs", "Eat!"],
            "block_image": ["", "1", "", ""],
            "block_extra": ["", "", "numbered", "Chef Minh"],
        },
    )

    assert response.status_code == 302
    post = Post.objects.get()
    assert post.blocks[1:] == [
        {"type": "image", "image": 0, "caption": "The finished dish"},
        {"type": "list", "items": ["Sauce", "Herbs"], "ordered": True},
        {"type": "quote", "text": "Eat!", "cite": "Chef Minh"},
    ]
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert post.images.get().image.url in page


def test_an_image_block_without_a_matching_image_is_refused_on_the_form(owner, group):
    response = client_of(owner).post(
        "/c/cooks/longread/new/",
        {
            "title": "Plating",
            "block_type": ["image"],
            "block_text": [""],
            "block_image": ["3"],
            "block_extra": [""],
        },
    )

    assert response.status_code == 422
    (error,) = response.context["form"].errors["blocks"]
    assert error.startswith("Block 1:")
    assert not Post.objects.exists()


def test_dates_are_shown_in_the_persons_time_zone(owner, group):
    # given a post published at noon UTC and a member who lives in Ho Chi Minh City (UTC+7)
    post = publish(owner, group, "Lunch")
    Post.objects.filter(pk=post.pk).update(published_at=datetime(2030, 1, 15, 12, 0, tzinfo=UTC))
    member = add_member(group, person(time_zone="Asia/Ho_Chi_Minh"))

    html = client_of(member).get("/c/cooks/wall/").content.decode()

    assert 'datetime="2030-01-15T19:00:00+07:00"' in html
    local = datetime(2030, 1, 15, 19, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert date_format(local, "DATETIME_FORMAT") in html


@pytest.mark.parametrize("query", ["", "?cursor=", "?cursor=%20%20", "?cursor=" + "x" * 600])
def test_a_blank_or_unreadable_cursor_reads_as_the_first_page(owner, group, query):
    post = publish(owner, group, "The first page's post")
    client = client_of(add_member(group))
    for path, headers in (("/feed/", {}), ("/c/cooks/wall/", HTMX)):
        response = client.get(path + query, **headers)
        assert response.status_code == 200
        assert post_ids(response.content.decode()) == [post.pk]


def test_a_cursor_that_names_no_place_is_refused_with_its_reason(owner, group):
    publish(owner, group, "A post")
    client = client_of(add_member(group))
    for path, headers in (("/feed/", {}), ("/c/cooks/wall/", HTMX)):
        response = client.get(path + "?cursor=not-a-cursor", **headers)
        assert response.status_code == 422
        assert "This page cursor is not valid." in response.content.decode()
