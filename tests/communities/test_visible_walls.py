"""`visible_walls` filters many communities in one statement; it must agree with `can` everywhere."""

from __future__ import annotations

import itertools

import pytest

from communa.communities import permissions
from communa.communities.models import Community, Kind, Privacy, WallMode
from communa.communities.permissions import Action, Relation, can, visible_walls
from communa.walls.models import Post
from tests.communities.test_api_support import add_member, block, invite, make_community, person

pytestmark = pytest.mark.django_db


def communities_in_every_setting(actor, relation: Relation) -> list[Community]:
    """One community per privacy × wall mode × kind, the actor in `relation` to each."""
    found = []
    for privacy, mode, kind in itertools.product(Privacy.values, WallMode.values, Kind.values):
        if kind == Kind.PUBLIC_PAGE and privacy != Privacy.OPEN:
            continue  # a public page is always open (a database constraint)
        owner = actor if relation == Relation.OWNER else None
        community = make_community(owner, privacy=privacy)
        # The settings are test set-up: some pairs (an event's dates) need more than the kind.
        Community.objects.filter(pk=community.pk).update(wall_mode=mode, kind=kind)
        community.refresh_from_db()
        if relation in {Relation.ADMIN, Relation.EDITOR, Relation.MODERATOR, Relation.ANALYST}:
            add_member(community, actor, role=relation.value)
        elif relation == Relation.MEMBER:
            add_member(community, actor)
        elif relation == Relation.INVITED:
            invite(community, actor)
        elif relation == Relation.BLOCKED:
            block(community, actor)
        found.append(community)
    return found


@pytest.mark.parametrize("relation", list(Relation))
def test_visible_walls_agrees_with_the_table_for_every_relation_and_setting(relation):
    # given a person in this relation to communities of every privacy, wall mode and kind
    actor = None if relation == Relation.ANONYMOUS else person()
    communities = communities_in_every_setting(actor, relation)
    ids = [c.pk for c in communities]
    # when the walls they may read are filtered in one statement
    visible = set(
        visible_walls(actor, Community.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    # then exactly the communities `can` allows are kept
    expected = {c.pk for c in communities if can(actor, Action.VIEW_WALL, c)}
    assert visible == expected
    # and rows that belong to a community (posts) are filtered the same way through their key
    posts = Post.objects.bulk_create(
        [Post(community=c, author=c.created_by, body="Hello") for c in communities]
    )
    kept = visible_walls(
        actor, Post.objects.filter(pk__in=[p.pk for p in posts]), through="community"
    )
    assert {post.community_id for post in kept} == expected
    assert expected or relation != Relation.OWNER  # the walk is not vacuous


@pytest.mark.parametrize("readers", [{Relation.INVITED}, {Relation.BLOCKED}, {Relation.NON_MEMBER}])
@pytest.mark.parametrize("relation", [Relation.INVITED, Relation.BLOCKED, Relation.NON_MEMBER])
def test_visible_walls_tells_apart_outsiders_when_a_rule_does(monkeypatch, readers, relation):
    # given a table in which only some kinds of outsider may read a closed wall
    monkeypatch.setitem(
        permissions.MATRIX, Action.VIEW_WALL, {"*": permissions.MEMBERS | frozenset(readers)}
    )
    actor = person()
    community = make_community(privacy=Privacy.CLOSED)
    if relation == Relation.INVITED:
        invite(community, actor)
    elif relation == Relation.BLOCKED:
        invite(community, actor)  # a block wins over an invitation, as in standing_of
        block(community, actor)
    # when the walls are filtered
    found = visible_walls(actor, Community.objects.filter(pk=community.pk)).exists()
    # then the filter and `can` agree
    assert found == can(actor, Action.VIEW_WALL, community) == (relation in readers)
