"""R8.5's input: reaction events imported from the Klout when-to-post sample, as likes of
placeholder members in their own time zones, so the best-time grid is checked on real behaviour."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from communa.analytics.benchmarks.actions import import_activity
from communa.analytics.benchmarks.parsers import ImportRejected
from communa.analytics.benchmarks.queries import imported_people, native_events
from communa.analytics.benchmarks.zones import iana_zone
from communa.analytics.best_times import compute_grid
from communa.analytics.ingest import record_event, viewer_for_user
from communa.analytics.models import Event, ImportedPerson
from communa.communities.models import Community, Membership, Role
from communa.core.errors import PermissionRefused
from communa.core.events import EventKind
from tests.factories import add_member, make_community, owner_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("COMMUNA_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")
KLOUT_FB = SHARED_DATA / "klout-when-to-post" / "user_timestamp_open_set_fb.tsv"
HEADER = (
    "#user_id_fingerprint\t#actor_id_fingerprint\t#post_id_fingerprint\t#post_timestamp\t"
    "#action_timestamp\t#user_timezone"
)


@pytest.fixture(autouse=True)
def _fresh_grids(settings):
    settings.TIME_ZONE = "UTC"
    settings.COMMUNA = {
        **settings.COMMUNA,
        "BEST_TIME_WEEKS": 8,
        "BEST_TIME_MIN_MEMBERS": 1,
        "BEST_TIME_MIN_EVENTS": 1,
        "BEST_TIME_TOP": 5,
        "BEST_TIME_CACHE_SECONDS": 0,
    }


def klout(*rows: tuple[str, int, str]) -> bytes:
    """A file in the Klout layout: (actor, action moment in ms, zone name) per row."""
    lines = [HEADER] + [f"1\t{actor}\t7\t0\t{ms}\t{zone}" for actor, ms, zone in rows]
    return "\n".join(lines).encode()


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def bring(community, data: bytes, name: str = "sample", **kwargs):
    return import_activity(
        actor=owner_of(community),
        community=community,
        source_format="klout",
        data=data,
        name=name,
        **kwargs,
    )


def real_file() -> bytes:
    if not KLOUT_FB.exists():
        pytest.skip(
            f"The Klout sample is not at {KLOUT_FB}: set COMMUNA_SHARED_DATA to the shared data "
            "folder (holding klout-when-to-post/) to run this test."
        )
    return KLOUT_FB.read_bytes()


def independent_ranking(data: bytes) -> tuple[list[tuple[int, int]], datetime]:
    """The cells of the real file by weight, as docs/metrics.md defines them, with plain Python:
    each actor in the zone most of their rows name (the first on a tie), once per local hour of
    a day with a like's weight 2; ranked by weight, then weekday and hour."""
    rows = [line.split("\t") for line in data.decode().splitlines() if not line.startswith("#")]
    names = defaultdict(Counter)
    first_seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        zone = iana_zone(row[5])
        names[row[1]][zone] += 1
        first_seen.setdefault((row[1], zone), index)
    zone_of = {
        actor: min(counts, key=lambda z: (-counts[z], first_seen[(actor, z)]))
        for actor, counts in names.items()
    }
    slots = set()
    for row in rows:
        local = datetime.fromtimestamp(int(row[4]) / 1000, ZoneInfo(zone_of[row[1]]))
        slots.add((row[1], local.date(), local.hour))
    weights = Counter()
    for _actor, day, hour in slots:
        weights[(day.weekday(), hour)] += 2
    ranked = sorted(weights, key=lambda cell: (-weights[cell], cell))
    latest = max(datetime.fromtimestamp(int(row[4]) / 1000, UTC) for row in rows)
    return ranked, latest


def test_the_real_sample_fills_the_grid_with_the_peaks_a_plain_computation_finds():
    # given the Klout Facebook sample imported into a community
    data = real_file()
    community = make_community()
    done = bring(community, data)

    # when the grid of the weeks up to the sample's end is computed
    ranked, latest = independent_ranking(data)
    grid = compute_grid(community, latest + timedelta(hours=1))

    # then it is filled and suggests the cells a computation straight from the file ranks first
    assert (done.events, done.people) == (1000, 751)
    assert grid.enough_data
    assert grid.sample.events == 1000
    assert grid.sample.members == 751
    assert [(slot.weekday, slot.hour) for slot in grid.top] == ranked[:5]
    assert grid.top[0].score == 100


