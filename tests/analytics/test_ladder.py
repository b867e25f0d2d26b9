"""R9.6: the participation ladder (90-9-1) over a period, from the members' day cells and the
posts they published: inactive members apart, lurkers, contributors, and the core (top 1 % of
the ladder, at least one, ties at the boundary included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.analytics.metrics.ladder import Contributions, core_of, participation_ladder
from communa.analytics.periods import period_of
from communa.communities.models import Community, Membership, Privacy, Role
from communa.communities.permissions import Action, Relation, allowed
from communa.walls.models import Post, PostStatus
from tests.analytics.support import EventKind, event_at, rolled_up
from tests.factories import add_member, make_community, owner_of, person, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

SEES_STATISTICS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}
DAY = datetime(2024, 3, 5, 12, tzinfo=UTC)


def community_in(zone: str = "UTC", **data) -> Community:
    community = make_community(slug="cooks", **data)
    Community.objects.filter(pk=community.pk).update(time_zone=zone)
    community.refresh_from_db()
    return community


def march(community):
    return period_of(community, start=date(2024, 3, 1), end=date(2024, 3, 31))


def acts(user, post, *kinds: str, at: datetime = DAY) -> None:
    for kind in kinds:
        event_at(kind, at, post=post, user=user)


def published_by(community, author, at: datetime = DAY) -> Post:
    post = make_post(community, author=author, body=f"By {author.username}")
    Post.objects.filter(pk=post.pk).update(published_at=at)
    return post


# --- the rungs ----------------------------------------------------------------------------------


def test_members_stand_on_the_rung_their_views_and_contributions_put_them():
    # given an audience of five: a reader, a liker, a commenter and poster, a sharer, an idler
    community = community_in()
    post = make_post(community)
    reader, liker, writer, sharer, _idle = (add_member(community) for _n in range(5))
    acts(reader, post, EventKind.IMPRESSION, EventKind.IMPRESSION)
    acts(liker, post, EventKind.IMPRESSION, EventKind.LIKE)
    acts(writer, post, EventKind.COMMENT, EventKind.COMMENT)
    published_by(community, writer)
    acts(sharer, post, EventKind.SHARE)
    rolled_up()

    # when the ladder of March is read
    ladder = participation_ladder(community, march(community))

    # then the writer (3 contributions) is the core, two contribute, one lurks, one is inactive
    assert ladder.members == 5
    assert (ladder.inactive, ladder.lurkers, ladder.contributors, ladder.core_count) == (
        1,
        1,
        2,
        1,
    )
    assert [m.user for m in ladder.core] == [writer]
    assert ladder.core[0].contributions.total == 3
    assert ladder.contributions == 5
    assert ladder.core_share_of_contributions == 60.0
    assert (ladder.lurkers_share, ladder.contributors_share, ladder.core_share) == (
        25.0,
        50.0,
        25.0,
    )
    assert ladder.inactive_share == 20.0


def test_an_unlike_takes_back_its_like_and_never_goes_below_nothing():
    community = community_in()
    post = make_post(community)
    changed_mind, old_like = add_member(community), add_member(community)
    acts(changed_mind, post, EventKind.IMPRESSION, EventKind.LIKE, EventKind.UNLIKE)
    # liked in February, took it back in March: no contribution in March, not −1
    acts(old_like, post, EventKind.LIKE, at=datetime(2024, 2, 20, tzinfo=UTC))
    acts(old_like, post, EventKind.UNLIKE, EventKind.IMPRESSION)
    rolled_up()

    ladder = participation_ladder(community, march(community))

    assert (ladder.lurkers, ladder.contributors, ladder.core_count) == (2, 0, 0)
    assert ladder.contributions == 0


def test_the_window_is_whole_days_on_the_community_clock():
    # given a community in Tokyo (UTC+9) and comments either side of 1 March's local midnight
    community = community_in("Asia/Tokyo")
    post = make_post(community)
    before, inside = add_member(community), add_member(community)
    acts(before, post, EventKind.COMMENT, at=datetime(2024, 2, 29, 14, 59, tzinfo=UTC))
    acts(inside, post, EventKind.COMMENT, at=datetime(2024, 2, 29, 15, 0, tzinfo=UTC))
    rolled_up()

    ladder = participation_ladder(community, march(community))

    assert [m.user for m in ladder.core] == [inside]
    assert ladder.inactive == 1


def test_the_team_and_blocked_or_departed_people_are_not_in_the_audience():
    community = community_in()
    post = make_post(community)
    editor = add_member(community, role=Role.EDITOR)
    gone = add_member(community)
    member = add_member(community)
    for user in (owner_of(community), editor, gone, member):
        acts(user, post, EventKind.COMMENT)
    published_by(community, editor)
    rolled_up()
    # the block and the leave remove the membership
    Membership.objects.filter(user=gone).delete()

    ladder = participation_ladder(community, march(community))

    assert ladder.members == 1
    assert [m.user for m in ladder.core] == [member]
    assert ladder.contributions == 1


def test_posts_count_when_published_in_the_period_and_still_published():
    community = community_in()
    author, deleter = add_member(community), add_member(community)
    published_by(community, author)
    published_by(community, author, at=datetime(2024, 4, 1, tzinfo=UTC))
    deleted = published_by(community, deleter)
    Post.objects.filter(pk=deleted.pk).update(status=PostStatus.DELETED)

    ladder = participation_ladder(community, march(community))

    assert [(m.user, m.contributions.posts) for m in ladder.core] == [(author, 1)]
    assert ladder.inactive == 1


# --- the 1 % boundary ---------------------------------------------------------------------------


def rows(*totals: int) -> list[Contributions]:
    return [Contributions(user_id=n + 1, comments=t) for n, t in enumerate(totals)]


def test_the_core_is_one_percent_of_the_ladder_rounded_down_and_at_least_one():
    ladder = rows(9, 8, 7, *([1] * 197))  # 200 on the ladder: 2 in the core
    core, target = core_of(ladder, len(ladder))
    assert target == 2
    assert [r.user_id for r in core] == [1, 2]

    small = rows(5, 3)
    core, target = core_of(small, len(small))
    assert (target, [r.user_id for r in core]) == (1, [1])


def test_members_tied_with_the_last_core_place_are_all_core():
    ladder = rows(9, 4, 4, 4, *([1] * 196))  # 200: the target is 2, three tie for second
    core, target = core_of(ladder, len(ladder))
    assert target == 2
    assert [r.user_id for r in core] == [1, 2, 3, 4]


def test_nobody_is_core_without_a_contribution():
    ladder = [Contributions(user_id=1, views=3)]
    assert core_of(ladder, 1) == ([], 1)


def test_the_ladder_reads_a_fixed_number_of_queries():
    community = community_in()
    post = make_post(community)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            participation_ladder(community, march(community))
        return len(captured)

    acts(add_member(community), post, EventKind.COMMENT)
    rolled_up()
    few = queries()
    for _n in range(6):
        member = add_member(community)
        acts(member, post, EventKind.COMMENT, EventKind.LIKE)
        published_by(community, member)
    rolled_up()
    assert queries() == few == 4


# --- the page and the API -----------------------------------------------------------------------


def test_the_api_gives_the_rungs_and_the_core_with_profile_links():
    community = community_in()
    post = make_post(community)
    star = add_member(community, person("star"))
    acts(star, post, EventKind.COMMENT, EventKind.SHARE)
    acts(add_member(community), post, EventKind.IMPRESSION)
    rolled_up()

    response = api_as(owner_of(community)).get(
        "/communities/cooks/stats/participation?period=custom&start=2024-03-01&end=2024-03-31"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["lurkers"], body["contributors"], body["core_count"]) == (1, 0, 1)
    assert body["core"][0]["username"] == "star"
    assert body["core"][0]["profile_url"] == "/u/star/wall/"
    assert body["core"][0]["contributions"] == 2
    assert body["core_share_of_contributions"] == 100.0


def test_an_unknown_period_is_a_422():
    community = community_in()
    response = api_as(owner_of(community)).get("/communities/cooks/stats/participation?period=8")
    assert response.status_code == 422
    assert "period" in error_of(response)["fields"]


def test_the_page_lists_the_core_with_links_and_gives_a_csv():
    community = community_in()
    post = make_post(community)
    star = add_member(community, person("star", display_name="Star Cook"))
    acts(star, post, EventKind.COMMENT)
    rolled_up()
    client = client_of(owner_of(community))

    page = client.get("/c/cooks/statistics/participation/?start=2024-03-01&end=2024-03-31")
    data = client.get("/c/cooks/statistics/participation/?start=2024-03-01&end=2024-03-31&csv=core")

    assert page.status_code == 200
    assert '<a href="/u/star/wall/">Star Cook</a>' in page.content.decode()
    assert data.content.decode("utf-8-sig").splitlines()[1] == "star,Star Cook,1,0,1,0,0,0"


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_only_who_sees_statistics_gets_the_ladder(relation, privacy):
    community = community_in(privacy=privacy)
    viewer = with_relation(community, relation)
    page = client_of(viewer).get("/c/cooks/statistics/participation/")
    answer = api_as(viewer).get("/communities/cooks/stats/participation")
    if relation in SEES_STATISTICS:
        assert (page.status_code, answer.status_code) == (200, 200)
    elif relation == Relation.ANONYMOUS:
        assert (page.status_code, answer.status_code) == (302, 401)
    elif relation not in allowed(Action.SEE, privacy):
        assert (page.status_code, answer.status_code) == (404, 404)
    else:
        assert (page.status_code, answer.status_code) == (403, 403)
