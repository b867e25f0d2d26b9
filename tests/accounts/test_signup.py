"""Sign-up through the web page and the API, with every validation error."""

import pytest

from communa.accounts.models import User
from tests.factories import UserFactory
from tests.support import error_of

pytestmark = pytest.mark.django_db

GOOD = {"username": "Olena_K", "email": "olena@example.org", "password": "sunflower-field-42"}


def web_signup(client, **overrides):
    data = {**GOOD, "password_again": GOOD["password"], "display_name": "Олена", **overrides}
    if "password" in overrides and "password_again" not in overrides:
        data["password_again"] = overrides["password"]
    return client.post("/accounts/signup/", data)


def test_signup_page_creates_account_and_logs_in(client):
    response = web_signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(username="Olena_K")
    assert user.display_name == "Олена"
    assert client.get("/accounts/profile/").status_code == 200


def test_password_is_stored_with_argon2(client):
    web_signup(client)
    assert User.objects.get(username="Olena_K").password.startswith("argon2")


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"username": "ab"}, "username", "3 to 32 Latin letters"),
        ({"username": "bad name!"}, "username", "3 to 32 Latin letters"),
        ({"username": "кирилл"}, "username", "3 to 32 Latin letters"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"password": "123"}, "password", "too short"),
        ({"password": "password"}, "password", "too common"),
        ({"password_again": "something-else-9"}, "password_again", "differ"),
    ],
)
def test_signup_page_shows_each_error_beside_its_field(client, overrides, field, reason):
    response = web_signup(client, **overrides)
    assert response.status_code in (400, 422)
    form = response.context["form"]
    assert any(reason in message for message in form.errors[field]), form.errors
    assert not User.objects.filter(email=GOOD["email"]).exists()


def test_usernames_are_unique_without_regard_to_case(client):
    UserFactory(username="olena_k")
    response = web_signup(client)
    assert response.status_code == 422
    assert "This username is taken." in response.context["form"].errors["username"]
    assert User.objects.filter(username__iexact="olena_k").count() == 1


def test_database_refuses_a_second_username_differing_only_in_case():
    from django.db import IntegrityError, transaction

    UserFactory(username="Olena")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="OLENA", email="x@example.org")


def test_email_addresses_are_unique_without_regard_to_case(client):
    UserFactory(email="Olena@Example.org")
    response = web_signup(client)
    assert response.status_code == 422
    assert "already exists" in response.context["form"].errors["email"][0]


def test_api_signup_creates_account_and_session(api):
    response = api.post("/auth/signup", {**GOOD, "display_name": "Олена", "language": "uk"})
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "Olena_K"
    assert body["language"] == "uk"
    assert api.get("/me").json()["username"] == "Olena_K"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "x"}, "username"),
        ({"email": "nope"}, "email"),
        ({"password": "short"}, "password"),
        ({"language": "de"}, "language"),
    ],
)
def test_api_signup_names_the_bad_field(api, overrides, field):
    response = api.post("/auth/signup", {**GOOD, **overrides})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert not User.objects.exists()


def test_api_signup_reports_every_bad_field_at_once(api):
    response = api.post("/auth/signup", {"username": "x", "email": "nope", "password": "1"})
    assert set(error_of(response)["fields"]) == {"username", "email", "password"}


def test_signups_from_one_address_are_rate_limited(api, settings):
    settings.COMMUNA = {**settings.COMMUNA, "SIGNUPS_PER_IP": 2}
    for n in range(2):
        assert (
            api.post(
                "/auth/signup", {**GOOD, "username": f"user{n}", "email": f"u{n}@example.org"}
            ).status_code
            == 201
        )
        api.client.logout()
    response = api.post("/auth/signup", {**GOOD, "username": "user9", "email": "u9@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert error_of(response)["code"] == "rate_limited"
    assert not User.objects.filter(username="user9").exists()