def test_recent_moves_the_events_by_whole_weeks_into_the_last_week():
    community = make_community()
    moment = datetime(2014, 10, 15, 18, 30, tzinfo=UTC)

    done = bring(community, klout(("a", ms(moment), "Eastern Standard Time")), recent=True)

    at = Event.objects.get(community=community).at
    assert timezone.now() - timedelta(days=7) < at <= timezone.now()
    assert at - moment == timedelta(weeks=done.shifted_weeks)
    assert (at.weekday(), at.hour) == (moment.weekday(), moment.hour)


def test_imported_people_are_placeholder_members_whose_likes_touch_no_post():
    # given a post with a native like
    community = make_community()
    post = make_post(community)
    native = add_member(community)
    record_event(EventKind.LIKE, viewer=viewer_for_user(native), post=post)
    post.refresh_from_db()
    counters = (post.like_count, post.comment_count, post.share_count, post.reach_count)
    moment = datetime(2014, 10, 15, 18, 30, tzinfo=UTC)

    # when two people's reactions are imported
    bring(
        community,
        klout(
            ("a", ms(moment), "Eastern Standard Time"),
            ("b", ms(moment), "Fernando de Noronha\xa0Time"),
            ("a", ms(moment + timedelta(hours=2)), "\\N"),
        ),
    )

    # then they are inactive accounts without a password, members of no team, in their zones
    people = list(imported_people(community).select_related("user").order_by("external_id"))
    assert [(p.external_id, p.user.time_zone) for p in people] == [
        ("a", "America/New_York"),
        ("b", "America/Noronha"),
    ]
    assert all(not p.user.is_active and not p.user.has_usable_password() for p in people)
    assert set(
        Membership.objects.filter(user__in=[p.user for p in people]).values_list("role", flat=True)
    ) == {Role.MEMBER}
    # and their likes are on no post: no counter moved, and native statistics can leave them out
    post.refresh_from_db()
    assert (post.like_count, post.comment_count, post.share_count, post.reach_count) == counters
    assert Event.objects.filter(community=community, post__isnull=True).count() == 3
    assert list(native_events(community).values_list("user_id", flat=True)) == [native.pk]


def test_importing_the_same_name_again_replaces_its_events():
    community = make_community()
    moment = datetime(2014, 10, 15, 18, 30, tzinfo=UTC)
    first = klout(("a", ms(moment), "UTC"), ("b", ms(moment), "UTC"))
    bring(community, first)
    members = Community.objects.get(pk=community.pk).member_count

    bring(community, klout(("a", ms(moment), "UTC")))

    assert Event.objects.filter(community=community).count() == 1
    assert ImportedPerson.objects.filter(community=community).count() == 2
    assert Community.objects.get(pk=community.pk).member_count == members


def test_an_unknown_zone_is_reported_by_row_and_nothing_is_imported():
    community = make_community()
    moment = ms(datetime(2014, 10, 15, tzinfo=UTC))

    with pytest.raises(ImportRejected) as caught:
        bring(
            community, klout(("a", moment, "UTC"), ("b", moment, "Atlantis Time"), ("c", -5, "UTC"))
        )

    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "user_timezone"),
        (4, "action_timestamp"),
    }
    assert not ImportedPerson.objects.exists()
    assert not Event.objects.filter(community=community).exists()


def test_an_editor_may_not_import_activity():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)

    with pytest.raises(PermissionRefused):
        import_activity(
            actor=editor,
            community=community,
            source_format="klout",
            data=klout(("a", 0, "UTC")),
            name="sample",
        )


@pytest.mark.parametrize(
    ("written", "zone"),
    [
        ("Eastern Standard Time", "America/New_York"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Fernando de Noronha\xa0Time", "America/Noronha"),
        ("Europe/Lisbon", "Europe/Lisbon"),
        ("\\N", ""),
        ("Atlantis Time", None),
    ],
)
def test_zone_names_of_exports_map_to_the_tz_database(written, zone):
    assert iana_zone(written) == zone


def test_the_command_imports_activity_and_exits_2_on_an_unknown_format(tmp_path, capsys):
    community = make_community()
    path = tmp_path / "sample.tsv"
    path.write_bytes(klout(("a", 0, "UTC")))

    call_command("import_activity", str(path), "--community", community.slug)
    with pytest.raises(CommandError) as caught:
        call_command("import_activity", str(path), "--community", community.slug, "--format", "x")

    assert "Imported 1 reactions of 1 people" in capsys.readouterr().out
    assert caught.value.returncode == 2
