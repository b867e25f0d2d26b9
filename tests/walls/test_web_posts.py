"""One post through the web pages: comments, likes, shares, hides, reports, links, edits."""

from __future__ import annotations

import pytest
from django.test import Client

from communa.analytics.models import Event, EventKind
from communa.communities.models import Role
from communa.moderation.models import Report
from communa.walls.actions.comments import add_comment
from communa.walls.actions.posts import create_post
from communa.walls.models import (
    Comment,
    CommentStatus,
    Like,
    Post,
    PostRevision,
    Share,
    TrackedLink,
)
from tests.factories import add_member, block, make_community, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner():
    return person(username="olga", display_name="Olga")


@pytest.fixture
def group(owner):
    return make_community(owner, name="Learn to Cook", slug="cooks")


@pytest.fixture
def post(owner, group):
    return create_post(
        actor=owner,
        community=group,
        data={"body": "Knife skills class on Friday", "link_url": "https://example.org/class"},
    )


@pytest.fixture
def member(group):
    return add_member(group, person(username="linh", display_name="Linh"))


# --- comments ----------------------------------------------------------------------------------


def test_a_comment_with_a_reply_deleted_by_its_author_leaves_deleted_in_place(post, member, group):
    # given a member's comment and another member's reply, both written through the page
    client = client_of(member)
    response = client.post(f"/p/{post.pk}/comments/", {"body": "Is it for beginners?"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"] == f"/p/{post.pk}/#comment-{comment.pk}"
    replier = client_of(add_member(group, person(display_name="Ahmad")))
    replier.post(f"/p/{post.pk}/comments/", {"body": "Yes, it is!", "parent": comment.pk})
    reply = Comment.objects.get(parent=comment)

    # when the first member deletes their comment
    deleted = client.post(f"/comments/{comment.pk}/delete/")

    # then the page keeps its place as "deleted" and still shows the reply
    assert deleted.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert "This comment was deleted." in page
    assert "Is it for beginners?" not in page
    assert f'id="comment-{reply.pk}"' in page
    assert "Yes, it is!" in page


def test_a_member_edits_their_own_comment_but_not_anothers(post, member, owner):
    comment = add_comment(actor=member, post=post, body="Helo")
    client = client_of(member)

    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 200
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Hello"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at is not None) == ("Hello", True)
    assert client_of(owner).post(f"/comments/{comment.pk}/edit/", {"body": "x"}).status_code == 403


def test_where_comments_are_off_the_post_page_says_so_and_refuses_them(owner):
    # given a group whose comments are off
    community = make_community(owner, slug="quiet", comment_policy="nobody")
    post = create_post(actor=owner, community=community, data={"body": "Read only"})
    member = add_member(community)
    client = client_of(member)

    # then the page shows the reason instead of a form, and a forged comment is refused
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert "Comments are turned off in this community." in page
    assert f'action="/p/{post.pk}/comments/"' not in page
    response = client.post(f"/p/{post.pk}/comments/", {"body": "But..."})
    assert response.status_code == 403
    assert "Comments are turned off in this community." in response.content.decode()
    assert not Comment.objects.exists()


# --- likes ------------------------------------------------------------------------------------


def test_a_like_through_htmx_answers_the_button_with_the_new_count(post, member):
    client = client_of(member)

    # when the member likes the post through htmx
    response = client.post(f"/p/{post.pk}/like/", {"action": "like"}, **HTMX)

    # then the answer is the button alone, pressed, with the new count
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<span class="like-count" title="Likes">1</span>' in html
    assert 'aria-pressed="true"' in html
    assert 'name="action" value="unlike"' in html
    assert Like.objects.filter(user=member, post=post).exists()
    assert Event.objects.filter(kind=EventKind.LIKE, post=post, user=member).count() == 1

    # and unliking answers the count back at zero
    html = client.post(f"/p/{post.pk}/like/", {"action": "unlike"}, **HTMX).content.decode()
    assert '<span class="like-count" title="Likes">0</span>' in html
    assert 'aria-pressed="false"' in html
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_a_second_like_shows_the_button_as_it_is_without_counting_twice(post, member):
    client = client_of(member)
    client.post(f"/p/{post.pk}/like/", {"action": "like"}, **HTMX)

    html = client.post(f"/p/{post.pk}/like/", {"action": "like"}, **HTMX).content.decode()

    assert '<span class="like-count" title="Likes">1</span>' in html
    assert Post.objects.get(pk=post.pk).like_count == 1


def test_a_refused_like_through_htmx_is_aimed_at_the_alert_box(post, group):
    # given a person blocked in the community: they still read its open wall
    blocked = block(group).user

    # when they try to like through htmx
    response = client_of(blocked).post(f"/p/{post.pk}/like/", {"action": "like"}, **HTMX)

    # then the refusal says why and goes to the page's alert box
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#htmx-alerts"
    assert "Your role does not allow this" in response.content.decode()
    assert not Like.objects.exists()


def test_a_comment_like_through_htmx_answers_the_new_count(post, member, owner):
    comment = add_comment(actor=owner, post=post, body="Welcome!")

    response = client_of(member).post(f"/comments/{comment.pk}/like/", {"action": "like"}, **HTMX)

    assert response.status_code == 200
    assert '<span class="like-count">1</span>' in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).like_count == 1


# --- shares, hides, reports, links -----------------------------------------------------------


def test_a_share_to_my_profile_appears_on_my_profile_wall(post, member):
    client = client_of(member)
    form = client.get(f"/p/{post.pk}/share/").content.decode()
    assert "My profile wall" in form

    response = client.post(f"/p/{post.pk}/share/", {"to": "profile", "comment": "Going!"})

    assert response.status_code == 302
    assert response["Location"] == "/u/linh/wall/"
    repost = Share.objects.get().repost
    wall = Client().get("/u/linh/wall/").content.decode()
    assert f'id="post-{repost.pk}"' in wall
    assert "Going!" in wall
    assert "Knife skills class on Friday" in wall
    assert Post.objects.get(pk=post.pk).share_count == 1


def test_a_share_offers_only_communities_where_i_may_post(post, member, owner):
    # given a community where the member may post and one whose wall is limited
    open_group = make_community(owner, name="Open kitchen", slug="open-kitchen")
    add_member(open_group, member)
    limited = make_community(owner, name="Announcements", slug="announcements", wall_mode="limited")
    add_member(limited, member)
    client = client_of(member)

    # then the form lists the first only, and a forged choice of the second is refused
    form = client.get(f"/p/{post.pk}/share/").content.decode()
    assert "Open kitchen" in form
    assert "Announcements" not in form
    forged = client.post(f"/p/{post.pk}/share/", {"to": str(limited.pk)})
    assert forged.status_code == 400
    shared = client.post(f"/p/{post.pk}/share/", {"to": str(open_group.pk)})
    assert shared.status_code == 302
    assert Share.objects.get().to_community == open_group


def test_hiding_a_post_removes_it_from_my_feed(post, member, owner, group):
    other = create_post(actor=owner, community=group, data={"body": "Still here"})
    client = client_of(member)
    assert f'id="post-{post.pk}"' in client.get("/feed/").content.decode()

    response = client.post(f"/p/{post.pk}/hide/", **HTMX)

    assert response.status_code == 200
    assert response.content == b""  # htmx removes the card
    feed = client.get("/feed/").content.decode()
    assert f'id="post-{post.pk}"' not in feed
    assert f'id="post-{other.pk}"' in feed


def test_reporting_a_post_creates_a_report(post, member):
    client = client_of(member)
    assert client.get(f"/p/{post.pk}/report/").status_code == 200

    response = client.post(f"/p/{post.pk}/report/", {"reason": "spam", "text": "Same ad daily"})

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.post, report.reporter, report.reason, report.text) == (
        post,
        member,
        "spam",
        "Same ad daily",
    )
    again = client.post(f"/p/{post.pk}/report/", {"reason": "spam"})
    assert again.status_code == 409
    assert "You have already reported this." in again.content.decode()


