"""Random JSON at every write endpoint never causes a 500 and always gets the one error shape."""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["a\x00b", "\ud800", "1990", "UA", "Europe/Kyiv", "uk", "female"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=10,
)
field_names = st.sampled_from(
    [
        "username",
        "email",
        "password",
        "display_name",
        "language",
        "gender",
        "birth_year",
        "city",
        "country",
        "time_zone",
        "name",
        "expires_in_days",
        "old_password",
        "new_password",
        "uid",
        "token",
    ]
)
bodies = st.one_of(
    st.dictionaries(field_names, json_values, max_size=6),
    json_values,
    st.binary(max_size=60).map(lambda b: RawBody(b.decode("latin-1"))),
)


class RawBody(str):
    """Bytes sent as they are, not JSON-encoded (malformed bodies)."""


ENDPOINTS = [
    ("post", "/api/auth/signup"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/password-reset"),
    ("post", "/api/auth/password-reset/confirm"),
    ("patch", "/api/me"),
    ("post", "/api/me/password"),
    ("post", "/api/me/tokens"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_random_input_gets_a_4xx_or_success_never_a_500(method, path, body):
    from communa.accounts.models import User

    user = User.objects.filter(username="fuzzer").first() or UserFactory(username="fuzzer")
    client = Client()
    client.force_login(user)
    raw = body if isinstance(body, RawBody) else json.dumps(body)
    response = getattr(client, method)(
        path, data=raw, content_type="application/json", REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert isinstance(error["fields"], dict)
