"""The base layout, the language switcher and translated pages."""

import pytest
from django.conf import settings
from django.utils import translation

from communa.accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_page_for_visitors_links_to_signup_and_login(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/login/"' in html
    assert "htmx" in html  # the copy that django-htmx ships
    assert "http://" not in html
    assert "https://" not in html


def test_home_page_for_members_shows_profile_and_logout(logged_in):
    html = logged_in.get("/").content.decode()
    assert 'href="/accounts/profile/"' in html
    assert 'action="/accounts/logout/"' in html


@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_language_switcher_translates_the_pages(client, code):
    response = client.post("/language/", {"language": code, "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    with translation.override(code):
        expected = translation.gettext("Forgot your password?")
    assert expected != "Forgot your password?"
    assert expected in html
    assert f'<html lang="{code}">' in html


def test_language_switcher_ignores_unknown_languages_and_offsite_next(client):
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_language_updates_a_members_profile(logged_in, user):
    logged_in.post("/language/", {"language": "vi"})
    user.refresh_from_db()
    assert user.language == "vi"


def test_profile_language_applies_without_a_cookie(client, user):
    User.objects.filter(pk=user.pk).update(language="ms")
    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    with translation.override("ms"):
        assert translation.gettext("Your profile") in html


def test_admin_is_at_admin(client, user):
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_unknown_page_is_the_sites_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Communa" in response.content.decode()


def test_translation_catalogs_are_complete_and_compiled():
    from communa.web.i18n_check import problems

    assert problems() == []


def test_favicon_is_served_at_the_site_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_server_error_page_is_the_sites_own_in_the_visitors_language(rf):
    from communa.web.views import server_error

    request = rf.get("/c/somewhere/")
    with translation.override("vi"):
        response = server_error(request)
        expected = translation.gettext("Something went wrong")

    html = response.content.decode()
    assert response.status_code == 500
    assert expected != "Something went wrong"
    assert expected in html
    assert '<html lang="vi">' in html
    assert "/static/web/communa.css" in html
