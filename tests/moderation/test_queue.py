"""R5.3: one queue of reports, suggested posts and join requests, and the decisions on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.communities.actions import request_to_join
from communa.communities.models import Block, JoinRequest, Kind, Membership, Privacy, Role
from communa.core.errors import PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.moderation.models import Report, ReportStatus
from communa.moderation.queue import (
    DecisionInput,
    ItemKind,
    decide,
    decide_many,
    item_for,
    moderation_stats,
    queue_page,
)
from communa.walls.actions.interactions import report_comment, report_post
from communa.walls.actions.posts import create_post, suggest_post
from communa.walls.models import Comment, CommentStatus, Post, PostStatus
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_comment

pytestmark = pytest.mark.django_db


def _busy_page():
    """A public page with a report, a suggestion; a closed group with a join request."""
    page = make_community(kind=Kind.PUBLIC_PAGE)
    owner = owner_of(page)
    moderator = add_member(page, role=Role.MODERATOR)
    member = add_member(page)
    post = create_post(actor=owner, community=page, data={"body": "New knives in stock"})
    report = report_post(actor=member, post=post, reason="spam", text="Ad again")
    suggestion = suggest_post(actor=member, community=page, data={"body": "My pancake recipe"})
    return page, owner, moderator, member, post, report, suggestion


def test_the_queue_lists_reports_and_suggestions_newest_first():
    page, _owner, moderator, _member, _post, report, suggestion = _busy_page()
    items = queue_page(actor=moderator, community=page, limit=10).items
    assert [(i.kind, i.pk) for i in items] == [
        (ItemKind.SUGGESTION, suggestion.pk),
        (ItemKind.REPORT, report.pk),
    ]
    assert items[1].reason_label == "Spam or advertising"


def test_the_queue_includes_join_requests_and_filters_by_kind_and_reason():
    group = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(group)
    asker = person()
    request = request_to_join(actor=asker, community=group, message="Let me in")
    only_requests = queue_page(actor=owner, community=group, kinds=["join_request"], limit=10)
    assert [(i.kind, i.pk) for i in only_requests.items] == [(ItemKind.JOIN_REQUEST, request.pk)]
    assert only_requests.items[0].author == asker
    by_reason = queue_page(actor=owner, community=group, reason="abuse", limit=10)
    assert by_reason.items == []


def test_members_and_analysts_may_not_open_the_queue():
    page, *_rest = _busy_page()
    with pytest.raises(PermissionRefused):
        queue_page(actor=add_member(page), community=page, limit=10)
    with pytest.raises(PermissionRefused):
        queue_page(actor=add_member(page, role=Role.ANALYST), community=page, limit=10)


def test_paging_walks_every_item_once_even_when_items_share_a_moment():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    owner = owner_of(page)
    posts = [create_post(actor=owner, community=page, data={"body": f"P{i}"}) for i in range(7)]
    members = [add_member(page) for _ in range(7)]
    for post, member in zip(posts, members, strict=True):
        report_post(actor=member, post=post, reason="spam")
        suggest_post(actor=member, community=page, data={"body": f"S{member.pk}"})
    moment = timezone.now()
    Report.objects.update(created_at=moment)
    Post.objects.filter(status=PostStatus.SUGGESTED).update(created_at=moment)
    seen, cursor = [], None
    while True:
        result = queue_page(actor=owner, community=page, cursor=cursor, limit=3)
        seen += [i.key for i in result.items]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 14


def test_approving_a_suggestion_publishes_it_and_it_leaves_the_queue():
    page, _owner, moderator, _member, _post, _report, suggestion = _busy_page()
    item = item_for(actor=moderator, community=page, key=f"suggestion:{suggestion.pk}")
    decide(actor=moderator, community=page, item=item, data=DecisionInput("approve"))
    suggestion.refresh_from_db()
    assert suggestion.status == PostStatus.PUBLISHED
    assert suggestion.reviewed_by == moderator
    keys = [i.key for i in queue_page(actor=moderator, community=page, limit=10).items]
    assert f"suggestion:{suggestion.pk}" not in keys


def test_deleting_reported_content_upholds_every_report_of_it_and_is_audited():
    page, _owner, moderator, member, post, report, _suggestion = _busy_page()
    second = report_post(actor=add_member(page), post=post, reason="abuse")
    item = item_for(actor=moderator, community=page, key=f"report:{report.pk}")
    decide(actor=moderator, community=page, item=item, data=DecisionInput("delete"))
    post.refresh_from_db()
    assert post.status == PostStatus.DELETED
    assert set(
        Report.objects.filter(pk__in=[report.pk, second.pk]).values_list("status", flat=True)
    ) == {ReportStatus.UPHELD}
    assert AuditEntry.objects.filter(action="report.uphold", actor=moderator).exists()
    del member


def test_approving_a_report_keeps_the_content_and_dismisses_the_report():
    page, _owner, moderator, _member, post, report, _suggestion = _busy_page()
    item = item_for(actor=moderator, community=page, key=f"report:{report.pk}")
    decide(actor=moderator, community=page, item=item, data=DecisionInput("approve"))
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert report.status == ReportStatus.DISMISSED
    assert report.handled_by == moderator


def test_a_reported_comment_is_removed_and_the_count_follows():
    page, owner, moderator, member, post, _report, _suggestion = _busy_page()
    comment = make_comment(post, owner, "Rude words")
    report = report_comment(actor=member, comment=comment, reason="abuse")
    item = item_for(actor=moderator, community=page, key=f"report:{report.pk}")
    decide(actor=moderator, community=page, item=item, data=DecisionInput("delete"))
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.status == CommentStatus.DELETED
    assert (
        post.comment_count
        == Comment.objects.filter(post=post, status=CommentStatus.VISIBLE).count()
    )


def test_blocking_the_author_blocks_for_the_chosen_days_and_settles_the_item():
    page, _owner, moderator, member, _post, _report, suggestion = _busy_page()
    item = item_for(actor=moderator, community=page, key=f"suggestion:{suggestion.pk}")
    decide(
        actor=moderator,
        community=page,
        item=item,
        data=DecisionInput("block", reason="Spam again", block_days=7),
    )
    block = Block.objects.get(community=page, user=member, lifted_at=None)
    assert block.ends_at is not None
    assert timedelta(days=6) < block.ends_at - timezone.now() <= timedelta(days=7)
    assert not Membership.objects.filter(community=page, user=member).exists()
    suggestion.refresh_from_db()
    assert suggestion.status == PostStatus.REJECTED


def test_a_rejection_without_a_reason_is_refused_naming_the_field():
    page, _owner, moderator, _member, _post, _report, suggestion = _busy_page()
    item = item_for(actor=moderator, community=page, key=f"suggestion:{suggestion.pk}")
    with pytest.raises(ValidationFailed) as refused:
        decide(actor=moderator, community=page, item=item, data=DecisionInput("reject"))
    assert "reason" in refused.value.fields
    suggestion.refresh_from_db()
    assert suggestion.status == PostStatus.SUGGESTED


def test_a_decision_that_does_not_fit_the_kind_is_refused():
    page, _owner, moderator, _member, _post, report, _suggestion = _busy_page()
    item = item_for(actor=moderator, community=page, key=f"report:{report.pk}")
    with pytest.raises(ValidationFailed) as refused:
        decide(actor=moderator, community=page, item=item, data=DecisionInput("reject", "x"))
    assert "decision" in refused.value.fields


def test_bulk_decisions_report_each_refusal_and_do_the_rest():
    group = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(group)
    requests = [request_to_join(actor=person(), community=group) for _ in range(3)]
    keys = [f"join_request:{r.pk}" for r in requests] + ["join_request:999999"]
    result = decide_many(actor=owner, community=group, keys=keys, data=DecisionInput("approve"))
    assert result.done == keys[:3]
    assert set(result.refused) == {"join_request:999999"}
    assert (
        JoinRequest.objects.filter(pk__in=[r.pk for r in requests], status="approved").count() == 3
    )


def test_statistics_count_who_handled_what_and_how_fast():
    page, owner, moderator, _member, _post, report, suggestion = _busy_page()
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=4))
    decide(
        actor=moderator,
        community=page,
        item=item_for(actor=moderator, community=page, key=f"report:{report.pk}"),
        data=DecisionInput("approve"),
    )
    decide(
        actor=owner,
        community=page,
        item=item_for(actor=owner, community=page, key=f"suggestion:{suggestion.pk}"),
        data=DecisionInput("reject", reason="Off topic"),
    )
    stats = moderation_stats(actor=owner, community=page)
    per_person = {f.user.username: (f.reports, f.suggestions) for f in stats.moderators}
    assert per_person == {moderator.username: (1, 0), owner.username: (0, 1)}
    assert stats.median_report_hours is not None
    assert 3.9 < stats.median_report_hours < 4.1
    assert stats.suggestions_published_share == 0.0
    assert stats.waiting == 0


def test_the_queue_api_lists_decides_and_refuses_members():
    page, _owner, moderator, member, _post, report, suggestion = _busy_page()
    api = api_as(moderator)
    listed = api.get(f"/communities/{page.slug}/moderation/queue")
    assert listed.status_code == 200, listed.content
    assert [i["key"] for i in listed.json()["items"]] == [
        f"suggestion:{suggestion.pk}",
        f"report:{report.pk}",
    ]
    decided = api.post(
        f"/communities/{page.slug}/moderation/queue/decide",
        {"items": [f"report:{report.pk}"], "decision": "approve"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json() == {"done": [f"report:{report.pk}"], "refused": {}}
    refused = api_as(member).get(f"/communities/{page.slug}/moderation/queue")
    assert refused.status_code == 403
    bad = api.get(f"/communities/{page.slug}/moderation/queue?kind=spam")
    assert bad.status_code == 422
    assert "kind" in error_of(bad)["fields"]
    stats = api.get(f"/communities/{page.slug}/moderation/stats")
    assert stats.status_code == 200
    assert stats.json()["moderators"][0]["username"] == moderator.username


def test_the_queue_page_shows_items_and_takes_bulk_decisions(client):
    page, _owner, moderator, _member, _post, report, suggestion = _busy_page()
    client.force_login(moderator)
    shown = client.get(f"/c/{page.slug}/moderation/")
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "My pancake recipe" in text
    assert "Ad again" in text
    response = client.post(
        f"/c/{page.slug}/moderation/",
        {"items": [f"report:{report.pk}", f"suggestion:{suggestion.pk}"], "decision": "approve"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    suggestion.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert suggestion.status == PostStatus.PUBLISHED


def test_the_queue_page_is_refused_to_members(client):
    page, *_rest = _busy_page()
    client.force_login(add_member(page))
    assert client.get(f"/c/{page.slug}/moderation/").status_code == 403
