"""Monthly reports: made once by the worker after a month with activity, kept for download."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest

from communa.analytics.models import EventKind, MonthlyReport
from communa.analytics.statistics import reports
from communa.communities.models import Community, Privacy
from communa.communities.permissions import Relation
from tests.analytics.support import event_at, rolled_up
from tests.factories import make_community, owner_of, person, with_relation
from tests.support import api_as, client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

IN_MAY = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
IN_JUNE = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


def _busy_in_may(slug: str = "cooks") -> Community:
    community = make_community(person(), slug=slug, privacy=Privacy.OPEN)
    post = make_post(community)
    event_at(EventKind.LIKE, IN_MAY, post=post, user=person())
    rolled_up()
    return community


def _in_june():
    return mock.patch("communa.analytics.periods.timezone.now", return_value=IN_JUNE)


def test_after_the_month_ends_its_report_is_made_once():
    # given
    community = _busy_in_may()
    # when the worker runs twice in June
    with _in_june():
        first = reports.generate_monthly_reports()
        second = reports.generate_monthly_reports()
    # then
    report = MonthlyReport.objects.get(community=community)
    assert (first, second) == (1, 0)
    assert report.month.isoformat() == "2026-05-01"
    assert "2026" in report.html
    assert "<svg" in report.html
    assert 'href="/static' not in report.html


def test_a_month_without_activity_gets_no_report():
    make_community(person(), slug="quiet")
    with _in_june():
        assert reports.generate_monthly_reports() == 0
    assert not MonthlyReport.objects.exists()


def test_the_team_downloads_a_kept_report_as_a_file_and_through_the_api():
    # given
    community = _busy_in_may()
    with _in_june():
        reports.generate_monthly_reports()
    # when
    listing = client_of(owner_of(community)).get("/c/cooks/statistics/reports/")
    download = client_of(owner_of(community)).get("/c/cooks/statistics/reports/2026-05.html")
    api = api_as(owner_of(community))
    # then
    assert b"/c/cooks/statistics/reports/2026-05.html" in listing.content
    assert download["Content-Disposition"] == 'attachment; filename="cooks-report-2026-05.html"'
    assert download.content.startswith(b"<!doctype html>")
    assert [r["month"] for r in api.get("/communities/cooks/stats/reports").json()] == ["2026-05"]
    body = api.get("/communities/cooks/stats/reports/2026-05").json()
    assert body["html"].startswith("<!doctype html>")
    assert api.get("/communities/cooks/stats/reports/2026-04").status_code == 404
    assert (
        client_of(owner_of(community)).get("/c/cooks/statistics/reports/20-5.html").status_code
        == 404
    )


def test_a_member_cannot_download_the_report():
    community = _busy_in_may()
    with _in_june():
        reports.generate_monthly_reports()
    member = with_relation(community, Relation.MEMBER)
    assert client_of(member).get("/c/cooks/statistics/reports/2026-05.html").status_code == 403
    assert api_as(member).get("/communities/cooks/stats/reports/2026-05").status_code == 403
