"""Personal access tokens: create, use and revoke, through the settings page and the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.accounts.models import PersonalAccessToken
from tests.support import Api, error_of

pytestmark = pytest.mark.django_db


def test_token_created_on_the_page_is_shown_once_and_works(logged_in, client, user):
    response = logged_in.post("/accounts/settings/tokens/", {"name": "reporting script"})
    assert response.status_code == 200
    plaintext = response.context["new_token"]
    assert plaintext.startswith("cmn_")
    assert plaintext in response.content.decode()
    # Only the hash is stored.
    stored = PersonalAccessToken.objects.get(user=user)
    assert plaintext not in (stored.token_hash, stored.prefix)
    # Listing again does not show the secret.
    assert plaintext not in logged_in.get("/accounts/settings/tokens/").content.decode()
    logged_in.logout()
    me = Api(client, plaintext).get("/me")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_token_revoked_on_the_page_stops_working(logged_in, client, user):
    plaintext = logged_in.post("/accounts/settings/tokens/", {"name": "ci"}).context["new_token"]
    token = PersonalAccessToken.objects.get(user=user)
    assert logged_in.post(f"/accounts/settings/tokens/{token.pk}/revoke/").status_code == 302
    logged_in.logout()
    assert Api(client, plaintext).get("/me").status_code == 401


def test_token_page_requires_a_name(logged_in):
    response = logged_in.post("/accounts/settings/tokens/", {"name": ""})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_api_token_create_list_use_revoke(api, logged_in, client, user):
    created = api.post("/me/tokens", {"name": "dashboard", "expires_in_days": 30})
    assert created.status_code == 201
    body = created.json()
    plaintext = body["token"]
    assert body["expires_at"] is not None
    listed = api.get("/me/tokens").json()
    assert [t["name"] for t in listed] == ["dashboard"]
    assert "token" not in listed[0]
    logged_in.logout()
    with_token = Api(client, plaintext)
    assert with_token.get("/me").status_code == 200
    assert PersonalAccessToken.objects.get().last_used_at is not None
    # A token-authenticated client needs no CSRF token for writes.
    assert with_token.patch("/me", {"city": "Penang"}).status_code == 200
    assert with_token.delete(f"/me/tokens/{body['id']}").status_code == 204
    refused = with_token.get("/me")
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "not_authenticated"


def test_expired_token_is_refused(client, user):
    from communa.accounts.actions import create_access_token

    token, plaintext = create_access_token(actor=user, name="old", expires_in_days=1)
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Api(client, plaintext).get("/me").status_code == 401


def test_garbage_token_is_refused(client, db):
    assert Api(client, "cmn_not-a-real-token").get("/me").status_code == 401
    assert Api(client, "something").get("/me").status_code == 401


def test_cannot_revoke_someone_elses_token(api, logged_in, other_user):
    from communa.accounts.actions import create_access_token

    token, _plaintext = create_access_token(actor=other_user, name="theirs")
    response = api.delete(f"/me/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "x" * 101}, "name"),
        ({}, "name"),
    ],
)
def test_api_token_errors(api, logged_in, body, field):
    response = api.post("/me/tokens", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not PersonalAccessToken.objects.exists()


def test_token_count_is_capped(api, logged_in, settings):
    settings.COMMUNA = {**settings.COMMUNA, "TOKENS_PER_USER": 2}
    for n in range(2):
        assert api.post("/me/tokens", {"name": f"t{n}"}).status_code == 201
    response = api.post("/me/tokens", {"name": "t3"})
    assert response.status_code == 422
    assert "revoke one first" in error_of(response)["fields"]["name"][0]


@pytest.mark.django_db(transaction=True)
def test_a_token_records_its_use_once_a_minute_in_one_statement(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communa.accounts.actions import create_access_token, user_for_token

    # given: a token last used two minutes ago
    token, plaintext = create_access_token(actor=user, name="script", expires_in_days=None)
    before = timezone.now() - timedelta(minutes=2)
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=before)
    # when: it is used twice
    with CaptureQueriesContext(connection) as first:
        assert user_for_token(plaintext) == user
    used = PersonalAccessToken.objects.get(pk=token.pk).last_used_at
    with CaptureQueriesContext(connection) as second:
        assert user_for_token(plaintext) == user
    # then: the first use is recorded (read, then the touch: on PostgreSQL one round trip
    # that holds its own transaction), the second within the minute is not
    assert used is not None
    assert used > before
    assert len(first.captured_queries) == 2
    assert len(second.captured_queries) == 1
    assert PersonalAccessToken.objects.get(pk=token.pk).last_used_at == used
