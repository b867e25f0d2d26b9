"""core.fragments.token_of: Django's CSRF token, masked faster (one number drawn for the mask
instead of a draw per character). Django's middleware must unmask it to the cookie's secret,
a visitor without the cookie must get one, and every mask must be new."""

from __future__ import annotations

from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory

from communa.core.fragments import _random_chars, token_of
from tests.factories import person

SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"


def test_a_readers_token_unmasks_to_their_cookies_secret_and_renews_it():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    token = token_of(request)
    assert len(token) == CSRF_TOKEN_LENGTH
    assert set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert token_of(request) == token  # one token for the whole response


def test_a_visitor_without_the_cookie_gets_a_new_secret_sent_back():
    request = RequestFactory().get("/")
    token = token_of(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH
    assert set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    other = RequestFactory().get("/")
    token_of(other)
    assert other.META["CSRF_COOKIE"] != secret


def test_a_malformed_secret_is_masked_as_django_masks_it():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "short"
    token = token_of(request)  # Django's own get_token: a mask and five masked characters
    assert len(token) == CSRF_SECRET_LENGTH + 5
    assert _unmask_cipher_token(token) == "short"


def test_the_random_characters_cover_the_alphabet_evenly():
    drawn = Counter("".join(_random_chars() for _ in range(2000)))
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032 each
    assert min(drawn.values()) > expected * 0.8
    assert max(drawn.values()) < expected * 1.2
    masks = {_random_chars() for _ in range(1000)}
    assert len(masks) == 1000


@pytest.mark.django_db
def test_the_token_a_page_gives_is_accepted_by_djangos_middleware():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    person("olga", password="a long enough password")
    refused = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "olga", "password": "a long enough password"}
    )
    assert refused.status_code == 403
    signed_in = client.post(
        "/accounts/login/",
        {"username": "olga", "password": "a long enough password", "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302
