"""The post and comment lifecycles (walls/states.py) and moderation acting through walls."""

from __future__ import annotations

import pytest

from communa.core.gate import ModeratedContent, moderated_content
from communa.moderation.models import HeldItem, HeldStatus
from communa.walls.models import CommentStatus, Post, PostStatus
from communa.walls.states import COMMENT_FLOW, POST_FLOW, move_comment, move_post
from tests.communities.test_api_support import add_member, api_as, make_community, owner_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_every_status_of_posts_and_comments_has_a_row_in_its_flow():
    assert set(POST_FLOW) == set(PostStatus.values)
    assert set(COMMENT_FLOW) == set(CommentStatus.values)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (PostStatus.DELETED, PostStatus.PUBLISHED),
        (PostStatus.REJECTED, PostStatus.PUBLISHED),
        (PostStatus.PUBLISHED, PostStatus.SUGGESTED),
        (PostStatus.PUBLISHED, PostStatus.REJECTED),
    ],
)
def test_a_post_cannot_jump_a_step_and_nothing_changes(start, to):
    # given
    post = make_post(make_community())
    Post.objects.filter(pk=post.pk).update(status=start)
    post.refresh_from_db()
    # when
    moved = move_post(post, to)
    # then
    post.refresh_from_db()
    assert (moved, post.status) == (False, start)


def test_of_two_moderators_deciding_at_once_only_the_first_moves_the_post():
    post = make_post(make_community())
    Post.objects.filter(pk=post.pk).update(status=PostStatus.HELD)
    first, second = Post.objects.get(pk=post.pk), Post.objects.get(pk=post.pk)
    assert move_post(first, PostStatus.PUBLISHED, since=PostStatus.HELD)
    assert not move_post(second, PostStatus.REJECTED, since=PostStatus.HELD)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_deleting_a_post_unpins_it_and_stamps_who_and_when():
    community = make_community()
    owner = owner_of(community)
    post = make_post(community)
    Post.objects.filter(pk=post.pk).update(pinned=True)
    assert move_post(post, PostStatus.DELETED, by=owner)
    post.refresh_from_db()
    assert (post.pinned, post.deleted_by, post.deleted_at is not None) == (False, owner, True)


def test_a_deleted_comment_cannot_come_back():
    community = make_community()
    comment = make_comment(make_post(community), add_member(community))
    assert move_comment(comment, CommentStatus.DELETED)
    assert not move_comment(comment, CommentStatus.VISIBLE)


def test_walls_answers_moderation_through_the_kernel_socket():
    assert type(moderated_content()) is not ModeratedContent


def test_upholding_a_report_of_a_post_held_after_an_edit_withdraws_the_held_item():
    # given a published post, reported, then edited by its author into a held one
    community = make_community()
    owner = owner_of(community)
    api_as(owner).patch(
        f"/communities/{community.slug}/moderation/filters", {"stop_words": ["casino"]}
    )
    author = add_member(community)
    created = api_as(author).post(f"/communities/{community.slug}/posts", {"body": "Hello all"})
    post_id = created.json()["id"]
    reported = api_as(add_member(community)).post(f"/posts/{post_id}/report", {"reason": "spam"})
    assert reported.status_code in (200, 201), reported.content
    edited = api_as(author).patch(f"/posts/{post_id}", {"body": "Visit my casino"})
    assert edited.json()["status"] == "held", edited.content
    held = HeldItem.objects.get(post_id=post_id)
    assert held.status == HeldStatus.HELD
    # when a moderator upholds the report
    queue = api_as(owner).get(f"/communities/{community.slug}/moderation/queue?kind=report")
    key = queue.json()["items"][0]["key"]
    decided = api_as(owner).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "delete"},
    )
    assert decided.json()["done"] == [key], decided.content
    # then the post is gone and nothing of it waits in the queue any more
    assert Post.objects.get(pk=post_id).status == PostStatus.DELETED
    held.refresh_from_db()
    assert held.status == HeldStatus.WITHDRAWN
    waiting = api_as(owner).get(f"/communities/{community.slug}/moderation/queue").json()
    assert [item["key"] for item in waiting["items"]] == []
