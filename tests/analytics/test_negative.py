"""R9.5: negative feedback as its own ledger: hides, reports, leaves within 24 hours of a view,
and negative comments (held by the checks and not approved, or marked by the team), per post
with its rate by reach and per local day with the period before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communa.analytics.audience.actions import mark_comment_negative
from communa.analytics.metrics.negative import (
    negative_by_post,
    negative_comments,
    negative_ledger,
)
from communa.analytics.models import NegativeComment
from communa.analytics.periods import period_of
from communa.communities.models import Community, MembershipEvent, Privacy, Role
from communa.communities.permissions import Action, Relation, allowed
from communa.core import hooks
from communa.core.errors import NotFound, PermissionRefused
from communa.core.gate import TextGate
from communa.core.models import AuditEntry
from communa.moderation.held import approve_held, reject_held
from communa.moderation.models import HeldItem
from communa.walls.models import Comment, Post, PostStatus
from tests.analytics.support import EventKind, event_at, rolled_up
from tests.factories import add_member, make_community, owner_of, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db

TOKYO = "Asia/Tokyo"  # UTC+9, no summer time
SEES_STATISTICS = {Relation.OWNER, Relation.ADMIN, Relation.EDITOR, Relation.ANALYST}


def community_in(zone: str = "UTC", **data) -> Community:
    community = make_community(slug="cooks", **data)
    Community.objects.filter(pk=community.pk).update(time_zone=zone)
    community.refresh_from_db()
    return community


def held_comment(post: Post, author) -> Comment:
    """A comment the community's stop words hold for a moderator."""
    owner = owner_of(post.community)
    response = api_as(owner).patch(
        f"/communities/{post.community.slug}/moderation/filters", {"stop_words": ["casino*"]}
    )
    assert response.status_code == 200, response.content
    comment = make_comment(post, author, "Best casino in town")
    assert comment.status == "held"
    return comment


def leave_after_view(community, post, at: datetime) -> None:
    """A member is shown the post and leaves two hours later."""
    member = add_member(community)
    event_at(EventKind.IMPRESSION, at - timedelta(hours=2), post=post, user=member)
    MembershipEvent.objects.create(
        community=community, user=member, kind=MembershipEvent.Kind.LEAVE, at=at
    )


def at_day(period, day: date):
    return next(d for d in period.days if d.day == day)


# --- the ledger ---------------------------------------------------------------------------------


def test_each_kind_of_negative_feedback_lands_on_its_local_day():
    # given a community in Tokyo and a post
    community = community_in(TOKYO)
    post = make_post(community)
    member = add_member(community)
    # 15:30 UTC on 10 March is 00:30 on 11 March in Tokyo; 14:30 UTC is still 10 March
    late = datetime(2024, 3, 10, 15, 30, tzinfo=UTC)
    early = datetime(2024, 3, 10, 14, 30, tzinfo=UTC)
    event_at(EventKind.HIDE, late, post=post, user=member)
    event_at(EventKind.REPORT, early, post=post, user=member)
    event_at(EventKind.REPORT, late, post=post, user=member)
    leave_after_view(community, post, late)
    rolled_up()

    # when the ledger of 10–11 March is read
    ledger = negative_ledger(
        community, period_of(community, start=date(2024, 3, 10), end=date(2024, 3, 11))
    )

    # then each count sits on the community's day
    tenth, eleventh = ledger.days
    assert (tenth.counts.hides, tenth.counts.reports, tenth.counts.leaves) == (0, 1, 0)
    assert (eleventh.counts.hides, eleventh.counts.reports, eleventh.counts.leaves) == (1, 1, 1)
    assert ledger.totals.total == 4


def test_the_previous_period_is_the_same_number_of_days_just_before():
    community = community_in()
    post = make_post(community)
    member = add_member(community)
    event_at(EventKind.HIDE, datetime(2024, 3, 3, 12, tzinfo=UTC), post=post, user=member)
    event_at(EventKind.HIDE, datetime(2024, 3, 4, 12, tzinfo=UTC), post=post, user=member)
    event_at(EventKind.HIDE, datetime(2024, 3, 8, 12, tzinfo=UTC), post=post, user=member)
    rolled_up()

    ledger = negative_ledger(
        community, period_of(community, start=date(2024, 3, 7), end=date(2024, 3, 9))
    )

    assert (ledger.previous.first, ledger.previous.last) == (date(2024, 3, 4), date(2024, 3, 6))
    assert ledger.previous_totals.hides == 1  # the 3rd is before the previous period too
    assert ledger.totals.hides == 1
    assert ledger.change == 0
    assert ledger.change_percent == 0.0