def test_the_link_of_a_post_redirects_and_counts_the_click(post, member):
    # the card links through its short link, not straight to the address (R8.8)
    link = TrackedLink.objects.get(post=post)
    page = client_of(member).get(f"/p/{post.pk}/").content.decode()
    assert f'href="/l/{link.code}"' in page

    # the older counting address still works, with the same tags and counters
    response = client_of(member).get(f"/p/{post.pk}/go/")

    assert response.status_code == 302
    assert response["Location"].startswith("https://example.org/class?utm_source=communa&")
    assert Post.objects.get(pk=post.pk).link_click_count == 1
    assert Event.objects.filter(kind=EventKind.LINK_CLICK, post=post, user=member).count() == 1
    assert TrackedLink.objects.get(pk=link.pk).click_count == 1


def test_a_post_without_a_link_has_no_redirect(owner, group):
    post = create_post(actor=owner, community=group, data={"body": "No link"})

    assert Client().get(f"/p/{post.pk}/go/").status_code == 403


def test_a_post_of_a_closed_community_is_a_404_for_outsiders(owner):
    community = make_community(owner, slug="inner", privacy="closed")
    post = create_post(actor=owner, community=community, data={"body": "Members only"})

    assert Client().get(f"/p/{post.pk}/").status_code == 404
    assert client_of(person()).get(f"/p/{post.pk}/go/").status_code == 404


