"""The manage area: its registry, its grouped navigation with what waits, its landing page, the
team's dashboard and where people land after logging in."""

from __future__ import annotations

import pytest

from communa.communities import manage
from communa.communities.models import Kind, Privacy, Role
from communa.communities.permissions import TEAM, Action, Relation, allowed, can, standing_of
from communa.moderation.models import Report, ReportReason
from tests.factories import (
    add_member,
    make_community,
    owner_of,
    pending_request,
    person,
    with_relation,
)
from tests.support import client_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

PRIVACIES = [Privacy.OPEN, Privacy.CLOSED, Privacy.PRIVATE]


def _report(community, post, reporter=None):
    return Report.objects.create(
        community=community, post=post, reporter=reporter or person(), reason=ReportReason.SPAM
    )


# --- who opens the landing page -------------------------------------------------------------------


@pytest.mark.parametrize("privacy", PRIVACIES)
@pytest.mark.parametrize("relation", list(Relation))
def test_the_landing_page_opens_for_the_team_only(relation, privacy):
    # given a community and a person in this relation to it
    community = make_community(privacy=privacy)
    actor = with_relation(community, relation)

    # when they open the manage area
    response = client_of(actor).get(f"/c/{community.slug}/manage/")

    # then the team gets it; others are refused the way the table hides the community
    if relation in TEAM:
        assert response.status_code == 200
    elif relation == Relation.ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif relation not in allowed(Action.SEE, privacy):
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert "team" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST]
)
def test_each_role_sees_exactly_the_entries_its_actions_allow(role):
    # given a public page (so suggestions apply) and a person of this role
    community = make_community(kind=Kind.PUBLIC_PAGE)
    someone = owner_of(community) if role == Role.OWNER else add_member(community, role=role)
    standing = standing_of(someone, community)

    # when they open the manage area
    html = client_of(someone).get(f"/c/{community.slug}/manage/").content.decode()

    # then every registered page is linked exactly when the table allows its action
    for page in manage.registered_pages():
        url = f"/c/{community.slug}/"
        shown = [e for s in manage.sections(community, standing, counts={}) for e in s.entries]
        listed = any(entry.page.url_name == page.url_name for entry in shown)
        assert listed == can(someone, page.action, community), (role, page.url_name)
        if listed:
            entry = next(e for e in shown if e.page.url_name == page.url_name)
            assert entry.url.startswith(url)
            assert f'href="{entry.url}"' in html


def test_suggested_posts_appear_only_on_public_pages():
    group = make_community(kind=Kind.GROUP)
    page = make_community(kind=Kind.PUBLIC_PAGE)
    for community in (group, page):
        standing = standing_of(owner_of(community), community)
        names = [p.url_name for p in manage.visible_pages(community, standing)]
        assert ("walls:suggestions" in names) == (community.kind == Kind.PUBLIC_PAGE)


# --- what waits ----------------------------------------------------------------------------------


def test_the_landing_page_counts_reports_and_join_requests():
    # given a closed group with two join requests and three open reports (one already decided)
    community = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(community)
    post = make_post(community)
    for _n in range(2):
        pending_request(community)
    for _n in range(3):
        _report(community, post)
    decided = _report(community, post)
    Report.objects.filter(pk=decided.pk).update(status="dismissed")
    # and another community whose rows must not be counted here
    other = make_community(privacy=Privacy.CLOSED)
    pending_request(other)

    # when the owner opens the manage area
    response = client_of(owner).get(f"/c/{community.slug}/manage/")

    # then the counts are per community, per kind, and appear next to their entries
    waiting = {item.name: item.count for item in response.context["waiting"]}
    assert waiting["join_requests"] == 2
    assert waiting["reports"] == 3
    assert waiting["held"] == 0
    sections = {s.group: s for s in response.context["manage_sections"]}
    assert sections[manage.Group.PEOPLE].waiting == 2
    assert sections[manage.Group.MODERATION].waiting == 3
    assert 'class="waiting-badge">3' in response.content.decode()


def test_an_analyst_is_not_shown_counts_of_what_they_may_not_decide():
    community = make_community(privacy=Privacy.CLOSED)
    pending_request(community)
    analyst = add_member(community, role=Role.ANALYST)
    response = client_of(analyst).get(f"/c/{community.slug}/manage/")
    assert response.status_code == 200
    assert response.context["waiting"] == []
    assert "join_requests" not in response.context["manage_counts"]


