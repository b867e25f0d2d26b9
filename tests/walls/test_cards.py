"""Cached post cards: a card is reused only while everything it shows is unchanged."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communa.accounts.actions import update_profile
from communa.communities.actions import update_community
from communa.communities.models import Kind
from communa.walls.actions.comments import add_comment, edit_comment
from communa.walls.actions.interactions import like_comment, like_post, unlike_post
from communa.walls.actions.posts import (
    create_post,
    edit_post,
    publish_suggestion,
    share_post,
    suggest_post,
)
from communa.walls.models import Post, PostDocument, PostImage
from tests.factories import add_member, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

triggers = importlib.import_module("communa.walls.migrations.0004_post_content_version")

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner():
    return person(username="olga", display_name="Olga")


@pytest.fixture
def group(owner):
    return make_community(owner, name="Learn to Cook", slug="cooks")


def wall(client: Client | None = None) -> str:
    response = (client or Client()).get("/c/cooks/wall/", **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def version_of(post: Post) -> int:
    return Post.objects.values_list("content_version", flat=True).get(pk=post.pk)


def test_every_post_column_is_either_shown_on_the_card_or_named_as_not_shown():
    # A new column must be sorted: shown columns raise the content version when they change.
    not_shown = {
        "id",
        "flags",
        "review_reason",
        "reviewed_by_id",
        "reviewed_at",
        "content_version",
        "impression_count",
        "reach_count",
        "like_count",
        "comment_count",
        "share_count",
        "hide_count",
        "report_count",
        "link_click_count",
        "deleted_at",
        "deleted_by_id",
        # The planner's schedule: drafts are never cached, and a published card shows none of it.
        "scheduled_at",
        "publish_claim",
        "publish_claimed_at",
        "publish_attempts",
        "publish_error",
        # Set and cleared only with a raise of the content version (`mark_post_widgets`).
        "has_widgets",
    }
    columns = {field.column for field in Post._meta.concrete_fields}
    assert columns - not_shown == set(triggers.CONTENT_COLUMNS)
    assert not (not_shown & set(triggers.CONTENT_COLUMNS))


def test_an_edited_post_shows_its_new_text_to_a_visitor_who_saw_the_old_one(owner, group):
    # given a visitor who saw the wall, so the card is cached
    post = create_post(actor=owner, community=group, data={"body": "Sourdough at dawn"})
    assert "Sourdough at dawn" in wall()
    assert "Sourdough at dawn" in wall()

    # when the author edits the post
    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "Rye at noon"})

    # then the wall shows the new text, not the cached card
    html = wall()
    assert "Rye at noon" in html
    assert "Sourdough at dawn" not in html


def test_a_renamed_author_and_community_show_on_cached_cards(owner, group):
    member = add_member(group)
    create_post(actor=member, community=group, data={"body": "Hello from a member"})
    assert "Olga" not in wall()

    update_profile(actor=member, user=member, changes={"display_name": "Vera the Baker"})
    update_community(actor=owner, community=group, changes={"name": "Bake Together"})

    html = wall(client_of(owner))
    assert "Vera the Baker" in html
    feed = client_of(member).get("/feed/").content.decode()
    assert "Bake Together" in feed


def test_counts_change_on_the_card_without_a_new_content_version(owner, group):
    post = create_post(actor=owner, community=group, data={"body": "Count me"})
    before = version_of(post)
    assert re.search(r'class="like-count"[^>]*>0<', wall())

    like_post(actor=add_member(group), post=post)

    assert version_of(post) == before
    assert re.search(r'class="like-count"[^>]*>1<', wall())


def test_images_and_documents_raise_the_posts_content_version(owner, group):
    post = create_post(actor=owner, community=group, data={"body": "With files"})
    start = version_of(post)

    image = PostImage.objects.create(
        post=post, image="a.png", thumbnail="a-thumb.png", width=10, height=10
    )
    assert version_of(post) == start + 1
    image.position = 2
    image.save()
    assert version_of(post) > start + 1
    after_image = version_of(post)
    image.delete()
    assert version_of(post) == after_image + 1

    document = PostDocument.objects.create(
        post=post,
        file=SimpleUploadedFile("menu.pdf", b"%PDF-1.4"),
        name="menu.pdf",
        size=8,
        content_type="application/pdf",
    )
    assert version_of(post) == after_image + 2
    document.delete()
    assert version_of(post) == after_image + 3


def test_a_save_from_an_old_copy_never_lowers_the_content_version(owner, group):
    # given a copy of the post read before another change raised its version
    post = create_post(actor=owner, community=group, data={"body": "Old copy"})
    stale = Post.objects.get(pk=post.pk)
    Post.objects.filter(pk=post.pk).update(title="A title")
    raised = version_of(post)
    assert raised == stale.content_version + 1

    # when the old copy saves a counter (nothing the card shows)
    stale.hide_count = 3
    stale.save(update_fields=["hide_count", "content_version"])

    # then the version stays where the change put it
    assert version_of(post) == raised


def test_only_counter_updates_leave_the_content_version_alone(owner, group):
    post = create_post(actor=owner, community=group, data={"body": "Counters"})
    start = version_of(post)
    Post.objects.filter(pk=post.pk).update(like_count=5, impression_count=9, reach_count=2)
    assert version_of(post) == start
    Post.objects.filter(pk=post.pk).update(pinned=True)
    assert version_of(post) == start + 1


def test_a_shared_original_that_turns_private_disappears_from_a_cached_repost(owner, group):
    # given a repost on a public profile wall of a post in a public community
    reader = add_member(group)
    original = create_post(actor=owner, community=group, data={"body": "Original words"})
    share_post(actor=reader, post=original, comment="Look")
    profile = f"/u/{reader.username}/wall/"
    first = Client().get(profile).content.decode()
    assert "Original words" in first

    # when the community turns private
    update_community(actor=owner, community=group, changes={"privacy": "private"})

    # then the cached repost no longer shows the original to a visitor
    again = Client().get(profile).content.decode()
    assert "Original words" not in again
    assert "The original post is not available." in again


def test_the_like_form_of_a_cached_card_carries_the_readers_own_csrf_token(owner, group):
    # given a card cached while another member read the wall
    post = create_post(actor=owner, community=group, data={"body": "Tokens"})
    wall(client_of(add_member(group)))

    # when a second member reads it and likes with the form's token, CSRF checks on
    reader = add_member(group)
    client = client_of(reader)
    client.handler.enforce_csrf_checks = True
    html = wall(client)
    token = re.search(
        rf'action="/p/{post.pk}/like/".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )
    assert token is not None
    response = client.post(
        f"/p/{post.pk}/like/", {"action": "like", "csrfmiddlewaretoken": token[1]}
    )

    # then the like counts
    assert response.status_code in (200, 302)
    assert Post.objects.get(pk=post.pk).like_count == 1


def test_a_visitors_second_look_at_the_wall_reads_no_card_details(owner, group):
    # given a wall of posts with images whose cards are in the cache
    for index in range(5):
        post = create_post(actor=owner, community=group, data={"body": f"Post {index}"})
        PostImage.objects.create(
            post=post, image=f"{index}.png", thumbnail=f"{index}t.png", width=1, height=1
        )
    with CaptureQueriesContext(connection) as cold:
        wall()

    # when a visitor reads it again
    with CaptureQueriesContext(connection) as warm:
        html = wall()

    # then images, documents, rubrics and suggesters are not read again
    assert html.count('class="card post-card') == 5
    cold_tables = " ".join(query["sql"] for query in cold.captured_queries)
    warm_tables = " ".join(query["sql"] for query in warm.captured_queries)
    assert "walls_postimage" in cold_tables
    assert "walls_postimage" not in warm_tables
    assert "walls_postdocument" not in warm_tables
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_the_api_wall_answers_the_same_from_the_cache_as_when_built(owner, group, settings):
    # given posts, one with a repost of another, read once so the cache holds them
    member = add_member(group)
    first = create_post(actor=owner, community=group, data={"body": "First words"})
    create_post(actor=member, community=group, data={"body": "Second words"})
    share_post(actor=owner, post=first, comment="Again", to_community=group)
    client = client_of(member)
    cold = client.get("/api/communities/cooks/wall").json()

    # when it is read again, and once more with the cache switched off
    warm = client.get("/api/communities/cooks/wall").json()
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    built = client.get("/api/communities/cooks/wall").json()

    # then the three answers agree, except the views and reach each reading added
    def without_views(page):
        for item in page["items"]:
            item["counts"].pop("views")
            item["counts"].pop("reach")
        return page

    assert without_views(warm) == without_views(cold) == without_views(built)
    assert [item["body"] for item in built["items"]][-2:] == ["Second words", "First words"]


def test_an_edited_post_shows_its_new_text_through_the_api(owner, group):
    post = create_post(actor=owner, community=group, data={"body": "Before the edit"})
    client = client_of(add_member(group))
    assert client.get("/api/feed").json()["items"][0]["body"] == "Before the edit"

    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "After the edit"})

    item = client.get("/api/feed").json()["items"][0]
    assert item["body"] == "After the edit"
    assert "After the edit" in item["body_html"]


# --- comment threads ----------------------------------------------------------------------------


def post_page(post: Post, client: Client | None = None) -> str:
    response = (client or Client()).get(f"/p/{post.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_edited_comment_shows_its_new_text_on_a_cached_post_page(owner, group):
    # given a post page read once with a comment on it
    post = create_post(actor=owner, community=group, data={"body": "Discuss"})
    writer = add_member(group)
    comment = add_comment(actor=writer, post=post, body="First thought")
    assert "First thought" in post_page(post)

    # when the writer edits the comment, and someone replies
    edit_comment(actor=writer, comment=comment, body="Second thought")
    add_comment(actor=owner, post=post, body="A reply", parent=comment)

    # then a visitor sees the new text and the reply
    html = post_page(post)
    assert "Second thought" in html
    assert "First thought" not in html
    assert "A reply" in html


def test_a_cached_comment_thread_shows_each_reader_their_own_controls(owner, group):
    # given a comment thread cached for its writer, who sees "Edit" and a liked heart
    post = create_post(actor=owner, community=group, data={"body": "Discuss"})
    writer = add_member(group)
    comment = add_comment(actor=writer, post=post, body="Mine")
    like_comment(actor=writer, comment=comment)
    writers_page = post_page(post, client_of(writer))
    assert f"/comments/{comment.pk}/edit/" in writers_page
    assert 'class="like small liked"' in writers_page

    # when another member and a visitor read the same thread
    other = post_page(post, client_of(add_member(group)))
    visitor = post_page(post)

    # then neither gets the writer's edit link or liked heart
    for html in (other, visitor):
        assert "Mine" in html
        assert 'class="like small liked"' not in html
        assert f"/comments/{comment.pk}/edit/" not in html
    assert "csrfmiddlewaretoken" not in visitor.split('id="comments"')[1].split("Log in")[0]


# --- the composer -------------------------------------------------------------------------------


def test_a_cached_composer_follows_the_links_rule_and_carries_each_members_token(owner, group):
    # given a member who saw the composer, so it is cached
    first = client_of(add_member(group))
    assert 'name="link_url"' in wall(first)

    # when the community bans links and another member opens the wall
    update_community(actor=owner, community=group, changes={"links_allowed": False})
    second = client_of(add_member(group))
    second.handler.enforce_csrf_checks = True
    html = wall(second)

    # then the composer has no link field, and its token is good for the second member
    assert 'name="link_url"' not in html
    assert "Links are not allowed in this community." in html
    composer = html.split('class="card composer"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', composer)
    assert token is not None
    response = second.post(
        "/c/cooks/posts/new/",
        {"body": "Posted through the cached form", "csrfmiddlewaretoken": token[1]},
    )
    assert response.status_code in (200, 302)
    assert Post.objects.filter(body="Posted through the cached form").exists()


# --- a visitor's whole wall ---------------------------------------------------------------------


def test_a_visitors_cached_wall_follows_likes_edits_renames_and_new_posts(owner, group):
    # given a visitor's wall read twice, so the whole fragment is cached
    member = add_member(group)
    post = create_post(actor=owner, community=group, data={"body": "First words"})
    wall()
    assert "First words" in wall()

    # when a member likes it, then the count and nothing else changes
    like_post(actor=member, post=post)
    assert re.search(r'class="like-count"[^>]*>1<', wall())

    # when the author edits it and renames the community, and a new post arrives
    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "Second words"})
    update_community(actor=owner, community=group, changes={"name": "Bake Together"})
    create_post(actor=member, community=group, data={"body": "A newcomer's post"})

    # then a visitor sees all of it
    html = wall()
    assert "Second words" in html
    assert "First words" not in html
    assert "A newcomer&#x27;s post" in html or "A newcomer's post" in html


def test_an_unliked_post_shows_its_old_count_again_from_the_cache(owner, group):
    # given a visitor's wall cached with 0 likes, then with 1
    member = add_member(group)
    post = create_post(actor=owner, community=group, data={"body": "Back and forth"})
    assert re.search(r'class="like-count"[^>]*>0<', wall())
    like_post(actor=member, post=post)
    assert re.search(r'class="like-count"[^>]*>1<', wall())

    # when the like is taken back
    unlike_post(actor=member, post=post)

    # then the page with 0 likes is right again, whichever copy serves it
    assert re.search(r'class="like-count"[^>]*>0<', wall())


def test_a_member_never_gets_the_visitors_cached_wall(owner, group):
    # given a visitor's wall in the cache
    create_post(actor=owner, community=group, data={"body": "For everyone"})
    wall()
    wall()

    # when a member opens it
    member = add_member(group)
    html = wall(client_of(member))

    # then they get their own: the composer and the like form
    assert 'class="card composer"' in html
    assert "like-form" in html
    assert 'class="card composer"' not in wall()


def test_a_wall_that_closes_refuses_visitors_who_had_it_cached(owner, group):
    create_post(actor=owner, community=group, data={"body": "Soon members only"})
    wall()
    assert "Soon members only" in wall()

    update_community(actor=owner, community=group, changes={"wall_mode": "off"})

    response = Client().get("/c/cooks/wall/", **HTMX)
    assert "Soon members only" not in response.content.decode()


def test_a_published_suggestion_names_its_renamed_suggester_on_a_visitors_wall(owner):
    # given a public page showing a suggestion it published, read twice by visitors
    page = make_community(owner, name="News", slug="news", kind=Kind.PUBLIC_PAGE)
    fan = add_member(page, person(username="fan", display_name="Fan"))
    idea = suggest_post(actor=fan, community=page, data={"body": "An idea"})
    publish_suggestion(actor=owner, post=idea)
    for _ in range(2):
        html = Client().get("/c/news/wall/", **HTMX).content.decode()
    assert "suggested by Fan" in html

    # when the suggester renames themselves
    update_profile(actor=fan, user=fan, changes={"display_name": "Great Fan"})

    # then visitors see the new name
    html = Client().get("/c/news/wall/", **HTMX).content.decode()
    assert "suggested by Great Fan" in html


def test_the_api_answers_visitors_from_the_cache_until_a_row_changes(owner, group):
    # given a visitor's API wall read twice
    member = add_member(group)
    post = create_post(actor=owner, community=group, data={"body": "Counted"})
    first = Client().get("/api/communities/cooks/wall").json()
    assert first["items"][0]["counts"]["likes"] == 0

    # when a member likes the post
    like_post(actor=member, post=post)

    # then visitors see the like, and the member sees it as theirs
    again = Client().get("/api/communities/cooks/wall").json()
    assert again["items"][0]["counts"]["likes"] == 1
    assert again["items"][0]["liked"] is False
    mine = client_of(member).get("/api/communities/cooks/wall").json()
    assert mine["items"][0]["liked"] is True


def test_a_members_second_look_at_the_feed_reads_the_posts_narrow(owner, group):
    # given a member whose feed's cards are in the cache
    member = add_member(group)
    for index in range(3):
        create_post(actor=owner, community=group, data={"body": f"Long text {index}"})
    client = client_of(member)
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/feed/").status_code == 200

    # when the member reads it again
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/feed/").content.decode()

    # then the page's statement reads what the cards' keys need, not the posts' texts
    assert html.count("Long text") == 3
    cold_sql = " ".join(query["sql"] for query in cold.captured_queries)
    warm_sql = " ".join(query["sql"] for query in warm.captured_queries)
    assert '"body_html"' in cold_sql
    assert '"body_html"' not in warm_sql
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_a_card_built_after_an_edit_is_kept_under_the_edited_posts_key(owner, group):
    # given a member's page read narrow, and the post edited before its card is built
    from communa.walls.api.conversions import post_texts
    from communa.walls.cards import content_key
    from communa.walls.selectors import feed_page

    member = add_member(group)
    post = create_post(actor=owner, community=group, data={"body": "Old words"})
    [before] = feed_page(actor=member, cursor=None, limit=10, details=False).items
    old_key = content_key(before, "api-post-text")
    edit_post(actor=owner, post=Post.objects.get(pk=post.pk), data={"body": "New words"})

    # when its content is built
    [item] = post_texts([before], team_ids=set())

    # then it shows the edit, and is kept under the key of what it was built from
    assert json.loads(item.text(liked=False))["body"] == "New words"
    assert cache.get(old_key) is None
    [after] = feed_page(actor=member, cursor=None, limit=10, details=False).items
    kept = cache.get(content_key(after, "api-post-text"))
    assert kept is not None
    assert '"body": "New words"' in kept[0]
