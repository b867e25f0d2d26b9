"""The walls API for likes, shares, hides and reports: once each, counted, recorded as events."""

from __future__ import annotations

import pytest

from communa.analytics.models import Event, EventKind, Platform
from communa.communities.models import Privacy, Role, WallMode
from communa.moderation.models import Report
from communa.walls.models import Comment, HiddenPost, Like, Post, Share
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of
from tests.walls.support import make_comment, make_post, row_counts

pytestmark = pytest.mark.django_db


# --- likes ---------------------------------------------------------------------------------------


def test_a_like_counts_once_and_a_second_like_is_a_409_that_changes_nothing():
    # given
    community = make_community()
    post = make_post(community)
    member = add_member(community)
    api = api_as(member)
    # when
    first = api.post(f"/posts/{post.pk}/like")
    before = row_counts()
    second = api.post(f"/posts/{post.pk}/like")
    # then
    assert first.status_code == 201
    assert first.json() == {"liked": True, "likes": 1}
    assert second.status_code == 409
    assert error_of(second)["code"] == "already_liked"
    assert row_counts() == before
    assert Post.objects.get(pk=post.pk).like_count == 1
    shown = api.get(f"/posts/{post.pk}").json()
    assert (shown["liked"], shown["counts"]["likes"]) == (True, 1)
    assert api_as(add_member(community)).get(f"/posts/{post.pk}").json()["liked"] is False
    event = Event.objects.get(kind=EventKind.LIKE, post=post)
    assert (event.user_id, event.platform) == (member.pk, Platform.API)


def test_unlike_takes_the_like_back_and_a_second_unlike_is_a_409():
    community = make_community()
    post = make_post(community)
    api = api_as(add_member(community))
    api.post(f"/posts/{post.pk}/like")
    response = api.delete(f"/posts/{post.pk}/like")
    assert response.status_code == 200
    assert response.json() == {"liked": False, "likes": 0}
    assert api.delete(f"/posts/{post.pk}/like").status_code == 409
    assert Event.objects.filter(kind=EventKind.UNLIKE, post=post).count() == 1


def test_comments_are_liked_once_and_unliked():
    community = make_community()
    post = make_post(community)
    comment = make_comment(post, add_member(community))
    api = api_as(add_member(community))
    assert api.post(f"/comments/{comment.pk}/like").json() == {"liked": True, "likes": 1}
    assert api.post(f"/comments/{comment.pk}/like").status_code == 409
    listed = api.get(f"/posts/{post.pk}/comments").json()["items"]
    assert (listed[0]["liked"], listed[0]["likes"]) == (True, 1)
    assert api.delete(f"/comments/{comment.pk}/like").json() == {"liked": False, "likes": 0}
    assert Like.objects.filter(comment=comment).count() == 0
    assert Comment.objects.get(pk=comment.pk).like_count == 0


@pytest.mark.parametrize(
    ("privacy", "who", "status"),
    [
        (Privacy.OPEN, "outsider", 201),
        (Privacy.CLOSED, "outsider", 404),
        (Privacy.CLOSED, "member", 201),
    ],
)
def test_who_may_like_follows_the_privacy(privacy, who, status):
    community = make_community(privacy=privacy)
    post = make_post(community)
    actor = person() if who == "outsider" else add_member(community)
    assert api_as(actor).post(f"/posts/{post.pk}/like").status_code == status


def test_nobody_interacts_on_a_wall_that_is_off():
    community = make_community()
    post = make_post(community)
    community.wall_mode = WallMode.OFF
    community.save(update_fields=["wall_mode"])
    response = api_as(community.created_by).post(f"/posts/{post.pk}/like")
    assert response.status_code == 403
    assert "turned off" in error_of(response)["message"]


def test_anonymous_visitors_may_not_like():
    community = make_community()
    post = make_post(community)
    assert api_as(None).post(f"/posts/{post.pk}/like").status_code == 401


# --- shares --------------------------------------------------------------------------------------


def test_a_share_to_ones_profile_lands_on_the_profile_wall_with_the_original():
    # given
    community = make_community()
    post = make_post(community, body="Original words")
    member = add_member(community)
    # when
    response = api_as(member).post(f"/posts/{post.pk}/share", {"comment": "Worth reading"})
    # then
    assert response.status_code == 201, response.content
    repost = response.json()
    assert repost["profile"] == member.username
    assert repost["community"] is None
    assert repost["body"] == "Worth reading"
    assert repost["shared_from"]["id"] == post.pk
    assert "Original words" in repost["shared_from"]["body_html"]
    wall = api_as(None).get(f"/users/{member.username}/wall").json()
    assert [p["id"] for p in wall["items"]] == [repost["id"]]
    assert Post.objects.get(pk=post.pk).share_count == 1
    event = Event.objects.get(kind=EventKind.SHARE, post=post)
    assert event.platform == Platform.API


def test_a_share_to_a_community_where_one_may_post_lands_on_its_wall():
    source, target = make_community(), make_community()
    post = make_post(source)
    member = add_member(source)
    add_member(target, member)
    response = api_as(member).post(f"/posts/{post.pk}/share", {"to_community": target.slug})
    assert response.status_code == 201, response.content
    assert response.json()["community"]["slug"] == target.slug
    wall = api_as(None).get(f"/communities/{target.slug}/wall").json()
    assert [p["shared_from"]["id"] for p in wall["items"]] == [post.pk]