def test_a_held_comment_counts_until_a_moderator_approves_it_and_a_rejected_one_stays():
    # given two comments the checks held
    community = community_in()
    post = make_post(community)
    owner = owner_of(community)
    kept = held_comment(post, add_member(community))
    cleared = held_comment(post, add_member(community))
    make_comment(post, add_member(community), "Lovely recipe")

    # when a moderator rejects one and approves the other
    reject_held(
        actor=owner, community=community, item=HeldItem.objects.get(comment=kept), reason="spam"
    )
    approve_held(actor=owner, community=community, item=HeldItem.objects.get(comment=cleared))

    # then only the rejected comment is negative
    assert list(negative_comments(community)) == [kept]
    (row,) = negative_by_post(community)
    assert row.counts.comments == 1


def test_a_comment_both_held_and_marked_counts_once_on_the_day_it_was_written():
    community = community_in(TOKYO)
    post = make_post(community)
    owner = owner_of(community)
    comment = held_comment(post, add_member(community))
    written = datetime(2024, 5, 1, 16, tzinfo=UTC)  # 2 May, 01:00 in Tokyo
    Comment.objects.filter(pk=comment.pk).update(created_at=written)
    mark_comment_negative(actor=owner, community=community, comment=comment, negative=True)

    ledger = negative_ledger(
        community, period_of(community, start=date(2024, 5, 1), end=date(2024, 5, 2))
    )

    assert [d.counts.comments for d in ledger.days] == [0, 1]


def test_feedback_on_a_deleted_post_stays_in_the_days_but_the_post_leaves_the_table():
    community = community_in()
    gone, kept = make_post(community, body="Gone"), make_post(community, body="Kept")
    member = add_member(community)
    moment = datetime(2024, 3, 5, 12, tzinfo=UTC)
    event_at(EventKind.HIDE, moment, post=gone, user=member)
    event_at(EventKind.HIDE, moment, post=kept, user=member)
    rolled_up()
    Post.objects.filter(pk=gone.pk).update(status=PostStatus.DELETED)

    ledger = negative_ledger(
        community, period_of(community, start=date(2024, 3, 5), end=date(2024, 3, 5))
    )

    assert ledger.totals.hides == 2
    assert [row.post.pk for row in negative_by_post(community)] == [kept.pk]


# --- per post -----------------------------------------------------------------------------------


def test_the_rate_is_negative_feedback_over_reach_and_absent_without_reach():
    community = community_in()
    seen, unseen = make_post(community, body="Seen"), make_post(community, body="Unseen")
    Post.objects.filter(pk=seen.pk).update(reach_count=40)
    member = add_member(community)
    moment = datetime(2024, 3, 5, 12, tzinfo=UTC)
    event_at(EventKind.HIDE, moment, post=seen, user=member)
    event_at(EventKind.REPORT, moment, post=seen, user=member)
    leave_after_view(community, seen, moment)
    rolled_up()

    rows = {row.post.pk: row for row in negative_by_post(community)}

    assert rows[seen.pk].counts.total == 3
    assert rows[seen.pk].rate == 7.5
    assert rows[unseen.pk].rate is None


def test_posts_sort_by_any_column_and_posts_without_a_rate_go_last():
    community = community_in()
    posts = [make_post(community, body=f"Post {n}") for n in range(3)]
    member = add_member(community)
    Post.objects.filter(pk=posts[0].pk).update(reach_count=10)
    Post.objects.filter(pk=posts[1].pk).update(reach_count=100)
    for post in posts[:2]:
        event_at(EventKind.HIDE, datetime(2024, 3, 5, tzinfo=UTC), post=post, user=member)
    rolled_up()

    by_rate = [row.post.pk for row in negative_by_post(community, sort="-rate")]
    by_rate_up = [row.post.pk for row in negative_by_post(community, sort="rate")]
    newest_first = [row.post.pk for row in negative_by_post(community)]

    assert by_rate == [posts[0].pk, posts[1].pk, posts[2].pk]
    assert by_rate_up == [posts[1].pk, posts[0].pk, posts[2].pk]
    assert newest_first == [posts[2].pk, posts[1].pk, posts[0].pk]


