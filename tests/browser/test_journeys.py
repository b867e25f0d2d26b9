"""The main account journeys in a real browser (Debian's Chromium driven by Playwright)."""

import pytest

from tests.browser.support import BROWSER_TEST, log_in
from tests.factories import UserFactory

pytestmark = BROWSER_TEST


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
    assert page.get_by_text("A birth year cannot be in the future.", exact=True).is_visible()
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
    page.goto(live_server.url + "/accounts/settings/tokens/")
    page.locator("#id_name").fill("export script")
    page.locator("form button[type=submit]").last.click()
    assert page.locator("#new-token").inner_text().startswith("cmn_")

    # log out, and log in again with the e-mail address
    page.locator("form[action='/accounts/logout/'] button").click()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("MAI@example.org")
    page.locator("#id_password").fill("lotus-pond-morning-7")
    page.locator("main form button[type=submit]").click()
    # someone who runs no community lands on their feed
    page.wait_for_url("**/feed/")


@pytest.mark.django_db(transaction=True)
def test_create_a_closed_group_ask_to_join_and_approve(page, new_context, live_server):
    from communa.communities.models import Community, Membership

    UserFactory(username="owner_olga")
    UserFactory(username="guest_linh")

    # given an owner who creates a closed group through the form
    log_in(page, live_server.url, "owner_olga")
    page.goto(live_server.url + "/communities/new/")
    page.locator("#id_name").fill("Bếp Việt")
    page.locator("#id_slug").fill("bep-viet")
    page.locator("#id_privacy").select_option("closed")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/c/bep-viet/")
    assert Community.objects.get(slug="bep-viet").member_count == 1

    # when another person finds it by search and asks to join with a message
    guest = new_context().new_page()
    log_in(guest, live_server.url, "guest_linh")
    guest.goto(live_server.url + "/communities/?q=bếp")
    guest.get_by_role("link", name="Bếp Việt").first.click()
    guest.locator("form.ask-form textarea, form.ask-form input[name=message]").first.fill(
        "Xin chào!"
    )
    guest.get_by_role("button", name="Ask to join").click()
    assert guest.get_by_role("button", name="Cancel my request").is_visible()

    # then the owner approves it on the requests page and the guest is a member
    page.goto(live_server.url + "/c/bep-viet/requests/")
    assert page.get_by_text("Xin chào!").is_visible()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    membership = Membership.objects.get(community__slug="bep-viet", user__username="guest_linh")
    assert membership.source == "search"
    assert Community.objects.get(slug="bep-viet").member_count == 2