def test_a_share_to_a_community_where_one_may_not_post_is_a_403_and_writes_nothing():
    # given a member of a limited wall, where only editors post
    source, target = make_community(), make_community(wall_mode=WallMode.LIMITED)
    post = make_post(source)
    member = add_member(source)
    add_member(target, member)
    before = row_counts()
    # when
    response = api_as(member).post(f"/posts/{post.pk}/share", {"to_community": target.slug})
    # then
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert row_counts() == before
    assert Post.objects.get(pk=post.pk).share_count == 0


def test_a_share_to_a_hidden_community_answers_like_a_missing_one():
    source, secret = make_community(), make_community(privacy=Privacy.PRIVATE)
    post = make_post(source)
    api = api_as(add_member(source))
    hidden = api.post(f"/posts/{post.pk}/share", {"to_community": secret.slug})
    missing = api.post(f"/posts/{post.pk}/share", {"to_community": "nowhere-at-all"})
    assert hidden.status_code == missing.status_code == 404
    assert Share.objects.count() == 0


def test_sharing_a_repost_shares_its_original():
    community = make_community()
    post = make_post(community)
    first = add_member(community)
    repost = api_as(first).post(f"/posts/{post.pk}/share", {}).json()
    again = api_as(person()).post(f"/posts/{repost['id']}/share", {}).json()
    assert again["shared_from"]["id"] == post.pk
    assert Post.objects.get(pk=post.pk).share_count == 2


# --- hides ---------------------------------------------------------------------------------------


def test_a_hidden_post_leaves_the_feed_and_hiding_twice_is_a_409():
    community = make_community()
    post, kept = make_post(community, body="Hide me"), make_post(community, body="Keep me")
    member = add_member(community)
    api = api_as(member)
    assert api.post(f"/posts/{post.pk}/hide").status_code == 204
    assert [p["id"] for p in api.get("/feed").json()["items"]] == [kept.pk]
    assert api.post(f"/posts/{post.pk}/hide").status_code == 409
    assert HiddenPost.objects.filter(user=member).count() == 1
    assert Post.objects.get(pk=post.pk).hide_count == 1
    assert Event.objects.get(kind=EventKind.HIDE).platform == Platform.API


# --- reports -------------------------------------------------------------------------------------


def test_a_post_is_reported_once_with_a_reason():
    community = make_community()
    post = make_post(community)
    member = add_member(community)
    api = api_as(member)
    response = api.post(f"/posts/{post.pk}/report", {"reason": "spam", "text": "Ads again"})
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == "spam"
    report = Report.objects.get(post=post)
    assert (report.reporter_id, report.text, report.community_id) == (
        member.pk,
        "Ads again",
        community.pk,
    )
    assert api.post(f"/posts/{post.pk}/report", {"reason": "abuse"}).status_code == 409
    assert Post.objects.get(pk=post.pk).report_count == 1


def test_a_report_without_a_known_reason_is_refused_naming_the_reason():
    community = make_community()
    post = make_post(community)
    before = row_counts()
    response = api_as(add_member(community)).post(f"/posts/{post.pk}/report", {"reason": "boring"})
    assert response.status_code == 422
    assert "reason" in error_of(response)["fields"]
    assert row_counts() == before


def test_a_comment_is_reported_to_the_communitys_moderators():
    community = make_community()
    post = make_post(community)
    comment = make_comment(post, add_member(community))
    response = api_as(add_member(community)).post(
        f"/comments/{comment.pk}/report", {"reason": "abuse"}
    )
    assert response.status_code == 201
    report = Report.objects.get(comment=comment)
    assert report.community_id == community.pk
    assert Event.objects.get(kind=EventKind.REPORT).platform == Platform.API


def test_team_members_interact_like_anyone_else():
    community = make_community()
    post = make_post(community)
    analyst = add_member(community, role=Role.ANALYST)
    assert api_as(analyst).post(f"/posts/{post.pk}/like").status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/posts/{id}/like", None),
        ("delete", "/posts/{id}/like", None),
        ("post", "/posts/{id}/hide", None),
        ("post", "/posts/{id}/report", {"reason": "spam"}),
        ("post", "/posts/{id}/comments", {"body": "Hello"}),
    ],
)
def test_acting_on_a_post_one_may_not_see_answers_like_a_missing_post(method, path, body):
    # given a post in a closed community and someone outside it
    community = make_community(privacy=Privacy.CLOSED)
    post = make_post(community)
    outsider = api_as(person())
    # when they act on it and on a post that does not exist
    call = getattr(outsider, method)
    hidden = call(path.format(id=post.pk), body) if body else call(path.format(id=post.pk))
    missing = call(path.format(id=987654), body) if body else call(path.format(id=987654))
    # then both are the same 404, and nothing was written
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    post.refresh_from_db()
    assert (post.like_count, post.comment_count, post.hide_count, post.report_count) == (0, 0, 0, 0)
