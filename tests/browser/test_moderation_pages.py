"""The moderation pages a newcomer walks (issue 10), in a browser: one click per queue row with a
confirmation before what cannot be undone, the moderator's read-only playbook; axe finds no serious
WCAG 2.1 A/AA violation on the pages only these steps reach."""

from __future__ import annotations

import pytest

from tests.browser.support import BROWSER_TEST, log_in
from tests.browser.test_accessibility import violations_in_every_mode
from tests.web.sample_community import build_world

pytestmark = BROWSER_TEST


@pytest.mark.django_db(transaction=True)
def test_a_moderator_deletes_a_reported_post_from_its_row_after_confirming(page, live_server):
    from playwright.sync_api import expect

    # given the moderator on a queue that holds a reported post
    build_world()
    log_in(page, live_server.url, "minh")
    page.goto(live_server.url + "/c/bep-viet/moderation/")
    row = page.locator(".queue-row", has_text="Cheap woks!")
    expect(row.get_by_role("link", name="Open the post")).to_be_visible()

    # when Enter is pressed in the bulk form's reason field, no row is decided
    page.locator("#decision-reason").fill("spam")
    page.locator("#decision-reason").press("Enter")
    expect(page.locator(".queue-row", has_text="Cheap woks!")).to_have_count(1)

    # and when they press the row's Delete button, a confirmation page asks first
    page.goto(live_server.url + "/c/bep-viet/moderation/")
    page.locator(".queue-row", has_text="Cheap woks!").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Confirm: Delete")).to_be_visible()
    found = violations_in_every_mode(page, "confirmation")

    # then confirming removes the post and the row
    page.get_by_role("button", name="Yes: Delete").click()
    expect(page.locator(".messages")).to_contain_text("The item has been handled.")
    expect(page.locator(".queue-row", has_text="Cheap woks!")).to_have_count(0)
    assert found == []


@pytest.mark.django_db(transaction=True)
def test_a_moderator_reads_the_playbook_page(page, live_server):
    from playwright.sync_api import expect

    build_world()
    log_in(page, live_server.url, "minh")
    page.goto(live_server.url + "/c/bep-viet/moderation/")
    page.get_by_role("link", name="Playbook").first.click()

    expect(
        page.get_by_role("heading", name="This community follows the default steps")
    ).to_be_visible()
    expect(page.locator("input[name='steps.0.offences']")).to_have_count(0)
    assert violations_in_every_mode(page, "playbook (moderator)") == []


@pytest.mark.django_db(transaction=True)
def test_a_bulk_deletion_asks_before_it_applies(page, live_server):
    from playwright.sync_api import expect

    # given the owner with a reported post selected and "Delete" chosen for the selection
    build_world()
    log_in(page, live_server.url, "olga")
    page.goto(live_server.url + "/c/bep-viet/moderation/")
    page.get_by_label("Single-key shortcuts in the list").uncheck()
    row = page.locator(".queue-row", has_text="Cheap woks!")
    row.locator("input[name=items]").check()
    page.locator("input[name=decision][value=delete]").check()

    # when they apply it, a confirmation page says how many items it touches
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("This applies to 1 selected item.")).to_be_visible()
    found = violations_in_every_mode(page, "bulk confirmation")

    # then confirming applies it
    page.get_by_role("button", name="Yes: Delete").click()
    expect(page.locator(".messages")).to_contain_text("1 item handled.")
    assert found == []
