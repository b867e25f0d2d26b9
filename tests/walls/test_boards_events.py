"""R4.6 events: attendance (going / maybe) and the .ics file, through the API and by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from communa.communities.models import Privacy
from communa.walls.actions import boards
from communa.walls.board_selectors import ics_fold, ics_text
from communa.walls.models import Attendance
from tests.factories import add_member, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import (
    event,
    group,
)

pytestmark = pytest.mark.django_db


# --- attendance -----------------------------------------------------------------------------


def test_a_member_says_going_then_maybe_and_the_counts_follow():
    community = event()
    member = add_member(community)
    client = api_as(member)
    going = client.call("put", f"/communities/{community.slug}/attendance", {"status": "going"})
    assert going.status_code == 200, going.content
    assert going.json() == {"going": 1, "maybe": 0, "mine": "going"}
    maybe = client.call("put", f"/communities/{community.slug}/attendance", {"status": "maybe"})
    assert maybe.json() == {"going": 0, "maybe": 1, "mine": "maybe"}
    assert Attendance.objects.filter(community=community).count() == 1


def test_withdrawing_removes_the_answer():
    community = event()
    member = add_member(community)
    boards.set_attendance(actor=member, community=community, status="going")
    client = api_as(member)
    assert client.delete(f"/communities/{community.slug}/attendance").status_code == 204
    assert client.get(f"/communities/{community.slug}/attendance").json() == {
        "going": 0,
        "maybe": 0,
        "mine": None,
    }


def test_counts_are_shown_to_anonymous_visitors_with_no_answer_of_their_own():
    community = event()
    for status in ["going", "going", "maybe"]:
        boards.set_attendance(actor=add_member(community), community=community, status=status)
    response = api_as(None).get(f"/communities/{community.slug}/attendance")
    assert response.json() == {"going": 2, "maybe": 1, "mine": None}


def test_an_unknown_status_is_refused_naming_the_field():
    community = event()
    response = api_as(owner_of(community)).call(
        "put", f"/communities/{community.slug}/attendance", {"status": "never"}
    )
    assert response.status_code == 422
    assert "status" in error_of(response)["fields"]
    assert not Attendance.objects.exists()


def test_attending_a_group_is_refused_because_only_events_have_attendance():
    community = group()
    response = api_as(owner_of(community)).call(
        "put", f"/communities/{community.slug}/attendance", {"status": "going"}
    )
    assert response.status_code == 403
    assert "Only events" in error_of(response)["message"]
    assert (
        api_as(owner_of(community)).get(f"/communities/{community.slug}/attendance").status_code
        == 403
    )


def test_an_outsider_may_attend_an_open_event_but_not_a_closed_one():
    open_event = event()
    closed_event = event(privacy=Privacy.CLOSED)
    outsider = api_as(person())
    body = {"status": "going"}
    assert (
        outsider.call("put", f"/communities/{open_event.slug}/attendance", body).status_code == 200
    )
    refused = outsider.call("put", f"/communities/{closed_event.slug}/attendance", body)
    assert refused.status_code == 403
    assert not Attendance.objects.filter(community=closed_event).exists()


def test_anonymous_visitors_must_log_in_to_attend():
    community = event()
    response = api_as(None).call(
        "put", f"/communities/{community.slug}/attendance", {"status": "going"}
    )
    assert response.status_code == 401


def test_members_see_who_is_going_and_outsiders_do_not():
    community = event()
    member = add_member(community)
    boards.set_attendance(actor=member, community=community, status="going")
    boards.set_attendance(actor=add_member(community), community=community, status="maybe")
    listed = api_as(member).get(f"/communities/{community.slug}/attendees")
    assert [a["username"] for a in listed.json()["items"]] == [member.username]
    maybes = api_as(member).get(f"/communities/{community.slug}/attendees?status=maybe")
    assert len(maybes.json()["items"]) == 1
    assert api_as(person()).get(f"/communities/{community.slug}/attendees").status_code == 403


@pytest.mark.parametrize("size", [2, 5])
def test_the_list_of_who_is_going_costs_the_same_queries_whatever_the_page_size(
    size, django_assert_num_queries
):
    community = event()
    member = add_member(community)
    for _ in range(6):
        boards.set_attendance(actor=add_member(community), community=community, status="going")
    client = api_as(member)
    client.get(f"/communities/{community.slug}/attendees?limit=1")
    # session, user, the membership with its community (one statement), the page
    with django_assert_num_queries(4):
        response = client.get(f"/communities/{community.slug}/attendees?limit={size}")
    assert len(response.json()["items"]) == size


# --- the .ics file --------------------------------------------------------------------------


def test_the_ics_file_describes_the_event_in_utc_with_crlf_line_ends():
    community = event(
        name="Summer party",
        slug="summer-party",
        event_place="Park, gate 3; north side",
        description="Bring **food**",
    )
    response = api_as(None).get(f"/communities/{community.slug}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content.decode("utf-8")
    assert raw.endswith("\r\n")
    assert "\n" not in raw.replace("\r\n", "")
    lines = raw.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "BEGIN:VEVENT" in lines
    assert "END:VEVENT" in lines
    assert "UID:summer-party@communa" in lines
    assert "DTSTART:20310601T183000Z" in lines
    assert "DTEND:20310601T210000Z" in lines
    assert "SUMMARY:Summer party" in lines
    assert "LOCATION:Park\\, gate 3\\; north side" in lines
    assert "DESCRIPTION:Bring food" in lines
    assert "URL:http://testserver/c/summer-party/" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)


def test_the_ics_file_gives_times_in_utc_whatever_zone_they_were_given_in():
    from zoneinfo import ZoneInfo

    community = event(
        slug="tokyo-meetup",
        event_starts_at=datetime(2031, 1, 2, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        event_ends_at=datetime(2031, 1, 2, 11, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    )
    raw = api_as(None).get(f"/communities/{community.slug}/event.ics").content.decode()
    assert "DTSTART:20310102T000000Z\r\n" in raw
    assert "DTEND:20310102T020000Z\r\n" in raw


def test_the_web_address_of_the_ics_file_answers_the_same_calendar():
    community = event(slug="web-ics")
    response = api_as(None).client.get(f"/c/{community.slug}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"UID:web-ics@communa\r\n" in response.content


def test_long_lines_in_the_ics_file_are_folded_at_75_octets():
    community = event(name="Ж" * 60, slug="long-name")
    raw = api_as(None).get(f"/communities/{community.slug}/event.ics").content
    physical = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in physical)
    unfolded = raw.decode().replace("\r\n ", "")
    assert "SUMMARY:" + "Ж" * 60 + "\r\n" in unfolded


def test_a_group_has_no_calendar_file():
    community = group()
    assert api_as(None).get(f"/communities/{community.slug}/event.ics").status_code == 404


def test_a_private_events_calendar_is_hidden_from_outsiders():
    community = event(privacy=Privacy.PRIVATE)
    assert api_as(person()).get(f"/communities/{community.slug}/event.ics").status_code == 404
    member = add_member(community)
    assert api_as(member).get(f"/communities/{community.slug}/event.ics").status_code == 200


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nbreak", "windows\\nbreak"),
        ("old mac\rbreak", "old mac\\nbreak"),
        ("\\,", "\\\\\\,"),
        ("bell\x07gone", "bellgone"),
        ("colon: stays", "colon: stays"),
    ],
)
def test_text_values_escape_commas_semicolons_backslashes_and_line_breaks(text, escaped):
    assert ics_text(text) == escaped


def test_folding_splits_long_lines_into_75_octet_pieces_that_unfold_to_the_original():
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = ics_fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) == 3
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert len(pieces[0].encode()) == 75
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line


def test_folding_never_cuts_a_multibyte_character():
    line = "SUMMARY:" + "€" * 40  # 3 octets each
    folded = ics_fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
        piece.encode("utf-8").decode("utf-8")  # every piece is whole UTF-8
    assert folded.replace("\r\n ", "") == line


def test_a_line_of_exactly_75_octets_is_not_folded():
    line = "X" * 75
    assert ics_fold(line) == line
    assert ics_fold(line + "Y") == line + "\r\n Y"


def test_an_event_without_an_end_has_no_dtend():
    community = event(slug="open-end", event_ends_at=None)
    raw = api_as(None).get(f"/communities/{community.slug}/event.ics").content.decode()
    assert "DTSTART:" in raw
    assert "DTEND:" not in raw
