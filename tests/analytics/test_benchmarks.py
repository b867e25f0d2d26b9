"""R9.10: the benchmark of a community against its watched pages: the real UCI file's totals
and ERs, the community's own side, who may see and change it, the page, its CSV and its cost."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communa.analytics.benchmarks.actions import import_watched_page
from communa.analytics.benchmarks.queries import benchmark_comparison
from communa.analytics.metrics.audience import members_at, members_at_moments
from communa.analytics.models import WatchedPage
from communa.analytics.periods import period_of
from communa.communities.actions import join_community, leave_community
from communa.communities.models import MembershipEvent, Privacy, Role
from communa.communities.permissions import Action, Relation, allowed
from communa.walls.models import Post
from tests.analytics.test_import_posts import ROW_A, ROW_B, ROW_EMPTY_LIKE, uci
from tests.factories import add_member, make_community, owner_of, person, with_relation
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("COMMUNA_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")
UCI_FILE = SHARED_DATA / "facebook-metrics" / "dataset_Facebook.csv"
SEES_STATISTICS = allowed(Action.VIEW_STATISTICS, Privacy.OPEN)
PLANS = allowed(Action.PLAN_CONTENT, Privacy.OPEN)


def real_file() -> bytes:
    if not UCI_FILE.exists():
        pytest.skip(
            f"The UCI Facebook file is not at {UCI_FILE}: set COMMUNA_SHARED_DATA to the shared "
            "data folder (holding facebook-metrics/dataset_Facebook.csv) to run this test."
        )
    return UCI_FILE.read_bytes()


def independent_figures(data: bytes) -> dict[str, float]:
    """The ERs of docs/metrics.md computed straight from the file with the csv module: a row
    whose like, comment or share cell is empty is left out; members are "Page total likes"."""
    text = data.decode().replace("\r\n", "\n").replace("\r", "\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    usable = [r for r in rows if r["like"] and r["comment"] and r["share"]]
    engagements = [int(r["like"]) + int(r["comment"]) + int(r["share"]) for r in usable]
    members = [int(r["Page total likes"]) for r in usable]
    reach = [int(r["Lifetime Post Total Reach"]) for r in usable]
    return {
        "posts": len(rows),
        "reach": sum(int(r["Lifetime Post Total Reach"]) for r in rows),
        "usable": len(usable),
        "er_members_mean": sum(e / m for e, m in zip(engagements, members, strict=True))
        / len(usable),
        "er_members_pooled": sum(engagements) / sum(members),
        "er_reach_mean": sum(e / r for e, r in zip(engagements, reach, strict=True)) / len(usable),
        "er_reach_pooled": sum(engagements) / sum(reach),
    }


def watching(community, data: bytes, name: str = "Cosmetics brand") -> WatchedPage:
    return import_watched_page(
        actor=owner_of(community),
        community=community,
        name=name,
        source_format="uci-facebook",
        data=data,
        year=2014,
    )


# --- the real file -------------------------------------------------------------------------------


def test_the_real_file_gives_the_published_totals_and_the_ers_computed_from_it():
    # given the UCI file imported as a watched page
    data = real_file()
    community = make_community(slug="shop")
    watching(community, data)

    # when the comparison is asked for through the API
    response = api_as(owner_of(community)).get("/communities/shop/benchmarks/comparison")

    # then the page shows the file's known totals and the ERs a plain computation gives
    assert response.status_code == 200, response.content
    page = response.json()["sides"][1]
    assert page["posts"] == 500
    assert {k["name"]: k["posts"] for k in page["kinds"]} == {
        "photo": 426,
        "status": 45,
        "link": 22,
        "video": 7,
    }
    assert page["reach"] == 6_951_680
    expected = independent_figures(data)
    assert page["er_by_members"]["posts"] == expected["usable"] == 496
    assert page["er_by_members"]["mean"] == pytest.approx(expected["er_members_mean"], abs=1e-6)
    assert page["er_by_members"]["pooled"] == pytest.approx(expected["er_members_pooled"], abs=1e-6)
    assert page["er_by_reach"]["mean"] == pytest.approx(expected["er_reach_mean"], abs=1e-6)
    assert page["er_by_reach"]["pooled"] == pytest.approx(expected["er_reach_pooled"], abs=1e-6)
    # Category 1 action, 2 product, 3 inspiration: the rubric mix; a year of months.
    assert {r["name"] for r in page["rubrics"]} == {"action", "product", "inspiration"}
    assert len(page["per_month"]) == 12
    assert page["posts_per_month"] == pytest.approx(500 / 12)


def test_the_real_files_best_hour_is_the_hour_of_highest_mean_er_by_members():
    data = real_file()
    community = make_community()
    watching(community, data)

    side = benchmark_comparison(community, period_of(community)).pages[0]

    rows = list(csv.DictReader(io.StringIO(data.decode().replace("\r", "\n"))))
    by_hour: dict[int, list[float]] = {}
    for r in rows:
        if r["like"] and r["comment"] and r["share"]:
            engagements = int(r["like"]) + int(r["comment"]) + int(r["share"])
            by_hour.setdefault(int(r["Post Hour"]), []).append(
                engagements / int(r["Page total likes"])
            )
    means = {hour: sum(v) / len(v) for hour, v in by_hour.items() if len(v) >= 3}
    assert side.best_hour == max(sorted(means), key=lambda hour: means[hour])


# --- the rules ----------------------------------------------------------------------------------


def test_a_post_with_an_unknown_engagement_is_left_out_of_the_ers_but_counted_as_a_post():
    community = make_community()
    watching(community, uci(ROW_A, ROW_EMPTY_LIKE))

    side = benchmark_comparison(community, period_of(community)).pages[0]

    assert side.posts == 2
    assert side.er_by_members.posts == 1
    assert side.er_by_members.mean == pytest.approx((79 + 4 + 17) / 139441)
    assert side.reach == 2752 + 4000


def test_the_communitys_own_ers_use_the_members_at_each_posts_publication():
    # given a post when the community has its owner only, then two members join, then a post
    community = make_community(slug="own")
    early = make_post(community)
    for _ in range(2):
        join_community(actor=person(), community=community)
    late = make_post(community)
    Post.objects.filter(pk=early.pk).update(
        like_count=3, comment_count=1, share_count=0, reach_count=8
    )
    Post.objects.filter(pk=late.pk).update(
        like_count=6, comment_count=0, share_count=3, reach_count=0
    )

    # when the community's side is read
    own = benchmark_comparison(community, period_of(community)).own

    # then each post is divided by its own members, and reach 0 is no ER by reach
    assert members_at(community.pk, early.published_at) == 1
    assert members_at(community.pk, late.published_at) == 3
    assert own.er_by_members.mean == pytest.approx((4 / 1 + 9 / 3) / 2)
    assert own.er_by_members.pooled == pytest.approx((4 + 9) / (1 + 3))
    assert own.er_by_reach.posts == 1
    assert own.er_by_reach.pooled == pytest.approx(4 / 8)
    assert {k.name for k in own.kinds} == {"status"}


def test_members_at_many_moments_agree_with_members_at_one_moment():
    community = make_community()
    people = [person() for _ in range(4)]
    for someone in people:
        join_community(actor=someone, community=community)
    leave_community(actor=people[0], community=community)
    add_member(community, people[0])  # back without a history event: not counted by either
    events = list(MembershipEvent.objects.filter(community=community).order_by("at", "pk"))
    moments = [e.at for e in events] + [
        events[0].at - timedelta(seconds=1),
        timezone.now() + timedelta(days=1),
    ]

    assert members_at_moments(community.pk, moments) == [
        members_at(community.pk, moment) for moment in moments
    ]


# --- who sees and who changes -----------------------------------------------------------------


@pytest.mark.parametrize("privacy", [Privacy.OPEN, Privacy.PRIVATE])
@pytest.mark.parametrize("relation", list(Relation))
def test_the_comparison_answers_exactly_the_statistics_team(relation, privacy):
    community = make_community(slug="cooks", privacy=privacy)
    watching(community, uci(ROW_A))

    response = api_as(with_relation(community, relation)).get(
        "/communities/cooks/benchmarks/comparison"
    )

    if relation in SEES_STATISTICS:
        assert response.status_code == 200, response.content
    elif relation == Relation.ANONYMOUS:
        assert response.status_code == 401
    elif relation not in allowed(Action.SEE, privacy):
        assert response.status_code == 404
        assert "Rival" not in response.content.decode("utf-8-sig")
    else:
        assert response.status_code == 403
        error_of(response)


def upload(client, slug: str, data: bytes, **fields):
    return client.post(
        f"/api/communities/{slug}/benchmarks",
        data={"file": SimpleUploadedFile("rival.csv", data), "name": "Rival", **fields},
    )


@pytest.mark.parametrize(
    "relation",
    [
        Relation.OWNER,
        Relation.ADMIN,
        Relation.EDITOR,
        Relation.ANALYST,
        Relation.MODERATOR,
        Relation.MEMBER,
    ],
)
def test_only_those_who_plan_content_import_watched_pages(relation):
    community = make_community(slug="cooks")
    client = client_of(with_relation(community, relation))

    response = upload(client, "cooks", uci(ROW_A, ROW_B))

    if relation in PLANS:
        assert response.status_code == 201, response.content
        assert response.json()["posts"] == 2
    else:
        assert response.status_code == 403
        assert not WatchedPage.objects.exists()


def test_an_upload_with_bad_rows_answers_422_naming_each_row_and_column():
    community = make_community(slug="cooks")

    response = upload(
        client_of(owner_of(community)), "cooks", uci(ROW_A, ROW_A.replace(",79,", ",?,"))
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "import_rejected"
    assert list(error["fields"]) == ["rows.3.like"]
    assert not WatchedPage.objects.exists()


def test_a_generic_upload_takes_its_mapping_as_json():
    community = make_community(slug="cooks")

    response = upload(
        client_of(owner_of(community)),
        "cooks",
        b"month,likes\n1,5\n",
        format="csv",
        mapping='{"month": "month", "likes": "likes"}',
    )

    assert response.status_code == 201, response.content


def test_a_watched_page_lists_its_posts_and_is_deleted_by_an_editor_only():
    community = make_community(slug="cooks")
    page = watching(community, uci(ROW_A, ROW_B))
    analyst = add_member(community, role=Role.ANALYST)
    editor = add_member(community, role=Role.EDITOR)

    listed = api_as(analyst).get("/communities/cooks/benchmarks")
    posts = api_as(analyst).get(f"/communities/cooks/benchmarks/{page.pk}/posts?limit=1")
    refused = api_as(analyst).delete(f"/communities/cooks/benchmarks/{page.pk}")
    deleted = api_as(editor).delete(f"/communities/cooks/benchmarks/{page.pk}")

    assert [p["posts"] for p in listed.json()["items"]] == [2]
    assert [p["row"] for p in posts.json()["items"]] == [2]
    assert posts.json()["next_cursor"]
    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert not WatchedPage.objects.exists()


def test_another_communitys_watched_page_is_not_found():
    mine = make_community(slug="mine")
    theirs = make_community(slug="theirs")
    page = watching(theirs, uci(ROW_A))

    response = api_as(owner_of(mine)).get(f"/communities/mine/benchmarks/{page.pk}/posts")

    assert response.status_code == 404


# --- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_comparison_and_the_form_to_those_who_plan():
    community = make_community(slug="cooks")
    watching(community, uci(ROW_A, ROW_B), name="Rival")
    analyst = add_member(community, role=Role.ANALYST)

    as_owner = client_of(owner_of(community)).get("/c/cooks/statistics/benchmarks/")
    as_analyst = client_of(analyst).get("/c/cooks/statistics/benchmarks/")
    as_member = client_of(add_member(community)).get("/c/cooks/statistics/benchmarks/")

    assert as_owner.status_code == 200
    html = as_owner.content.decode("utf-8-sig")
    assert "Rival" in html
    assert 'role="img"' in html
    assert "<title" in html
    assert 'enctype="multipart/form-data"' in html
    assert as_analyst.status_code == 200
    assert 'enctype="multipart/form-data"' not in as_analyst.content.decode("utf-8-sig")
    assert as_member.status_code == 403


def test_the_pages_upload_lists_the_bad_rows_and_imports_nothing():
    community = make_community(slug="cooks")

    response = client_of(owner_of(community)).post(
        "/c/cooks/statistics/benchmarks/import/",
        {
            "file": SimpleUploadedFile("rival.csv", uci(ROW_A, ROW_A.replace("Photo", "Reel"))),
            "name": "Rival",
            "format": "uci-facebook",
        },
    )

    assert response.status_code == 422
    html = response.content.decode("utf-8-sig")
    assert "Reel" in html
    assert "Type" in html
    assert not WatchedPage.objects.exists()


def test_the_pages_upload_and_delete_change_the_watched_pages():
    community = make_community(slug="cooks")
    client = client_of(owner_of(community))

    imported = client.post(
        "/c/cooks/statistics/benchmarks/import/",
        {
            "file": SimpleUploadedFile("r.csv", uci(ROW_A)),
            "name": "Rival",
            "format": "uci-facebook",
        },
    )
    page = WatchedPage.objects.get()
    deleted = client.post(f"/c/cooks/statistics/benchmarks/{page.pk}/delete/")

    assert imported.status_code == 302
    assert deleted.status_code == 302
    assert not WatchedPage.objects.exists()


def test_the_comparison_downloads_as_csv_with_a_column_per_side():
    community = make_community(slug="cooks", name="Cooks")
    watching(community, uci(ROW_A, ROW_B), name="=Rival")

    response = client_of(owner_of(community)).get("/c/cooks/statistics/benchmarks.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1:] == ["Cooks", "'=Rival"]  # a name is never a spreadsheet formula
    assert rows[1][1:] == ["0", "2"]


def test_the_page_reads_in_the_same_number_of_statements_whatever_it_compares():
    community = make_community(slug="cooks")
    client = client_of(owner_of(community))
    watching(community, uci(ROW_A), name="One")
    make_post(community)
    client.get("/c/cooks/statistics/benchmarks/")  # warm the caches of the layout

    with CaptureQueriesContext(connection) as few:
        client.get("/c/cooks/statistics/benchmarks/")
    for name in ("Two", "Three"):
        watching(community, uci(ROW_A, ROW_B, ROW_EMPTY_LIKE), name=name)
    for _ in range(3):
        make_post(community)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/c/cooks/statistics/benchmarks/")

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
