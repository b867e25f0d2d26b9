"""`community_for` reads a member's standing with the community in one statement: what it gives
is what reading the community and then the standing gives, for every relation and privacy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.communities.models import Privacy
from communa.communities.permissions import MEMBERS, Action, Relation, standing_of
from communa.communities.selectors import community_at, community_for
from communa.core.errors import NotFound
from communa.core.fragments import row_values
from tests.factories import make_community, with_relation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_it_gives_what_the_community_and_the_standing_read_apart_give(relation, privacy):
    # given a community and a person in this relation to it, its address in other letters
    community = make_community(slug="Knife-Club", privacy=privacy)
    actor = with_relation(community, relation)
    expected = standing_of(actor, community_at("knife-club"))

    # when the person asks for it by its address
    with CaptureQueriesContext(connection) as queries:
        try:
            found, standing = community_for(actor, "KNIFE-club")
        except NotFound:
            found = standing = None

    # then they get the same row and standing as apart, or a 404 where they may not see it
    if standing is None:
        assert privacy == Privacy.PRIVATE
        assert expected.relation in {Relation.ANONYMOUS, Relation.NON_MEMBER, Relation.BLOCKED}
        return
    assert standing.relation == expected.relation == relation
    assert row_values(found) == row_values(community_at("knife-club"))
    if relation in MEMBERS:
        # a member's: one statement, the membership with its community
        assert len(queries) == 1
        assert standing.membership.pk == expected.membership.pk
        assert standing.membership.community is found


def test_no_such_community_is_a_404_for_members_of_others_too():
    community = make_community(slug="real")
    member = with_relation(community, Relation.MEMBER)
    with pytest.raises(NotFound):
        community_for(member, "not-there", Action.SEE)
