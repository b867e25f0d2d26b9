"""Keyboard and screen-reader use of the layout in a real browser: the top navigation on one line
at desktop width in every language, the phone menu behind a real disclosure button, the focus
after a failed form, and the moderation queue's shortcuts."""

from __future__ import annotations

import pytest
from django.conf import settings

from communa.moderation.models import HeldItem, HeldStatus, Report, ReportStatus
from tests.browser.support import BROWSER_TEST, DESKTOP, PHONE, log_in
from tests.factories import UserFactory
from tests.web.sample_community import build_world

pytestmark = BROWSER_TEST


def line_tops(page) -> list[float]:
    """The top of every item of the top bar that must share one line."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '.brand, .nav-links > li, .language-switcher select, .language-switcher button'))
            .map((element) => Math.round(element.getBoundingClientRect().top))"""
    )


@pytest.mark.django_db(transaction=True)
def test_top_navigation_stays_on_one_line_at_desktop_width_in_every_language(
    new_context, live_server
):
    # given a staff member, who sees the longest menu
    UserFactory(username="olga", is_staff=True)
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, "olga")

    for code, _name in settings.LANGUAGES:
        # when the page is shown in that language
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}]
        )
        page.goto(live_server.url + "/communities/")
        assert page.locator("html").get_attribute("lang") == code

        # then every link, the language switcher and the brand share one line, with no toggle
        tops = line_tops(page)
        assert len(tops) >= 8, tops
        assert max(tops) - min(tops) <= 12, (code, tops)
        assert not page.locator(".nav-toggle").is_visible()


@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_and_closes_from_the_keyboard(new_context, live_server):
    from playwright.sync_api import expect

    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Menu")
    communities = page.locator(".nav-links").get_by_role("link", name="Communities")

    # given a phone-sized window: the links are folded behind the menu button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "nav-menu")
    expect(communities).to_be_hidden()

    # when a keyboard user tabs to the button and presses Enter
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")

    # then the menu is open, announced as expanded, and the next Tab enters it
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(communities).to_be_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert communities.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(communities).to_be_focused()

    # and Escape closes it, giving the focus back to the button
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(communities).to_be_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "nav-menu"
    assert not communities.is_visible()


@pytest.mark.django_db(transaction=True)
def test_phone_menu_is_open_without_javascript(new_context, live_server):
    from playwright.sync_api import expect

    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")

    communities = page.locator(".nav-links").get_by_role("link", name="Communities")
    expect(communities).to_be_visible()
    expect(page.locator(".nav-toggle")).to_be_hidden()
    assert communities.is_visible()
    assert not page.locator(".nav-toggle").is_visible()


@pytest.mark.django_db(transaction=True)
def test_failed_log_in_moves_the_focus_to_the_error_summary_and_marks_the_fields(page, live_server):
    from playwright.sync_api import expect

    UserFactory(username="linh")

    # when a person logs in with a wrong password
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("linh")
    page.locator("#id_password").fill("not the password")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()

    # then the summary of the problem has the focus, and both fields are invalid and point to it
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The username or password is wrong.")
    summary_id = summary.get_attribute("id")
    for field in ("#id_username", "#id_password"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        assert summary_id in page.locator(field).get_attribute("aria-describedby").split()


@pytest.mark.django_db(transaction=True)
def test_queue_shortcuts_act_only_on_a_focused_row_and_can_be_turned_off(page, live_server):
    from playwright.sync_api import expect

    # given an owner on a queue holding a held post and a report
    build_world()
    log_in(page, live_server.url, "olga")
    page.goto(live_server.url + "/c/bep-viet/moderation/")
    switch = page.get_by_label("Single-key shortcuts in the list")
    expect(switch).to_be_checked()
    decision = page.locator("input[name=decision]:checked")
    status = page.locator("#queue-keys-status")

    # when letters are typed in form fields, no decision changes
    page.locator("#filter-reason").focus()
    page.keyboard.press("d")
    page.locator("#decision-reason").fill("")
    page.locator("#decision-reason").press_sequentially("bad")
    expect(decision).to_have_count(0)
    expect(page.locator("#decision-reason")).to_have_value("bad")

    # and Enter on a row posts nothing while nothing is selected or no decision is chosen
    first_row = page.locator(".queue-row").first
    first_row.focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Select at least one item first")
    page.keyboard.press("x")
    expect(first_row.locator("input[name=items]")).to_be_checked()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Choose a decision first")
    expect(page.locator(".messages")).to_have_count(0)

    # then a letter on the row chooses the decision and Enter applies it, to that item only
    waiting = _waiting_in_the_queue()
    page.keyboard.press("a")
    expect(page.locator("input[name=decision][value=approve]")).to_be_checked()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("1 item handled.")
    decided = _waiting_in_the_queue()
    assert decided < waiting

    # and a person who turns the shortcuts off keeps them off on the next visit
    page.get_by_label("Single-key shortcuts in the list").uncheck()
    page.reload()
    expect(page.get_by_label("Single-key shortcuts in the list")).not_to_be_checked()
    expect(page.locator(".queue-row[tabindex]")).to_have_count(0)
    expect(page.locator("#queue-keys-help")).to_be_hidden()
    page.locator(".queue-row").first.dispatch_event("keydown", {"key": "d"})
    expect(page.locator("input[name=decision]:checked")).to_have_count(0)
    assert page.locator("input[name=decision]:checked").count() == 0
    assert _waiting_in_the_queue() == decided  # nothing more was decided


def _waiting_in_the_queue() -> int:
    """Held texts and open reports: what the queue's decisions settle, read from the database."""
    return (
        HeldItem.objects.filter(status=HeldStatus.HELD).count()
        + Report.objects.filter(status=ReportStatus.OPEN).count()
    )
