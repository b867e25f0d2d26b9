"""The walls API for comments: policies, replies one level deep, edits, deletion, paging."""

from __future__ import annotations

import pytest

from communa.analytics.models import Event, EventKind, Platform
from communa.communities.models import CommentPolicy, Privacy, Role, WallMode
from communa.walls.models import Comment, CommentStatus, Post
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of
from tests.walls.support import make_comment, make_post, row_counts

pytestmark = pytest.mark.django_db


def comments_of(api, post, **query):
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    response = api.get(f"/posts/{post.pk}/comments?{suffix}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_member_comments_and_the_comment_is_counted_and_recorded_as_an_api_event():
    # given
    community = make_community()
    post = make_post(community)
    member = add_member(community)
    # when
    response = api_as(member).post(f"/posts/{post.pk}/comments", {"body": "Which *grit*?"})
    # then
    assert response.status_code == 201, response.content
    comment = response.json()
    assert comment["author"]["username"] == member.username
    assert comment["shown_as"] == member.shown_name
    assert comment["body_html"] == "<p>Which <em>grit</em>?</p>\n"
    assert comment["replies"] == []
    listed = comments_of(api_as(None), post)["items"]
    assert [c["id"] for c in listed] == [comment["id"]]
    assert Post.objects.get(pk=post.pk).comment_count == 1
    event = Event.objects.get(kind=EventKind.COMMENT, comment_id=comment["id"])
    assert (event.user_id, event.platform) == (member.pk, Platform.API)


def test_replies_nest_one_level_a_reply_to_a_reply_joins_the_first_comment():
    # given
    community = make_community()
    post = make_post(community)
    first, second = add_member(community), add_member(community)
    top = make_comment(post, first, "Top")
    api = api_as(second)
    # when
    reply = api.post(f"/posts/{post.pk}/comments", {"body": "Reply", "parent": top.pk}).json()
    deeper = api.post(f"/posts/{post.pk}/comments", {"body": "Deeper", "parent": reply["id"]})
    # then
    assert deeper.status_code == 201
    assert deeper.json()["parent"] == top.pk
    listed = comments_of(api, post)["items"]
    assert [c["id"] for c in listed] == [top.pk]
    assert [r["body"] for r in listed[0]["replies"]] == ["Reply", "Deeper"]
    assert listed[0]["reply_count"] == 2


def test_a_reply_to_a_comment_under_another_post_is_refused():
    community = make_community()
    post, other_post = make_post(community), make_post(community)
    member = add_member(community)
    elsewhere = make_comment(other_post, member)
    before = row_counts()
    response = api_as(member).post(
        f"/posts/{post.pk}/comments", {"body": "Hi", "parent": elsewhere.pk}
    )
    assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize(
    ("privacy", "wall", "policy", "who", "status"),
    [
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.EVERYONE, "outsider", 201),
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.EVERYONE, "member", 201),
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.MEMBERS, "outsider", 403),
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.MEMBERS, "member", 201),
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.NOBODY, "member", 403),
        (Privacy.OPEN, WallMode.OPEN, CommentPolicy.NOBODY, "owner", 403),
        (Privacy.OPEN, WallMode.LIMITED, CommentPolicy.EVERYONE, "member", 201),
        (Privacy.OPEN, WallMode.CLOSED, CommentPolicy.EVERYONE, "member", 403),
        (Privacy.OPEN, WallMode.CLOSED, CommentPolicy.EVERYONE, "owner", 403),
        (Privacy.OPEN, WallMode.OFF, CommentPolicy.EVERYONE, "owner", 403),
        # A member cannot even see a wall that is off: the post is as good as missing.
        (Privacy.OPEN, WallMode.OFF, CommentPolicy.EVERYONE, "member", 404),
        # In a closed community outsiders do not see the wall at all.
        (Privacy.CLOSED, WallMode.OPEN, CommentPolicy.EVERYONE, "outsider", 404),
        (Privacy.CLOSED, WallMode.OPEN, CommentPolicy.EVERYONE, "member", 201),
    ],
)
def test_wall_modes_and_comment_policies_decide_who_comments(privacy, wall, policy, who, status):
    # given a post written while the wall was open, then the community's rules
    community = make_community(privacy=privacy)
    post = make_post(community)
    community.wall_mode, community.comment_policy = wall, policy
    community.save(update_fields=["wall_mode", "comment_policy"])
    actor = {
        "outsider": person,
        "member": lambda: add_member(community),
        "owner": lambda: community.created_by,
    }[who]()
    before = row_counts()
    # when
    response = api_as(actor).post(f"/posts/{post.pk}/comments", {"body": "My two cents"})
    # then
    assert response.status_code == status, response.content
    if status >= 400:
        error_of(response)
        assert row_counts() == before
    if status == 403:
        assert "comment" in error_of(response)["message"].lower()


def test_anonymous_visitors_may_read_but_not_write_comments():
    community = make_community()
    post = make_post(community)
    make_comment(post, add_member(community))
    assert len(comments_of(api_as(None), post)["items"]) == 1
    assert api_as(None).post(f"/posts/{post.pk}/comments", {"body": "Hi"}).status_code == 401


