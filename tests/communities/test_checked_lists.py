"""The community lists of the API, each community checked once per distinct row (core.schemas
`CheckedOnce`), answer what django-ninja's check of the whole answer gives."""

from __future__ import annotations

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from communa.communities.api.conversions import community_out
from communa.communities.api.schemas import CommunityOut
from communa.communities.models import Community
from communa.communities.selectors import search_communities
from communa.core import rows
from communa.core.schemas import CheckedOnce, Page
from tests.factories import make_community
from tests.support import api_as

pytestmark = pytest.mark.django_db


def checked_whole(schema, data) -> dict:
    """The answer checked whole against its schema and rendered, as django-ninja does it."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def test_a_search_answers_what_checking_the_whole_answer_gives():
    make_community(
        name="Cooking", description="Pans", links=[{"title": "Site", "url": "https://example.org"}]
    )
    make_community(name="Cooking club", event_place="Hanoi")
    api = api_as(None)
    for _ in range(2):  # checked the first time, then from the memo
        answer = api.get("/communities?q=cooking&limit=1")
        assert answer.status_code == 200
        page = search_communities(None, "cooking", limit=1)
        data = {"items": [community_out(c) for c in page.items], "next_cursor": page.next_cursor}
        assert answer.json() == checked_whole(Page[CommunityOut], data)
    assert answer.json()["items"][0]["links"] == [{"title": "Site", "url": "https://example.org"}]


def test_a_renamed_community_is_checked_again_and_shows_its_new_name():
    community = make_community(name="Cooking")
    api = api_as(None)
    assert api.get("/communities?q=cooking").json()["items"][0]["name"] == "Cooking"
    Community.objects.filter(pk=community.pk).update(name="Cooking together")
    assert api.get("/communities?q=cooking").json()["items"][0]["name"] == "Cooking together"


def test_the_catalog_answers_what_checking_the_whole_answer_gives():
    featured = make_community(name="First")
    Community.objects.filter(pk=featured.pk).update(featured=True, featured_rank=1)
    answer = api_as(None).get("/communities/catalog").json()
    expected = checked_whole(CommunityOut, community_out(Community.objects.get(pk=featured.pk)))
    assert answer == [expected]


def test_the_memo_keeps_at_most_its_size_and_checks_what_it_is_given():
    memo = CheckedOnce(CommunityOut, size=2)
    communities = [make_community(name=f"Club {index}") for index in range(3)]
    dumps = [memo(community_out(community)) for community in communities]
    assert [dump["name"] for dump in dumps] == ["Club 0", "Club 1", "Club 2"]
    assert len(memo._kept) <= 2
    assert memo(community_out(communities[2])) is dumps[2]
    with pytest.raises(ValueError, match="name"):
        memo({**community_out(communities[0]), "name": None})


def test_searching_again_builds_no_new_statement():
    make_community(name="Cooking")
    api = api_as(None)
    api.get("/communities?q=cooking")
    kept = len(rows._STATEMENTS)
    for _ in range(3):
        api.get("/communities?q=cooking")
    assert len(rows._STATEMENTS) == kept
