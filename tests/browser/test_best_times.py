"""The best-time heat map in a browser: no serious WCAG 2.1 A/AA violation at desktop and phone
widths in both colour schemes, and on a phone the table scrolls in its own region instead of
widening the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.analytics.test_best_times import act
from tests.browser.support import BROWSER_TEST, PHONE, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.factories import PASSWORD, add_member, make_community, person
from tests.walls.support import make_post

pytestmark = BROWSER_TEST


@pytest.mark.django_db(transaction=True)
def test_the_heat_map_is_accessible_and_scrolls_in_its_own_region_on_a_phone(
    new_context, live_server, settings
):
    # given a community whose members were active at several hours of the last weeks
    settings.COMMUNA = {
        **settings.COMMUNA,
        "BEST_TIME_MIN_MEMBERS": 1,
        "BEST_TIME_MIN_EVENTS": 1,
        "BEST_TIME_CACHE_SECONDS": 0,
    }
    owner = person("olga", password=PASSWORD)
    community = make_community(owner, slug="cooks")
    post = make_post(community)
    start = datetime.now(UTC) - timedelta(days=20)
    for index in range(40):
        act("like", add_member(community), post, start + timedelta(hours=index * 7))
    page = new_context().new_page()
    log_in(page, live_server.url, "olga")

    # when the owner opens the best-time page
    page.goto(live_server.url + "/c/cooks/statistics/best-time/")

    # then it shows the table, passes axe in every mode, and keeps the page as wide as a phone
    assert page.locator("table.heat td.suggested").count() == 5
    assert violations_in_every_mode(page, "best time") == []
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.locator(".best-times .table-wrap")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