def test_links_in_comments_are_refused_where_links_are_banned_naming_the_reason():
    community = make_community(links_allowed=False)
    post = make_post(community)
    before = row_counts()
    response = api_as(add_member(community)).post(
        f"/posts/{post.pk}/comments", {"body": "See www.spam.example or https://x.example"}
    )
    assert response.status_code == 422
    assert "Links are not allowed" in " ".join(error_of(response)["fields"]["body"])
    assert row_counts() == before


def test_an_empty_comment_is_refused_naming_the_body():
    community = make_community()
    post = make_post(community)
    before = row_counts()
    response = api_as(add_member(community)).post(f"/posts/{post.pk}/comments", {"body": " "})
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]
    assert row_counts() == before


def test_only_the_team_may_reply_as_the_community():
    community = make_community()
    post = make_post(community)
    refused = api_as(add_member(community)).post(
        f"/posts/{post.pk}/comments", {"body": "Official", "signed_as": "community"}
    )
    assert refused.status_code == 403
    editor = add_member(community, role=Role.EDITOR)
    answered = api_as(editor).post(
        f"/posts/{post.pk}/comments", {"body": "Official", "signed_as": "community"}
    )
    assert answered.status_code == 201
    assert answered.json()["shown_as"] == community.name


def test_a_deleted_comment_with_replies_stays_as_deleted_and_one_without_replies_disappears():
    # given
    community = make_community()
    post = make_post(community)
    author, replier = add_member(community), add_member(community)
    with_replies = make_comment(post, author, "Secret opinion")
    make_comment(post, replier, "An answer", parent=with_replies)
    alone = make_comment(post, author, "Lonely remark")
    api = api_as(author)
    # when
    assert api.delete(f"/comments/{with_replies.pk}").status_code == 204
    assert api.delete(f"/comments/{alone.pk}").status_code == 204
    # then
    listed = comments_of(api_as(replier), post)["items"]
    assert [c["id"] for c in listed] == [with_replies.pk]
    shown = listed[0]
    assert shown["status"] == "deleted"
    assert (shown["body"], shown["body_html"], shown["author"], shown["shown_as"]) == (
        "",
        "",
        None,
        None,
    )
    assert [r["body"] for r in shown["replies"]] == ["An answer"]
    assert Post.objects.get(pk=post.pk).comment_count == 1
    # and a deleted comment can no longer be changed, liked or answered
    assert api.patch(f"/comments/{with_replies.pk}", {"body": "Back"}).status_code == 404
    answer = {"body": "Late", "parent": with_replies.pk}
    assert api_as(replier).post(f"/posts/{post.pk}/comments", answer).status_code == 404


def test_a_deleted_reply_disappears_from_its_thread():
    community = make_community()
    post = make_post(community)
    member = add_member(community)
    top = make_comment(post, member, "Top")
    reply = make_comment(post, member, "Oops", parent=top)
    assert api_as(member).delete(f"/comments/{reply.pk}").status_code == 204
    listed = comments_of(api_as(member), post)["items"]
    assert listed[0]["replies"] == []
    assert listed[0]["reply_count"] == 0


def test_an_author_edits_their_comment_and_nobody_else_may():
    community = make_community()
    post = make_post(community)
    author = add_member(community)
    comment = make_comment(post, author, "Frist")
    refused = api_as(add_member(community)).patch(f"/comments/{comment.pk}", {"body": "Hacked"})
    assert refused.status_code == 403
    moderator = add_member(community, role=Role.MODERATOR)
    assert api_as(moderator).patch(f"/comments/{comment.pk}", {"body": "x"}).status_code == 403
    response = api_as(author).patch(f"/comments/{comment.pk}", {"body": "First"})
    assert response.status_code == 200
    assert response.json()["body"] == "First"
    assert response.json()["edited_at"] is not None
    assert Comment.objects.get(pk=comment.pk).body == "First"


def test_moderators_delete_anyones_comment_and_members_only_their_own():
    community = make_community()
    post = make_post(community)
    comment = make_comment(post, add_member(community))
    refused = api_as(add_member(community)).delete(f"/comments/{comment.pk}")
    assert refused.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.VISIBLE
    moderator = add_member(community, role=Role.MODERATOR)
    assert api_as(moderator).delete(f"/comments/{comment.pk}").status_code == 204
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.DELETED


def test_comments_page_by_keyset_oldest_first():
    community = make_community()
    post = make_post(community)
    member = add_member(community)
    comments = [make_comment(post, member, f"Comment {n}") for n in range(5)]
    api = api_as(member)
    first = comments_of(api, post, limit=2)
    second = comments_of(api, post, limit=2, cursor=first["next_cursor"])
    third = comments_of(api, post, limit=2, cursor=second["next_cursor"])
    ids = [c["id"] for page in (first, second, third) for c in page["items"]]
    assert ids == [c.pk for c in comments]
    assert third["next_cursor"] is None


def test_comments_of_a_hidden_post_answer_like_a_missing_post():
    community = make_community(privacy=Privacy.PRIVATE)
    post = make_post(community)
    outsider = api_as(person())
    hidden = outsider.get(f"/posts/{post.pk}/comments")
    missing = outsider.get("/posts/987654/comments")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert outsider.patch("/comments/987654", {"body": "x"}).status_code == 404
