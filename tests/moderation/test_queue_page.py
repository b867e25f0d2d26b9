"""The moderation queue as a newcomer found it (issue 10): one click per row, a confirmation before
what cannot be undone, reports of one thing in one row, links to what was reported, decisions
limited by role, and figures in days and percentages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from communa.communities.actions import request_to_join
from communa.communities.models import JoinRequest, Kind, Privacy, RequestStatus, Role
from communa.moderation.models import Report, ReportStatus
from communa.moderation.queue import Decision, DecisionInput, ItemKind, decide, item_for, queue_page
from communa.walls.actions.interactions import report_comment, report_post
from communa.walls.actions.posts import create_post, suggest_post
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, owner_of
from tests.walls.support import make_comment

pytestmark = pytest.mark.django_db


def _page_with_reported_post():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    owner = owner_of(page)
    moderator = add_member(page, role=Role.MODERATOR)
    post = create_post(actor=owner, community=page, data={"body": "New knives in stock"})
    report = report_post(actor=add_member(page), post=post, reason="spam", text="Ad again")
    return page, moderator, post, report


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- one click per row --------------------------------------------------------------------------


def test_a_rows_approve_button_decides_at_once():
    page, moderator, post, report = _page_with_reported_post()
    url = f"/c/{page.slug}/moderation/"
    shown = _client(moderator).get(url).content.decode()
    assert f'name="one" value="report:{report.pk}:approve"' in shown

    response = _client(moderator).post(url, {"one": f"report:{report.pk}:approve"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_a_destructive_button_asks_first_and_changes_nothing_until_confirmed():
    page, moderator, post, report = _page_with_reported_post()
    client = _client(moderator)
    url = f"/c/{page.slug}/moderation/"

    # when the moderator presses "Delete…" on the row
    asked = client.post(url, {"one": f"report:{report.pk}:delete"})

    # then a confirmation page asks, and nothing has changed yet
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.content.decode()
    assert 'name="confirmed" value="yes"' in asked.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN

    # and when they confirm, the post goes and the report is upheld
    done = client.post(url, {"one": f"report:{report.pk}:delete", "confirmed": "yes"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.UPHELD
    assert Post.objects.get(pk=post.pk).status == PostStatus.DELETED


def test_a_confirmed_rejection_without_a_reason_is_refused_beside_the_field():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    moderator = add_member(page, role=Role.MODERATOR)
    suggestion = suggest_post(actor=add_member(page), community=page, data={"body": "Pancakes"})
    url = f"/c/{page.slug}/moderation/"

    response = _client(moderator).post(
        url, {"one": f"suggestion:{suggestion.pk}:reject", "confirmed": "yes", "reason": " "}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="confirm-reason"' in html
    assert 'aria-invalid="true"' in html
    assert "Say why, so the person and the team know." in html
    assert Post.objects.get(pk=suggestion.pk).status == PostStatus.SUGGESTED


def test_a_button_of_an_item_already_handled_says_so_instead_of_failing():
    page, moderator, _post, report = _page_with_reported_post()
    decide(
        actor=owner_of(page),
        community=page,
        item=item_for(actor=owner_of(page), community=page, key=f"report:{report.pk}"),
        data=DecisionInput("approve"),
    )

    response = _client(moderator).post(
        f"/c/{page.slug}/moderation/", {"one": f"report:{report.pk}:approve"}, follow=True
    )

    assert response.status_code == 200
    assert "already been handled" in response.content.decode()


# --- reports of one thing, grouped ---------------------------------------------------------------


def _reported_three_times():
    page, moderator, post, first = _page_with_reported_post()
    second = report_post(actor=add_member(page), post=post, reason="spam")
    third = report_post(actor=add_member(page), post=post, reason="abuse")
    other_post = create_post(actor=owner_of(page), community=page, data={"body": "Other"})
    other = report_post(actor=add_member(page), post=other_post, reason="spam")
    return page, moderator, post, [first, second, third], other


def test_reports_of_one_post_make_one_row_with_their_count_and_reasons():
    page, moderator, _post, reports, other = _reported_three_times()

    items = queue_page(actor=moderator, community=page, kinds=["report"], limit=10).items

    assert [item.pk for item in items] == [other.pk, reports[2].pk]
    grouped = items[1]
    assert grouped.report_count == 3
    assert grouped.report_reasons == [("Spam or advertising", 2), ("Insults or harassment", 1)]
    html = _client(moderator).get(f"/c/{page.slug}/moderation/").content.decode()
    assert "3 reports" in html
    assert "Spam or advertising ×2" in html


def test_a_decision_on_a_grouped_row_settles_every_report_in_it():
    page, moderator, _post, reports, other = _reported_three_times()

    _client(moderator).post(
        f"/c/{page.slug}/moderation/", {"one": f"report:{reports[2].pk}:approve"}
    )

    statuses = set(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status"))
    assert statuses == {(ReportStatus.DISMISSED,)}
    other.refresh_from_db()
    assert other.status == ReportStatus.OPEN


def test_an_older_report_of_a_group_still_answers_to_its_key():
    page, moderator, _post, reports, _other = _reported_three_times()

    item = item_for(actor=moderator, community=page, key=f"report:{reports[0].pk}")

    assert item.report_count == 3


def test_the_waiting_count_counts_a_group_once():
    page, moderator, _post, _reports, _other = _reported_three_times()
    html = _client(moderator).get(f"/c/{page.slug}/moderation/").content.decode()
    assert "2 items waiting" in html


# --- links to what was reported ----------------------------------------------------------------


def test_a_reported_comment_links_to_the_comment_in_its_post_and_a_post_to_the_post():
    page, moderator, post, _report = _page_with_reported_post()
    comment = make_comment(post, add_member(page), "You are all idiots")
    report_comment(actor=add_member(page), comment=comment, reason="abuse")

    html = _client(moderator).get(f"/c/{page.slug}/moderation/").content.decode()

    assert f'href="/p/{post.pk}/#comment-{comment.pk}"' in html
    assert f'href="/p/{post.pk}/"' in html


# --- decisions limited by role ------------------------------------------------------------------


def _group_with_request_and_report():
    group = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(group)
    request = request_to_join(actor=add_member(make_community()), community=group, message="Hi")
    post = create_post(actor=owner, community=group, data={"body": "Rules"})
    report = report_post(actor=add_member(group), post=post, reason="spam")
    return group, request, report


def test_an_editor_is_offered_neither_blocks_nor_join_request_decisions():
    group, request, report = _group_with_request_and_report()
    editor = add_member(group, role=Role.EDITOR)

    items = {i.kind: i for i in queue_page(actor=editor, community=group, limit=10).items}

    assert items[ItemKind.REPORT].decisions == (Decision.APPROVE, Decision.DELETE)
    assert items[ItemKind.JOIN_REQUEST].decisions == ()
    html = _client(editor).get(f"/c/{group.slug}/moderation/").content.decode()
    assert f"join_request:{request.pk}:approve" not in html
    assert f"report:{report.pk}:block" not in html
    assert 'value="block"' not in html


def test_a_moderator_is_offered_blocks_and_join_request_decisions():
    group, request, report = _group_with_request_and_report()
    moderator = add_member(group, role=Role.MODERATOR)

    html = _client(moderator).get(f"/c/{group.slug}/moderation/").content.decode()

    assert f"join_request:{request.pk}:approve" in html
    assert f"report:{report.pk}:block" in html


def test_an_editor_pressing_a_decision_of_another_role_changes_nothing():
    group, request, _report = _group_with_request_and_report()
    editor = add_member(group, role=Role.EDITOR)

    response = _client(editor).post(
        f"/c/{group.slug}/moderation/", {"one": f"join_request:{request.pk}:approve"}, follow=True
    )

    assert "Your role in this community cannot make this decision." in response.content.decode()
    assert JoinRequest.objects.get(pk=request.pk).status == RequestStatus.PENDING


# --- figures for people ----------------------------------------------------------------------------


def test_the_statistics_are_in_days_and_percentages():
    page, moderator, _post, report = _page_with_reported_post()
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=2))
    decide(
        actor=moderator,
        community=page,
        item=item_for(actor=moderator, community=page, key=f"report:{report.pk}"),
        data=DecisionInput("approve"),
    )
    member = add_member(page)
    for body, decision in (("Keep me", "approve"), ("Not me", "reject")):
        suggestion = suggest_post(actor=member, community=page, data={"body": body})
        item = item_for(actor=moderator, community=page, key=f"suggestion:{suggestion.pk}")
        decide(actor=moderator, community=page, item=item, data=DecisionInput(decision, "Off"))

    html = _client(moderator).get(f"/c/{page.slug}/moderation/").content.decode()

    assert "Median time from report to decision: 2.0 days" in html
    assert "Suggested posts published: 50% of 2" in html
    assert "0.50" not in html


def test_a_destructive_bulk_decision_asks_first_and_then_applies_to_every_selected_item():
    page, moderator, post, report = _page_with_reported_post()
    client = _client(moderator)
    url = f"/c/{page.slug}/moderation/"
    sent = {"items": [f"report:{report.pk}"], "decision": "delete"}

    asked = client.post(url, sent)

    assert asked.status_code == 200
    assert "This applies to 1 selected item." in asked.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN

    done = client.post(url, {**sent, "confirmed": "yes"})

    assert done.status_code == 302
    assert Post.objects.get(pk=post.pk).status == PostStatus.DELETED