def test_all_counts_of_all_communities_take_one_statement(django_assert_num_queries):
    communities = [make_community(privacy=Privacy.CLOSED) for _n in range(3)]
    for community in communities:
        pending_request(community)
    names = ["join_requests", "held", "reports", "suggestions"]
    with django_assert_num_queries(1):
        counts = manage.waiting_counts([c.pk for c in communities], names)
    assert [counts[c.pk]["join_requests"] for c in communities] == [1, 1, 1]


def test_another_app_adds_a_page_without_touching_communities():
    # given a page registered the way a later app would, in its ready()
    page = manage.ManagePage(
        manage.Group.STATISTICS, "communities:wiki_new", "Growth", Action.VIEW_STATISTICS, 5
    )
    community = make_community()
    owner = owner_of(community)
    try:
        manage.register_page(page)
        # when the owner opens a statistics page
        html = client_of(owner).get(f"/c/{community.slug}/members/sources/").content.decode()
        # then the new entry is in the navigation
        assert "Growth" in html
    finally:
        manage.unregister_page("communities:wiki_new")
    assert "Growth" not in client_of(owner).get(f"/c/{community.slug}/manage/").content.decode()


# --- navigation outside the manage area ----------------------------------------------------------


def test_plain_members_keep_plain_tabs_and_the_team_gets_a_manage_link():
    community = make_community()
    member = add_member(community)
    member_html = client_of(member).get(f"/c/{community.slug}/").content.decode()
    owner_html = client_of(owner_of(community)).get(f"/c/{community.slug}/").content.decode()
    assert f"/c/{community.slug}/manage/" not in member_html
    assert f'href="/c/{community.slug}/members/"' in member_html
    assert f'href="/c/{community.slug}/manage/"' in owner_html


# --- the dashboard and where people land ---------------------------------------------------------


def test_the_dashboard_lists_what_waits_in_each_community_i_run():
    # given a moderator of one closed group and the owner of another
    me = person()
    first = make_community(privacy=Privacy.CLOSED, name="Alpha knives")
    add_member(first, me, role=Role.MODERATOR)
    second = make_community(me, privacy=Privacy.CLOSED, name="Beta bread")
    for _n in range(4):
        pending_request(first)
    pending_request(second)
    make_community(name="Not mine")

    # when I open the dashboard
    response = client_of(me).get("/communities/dashboard/")

    # then each community I run is there with its own counts and links
    rows = {row.community.name: row for row in response.context["rows"]}
    assert set(rows) == {"Alpha knives", "Beta bread"}
    assert {i.name: i.count for i in rows["Alpha knives"].waiting}["join_requests"] == 4
    assert {i.name: i.count for i in rows["Beta bread"].waiting}["join_requests"] == 1
    assert f"/c/{first.slug}/requests/" in response.content.decode()


def test_after_log_in_the_team_lands_on_the_dashboard_and_others_on_the_feed():
    runner, reader = person(), person()
    make_community(runner)
    assert client_of(runner).get("/start/")["Location"] == "/communities/dashboard/"
    assert client_of(reader).get("/start/")["Location"] == "/feed/"


def test_suggested_posts_are_counted_only_on_public_pages():
    group = make_community(kind=Kind.GROUP)
    page = make_community(kind=Kind.PUBLIC_PAGE)
    for community in (group, page):
        standing = standing_of(owner_of(community), community)
        names = [c.name for c in manage.visible_counts(community, standing)]
        assert ("suggestions" in names) == (community.kind == Kind.PUBLIC_PAGE)


@pytest.mark.parametrize(
    ("privacy", "action", "told"),
    [
        (Privacy.CLOSED, Action.JOIN, "ask to join"),
        (Privacy.OPEN, Action.REQUEST_JOIN, "join it directly"),
    ],
)
def test_a_refused_join_names_the_reason_and_the_way_in(privacy, action, told):
    from communa.communities.permissions import require
    from communa.core.errors import PermissionRefused

    community = make_community(privacy=privacy)
    with pytest.raises(PermissionRefused) as refused:
        require(person(), action, community)
    assert told in refused.value.message


@pytest.mark.parametrize(
    "path",
    [
        "/start/",
        "/communities/dashboard/",
        "/accounts/notifications/",
        "/accounts/settings/tokens/",
    ],
)
def test_personal_pages_send_visitors_to_log_in(path):
    response = client_of(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_reviewer_sees_the_suggestions_in_the_content_group():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    response = client_of(owner_of(page)).get(f"/c/{page.slug}/suggestions/")
    assert response.status_code == 200
    assert response.context["manage_section"].group == manage.Group.CONTENT
    assert f'href="/c/{page.slug}/suggestions/" aria-current="page"' in response.content.decode()
