"""R9.9: the conversion endpoint a shop calls, and the community's conversion keys.

A key authenticates a report (Bearer or its own header), a repeat of an order id is answered and
not counted, a different amount for the same order is a conflict, bad fields are 422s by name.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from communa.analytics.models import Conversion, ConversionKey
from communa.analytics.sales import actions
from communa.communities.models import Community, Role
from tests.factories import add_member, make_community, owner_of
from tests.support import Api, api_as, client_of, error_of, run_together
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def community() -> Community:
    found = make_community()
    Community.objects.filter(pk=found.pk).update(created_at=timezone.now() - timedelta(days=400))
    found.refresh_from_db()
    return found


@pytest.fixture
def key(community) -> str:
    _row, plaintext = actions.create_conversion_key(
        actor=owner_of(community), community=community, name="Shop"
    )
    return plaintext


def shop(key: str | None = None, *, header: bool = False) -> Api:
    api = Api(client_of())
    if key is not None:
        api.headers = (
            {"X-Communa-Conversion-Key": key} if header else {"Authorization": f"Bearer {key}"}
        )
    return api


ORDER = {"order_id": "A-1001", "amount": "49.90", "currency": "EUR", "utm_source": "communa"}


def test_a_reported_order_is_recorded_once_and_a_repeat_answers_the_stored_row(key):
    first = shop(key).post("/conversions", ORDER)
    again = shop(key).post("/conversions", ORDER)
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Conversion.objects.count() == 1


def test_the_key_may_come_in_its_own_header(key):
    assert shop(key, header=True).post("/conversions", ORDER).status_code == 201


def test_the_same_order_with_another_amount_is_a_conflict(key):
    shop(key).post("/conversions", ORDER)
    response = shop(key).post("/conversions", {**ORDER, "amount": "59.90"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "order_conflict"
    assert Conversion.objects.get().amount == Decimal("49.90")


@pytest.mark.parametrize("sent", [None, "cck_wrong", "cmn_personal-token-is-not-a-key"])
def test_a_missing_or_wrong_key_is_refused_with_401(sent):
    response = shop(sent).post("/conversions", ORDER)
    assert response.status_code == 401
    assert Conversion.objects.count() == 0


def test_a_revoked_key_stops_working_and_a_rotated_one_is_replaced(community, key):
    owner = owner_of(community)
    row = ConversionKey.objects.get()
    _new, fresh = actions.rotate_conversion_key(actor=owner, community=community, key_id=row.pk)
    assert shop(key).post("/conversions", ORDER).status_code == 401
    assert shop(fresh).post("/conversions", ORDER).status_code == 201


def test_only_the_hash_of_a_key_is_stored(key):
    row = ConversionKey.objects.get()
    assert key not in (row.key_hash, row.prefix)
    assert row.key_hash == actions.hash_key(key)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "eur"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"amount": 49.9}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "12.345"}, "amount"),  # EUR has two decimals
        ({"amount": "abc"}, "amount"),
        ({"order_id": "with space"}, "order_id"),
        ({"utm_source": ""}, "utm_source"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "2000-01-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_a_bad_field_is_a_422_that_names_it(key, change, field):
    response = shop(key).post("/conversions", {**ORDER, **change})
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert Conversion.objects.count() == 0


def test_zero_decimal_currencies_take_whole_amounts(key):
    assert (
        shop(key).post("/conversions", {**ORDER, "currency": "JPY", "amount": "1500"}).status_code
        == 201
    )
    refused = shop(key).post(
        "/conversions", {**ORDER, "order_id": "B", "currency": "JPY", "amount": "1.5"}
    )
    assert refused.status_code == 422


def test_utm_content_of_a_post_attributes_the_order_to_it(community, key):
    post = make_post(community)
    other = make_post(make_community())
    mine = shop(key).post("/conversions", {**ORDER, "utm_content": f"post-{post.pk}"}).json()
    theirs = (
        shop(key)
        .post("/conversions", {**ORDER, "order_id": "B", "utm_content": f"post-{other.pk}"})
        .json()
    )
    assert mine["post_id"] == post.pk
    assert theirs["post_id"] is None


def test_reports_past_the_keys_limit_are_refused_with_429(key, monkeypatch):
    monkeypatch.setattr(actions, "CONVERSIONS_PER_MINUTE", 2)
    for n in range(2):
        assert shop(key).post("/conversions", {**ORDER, "order_id": f"o{n}"}).status_code == 201
    refused = shop(key).post("/conversions", {**ORDER, "order_id": "o3"})
    assert refused.status_code == 429
    assert refused["Retry-After"]


def test_the_owner_makes_a_key_shown_once_and_an_editor_may_not(community):
    editor = add_member(community, role=Role.EDITOR)
    made = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/conversion-keys", {"name": "Shop"}
    )
    listed = api_as(owner_of(community)).get(f"/communities/{community.slug}/conversion-keys")
    refused = api_as(editor).post(f"/communities/{community.slug}/conversion-keys", {"name": "x"})
    assert made.status_code == 201
    assert made.json()["key"].startswith("cck_")
    assert "key" not in listed.json()[0]
    assert refused.status_code == 403


def test_the_keys_page_shows_a_new_key_once(community):
    client = client_of(owner_of(community))
    url = f"/c/{community.slug}/manage/conversion-keys/"
    made = client.post(url, {"do": "create", "name": "Shop"})
    later = client.get(url)
    key = ConversionKey.objects.get()
    assert made.status_code == 201
    assert "cck_" in made.content.decode()
    assert later.status_code == 200
    assert key.prefix in later.content.decode()
    assert "Copy the key now" not in later.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_reports_of_one_order_at_once_write_one_row(community, key):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    row = ConversionKey.objects.select_related("community").get()
    results, errors = run_together(
        [lambda: actions.record_conversion(key=row, data=dict(ORDER)) for _ in range(2)]
    )
    assert not errors
    assert sorted(done.created for done in results) == [False, True]
    assert Conversion.objects.count() == 1
