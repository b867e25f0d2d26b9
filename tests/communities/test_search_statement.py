"""Search from a statement written once gives the ORM's pages and cursors (R1.8)."""

from __future__ import annotations

import pytest
from django.db.models import Case, IntegerField, Q, Value, When

from communa.communities.models import Community, Privacy
from communa.communities.selectors import catalog, search_communities
from communa.core.errors import ValidationFailed
from communa.core.pagination import encode_cursor, keyset_page
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


def reference(query: str, cursor: str | None, limit: int):
    """The search as the ORM wrote it before (the same rules, built for each request)."""
    folded = " ".join((query or "").split()).casefold()[:100]
    found = Community.objects.exclude(privacy=Privacy.PRIVATE)
    if folded:
        loose = Q()
        for word in folded.split():
            loose &= Q(search_text__contains=word)
        found = found.filter(loose | Q(search_name__contains=folded)).annotate(
            rank=Case(
                When(search_name=folded, then=Value(0)),
                When(search_name__contains=folded, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    else:
        found = found.annotate(rank=Value(2, output_field=IntegerField()))
    return keyset_page(found, ["rank", "-member_count", "-id"], cursor=cursor, limit=limit)


def pages(search, query: str, limit: int = 2) -> list[tuple[list[int], str | None]]:
    out, cursor = [], None
    while True:
        page = search(query, cursor, limit)
        out.append(([community.pk for community in page.items], page.next_cursor))
        if not page.next_cursor:
            return out
        cursor = page.next_cursor


@pytest.fixture
def communities():
    owner = person("owner")
    rows = [
        ("Cook", "Recipes"),
        ("Learn to Cook", "Knife skills and stock"),
        ("Cooking club", "We cook on Sundays"),
        ("Bakers", "Bread; we also cook soup"),
        ("100% rye", "Sourdough only"),
        ("a_b testers", "Split tests"),
        ("Кулинария", "Рецепты и ножи"),
        ("Secret cooks", "Private cooking"),
    ]
    made = []
    for index, (name, description) in enumerate(rows):
        privacy = Privacy.PRIVATE if name.startswith("Secret") else Privacy.OPEN
        made.append(
            make_community(
                owner,
                name=name,
                slug=f"search-club-{index}",
                description=description,
                privacy=privacy,
            )
        )
    # Ties in members: the id decides within a rank.
    for community, members in zip(made, [5, 5, 9, 5, 1, 1, 3, 7], strict=True):
        Community.objects.filter(pk=community.pk).update(member_count=members)
    return made


@pytest.mark.parametrize(
    "query", ["", "cook", "COOK ", "learn to cook", "co", "cook soup", "100%", "a_b", "ножи", "zz"]
)
def test_every_page_and_cursor_is_the_orms(communities, query):
    def ours(q, cursor, limit):
        return search_communities(None, q, cursor=cursor, limit=limit)

    def theirs(q, cursor, limit):
        return reference(q, cursor, limit)

    assert pages(ours, query) == pages(theirs, query)


def test_the_ranks_come_first_then_the_most_members(communities):
    found = search_communities(None, "cook", limit=10).items
    names = [community.name for community in found]
    # the exact name, then names holding the words by members, then descriptions holding them
    assert names == ["Cook", "Cooking club", "Learn to Cook", "Bakers"]


@pytest.mark.parametrize("cursor", ["not-a-cursor", encode_cursor(["a", 1, 2]), encode_cursor([1])])
def test_a_made_up_cursor_is_a_clear_error_naming_it(communities, cursor):
    with pytest.raises(ValidationFailed) as refused:
        search_communities(None, "cook", cursor=cursor)
    assert list(refused.value.fields) == ["cursor"]


def test_the_catalog_is_the_featured_public_communities_in_their_order(communities):
    first, second, third, *_ = communities
    secret = communities[-1]
    for community, rank in ((first, 2), (second, 1), (third, 1), (secret, 0)):
        Community.objects.filter(pk=community.pk).update(featured=True, featured_rank=rank)
    assert [community.pk for community in catalog()] == [third.pk, second.pk, first.pk]
