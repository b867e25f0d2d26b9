"""R9.10: reading other pages' exports into watched pages: the UCI layout as published, any
CSV/JSON through a mapping, per-row reports, nothing half imported, re-import replaces."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from communa import cli
from communa.analytics.benchmarks.actions import import_watched_page
from communa.analytics.benchmarks.parsers import ImportRejected
from communa.analytics.models import WatchedPage, WatchedPost
from communa.core.errors import ValidationFailed
from communa.core.models import AuditEntry
from tests.factories import make_community, owner_of

pytestmark = pytest.mark.django_db

UCI_HEADER = (
    "Page total likes,Type,Category,Post Month,Post Weekday,Post Hour,Paid,"
    "Lifetime Post Total Reach,Lifetime Post Total Impressions,Lifetime Engaged Users,"
    "Lifetime Post Consumers,Lifetime Post Consumptions,"
    "Lifetime Post Impressions by people who have liked your Page,"
    "Lifetime Post reach by people who like your Page,"
    "Lifetime People who have liked your Page and engaged with your post,"
    "comment,like,share,Total Interactions"
)


def uci(*rows: str, separator: str = ",", ending: str = "\r") -> bytes:
    """A file in the UCI layout: its header, these rows, CR line endings by default."""
    lines = [UCI_HEADER, *rows]
    return ending.join(line.replace(",", separator) for line in lines).encode()


ROW_A = "139441,Photo,2,12,4,3,0,2752,5091,178,109,159,3078,1640,119,4,79,17,100"
ROW_B = "139441,Status,2,12,3,10,0,10460,19057,1457,1361,1674,11710,6112,1108,5,130,29,164"
ROW_EMPTY_LIKE = "139441,Video,1,11,1,23,,4000,5000,1,1,1,1,1,1,2,,3,5"


def bring(community, data: bytes, name: str = "Rival", **kwargs):
    kwargs.setdefault("source_format", "uci-facebook")
    return import_watched_page(
        actor=owner_of(community), community=community, name=name, data=data, **kwargs
    )


def test_the_uci_layout_is_read_with_cr_endings_and_its_codes_translated():
    community = make_community()

    page = bring(community, uci(ROW_A, ROW_B), year=2014)

    posts = list(WatchedPost.objects.filter(page=page).order_by("row"))
    assert [p.row for p in posts] == [2, 3]
    first = posts[0]
    assert (first.kind, first.rubric, first.month, first.hour) == ("photo", "product", 12, 3)
    # "Post Weekday" 4 counts from Sunday = 1: a Wednesday, stored Monday-first as 2.
    assert first.weekday == 2
    assert (first.members, first.reach, first.impressions) == (139441, 2752, 5091)
    assert (first.likes, first.comments, first.shares, first.paid) == (79, 4, 17, False)
    assert page.year == 2014


@pytest.mark.parametrize(("separator", "ending"), [(";", "\r"), (",", "\n"), (";", "\r\n")])
def test_semicolons_and_any_line_ending_read_the_same(separator, ending):
    community = make_community()

    page = bring(community, uci(ROW_A, ROW_B, separator=separator, ending=ending))

    assert list(page.posts.order_by("row").values_list("kind", "likes")) == [
        ("photo", 79),
        ("status", 130),
    ]


def test_an_empty_cell_is_an_unknown_number_not_a_zero():
    community = make_community()

    page = bring(community, uci(ROW_EMPTY_LIKE))

    post = page.posts.get()
    assert post.likes is None
    assert post.paid is None
    assert (post.comments, post.shares) == (2, 3)
    assert post.weekday == 6  # 1 = Sunday


def test_bad_rows_are_each_reported_by_row_column_and_reason_and_nothing_is_imported():
    community = make_community()
    bad_like = ROW_A.replace(",79,", ",many,")
    bad_month = ROW_B.replace(",12,3,10,", ",13,3,10,")
    no_kind = ROW_A.replace("Photo", "")

    with pytest.raises(ImportRejected) as caught:
        bring(community, uci(ROW_A, bad_like, bad_month, no_kind, "1,2,3"))

    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "like"), (4, "Post Month"), (5, "Type"), (6, "*")}
    assert "rows.3.like" in caught.value.fields
    assert caught.value.status == 422
    assert not WatchedPage.objects.exists()
    assert not WatchedPost.objects.exists()


def test_reimporting_a_name_replaces_its_posts_and_a_failed_one_keeps_them():
    # given a watched page of two posts
    community = make_community()
    page = bring(community, uci(ROW_A, ROW_B))

    # when the same name is imported with one post
    again = bring(community, uci(ROW_B))

    # then it is the same page with only the new post
    assert again.pk == page.pk
    assert list(again.posts.values_list("kind", flat=True)) == ["status"]

    # and a failing import of that name leaves it as it was
    with pytest.raises(ImportRejected):
        bring(community, uci(ROW_A, ROW_A.replace("Photo", "Poster")))
    assert list(again.posts.values_list("kind", flat=True)) == ["status"]
    assert WatchedPage.objects.count() == 1


def test_an_import_is_audited_with_what_it_brought():
    community = make_community()

    page = bring(community, uci(ROW_A, ROW_B))

    entry = AuditEntry.objects.get(action="benchmark.import")
    assert entry.target_id == str(page.pk)
    assert entry.after["posts"] == 2


def test_a_generic_csv_is_read_through_its_column_mapping():
    community = make_community()
    data = (
        b"Date;Likes;Comments;Reposts;Subscribers;Format\n"
        b"2024-03-04T18:30:00+03:00;10;2;1;1000;Photo\n"
        b"2024-03-05T09:00:00;5;;0;1000;Text\n"
    )

    page = bring(
        community,
        data,
        source_format="csv",
        mapping={
            "published_at": "Date",
            "likes": "Likes",
            "comments": "Comments",
            "shares": "Reposts",
            "members": "Subscribers",
            "kind": "Format",
        },
    )

    first, second = page.posts.order_by("row")
    # The hour and weekday are the wall clock written (+03:00 kept): Monday 18:00.
    assert (first.month, first.weekday, first.hour) == (3, 0, 18)
    assert (first.likes, first.comments, first.shares, first.kind) == (10, 2, 1, "photo")
    assert second.comments is None
    assert second.weekday == 1


def test_a_generic_json_is_read_through_its_key_mapping():
    community = make_community()
    data = json.dumps(
        {"posts": [{"m": 5, "wd": 7, "h": 8, "l": 3, "c": 1, "s": 0, "followers": 50}]}
    ).encode()

    page = bring(
        community,
        data,
        source_format="json",
        mapping={
            "month": "m",
            "weekday": "wd",
            "hour": "h",
            "likes": "l",
            "comments": "c",
            "shares": "s",
            "members": "followers",
        },
    )

    post = page.posts.get()
    assert (post.month, post.weekday, post.hour, post.members) == (5, 6, 8, 50)  # 7 = Sunday
    assert post.kind == "post"


def test_a_mapping_without_the_posts_time_is_refused_naming_the_mapping():
    community = make_community()

    with pytest.raises(ValidationFailed) as caught:
        bring(community, b"Likes\n1\n", source_format="csv", mapping={"likes": "Likes"})

    assert "mapping" in caught.value.fields
    assert not WatchedPage.objects.exists()


def test_a_wrong_format_name_is_refused_naming_the_format():
    community = make_community()

    with pytest.raises(ValidationFailed) as caught:
        bring(community, uci(ROW_A), source_format="xlsx")

    assert "format" in caught.value.fields


def test_a_file_with_more_rows_than_the_limit_is_refused_whole(settings):
    settings.COMMUNA = {**settings.COMMUNA, "IMPORT_MAX_ROWS": 1}
    community = make_community()

    with pytest.raises(ValidationFailed) as caught:
        bring(community, uci(ROW_A, ROW_B))

    assert "at most 1" in caught.value.fields["file"][0]
    assert not WatchedPost.objects.exists()


def test_a_file_larger_than_the_upload_limit_is_refused(settings):
    settings.COMMUNA = {**settings.COMMUNA, "IMPORT_MAX_BYTES": 100}
    community = make_community()

    with pytest.raises(ValidationFailed) as caught:
        bring(community, uci(ROW_A, ROW_B))

    assert "file" in caught.value.fields


# --- the command ---------------------------------------------------------------------------------


def test_the_command_imports_and_says_what_it_did(tmp_path, capsys):
    community = make_community()
    path = tmp_path / "rival.csv"
    path.write_bytes(uci(ROW_A, ROW_B))

    call_command(
        "import_posts", str(path), "--format", "uci-facebook",
        "--community", community.slug, "--as", "Rival",
    )  # fmt: skip

    assert "Imported 2 posts" in capsys.readouterr().out
    assert WatchedPage.objects.get().name == "Rival"


def test_communa_import_posts_is_the_command_under_its_own_verb(tmp_path, capsys):
    community = make_community()
    path = tmp_path / "rival.csv"
    path.write_bytes(uci(ROW_A, ROW_B))

    # (a command run from a command line closes the connections when it ends: not the test's)
    with mock.patch("django.db.connections.close_all"), pytest.raises(SystemExit) as ended:
        cli.main(
            [
                "import-posts", "--format", "uci-facebook", str(path),
                "--community", community.slug, "--as", "Rival",
            ]
        )  # fmt: skip

    assert ended.value.code == 0
    assert "Imported 2 posts" in capsys.readouterr().out
    assert WatchedPage.objects.get().name == "Rival"


def test_the_command_lists_each_bad_row_and_exits_1(tmp_path, capsys):
    community = make_community()
    path = tmp_path / "rival.csv"
    path.write_bytes(uci(ROW_A, ROW_A.replace(",79,", ",x,")))

    with pytest.raises(CommandError) as caught:
        call_command("import_posts", str(path), "--community", community.slug, "--as", "Rival")

    assert caught.value.returncode == 1
    assert "row 3, column like:" in capsys.readouterr().err
    assert not WatchedPage.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--format", "xlsx"], "Unknown format"),
        (["--community", "nowhere"], "No community"),
        (["--missing-file"], "cannot read"),
    ],
)
def test_the_command_exits_2_on_a_wrong_argument(tmp_path, arguments, says):
    community = make_community()
    path = tmp_path / "rival.csv"
    path.write_bytes(uci(ROW_A))
    argv = [str(path), "--community", community.slug, "--as", "Rival"]
    if arguments == ["--missing-file"]:
        argv[0] = str(tmp_path / "absent.csv")
    else:
        argv += arguments

    with pytest.raises(CommandError) as caught:
        call_command("import_posts", *argv)

    assert caught.value.returncode == 2
    assert says in str(caught.value)
