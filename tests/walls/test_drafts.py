"""The planner's drafts in walls (R8.3): each transition, each refusal, and the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.accounts.models import Notification, NotificationKind
from communa.communities.models import Kind, Role
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.walls import selectors
from communa.walls.actions import drafts
from communa.walls.actions.posts import edit_post
from communa.walls.models import Post, PostStatus, PostTransition
from tests.factories import add_member, make_community, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    """A public page (approval on by default) with an owner, an admin and an editor."""
    owner = person("owner")
    community = make_community(owner, kind=Kind.PUBLIC_PAGE, name="Bakery", slug="bakery")
    admin = add_member(community, person("admin"), role=Role.ADMIN)
    editor = add_member(community, person("editor"), role=Role.EDITOR)
    return community, owner, admin, editor


def later(hours: int = 2):
    return timezone.now() + timedelta(hours=hours)


def steps(post: Post) -> list[tuple[str, str]]:
    return list(
        PostTransition.objects.filter(post=post)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )


def test_public_pages_need_approval_by_default_and_groups_do_not(page):
    community, owner, _admin, _editor = page
    group = make_community(owner, name="Club", slug="club")
    assert community.approval_required is True
    assert group.approval_required is False


def test_an_editor_drafts_submits_and_an_admin_approves_for_the_planned_time(page):
    community, _owner, admin, editor = page
    at = later()
    # given a draft with a planned time, sent for approval
    post = drafts.create_draft(
        actor=editor, community=community, data={"body": "Spring menu"}, scheduled_at=at
    )
    assert post.status == PostStatus.DRAFT
    assert post.published_at is None
    drafts.submit_draft(actor=editor, post=post)
    # then the admins are told
    assert Notification.objects.filter(
        recipient=admin, kind=NotificationKind.DRAFT_WAITING
    ).exists()
    # when the admin approves it
    drafts.approve_draft(actor=admin, post=post)
    post.refresh_from_db()
    # then it is scheduled for its time, not published, and its history shows every step
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == at
    assert post.published_at is None
    assert steps(post) == [
        ("", PostStatus.DRAFT),
        (PostStatus.DRAFT, PostStatus.PENDING),
        (PostStatus.PENDING, PostStatus.SCHEDULED),
    ]
    assert PostTransition.objects.filter(post=post, to_status="scheduled").get().actor == admin


def test_a_returned_draft_carries_the_comment_the_author_sees_and_can_be_sent_again(page):
    community, _owner, admin, editor = page
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    drafts.submit_draft(actor=editor, post=post)
    # when the admin returns it with a comment
    drafts.return_draft(actor=admin, post=post, comment="Add the prices, please.")
    post.refresh_from_db()
    # then the author's draft says why, and they are told
    assert post.status == PostStatus.DRAFT
    assert post.review_reason == "Add the prices, please."
    assert Notification.objects.filter(
        recipient=editor, kind=NotificationKind.DRAFT_RETURNED
    ).exists()
    # and the author edits and sends it again
    edit_post(actor=editor, post=post, data={"body": "Menu: soup 5 €"})
    drafts.submit_draft(actor=editor, post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING
    assert post.review_reason == ""
    assert PostTransition.objects.filter(post=post, note="Add the prices, please.").exists()


def test_returning_needs_a_comment(page):
    community, _owner, admin, editor = page
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    drafts.submit_draft(actor=editor, post=post)
    with pytest.raises(ValidationFailed) as refused:
        drafts.return_draft(actor=admin, post=post, comment="  ")
    assert "comment" in refused.value.fields


def test_an_editor_may_not_approve(page):
    community, _owner, _admin, editor = page
    other = add_member(community, person("editor2"), role=Role.EDITOR)
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    drafts.submit_draft(actor=editor, post=post)
    with pytest.raises(PermissionRefused):
        drafts.approve_draft(actor=other, post=post)


def test_an_admin_may_not_approve_their_own_draft_where_a_second_person_is_required(page):
    community, _owner, admin, _editor = page
    post = drafts.create_draft(actor=admin, community=community, data={"body": "Mine"})
    drafts.submit_draft(actor=admin, post=post)
    with pytest.raises(PermissionRefused):
        drafts.approve_draft(actor=admin, post=post, at=later())
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING


def test_without_approval_an_editor_schedules_their_own_draft(page):
    _community, owner, _admin, _editor = page
    group = make_community(owner, name="Club", slug="club")
    editor = add_member(group, person("clubeditor"), role=Role.EDITOR)
    post = drafts.create_draft(actor=editor, community=group, data={"body": "Meetup"})
    drafts.schedule_draft(actor=editor, post=post, at=later())
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED


def test_with_approval_an_editor_cannot_skip_it(page):
    community, _owner, _admin, editor = page
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    with pytest.raises(PermissionRefused):
        drafts.schedule_draft(actor=editor, post=post, at=later())
    with pytest.raises(PermissionRefused):
        drafts.publish_draft_now(actor=editor, post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


def test_scheduling_in_the_past_is_refused_naming_the_field(page):
    community, _owner, admin, editor = page
    with pytest.raises(ValidationFailed) as refused:
        drafts.create_draft(
            actor=editor,
            community=community,
            data={"body": "Old"},
            scheduled_at=timezone.now() - timedelta(hours=1),
        )
    assert "scheduled_at" in refused.value.fields
    assert not Post.objects.filter(body="Old").exists()
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    drafts.submit_draft(actor=editor, post=post)
    with pytest.raises(ValidationFailed):
        drafts.approve_draft(actor=admin, post=post, at=timezone.now() - timedelta(days=1))


def test_a_draft_without_a_time_is_published_when_approved(page):
    community, _owner, admin, editor = page
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Now"})
    drafts.submit_draft(actor=editor, post=post)
    drafts.approve_draft(actor=admin, post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert post.published_at is not None


def test_drafts_are_hidden_from_members_and_off_the_wall(page):
    community, _owner, _admin, editor = page
    member = add_member(community, person("reader"))
    moderator = add_member(community, person("mod"), role=Role.MODERATOR)
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Secret"})
    for outsider in (member, moderator, None):
        with pytest.raises(NotFound):
            selectors.post_for(actor=outsider, post_id=post.pk)
    page_of_wall = selectors.wall_page(actor=member, community=community, cursor=None, limit=30)
    assert post.pk not in [p.pk for p in page_of_wall.items]


def test_a_member_cannot_write_drafts(page):
    community, _owner, _admin, _editor = page
    member = add_member(community, person("reader"))
    with pytest.raises(PermissionRefused):
        drafts.create_draft(actor=member, community=community, data={"body": "Hi"})


def test_two_approvers_at_once_approve_once(page):
    community, owner, admin, editor = page
    post = drafts.create_draft(actor=editor, community=community, data={"body": "Menu"})
    drafts.submit_draft(actor=editor, post=post)
    drafts.approve_draft(actor=admin, post=post, at=later())
    with pytest.raises(Conflict):
        drafts.approve_draft(actor=owner, post=Post.objects.get(pk=post.pk), at=later(3))
    assert PostTransition.objects.filter(post=post, to_status="scheduled").count() == 1


def test_moving_a_draft_on_the_calendar_keeps_the_step(page):
    community, _owner, admin, editor = page
    post = drafts.create_draft(
        actor=editor, community=community, data={"body": "Menu"}, scheduled_at=later(2)
    )
    drafts.set_draft_time(actor=editor, post=post, at=later(26))
    post.refresh_from_db()
    assert post.scheduled_at > later(25)
    assert steps(post)[-1] == (PostStatus.DRAFT, PostStatus.DRAFT)
    with pytest.raises(ValidationFailed):
        drafts.set_draft_time(actor=editor, post=post, at=timezone.now() - timedelta(hours=3))
    del admin


def test_withdrawing_takes_a_scheduled_post_back_to_draft(page):
    community, _owner, admin, editor = page
    post = drafts.create_draft(
        actor=editor, community=community, data={"body": "Menu"}, scheduled_at=later()
    )
    drafts.submit_draft(actor=editor, post=post)
    drafts.approve_draft(actor=admin, post=post)
    drafts.withdraw_draft(actor=editor, post=Post.objects.get(pk=post.pk))
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT
