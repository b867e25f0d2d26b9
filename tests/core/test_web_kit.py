"""The web front door's kit: every domain error a page lets out becomes its 4xx page."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from communa import urls as site_urls
from communa.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionRefused,
    RateLimited,
    ValidationFailed,
)
from communa.core.web import answers_refusals

RAISED: dict[str, DomainError] = {
    "rate": RateLimited(retry_after=90),
    "conflict": Conflict(),
    "invalid": ValidationFailed(fields={"body": ["Write something first."]}),
    "refused": PermissionRefused("Only the team may do this."),
    "missing": NotFound(),
}


def bare_view(request: HttpRequest, kind: str) -> HttpResponse:
    """A view with no handler of its own: only the middleware stands between it and a 500."""
    raise RAISED[kind]


@answers_refusals
def decorated_view(request: HttpRequest, kind: str) -> HttpResponse:
    raise RAISED[kind]


urlpatterns = [
    path("bare/<str:kind>/", bare_view),
    path("decorated/<str:kind>/", decorated_view),
    *site_urls.urlpatterns,  # the base layout links to the site's pages
]

EXPECTED = [
    ("rate", 429),
    ("conflict", 409),
    ("invalid", 422),
    ("refused", 403),
    ("missing", 404),
]


@pytest.mark.urls("tests.core.test_web_kit")
@pytest.mark.parametrize("where", ["bare", "decorated"])
@pytest.mark.parametrize(("kind", "status"), EXPECTED)
def test_a_domain_error_a_page_lets_out_is_its_4xx_page_never_a_500(client, where, kind, status):
    # when
    response = client.get(f"/{where}/{kind}/")
    # then
    assert response.status_code == status
    if kind != "missing":
        assert RAISED[kind].message in response.content.decode()


@pytest.mark.urls("tests.core.test_web_kit")
def test_a_rate_limited_page_says_when_to_try_again(client):
    response = client.get("/bare/rate/")
    assert response["Retry-After"] == "90"


@pytest.mark.urls("tests.core.test_web_kit")
def test_an_invalid_request_page_names_each_reason(client):
    response = client.get("/bare/invalid/")
    assert "Write something first." in response.content.decode()


@pytest.mark.urls("tests.core.test_web_kit")
def test_htmx_gets_the_refusal_as_an_alert_aimed_at_the_alert_box(client):
    response = client.get("/decorated/conflict/", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#htmx-alerts"
    assert 'role="alert"' in response.content.decode()
