"""An analyst's statistics journey in a browser: the dashboard, another period, a CSV, the
printable report; every statistics page passes axe at desktop and phone widths in both colour
schemes, and no page is wider than a phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from communa.analytics.ingest import record_impressions, viewer_for_user
from communa.communities.actions.membership import join_community
from communa.communities.models import Privacy, Role
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import like_post
from tests.analytics.support import rolled_up
from tests.browser.support import BROWSER_TEST, PHONE, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.factories import PASSWORD, add_member, make_community, person
from tests.walls.support import make_post

pytestmark = BROWSER_TEST

PAGES = [
    "/c/cooks/statistics/?period=30",
    "/c/cooks/statistics/posts/",
    "/c/cooks/statistics/report/?period=30",
    "/c/cooks/statistics/reports/",
    "/c/cooks/statistics/negative-feedback/",
    "/c/cooks/statistics/participation/",
    "/c/cooks/statistics/audience-health/",
    "/c/cooks/statistics/goals/",
    "/c/cooks/statistics/sales/",
    "/c/cooks/statistics/benchmarks/",
]


def _community_with_activity(settings):
    # the rollup reads every id at once here (the settle time is for concurrent writers)
    settings.COMMUNA = {**settings.COMMUNA, "ROLLUP_SETTLE_SECONDS": 0}
    community = make_community(person("olga"), slug="cooks", privacy=Privacy.OPEN)
    add_member(community, person("ana", password=PASSWORD), role=Role.ANALYST)
    members = [person() for _ in range(6)]
    for member in members:
        join_community(actor=member, community=community)
    for n in range(3):
        post = make_post(community, body=f"Recipe {n}")
        for member in members[: 3 + n]:
            record_impressions(viewer_for_user(member), [post])
        like_post(actor=members[n], post=post)
        add_comment(actor=members[n + 1], post=post, body="Tasty")
    rolled_up()
    return community


@pytest.mark.django_db(transaction=True)
def test_an_analyst_reads_the_dashboard_switches_the_period_downloads_a_csv_and_prints(
    new_context, live_server, settings
):
    # given
    _community_with_activity(settings)
    page = new_context(accept_downloads=True).new_page()
    log_in(page, live_server.url, "ana")

    # when the analyst opens the dashboard from the manage area and picks the last 7 days
    page.goto(live_server.url + "/c/cooks/manage/")
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_role("combobox", name="Period").select_option("7")
    page.get_by_role("button", name="Show").click()

    # then the figures of those 7 days show
    assert "period=7" in page.url
    assert page.get_by_role("heading", name="Key figures").is_visible()
    assert page.locator(".stat-card").first.is_visible()
    daily = page.locator("#daily-heading a", has_text="CSV")
    with page.expect_download() as downloading:
        daily.click()
    text = Path(downloading.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7
    assert rows[-1]["members"] == "7"  # the owner and six who joined (the analyst was added)

    # and the printable report of the same period opens, without the site's menus in print
    from playwright.sync_api import expect

    page.get_by_role("link", name="Printable report").click()
    # Waits for the report to be shown: `is_visible()` answers at once, and under a full
    # parallel run the click's page could still be loading.
    expect(page.locator(".report-cover")).to_be_visible()
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()


@pytest.mark.django_db(transaction=True)
def test_every_statistics_page_is_accessible_and_fits_a_phone(new_context, live_server, settings):
    _community_with_activity(settings)
    page = new_context().new_page()
    log_in(page, live_server.url, "ana")
    found: list[str] = []
    for path in PAGES:
        page.goto(live_server.url + path)
        found += violations_in_every_mode(page, path)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found.append(f"{path}: {width}px wide at {PHONE['width']}px")
        page.set_viewport_size({"width": 1280, "height": 900})
    assert found == []