def test_the_post_table_reads_a_fixed_number_of_queries(settings):
    community = community_in()
    member = add_member(community)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            negative_by_post(community)
        return len(captured)

    make_post(community)
    few = queries()
    for n in range(6):
        post = make_post(community, body=f"More {n}")
        event_at(EventKind.HIDE, datetime(2024, 3, 5, tzinfo=UTC), post=post, user=member)
        make_comment(post, member)
    rolled_up()
    assert queries() == few == 3


# --- the team's mark ----------------------------------------------------------------------------


def test_marking_is_for_moderators_and_up_and_is_audited():
    community = community_in()
    post = make_post(community)
    comment = make_comment(post, add_member(community))
    analyst = add_member(community, role=Role.ANALYST)
    moderator = add_member(community, role=Role.MODERATOR)

    with pytest.raises(PermissionRefused):
        mark_comment_negative(actor=analyst, community=community, comment=comment, negative=True)
    mark_comment_negative(actor=moderator, community=community, comment=comment, negative=True)
    mark_comment_negative(actor=moderator, community=community, comment=comment, negative=True)

    mark = NegativeComment.objects.get(comment=comment)
    assert mark.marked_by == moderator
    assert AuditEntry.objects.filter(action="comment.mark_negative").count() == 1
    assert Comment.objects.get(pk=comment.pk).status == "visible"  # walls' row is untouched

    mark_comment_negative(actor=moderator, community=community, comment=comment, negative=False)
    assert not NegativeComment.objects.exists()


def test_a_comment_of_another_community_cannot_be_marked_here():
    community, other = community_in(), make_community()
    comment = make_comment(make_post(other), add_member(other))
    with pytest.raises(NotFound):
        mark_comment_negative(
            actor=owner_of(community), community=community, comment=comment, negative=True
        )


def test_the_api_marks_and_unmarks_and_hides_other_communities_comments():
    community = community_in()
    other = make_community()
    comment = make_comment(make_post(community), add_member(community))
    stranger = make_comment(make_post(other), add_member(other))
    api = api_as(owner_of(community))

    marked = api.call("put", f"/communities/cooks/stats/negative-comments/{comment.pk}")
    assert marked.status_code == 200, marked.content
    assert marked.json() == {"comment": comment.pk, "marked": True}
    listed = api.get("/communities/cooks/stats/negative-feedback/comments?negative=true").json()
    assert [(c["id"], c["marked"], c["flagged"]) for c in listed["items"]] == [
        (comment.pk, True, False)
    ]
    unmarked = api.delete(f"/communities/cooks/stats/negative-comments/{comment.pk}")
    assert unmarked.json() == {"comment": comment.pk, "marked": False}
    missing = api.call("put", f"/communities/cooks/stats/negative-comments/{stranger.pk}")
    assert missing.status_code == 404
    error_of(missing)


