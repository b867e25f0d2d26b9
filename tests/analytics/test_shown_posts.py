"""The buffered flush keeps one row per page view, not an event per post shown
(ADR 0008), and the rollup adds those rows to the day cells: every statistic comes out as it
does from the same page views recorded one event per post and rolled up."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from communa.analytics.best_times import read_activity
from communa.analytics.impressions import flush_impressions
from communa.analytics.ingest import Viewer, record_impressions
from communa.analytics.models import (
    CommunityDay,
    Event,
    EventKind,
    MemberDay,
    Platform,
    PostDay,
    PostViewer,
    ReachSpan,
    RollupState,
    ShownPosts,
)
from communa.communities.actions.membership import join_community, leave_community
from communa.communities.models import Community, MembershipEvent
from communa.walls.models import Post
from tests.analytics.support import rolled_up
from tests.factories import make_community, person
from tests.support import api_as, client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def _community(slug: str, time_zone: str) -> Community:
    community = make_community(person(), slug=slug, privacy="open")
    Community.objects.filter(pk=community.pk).update(time_zone=time_zone)
    community.refresh_from_db()
    return community


@pytest.fixture
def pages(monkeypatch):
    """Two communities in far apart zones, members and visitors who see their posts over three
    days on three platforms, a profile post, a post deleted after it was seen, and a member who
    leaves the day after; `show()` records all of it in the mode the settings say."""
    berlin = _community("berlin", "Europe/Berlin")
    east = _community("east", "Asia/Vladivostok")
    posts = [make_post(berlin, body=f"Berlin {i}") for i in range(3)]
    posts += [make_post(east, body=f"East {i}") for i in range(2)]
    shown_then_gone = {"post": make_post(east, body="Deleted later")}
    profile = Post.objects.create(
        author=person(), profile=person(), body="Shared", status="published"
    )
    mira, oleg = person("mira"), person("oleg")
    for member in (mira, oleg):
        join_community(actor=member, community=berlin)
        join_community(actor=member, community=east)
    # From 22:30 UTC three days ago (the next day already in Vladivostok, not in Berlin); the
    # leave at the real time, as the membership's own clock writes it.
    real = timezone.now
    start = (real() - timedelta(days=3)).replace(hour=22, minute=30, second=0, microsecond=0)
    clock = {"now": start}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"] or real())
    readers = [
        Viewer(user_id=mira.pk, key=f"u{mira.pk}", platform=Platform.WEB),
        Viewer(user_id=oleg.pk, key=f"u{oleg.pk}", platform=Platform.API),
        Viewer(user_id=None, key="vvisitor", platform=Platform.MOBILE_WEB),
    ]

    def show() -> None:
        if not berlin.memberships.filter(user=oleg).exists():
            join_community(actor=oleg, community=berlin)  # left in an earlier round
        for day in range(3):
            for hour in (0, 7):
                clock["now"] = start + timedelta(days=day, hours=hour)
                for index, reader in enumerate(readers):
                    # a feed across both communities, a wall, a post page
                    gone = shown_then_gone["post"]
                    record_impressions(reader, [*posts[index:], gone, profile])
                    record_impressions(reader, posts[:3])
                    record_impressions(reader, [posts[3]])
        clock["now"] = None
        leave_community(actor=oleg, community=berlin)

    return {"show": show, "berlin": berlin, "east": east, "gone": shown_then_gone, "start": start}


def _statistics(pages) -> dict:
    """Every statistic the impressions feed, as plain values."""

    def rows(model, *order, keep=lambda name: True):
        return [
            {k: v for k, v in model_to_dict(row).items() if k != "id" and keep(k)}
            for row in model.objects.order_by(*order)
        ]

    # A community's day also counts joins and leaves, which each round makes its own.
    def impressions(name: str) -> bool:
        return name in {"community", "day"} or name.startswith("impressions")

    activity = {}
    for name in ("berlin", "east"):
        community = pages[name]
        since = int((pages["start"] - timedelta(days=1)).timestamp())
        found = read_activity(
            community, ZoneInfo(community.time_zone), since, since + 8 * 24 * 3600
        )
        activity[name] = (found.weights, found.events, found.members, found.first_second)
    return {
        # (a day with only joins or leaves is each round's own)
        "community days": [
            row
            for row in rows(CommunityDay, "community_id", "day", keep=impressions)
            if row["impressions"]
        ],
        "post days": rows(PostDay, "post_id", "day"),
        "member days": rows(MemberDay, "community_id", "user_id", "day"),
        "reach": [
            (r["community"], r["level"], r["start"], r["platform"], r["viewers"])
            for r in rows(ReachSpan, "community_id", "level", "start", "platform")
        ],
        "counters": list(
            Post.objects.order_by("pk").values_list("pk", "impression_count", "reach_count")
        ),
        "viewers": PostViewer.objects.count(),
        "best times": activity,
    }


def _record_and_count(pages, settings, mode: str) -> dict:
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": mode,
        "IMPRESSIONS_BUFFER": "database",
    }
    pages["show"]()
    if mode == "buffered":
        flush_impressions()
    rolled_up()
    # The best times before a post is deleted: its events go with it, the flush's rows keep it
    # (the member was there at that hour all the same).
    before = _statistics(pages)["best times"]
    # A post deleted once counted: its impressions stay in its community's days.
    Post.objects.filter(pk=pages["gone"]["post"].pk).delete()
    rolled_up()
    return {**_statistics(pages), "best times": before}


def _forget_statistics() -> None:
    models = (Event, ShownPosts, CommunityDay, PostDay, MemberDay, ReachSpan, PostViewer)
    for model in (*models, MembershipEvent):
        model.objects.all().delete()
    RollupState.objects.all().delete()
    Post.objects.update(impression_count=0, reach_count=0)


def test_the_flush_gives_every_statistic_that_events_rolled_up_give(pages, settings):
    # given the statistics of the page views recorded as one event per post shown, rolled up
    direct = _record_and_count(pages, settings, "direct")
    assert Event.objects.filter(kind=EventKind.IMPRESSION).exists()
    assert not ShownPosts.objects.exists()
    assert direct["community days"]
    assert any(row["leaves_after_view"] for row in direct["post days"])
    assert all(activity[1] for activity in direct["best times"].values())
    _forget_statistics()
    pages["gone"]["post"] = make_post(pages["east"], body="Deleted later, again")

    # when the same page views are buffered and flushed
    buffered = _record_and_count(pages, settings, "buffered")

    # then no impression is an event, and every statistic is the same
    assert not Event.objects.filter(kind=EventKind.IMPRESSION).exists()
    for name, value in direct.items():
        assert buffered[name] == value, name


def test_a_page_view_is_one_row_and_the_rollup_counts_each_row_once(pages, settings):
    # given a flush of the page views
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "database",
    }
    pages["show"]()
    written = flush_impressions()

    # then each page view is one row (3 days, 2 hours, 3 readers, 3 pages) holding its posts'
    # ids by community: a feed across both communities names each post's
    rows = list(ShownPosts.objects.order_by("pk"))
    assert len(rows) == 3 * 2 * 3 * 3
    assert sum(row.shown for row in rows) == written - 18  # the profile post: its counters only
    both = {pages["berlin"].pk, pages["east"].pk}
    assert {c for row in rows for c, _ids in row.parts()} == both
    assert {row.community_id for row in rows} == {*both, None}
    assert all(row.shown == len(row.ids()) == len(set(row.ids())) for row in rows)
    community_of = dict(Post.objects.values_list("pk", "community_id"))
    for row in rows:
        assert all(community_of[p] == c for c, ids in row.parts() for p in ids)
    assert not CommunityDay.objects.exists()  # the cells are the rollup's
    # and the rollup adds every row to the day cells once: a second one adds nothing
    rolled_up()
    counted = sum(CommunityDay.objects.values_list("impressions", flat=True))
    assert counted == written - 18
    rolled_up()
    assert sum(CommunityDay.objects.values_list("impressions", flat=True)) == counted


def test_page_views_buffered_then_rolled_up_show_in_the_statistics_api_and_page(
    settings, monkeypatch
):
    # given a community whose two posts members read on its wall (web) and in their feed (API),
    # and a visitor reads on its wall, with impressions buffered
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "database",
    }
    olga = person("olga")
    community = make_community(olga, slug="cooks", privacy="open")
    for body in ("Knife skills", "Sourdough"):
        make_post(community, body=body)
    mira, oleg = person("mira"), person("oleg")
    for member in (mira, oleg):
        join_community(actor=member, community=community)
    # a few minutes ago: the best times read whole seconds before now
    earlier = timezone.now() - timedelta(minutes=5)
    with monkeypatch.context() as clock:
        clock.setattr("django.utils.timezone.now", lambda: earlier)
        assert client_of(mira).get("/c/cooks/wall/").status_code == 200
        assert api_as(oleg).get("/feed").status_code == 200
        assert client_of(None).get("/c/cooks/wall/").status_code == 200
    owner = api_as(olga)

    def dashboard() -> dict:
        return owner.get("/communities/cooks/stats/dashboard?period=7").json()

    # when the worker flushes: the rows are written, the statistics wait for the rollup
    assert flush_impressions() == 6
    assert ShownPosts.objects.count() == 3
    assert dashboard()["impressions"]["all"] == 0

    # then once rolled up, the API and the page show each impression once
    rolled_up()
    body = dashboard()
    assert body["impressions"] == {"all": 6, "web": 4, "mobile_web": 0, "api": 2}
    assert body["reach"]["all"] == 3
    page = client_of(olga).get("/c/cooks/statistics/platforms.csv?period=7")
    table = list(csv.DictReader(io.StringIO(page.content.decode("utf-8-sig"))))
    assert table[-1] == {"platform": "all", "reach": "3", "impressions": "6"}
    # and the best times count the members' views (the visitor and the owner's team are out)
    sample = owner.get("/communities/cooks/best-times").json()["sample"]
    assert (sample["events"], sample["members"]) == (4, 2)


def test_a_feed_row_counts_in_each_of_its_communities_and_outlives_its_reader(settings):
    # given a member's feed across two communities, flushed as one row
    settings.COMMUNA = {
        **settings.COMMUNA,
        "IMPRESSIONS_MODE": "buffered",
        "IMPRESSIONS_BUFFER": "database",
    }
    kept, gone = _community("kept", "Europe/Berlin"), _community("gone", "Asia/Vladivostok")
    mira = person("mira")
    for community in (kept, gone):
        join_community(actor=mira, community=community)
    first, second = make_post(kept, body="First"), make_post(kept, body="Second")
    theirs = make_post(gone, body="Theirs")
    reader = Viewer(user_id=mira.pk, key=f"u{mira.pk}", platform=Platform.WEB)
    record_impressions(reader, [first, theirs, second])
    assert flush_impressions() == 3
    row = ShownPosts.objects.get()
    assert row.community_id is None
    assert row.parts() == [(kept.pk, (first.pk, second.pk)), (gone.pk, (theirs.pk,))]

    # when the reader deletes their account and one post is deleted, before the rollup
    mira.delete()
    second.delete()

    # then the row stays, without its reader, and the rollup counts each community's part in
    # its own day (the deleted post in its community's day only)
    row.refresh_from_db()
    assert row.user_id is None
    rolled_up()
    days = CommunityDay.objects.filter(impressions__gt=0).order_by("community_id")
    assert list(days.values_list("community_id", "impressions")) == [(kept.pk, 2), (gone.pk, 1)]
    posts = PostDay.objects.order_by("post_id").values_list("post_id", "impressions")
    assert list(posts) == [(first.pk, 1), (theirs.pk, 1)]