# --- editing, history, pinning -------------------------------------------------------------


def test_an_editor_edits_a_post_and_the_team_sees_its_history(post, owner, member):
    client = client_of(owner)
    assert client.get(f"/p/{post.pk}/edit/").status_code == 200

    response = client.post(
        f"/p/{post.pk}/edit/",
        {"body": "Knife skills class on Saturday", "link_url": post.link_url, "tone": "branded"},
    )

    assert response.status_code == 302
    assert PostRevision.objects.get(post=post).body == "Knife skills class on Friday"
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert f'href="/p/{post.pk}/history/"' in page
    history = client.get(f"/p/{post.pk}/history/").content.decode()
    assert "Knife skills class on Friday" in history
    # a member sees neither the edit button nor the history
    member_page = client_of(member).get(f"/p/{post.pk}/").content.decode()
    assert f'href="/p/{post.pk}/edit/"' not in member_page
    assert client_of(member).get(f"/p/{post.pk}/history/").status_code == 403


def test_pinning_puts_a_post_first_on_the_wall(post, owner, group):
    newer = create_post(actor=owner, community=group, data={"body": "Newer"})
    client = client_of(owner)

    response = client.post(f"/p/{post.pk}/pin/", {"action": "pin"})

    assert response.status_code == 302
    wall = client.get("/c/cooks/wall/").content.decode()
    assert wall.index(f'id="post-{post.pk}"') < wall.index(f'id="post-{newer.pk}"')
    assert "Pinned" in wall
    client.post(f"/p/{post.pk}/pin/", {"action": "unpin"})
    assert not Post.objects.get(pk=post.pk).pinned


def test_a_member_cannot_pin(post, group):
    moderator = add_member(group, role=Role.MODERATOR)

    response = client_of(moderator).post(f"/p/{post.pk}/pin/", {"action": "pin"})

    assert response.status_code == 403
    assert not Post.objects.get(pk=post.pk).pinned


def test_an_editor_edits_a_long_read_block_by_block(owner, group):
    # given a long-read
    longread = create_post(
        actor=owner,
        community=group,
        data={
            "kind": "longread",
            "title": "Knives",
            "blocks": [
                {"type": "heading", "text": "Choosing", "level": 3},
                {"type": "list", "items": ["Chef", "Paring"], "ordered": True},
            ],
        },
    )
    client = client_of(owner)

    # the edit page shows the blocks as rows
    page = client.get(f"/p/{longread.pk}/edit/")
    assert [row["type"] for row in page.context["rows"]] == ["heading", "list"]
    assert page.context["rows"][1]["text"] == "Chef\nParing"

    # when the editor changes the list and adds a paragraph
    response = client.post(
        f"/p/{longread.pk}/edit/",
        {
            "title": "Knives",
            "block_type": ["heading", "list", "paragraph"],
            "block_text": ["Choosing", "Chef\nParing\nBread", "Keep them sharp."],
            "block_image": ["", "", ""],
            "block_extra": ["3", "numbered", ""],
        },
    )

    # then the long-read has the new blocks and its old version is in the history
    assert response.status_code == 302
    longread.refresh_from_db()
    assert longread.blocks[1]["items"] == ["Chef", "Paring", "Bread"]
    assert longread.blocks[2] == {"type": "paragraph", "text": "Keep them sharp."}
    assert len(PostRevision.objects.get(post=longread).blocks) == 2