def test_the_page_marks_a_comment_from_its_list():
    community = community_in()
    comment = make_comment(make_post(community), add_member(community), "Dreadful")
    client = client_of(owner_of(community))

    page = client.get("/c/cooks/statistics/negative-feedback/")
    assert b"Mark negative" in page.content
    response = client.post(
        f"/c/cooks/statistics/negative-feedback/comments/{comment.pk}/",
        {"negative": "1", "next": "/c/cooks/statistics/negative-feedback/?negative=1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/c/cooks/statistics/negative-feedback/?negative=1"
    assert NegativeComment.objects.filter(comment=comment).exists()
    assert b"Marked negative" in client.get(response["Location"]).content


def test_an_analyst_sees_the_marks_but_no_button():
    community = community_in()
    make_comment(make_post(community), add_member(community))
    page = client_of(add_member(community, role=Role.ANALYST)).get(
        "/c/cooks/statistics/negative-feedback/"
    )
    assert page.status_code == 200
    assert b"Mark negative" not in page.content


# --- the page and the API -----------------------------------------------------------------------


def test_the_api_gives_days_totals_the_previous_period_and_posts():
    community = community_in()
    post = make_post(community)
    Post.objects.filter(pk=post.pk).update(reach_count=50)
    event_at(
        EventKind.HIDE, datetime(2024, 3, 5, 12, tzinfo=UTC), post=post, user=add_member(community)
    )
    rolled_up()

    response = api_as(owner_of(community)).get(
        "/communities/cooks/stats/negative-feedback?start=2024-03-05&end=2024-03-06&sort=-rate"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"]["days"] == 2
    assert body["previous_period"]["start"] == "2024-03-03"
    assert body["totals"]["hides"] == 1
    assert body["change_percent"] is None
    assert [d["total"] for d in body["days"]] == [1, 0]
    assert body["posts"][0]["rate"] == 2.0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=fortnight", "period"),
        ("start=2024-03-05&end=2024-03-01", "end"),
        ("start=2014-01-01&end=2024-01-01", "end"),
        ("start=2024-03-05", "end"),
    ],
)
def test_a_bad_period_is_a_422_naming_the_field(query, field):
    community = community_in()
    response = api_as(owner_of(community)).get(
        f"/communities/cooks/stats/negative-feedback?{query}"
    )
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    page = client_of(owner_of(community)).get(f"/c/cooks/statistics/negative-feedback/?{query}")
    assert page.status_code == 422


def test_the_page_shows_an_accessible_chart_with_its_numbers_and_the_csvs():
    community = community_in()
    post = make_post(community, body="=HYPERLINK(evil)")
    event_at(
        EventKind.REPORT,
        datetime(2024, 3, 5, 12, tzinfo=UTC),
        post=post,
        user=add_member(community),
    )
    rolled_up()
    client = client_of(owner_of(community))

    page = client.get("/c/cooks/statistics/negative-feedback/?start=2024-03-04&end=2024-03-05")
    days = client.get(
        "/c/cooks/statistics/negative-feedback/?start=2024-03-04&end=2024-03-05&csv=days"
    )
    posts = client.get("/c/cooks/statistics/negative-feedback/?csv=posts")

    html = page.content.decode()
    assert 'role="img"' in html
    assert '<title id="negative-chart-title">' in html
    assert '<desc id="negative-chart-desc">' in html
    assert days["Content-Type"].startswith("text/csv")
    assert days.content.decode("utf-8-sig").splitlines()[1:] == [
        "2024-03-04,0,0,0,0,0",
        "2024-03-05,0,1,0,0,1",
    ]
    assert "'=HYPERLINK(evil)" in posts.content.decode()


def test_the_page_reads_a_fixed_number_of_queries_however_many_posts_and_comments():
    community = community_in()
    owner = owner_of(community)
    client = client_of(owner)
    member = add_member(community)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/c/cooks/statistics/negative-feedback/").status_code == 200
        return len(captured)

    make_comment(make_post(community), member)
    few = queries()
    for n in range(5):
        post = make_post(community, body=f"Post {n}")
        make_comment(post, member)
        make_comment(post, add_member(community))
    assert queries() == few


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_only_who_sees_statistics_gets_the_page_and_the_api(relation, privacy):
    community = community_in(privacy=privacy)
    viewer = with_relation(community, relation)
    page = client_of(viewer).get("/c/cooks/statistics/negative-feedback/")
    answer = api_as(viewer).get("/communities/cooks/stats/negative-feedback")
    assert allowed(Action.VIEW_STATISTICS, privacy) == SEES_STATISTICS
    if relation in SEES_STATISTICS:
        assert (page.status_code, answer.status_code) == (200, 200)
    elif relation == Relation.ANONYMOUS:
        assert (page.status_code, answer.status_code) == (302, 401)
    elif relation not in allowed(Action.SEE, privacy):
        assert (page.status_code, answer.status_code) == (404, 404)
    else:
        assert (page.status_code, answer.status_code) == (403, 403)


def test_without_moderation_only_the_team_s_marks_are_negative(monkeypatch):
    # given a held comment and a marked one
    community = community_in()
    post = make_post(community)
    held_comment(post, add_member(community))
    marked = make_comment(post, add_member(community), "Meh")
    mark_comment_negative(
        actor=owner_of(community), community=community, comment=marked, negative=True
    )

    # when no service answers the kernel's text gate
    monkeypatch.setitem(hooks._plugged, TextGate, TextGate())

    # then only the team's mark counts
    assert list(negative_comments(community)) == [marked]
