"""Changing and resetting the password (mail goes to the console in the demo, to outbox here)."""

import re

import pytest
from django.core import mail

from communa.accounts.models import User
from tests.support import error_of

pytestmark = pytest.mark.django_db
NEW = "a-new-long-passphrase-7"


def test_change_password_page_keeps_the_session(logged_in, user, password):
    response = logged_in.post(
        "/accounts/password/", {"old_password": password, "new_password": NEW}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert logged_in.get("/accounts/profile/").status_code == 200


def test_change_password_page_refuses_a_wrong_current_password(logged_in, user):
    response = logged_in.post("/accounts/password/", {"old_password": "wrong", "new_password": NEW})
    assert response.status_code == 422
    assert "Your current password is wrong." in response.context["form"].errors["old_password"]


def test_api_change_password_checks_the_new_one(api, logged_in, user, password):
    response = api.post("/me/password", {"old_password": password, "new_password": "12345678"})
    assert response.status_code == 422
    assert "new_password" in error_of(response)["fields"]
    assert (
        api.post("/me/password", {"old_password": password, "new_password": NEW}).status_code == 204
    )
    user.refresh_from_db()
    assert user.check_password(NEW)


def reset_link() -> tuple[str, str, str]:
    assert len(mail.outbox) == 1
    match = re.search(
        r"http://testserver(/accounts/password/reset/([^/]+)/([^/]+)/)", mail.outbox[0].body
    )
    assert match, mail.outbox[0].body
    return match.group(1), match.group(2), match.group(3)


def test_password_reset_through_the_pages(client, user):
    response = client.post("/accounts/password/reset/", {"email": "ALICE@example.org"})
    assert response.status_code == 302
    path, _, _ = reset_link()
    assert mail.outbox[0].to == ["alice@example.org"]
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The link works once.
    assert client.get(path).status_code == 404


def test_password_reset_says_the_same_for_unknown_addresses(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_mail_is_in_the_members_language(api, user):
    user.language = "ru"
    user.save()
    api.post("/auth/password-reset", {"email": "alice@example.org"})
    from django.utils import translation

    with translation.override("ru"):
        expected = translation.gettext("Reset your Communa password")
    assert expected != "Reset your Communa password"
    assert mail.outbox[0].subject == expected


def test_api_password_reset_round_trip(api, user):
    assert api.post("/auth/password-reset", {"email": "alice@example.org"}).status_code == 202
    _, uid, token = reset_link()
    bad = api.post(
        "/auth/password-reset/confirm", {"uid": uid, "token": "nope", "new_password": NEW}
    )
    assert bad.status_code == 404
    weak = api.post(
        "/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": "1234"}
    )
    assert weak.status_code == 422
    ok = api.post("/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW})
    assert ok.status_code == 200
    assert User.objects.get(pk=user.pk).check_password(NEW)
