"""The main account journeys in a real browser (Debian's Chromium driven by Playwright)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (.ci/run installs it)"
    ),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls below are ordinary sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
        page = context.new_page()
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_sign_up_edit_profile_switch_language_and_make_a_token(page, live_server, tmp_path):
    from communa.accounts.models import User

    # given a visitor on the home page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create an account").click()

    # when they sign up
    page.get_by_label("Username").fill("mai_tran")
    page.get_by_label("E-mail").fill("mai@example.org")
    page.get_by_label("Display name").fill("Trần Mai")
    page.get_by_label("Password", exact=True).fill("lotus-pond-morning-7")
    page.get_by_label("Password again").fill("lotus-pond-morning-7")
    page.get_by_role("button", name="Sign up").click()

    # then they land on their profile, signed in
    page.wait_for_url("**/accounts/profile/")
    assert page.get_by_text("Welcome to Communa, Trần Mai!").is_visible()

    # a future birth year is refused beside the field, and nothing is saved
    page.get_by_label("City").fill("Đà Nẵng")
    page.get_by_label("Birth year").fill("2999")
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("A birth year cannot be in the future.").is_visible()
    assert User.objects.get(username="mai_tran").city == ""

    page.get_by_label("Birth year").fill("1994")
    page.get_by_label("Country").select_option("VN")
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Your profile has been saved.").is_visible()
    user = User.objects.get(username="mai_tran")
    assert (user.city, user.birth_year, str(user.country)) == ("Đà Nẵng", 1994, "VN")

    # the language switcher turns the interface Vietnamese and remembers it in the profile
    page.locator("#language-select").select_option("vi")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Hồ sơ của bạn").is_visible()
    assert User.objects.get(username="mai_tran").language == "vi"
    page.screenshot(path=str(tmp_path / "profile-vi.png"), full_page=True)

    # a personal access token is shown once on the tokens page
    page.goto(live_server.url + "/accounts/tokens/")
    page.locator("#id_name").fill("export script")
    page.locator("form button[type=submit]").last.click()
    assert page.locator("#new-token").inner_text().startswith("cmn_")

    # log out, and log in again with the e-mail address
    page.locator("form[action='/accounts/logout/'] button").click()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("MAI@example.org")
    page.locator("#id_password").fill("lotus-pond-morning-7")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/profile/")
