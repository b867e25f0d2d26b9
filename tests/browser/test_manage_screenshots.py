"""The manage area in a real browser, at desktop and phone widths, as the owner of the sample
community: its grouped navigation shows what waits, nothing overflows the phone's width, and the
screenshots in docs/screenshots/ (referenced from the README) are taken from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.support import BROWSER_TEST, DESKTOP, PHONE, log_in
from tests.web.sample_community import build_world

pytestmark = BROWSER_TEST

# The README's screenshots are refreshed only on request (COMMUNA_SCREENSHOTS=1 make test-sqlite),
# so that an ordinary test run leaves the clone as it found it.
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REFRESH = os.environ.get("COMMUNA_SCREENSHOTS") == "1"


@pytest.mark.django_db(transaction=True)
def test_the_manage_area_at_both_widths(new_context, live_server, tmp_path):
    # given the demo-like community (a report and a held post wait), its owner logged in
    build_world()
    page = new_context().new_page()
    log_in(page, live_server.url, "olga")
    # the owner runs communities: they land on the dashboard
    assert page.url.endswith("/communities/dashboard/")
    assert page.get_by_role("heading", name="Bếp Việt").is_visible()

    for name, viewport in (("1280", DESKTOP), ("390", PHONE)):
        # when the manage area is opened at this width
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/c/bep-viet/manage/")

        # then its groups are there, with what waits in the moderation group
        nav = page.get_by_role("navigation", name="Manage the community")
        for group in ("Content", "People", "Moderation", "Statistics", "Settings"):
            assert nav.get_by_role("link", name=group).first.is_visible(), (name, group)
        moderation = nav.get_by_role("link", name="Moderation")
        assert "waiting" in moderation.inner_text() or moderation.locator(".waiting-badge").count()
        # and nothing is wider than the window
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, width)

        folder = DOCS if REFRESH else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"manage-{name}.png"), full_page=True)
        assert (folder / f"manage-{name}.png").stat().st_size > 0

    # and a group opens its pages below the groups, the current one marked
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="People").first.click()
    current = page.locator(".manage-pages a[aria-current=page]")
    assert current.inner_text().startswith("Members")

    # and the notifications menu opens from the keyboard and loads the latest (linh's comment)
    summary = page.locator(".notifications-menu summary")
    summary.focus()
    page.keyboard.press("Enter")
    panel = page.locator(".notifications-panel")
    panel.get_by_text("commented on your post").wait_for()
    assert panel.get_by_role("link", name="See all notifications").is_visible()
