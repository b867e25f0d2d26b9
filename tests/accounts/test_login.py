"""Log-in and log-out through the web and the API, with per-account and per-IP limits."""

import pytest

from tests.support import error_of

pytestmark = pytest.mark.django_db


def test_login_page_logs_in_and_redirects_to_next(client, user, password):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": password, "next": "/accounts/settings/tokens/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/settings/tokens/"
    assert client.get("/accounts/settings/tokens/").status_code == 200


def test_login_ignores_an_offsite_next(client, user, password):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": password, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/start/"


def test_login_matches_username_in_any_case_and_email(client, user, password):
    assert (
        client.post("/accounts/login/", {"username": "ALICE", "password": password}).status_code
        == 302
    )
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"username": "Alice@Example.org", "password": password}
        ).status_code
        == 302
    )


def test_wrong_password_shows_an_error_and_no_session(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 401
    assert "The username or password is wrong." in response.context["form"].non_field_errors()
    assert client.get("/accounts/profile/").status_code == 302


def test_login_page_requires_both_fields(client):
    response = client.post("/accounts/login/", {"username": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"username", "password"}


def test_logout_needs_post_and_ends_the_session(logged_in):
    assert logged_in.get("/accounts/logout/").status_code == 405
    assert logged_in.post("/accounts/logout/").status_code == 302
    assert logged_in.get("/accounts/profile/").status_code == 302


def test_api_login_logout(api, user, password):
    response = api.post("/auth/login", {"username": "alice", "password": password})
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert api.get("/me").status_code == 200
    assert api.post("/auth/logout").status_code == 204
    assert api.get("/me").status_code == 401


def test_api_login_refuses_a_form_post(api, user, password):
    # Cross-site forms cannot send JSON; refusing form bodies stops login CSRF.
    response = api.client.post("/api/auth/login", {"username": "alice", "password": password})
    assert response.status_code in (400, 422)
    assert api.get("/me").status_code == 401


def test_api_login_wrong_password(api, user):
    response = api.post("/auth/login", {"username": "alice", "password": "nope"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_login_is_limited_per_account(api, user, password, settings):
    settings.COMMUNA = {**settings.COMMUNA, "LOGIN_ATTEMPTS_PER_ACCOUNT": 3}
    for _ in range(3):
        assert api.post("/auth/login", {"username": "alice", "password": "bad"}).status_code == 401
    # Even the right password is refused until the window ends, from any address.
    response = api.post(
        "/auth/login", {"username": "ALICE", "password": password}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    error = error_of(response)
    assert error["code"] == "rate_limited"
    assert "Try again in" in error["message"]
    assert 0 < int(response["Retry-After"]) <= settings.COMMUNA["LOGIN_WINDOW_SECONDS"]


def test_login_is_limited_per_ip_across_accounts(api, settings):
    settings.COMMUNA = {
        **settings.COMMUNA,
        "LOGIN_ATTEMPTS_PER_IP": 4,
        "LOGIN_ATTEMPTS_PER_ACCOUNT": 100,
    }
    for n in range(4):
        api.post("/auth/login", {"username": f"guess{n}", "password": "x"})
    response = api.post("/auth/login", {"username": "someone-else", "password": "x"})
    assert response.status_code == 429
    other_ip = api.post(
        "/auth/login", {"username": "someone-else", "password": "x"}, REMOTE_ADDR="10.1.1.1"
    )
    assert other_ip.status_code == 401


def test_login_page_says_how_long_to_wait(client, user, settings):
    settings.COMMUNA = {**settings.COMMUNA, "LOGIN_ATTEMPTS_PER_ACCOUNT": 1}
    client.post("/accounts/login/", {"username": "alice", "password": "bad"})
    response = client.post("/accounts/login/", {"username": "alice", "password": "bad"})
    assert response.status_code == 429
    assert "Too many attempts. Try again in" in response.content.decode()


def test_successful_login_clears_the_account_count(api, user, password, settings):
    settings.COMMUNA = {**settings.COMMUNA, "LOGIN_ATTEMPTS_PER_ACCOUNT": 2}
    api.post("/auth/login", {"username": "alice", "password": "bad"})
    assert api.post("/auth/login", {"username": "alice", "password": password}).status_code == 200
    api.post("/auth/logout")
    api.post("/auth/login", {"username": "alice", "password": "bad"})
    assert api.post("/auth/login", {"username": "alice", "password": password}).status_code == 200


def test_inactive_account_cannot_log_in(api, user, password):
    user.is_active = False
    user.save()
    assert api.post("/auth/login", {"username": "alice", "password": password}).status_code == 401
