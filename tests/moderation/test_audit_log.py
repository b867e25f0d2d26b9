"""The audit page and API (R5.6): the owner and administrators read and filter the log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from communa.accounts.models import User
from communa.communities import actions
from communa.communities.models import Community, Privacy, Role
from communa.core.audit import record_audit
from communa.core.models import AuditEntry
from tests.factories import add_member, make_community, owner_of, person
from tests.support import Api, api_as, client_of, error_of

pytestmark = pytest.mark.django_db


def entry_at(moment: datetime, community: Community, **fields: Any) -> AuditEntry:
    """An audit entry recorded at a chosen moment."""
    fields.setdefault("actor", owner_of(community))
    fields.setdefault("action", "community.update")
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return record_audit(community=community, **fields)


def audit(user: User | None, community: Community, query: str = ""):
    return api_as(user).get(f"/communities/{community.slug}/audit{query}")


def actions_of(response) -> list[str]:
    return [item["action"] for item in response.json()["items"]]


@pytest.fixture
def community() -> Community:
    return make_community(owner=person(username="olga"), name="Knife Lovers", slug="knives")


@pytest.fixture
def admin(community) -> User:
    return add_member(community, person(username="arkady"), role=Role.ADMIN)


# --- what the team sees --------------------------------------------------------------------------


def test_an_admin_sees_who_did_what_on_what_with_the_change(community, admin):
    # given a real settings change and a block by the owner
    owner = owner_of(community)
    actions.update_community(
        actor=owner, community=community, changes={"description": "Sharp talk only"}
    )
    spammer = add_member(community, person(username="spammer"))
    actions.block_member(actor=owner, community=community, user=spammer, reason="Casino links")

    # when an administrator opens the audit page
    response = client_of(admin).get("/c/knives/audit/")

    # then the entries are there, newest first, with who, what, on what and the change
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('class="audit-entry"')[1:]
    assert len(rows) == 3
    assert "Blocked a member" in rows[0]
    assert "Changed the settings" in rows[1]
    assert "Created the community" in rows[2]
    assert "@olga" in rows[1]
    assert "Knife Lovers" in rows[1]
    assert "<del>(empty)</del> → <ins>Sharp talk only</ins>" in rows[1]
    assert '<a href="/c/knives/audit/" aria-current="page">' in html


def test_the_api_gives_entries_newest_first_with_their_changes(community, admin):
    owner = owner_of(community)
    actions.update_community(actor=owner, community=community, changes={"description": "Steel"})
    actions.update_community(actor=owner, community=community, changes={"description": "Stone"})

    response = audit(admin, community)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["action"] for item in items] == [
        "community.update",
        "community.update",
        "community.create",
    ]
    latest = items[0]
    assert latest["actor"] == {"username": "olga", "display_name": owner.display_name}
    assert latest["action_label"] == "Changed the settings"
    assert latest["target_type"] == "communities.community"
    assert latest["target_id"] == str(community.pk)
    assert {"field": "description", "before": "Steel", "after": "Stone"} in latest["changes"]
    assert latest["created_at"] >= items[1]["created_at"]
    assert response.json()["next_cursor"] is None


def test_an_automatic_entry_shows_no_person(community, admin):
    record_audit(actor=None, community=community, action="ownership.void")
    html = client_of(admin).get("/c/knives/audit/").content.decode()
    assert "Communa (automatic)" in html
    assert audit(admin, community).json()["items"][0]["actor"] is None


def test_only_the_communitys_own_entries_are_listed(community, admin):
    other = make_community(name="Stone Carvers", slug="stones")
    record_audit(actor=owner_of(other), community=other, action="wiki.create")
    assert "wiki.create" not in actions_of(audit(admin, community))
    assert "Stone Carvers" not in client_of(admin).get("/c/knives/audit/").content.decode()


def test_the_team_tab_appears_only_for_those_who_may_read_the_log(community, admin):
    moderator = add_member(community, role=Role.MODERATOR)
    assert "/c/knives/audit/" in client_of(admin).get("/c/knives/manage/").content.decode()
    assert "/c/knives/audit/" not in client_of(moderator).get("/c/knives/manage/").content.decode()


# --- who may read it -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER])
def test_the_rest_of_the_team_and_members_are_refused(community, role):
    someone = add_member(community, role=role)
    assert client_of(someone).get("/c/knives/audit/").status_code == 403
    response = audit(someone, community)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_the_owner_may_read_it(community):
    assert client_of(owner_of(community)).get("/c/knives/audit/").status_code == 200
    assert audit(owner_of(community), community).status_code == 200


def test_outsiders_of_a_private_community_get_the_answer_of_a_missing_one():
    hidden = make_community(privacy=Privacy.PRIVATE, slug="hidden")
    outsider = person()
    assert client_of(outsider).get("/c/hidden/audit/").status_code == 404
    assert client_of(outsider).get("/c/nowhere/audit/").status_code == 404
    response = audit(outsider, hidden)
    missing = api_as(outsider).get("/communities/nowhere/audit")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


def test_anonymous_visitors_are_sent_to_log_in_or_told_to_authenticate(community):
    response = client_of(None).get("/c/knives/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert audit(None, community).status_code == 401


# --- filters ---------------------------------------------------------------------------------------


@pytest.fixture
def history(community) -> dict[str, AuditEntry]:
    """Entries over three days by two people, on two kinds of target."""
    owner = owner_of(community)
    editor = add_member(community, person(username="Vera"), role=Role.EDITOR)
    day = lambda d, h: datetime(2030, 3, d, h, 0, tzinfo=UTC)  # noqa: E731
    return {
        "settings": entry_at(day(1, 9), community, action="community.update", target=community),
        "block": entry_at(
            day(2, 9), community, action="member.block", target=community, actor=owner
        ),
        "wiki": entry_at(day(2, 15), community, action="wiki.create", actor=editor),
        "role": entry_at(day(3, 9), community, action="team.role", target=editor),
    }


def test_the_api_filters_by_action_actor_target_type_and_dates(community, admin, history):
    assert actions_of(audit(admin, community, "?action=member.block")) == ["member.block"]
    assert actions_of(audit(admin, community, "?actor=vera")) == ["wiki.create"]
    assert actions_of(audit(admin, community, "?target_type=accounts.user")) == ["team.role"]
    assert actions_of(audit(admin, community, "?since=2030-03-02&until=2030-03-02")) == [
        "wiki.create",
        "member.block",
    ]
    assert actions_of(audit(admin, community, "?since=2030-03-02T12:00:00Z")) == [
        "team.role",
        "wiki.create",
    ]
    # "until" includes its own moment; the community was created before all of these
    assert actions_of(audit(admin, community, "?until=2030-03-01T09:00:00Z")) == [
        "community.update",
        "community.create",
    ]
    assert actions_of(audit(admin, community, "?actor=olga&action=team.role")) == ["team.role"]
    assert actions_of(audit(admin, community, "?actor=nobody")) == []


def test_dates_without_a_zone_are_the_viewers_own(community, history):
    # given an administrator in Ho Chi Minh City (UTC+7): 2030-03-02 15:00 UTC is 22:00 there
    # and 2030-03-03 09:00 UTC is 16:00 on the 3rd
    viewer = add_member(community, person(time_zone="Asia/Ho_Chi_Minh"), role=Role.ADMIN)
    # when they ask for the 3rd, then they get the day as they lived it
    assert actions_of(audit(viewer, community, "?since=2030-03-03&until=2030-03-03")) == [
        "team.role"
    ]
    # and the page shows the time on their clock
    html = client_of(viewer).get("/c/knives/audit/?action=team.role").content.decode()
    local = datetime(2030, 3, 3, 16, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert 'datetime="2030-03-03T16:00:00+07:00"' in html
    assert date_format(local, "SHORT_DATETIME_FORMAT") in html
    assert "Asia/Ho_Chi_Minh" in html


def test_the_page_filters_with_selects_of_what_the_log_holds(community, admin, history):
    client = client_of(admin)
    page = client.get("/c/knives/audit/").content.decode()
    # the action select offers the actions present, and no others
    assert '<option value="wiki.create">Added a wiki page</option>' in page
    assert 'value="post.delete"' not in page
    assert '<option value="accounts.user">' in page

    filtered = client.get("/c/knives/audit/?action=member.block").content.decode()
    assert filtered.count('class="audit-entry"') == 1
    by_person = client.get("/c/knives/audit/?actor=VERA").content.decode()
    assert by_person.count('class="audit-entry"') == 1
    assert "Added a wiki page" in by_person.split('class="audit-entry"')[1]
    by_type = client.get("/c/knives/audit/?target_type=accounts.user").content.decode()
    assert by_type.count('class="audit-entry"') == 1
    by_day = client.get("/c/knives/audit/?since=2030-03-02&until=2030-03-02").content.decode()
    assert by_day.count('class="audit-entry"') == 2
    nothing = client.get("/c/knives/audit/?actor=nobody").content.decode()
    assert "No entry matches these filters." in nothing


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?since=yesterday", "since"),
        ("?until=2030-02-30", "until"),
        ("?since=2030-03-02&until=2030-03-01", "until"),
        ("?limit=0", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(community, admin, query, field):
    response = audit(admin, community, query)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_the_page_says_which_date_is_wrong(community, admin):
    response = client_of(admin).get("/c/knives/audit/?since=2030-03-02&until=2030-03-01")
    assert response.status_code == 422
    html = response.content.decode()
    assert "The end of the range comes before its start." in html
    assert 'class="audit-entry"' not in html
    response = client_of(admin).get("/c/knives/audit/?since=soon")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


# --- paging ----------------------------------------------------------------------------------------


def test_pages_walk_every_entry_once_even_when_entries_share_a_moment(community, admin):
    # given eleven entries, seven of them recorded in the same microsecond
    moment = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    made = [entry_at(moment, community, action="wiki.update") for _ in range(7)]
    made += [entry_at(datetime(2030, 5, 2, h, tzinfo=UTC), community) for h in range(3)]
    # when the API is read two at a time
    seen: list[int] = []
    cursor = ""
    while True:
        body = audit(admin, community, f"?limit=2{cursor}").json()
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    # then every entry came once, newest first (the creation entry last)
    expected = list(
        AuditEntry.objects.filter(community=community)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    assert len(seen) == len(made) + 1


def test_the_page_links_to_older_entries_keeping_the_filters(community, admin, settings):
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 2}
    for hour in range(3):
        entry_at(datetime(2030, 5, 2, hour, tzinfo=UTC), community, action="wiki.update")
    client = client_of(admin)
    first = client.get("/c/knives/audit/?action=wiki.update").content.decode()
    assert first.count('class="audit-entry"') == 2
    link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "action=wiki.update" in link
    second = client.get(f"/c/knives/audit/{link}").content.decode()
    assert second.count('class="audit-entry"') == 1
    assert 'rel="next"' not in second


@pytest.mark.parametrize("surface", ["page", "api"])
def test_a_page_costs_the_same_queries_for_5_and_25_entries(
    community, admin, surface, django_assert_num_queries
):
    def fill(count: int) -> None:
        owner = owner_of(community)
        for n in range(count):
            target = add_member(community) if n % 2 else community
            record_audit(
                actor=owner if n % 3 else admin,
                community=community,
                action=["member.block", "team.role", "wiki.update"][n % 3],
                target=target,
                before={"n": n},
                after={"n": n + 1},
            )

    client = client_of(admin)

    def load():
        if surface == "page":
            response = client.get("/c/knives/audit/")
            return response.content.decode().count('class="audit-entry"')
        return len(Api(client).get("/communities/knives/audit?limit=50").json()["items"])

    # given a log of five entries
    fill(4)
    with CaptureQueriesContext(connection) as small:
        assert load() == 5
    # session, user, the membership with its community (one statement), the entries (and on the page: the filter choices,
    # the objects the entries are about, one query per kind: communities and people, and what
    # waits in the manage area, one statement for every count)
    assert len(small) == (8 if surface == "page" else 4)
    # when it holds twenty-five
    fill(20)
    # then a page costs exactly as many queries
    with django_assert_num_queries(len(small)):
        assert load() == 25
