"""The audit log readable (issue 10): words for actions and fields in the viewer's language, objects
by their names, values formatted, times in the viewer's zone, links only to what is there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from communa.communities import actions
from communa.communities.models import Community, Kind, Role
from communa.core.audit import record_audit
from communa.moderation.labels import ACTION_LABELS, FIELD_LABELS
from communa.moderation.queue import DecisionInput, decide, item_for
from communa.walls.actions.interactions import report_post
from communa.walls.actions.posts import create_post
from communa.walls.models import Post
from tests.factories import add_member, make_community, owner_of, person
from tests.support import client_of

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "uk", "vi", "ms")


@pytest.fixture
def community() -> Community:
    return make_community(
        owner=person(username="olga"), name="Knife Lovers", slug="knives", kind=Kind.PUBLIC_PAGE
    )


@pytest.fixture
def admin(community) -> object:
    return add_member(community, person(username="arkady"), role=Role.ADMIN)


def rows_of(html: str) -> list[str]:
    return html.split('class="audit-entry"')[1:]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_action_and_field_label_is_translated(language):
    labels = {**ACTION_LABELS, **FIELD_LABELS}
    with translation.override("en"):
        english = {code: str(label) for code, label in labels.items()}
    with translation.override(language):
        untranslated = [code for code, label in labels.items() if str(label) == english[code]]
    assert untranslated == []


def test_an_admin_reading_russian_sees_the_action_and_field_in_russian(community, admin):
    # given an administrator whose language is Russian, and a block with a reason
    admin.language = "ru"
    admin.save(update_fields=["language"])
    spammer = add_member(community, person(username="spammer"))
    actions.block_member(
        actor=owner_of(community), community=community, user=spammer, reason="Casino links"
    )

    # when they open the audit log
    html = client_of(admin).get("/c/knives/audit/").content.decode()

    # then the action and the field are in Russian, not in English nor as codes
    with translation.override("ru"):
        blocked, reason = str(ACTION_LABELS["member.block"]), str(FIELD_LABELS["reason"])
    assert blocked != "Blocked a member"
    assert blocked in rows_of(html)[0]
    assert f"<strong>{reason}</strong>" in rows_of(html)[0]
    assert "<code>member.block</code>" not in html


def test_a_report_is_named_by_its_reporter_and_reason_and_links_to_its_post(community, admin):
    owner = owner_of(community)
    post = create_post(actor=owner, community=community, data={"body": "Carbon steel or not"})
    reporter = add_member(community, person(username="vera", display_name="Vera"))
    report = report_post(actor=reporter, post=post, reason="spam")
    decide(
        actor=owner,
        community=community,
        item=item_for(actor=owner, community=community, key=f"report:{report.pk}"),
        data=DecisionInput("approve"),
    )

    row = rows_of(client_of(admin).get("/c/knives/audit/").content.decode())[0]

    assert "Dismissed a report (content kept)" in row
    assert "Report by Vera (Spam or advertising): Carbon steel or not" in row
    assert f'<a href="/p/{post.pk}/">' in row
    assert "report by" not in row


def test_removed_content_is_named_without_a_link(community, admin):
    owner = owner_of(community)
    post = create_post(actor=owner, community=community, data={"body": "Soon gone"})
    report = report_post(actor=add_member(community), post=post, reason="spam")
    decide(
        actor=owner,
        community=community,
        item=item_for(actor=owner, community=community, key=f"report:{report.pk}"),
        data=DecisionInput("delete"),
    )

    html = client_of(admin).get("/c/knives/audit/").content.decode()

    assert "Upheld a report (content removed)" in html
    assert f'href="/p/{post.pk}/"' not in html


def test_an_object_that_no_longer_exists_says_so(community, admin):
    post = create_post(actor=owner_of(community), community=community, data={"body": "Hi"})
    record_audit(actor=owner_of(community), community=community, action="post.pin", target=post)
    Post.objects.filter(pk=post.pk).delete()

    row = rows_of(client_of(admin).get("/c/knives/audit/").content.decode())[0]

    assert f"#{post.pk}" in row
    assert "no longer exists" in row
    assert "<a " not in row


def test_values_are_words_and_dates_in_the_viewers_time_zone(community, admin):
    # given an administrator in Ho Chi Minh City and entries with a switch and an end date
    admin.time_zone = "Asia/Ho_Chi_Minh"
    admin.save(update_fields=["time_zone"])
    owner = owner_of(community)
    record_audit(
        actor=owner,
        community=community,
        action="community.update",
        target=community,
        before={"links_allowed": True},
        after={"links_allowed": False},
    )
    ends_at = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
    spammer = add_member(community, person(username="spammer"))
    actions.block_member(
        actor=owner, community=community, user=spammer, reason="Spam", ends_at=ends_at
    )

    # when they read the log
    rows = rows_of(client_of(admin).get("/c/knives/audit/").content.decode())

    # then the block's end is local (7:00 in Vietnam), and the switch reads yes → no
    with timezone.override("Asia/Ho_Chi_Minh"):
        local_end = date_format(timezone.localtime(ends_at), "SHORT_DATETIME_FORMAT")
    assert local_end in rows[0]
    assert "2027-01-01T00:00:00" not in rows[0]
    assert "<del>Yes</del> → <ins>No</ins>" in rows[1]
    assert "Links under posts allowed" in rows[1]
    assert "Knife Lovers" in rows[1]


def test_rows_about_a_person_are_named_by_that_person(community, admin):
    spammer = add_member(community, person(username="spammer", display_name="Sam Pham"))
    actions.block_member(
        actor=owner_of(community), community=community, user=spammer, reason="Casino links"
    )

    row = rows_of(client_of(admin).get("/c/knives/audit/").content.decode())[0]

    assert "Sam Pham (@spammer)" in row
    assert "blocked in" not in row
