"""R8.6: the promotions calendar: contests, ad campaigns, discounts and launches, with their
posts. Actions and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from communa.communities.models import Privacy, Role
from communa.core.errors import NotFound, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.core.pagination import encode_cursor
from communa.planner.actions import promotions as actions
from communa.planner.models import PlannedPost, Promotion
from communa.planner.selectors.promotions import promotions_page, today_in
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def promotion(community, name="Spring sale", starts=date(2026, 3, 1), ends=None, **data):
    return actions.create_promotion(
        actor=owner_of(community),
        community=community,
        data={
            "kind": "discount",
            "name": name,
            "starts_on": starts,
            "ends_on": ends or starts + timedelta(days=6),
            **data,
        },
    )


def test_an_editor_puts_a_promotion_on_the_calendar_with_a_tag_made_from_its_name():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    made = actions.create_promotion(
        actor=editor,
        community=community,
        data={
            "kind": "contest",
            "name": "  Best  Knife Photo 2026! ",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-31",
            "description": "Send a photo.\r\nWin a stone.",
        },
    )
    assert made.name == "Best Knife Photo 2026!"
    assert made.campaign == "best-knife-photo-2026"
    assert made.description == "Send a photo.\nWin a stone."
    assert made.starts_on == date(2026, 5, 1)
    entry = AuditEntry.objects.get(community=community, action="promotion.create")
    assert entry.actor == editor
    assert entry.after["campaign"] == "best-knife-photo-2026"


def test_a_name_without_latin_letters_gets_a_tag_from_its_kind_and_first_day():
    community = make_community()
    made = promotion(community, name="Весенняя распродажа", starts=date(2026, 3, 8))
    assert made.campaign == "discount-2026-03-08"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ANALYST, Role.MEMBER])
def test_moderators_analysts_and_members_may_not_keep_promotions(role):
    community = make_community()
    actor = add_member(community, role=role)
    data = {"kind": "contest", "name": "X", "starts_on": "2026-05-01", "ends_on": "2026-05-02"}
    with pytest.raises(PermissionRefused):
        actions.create_promotion(actor=actor, community=community, data=data)
    made = promotion(community)
    with pytest.raises(PermissionRefused):
        actions.update_promotion(actor=actor, promotion=made, data={"name": "Y"})
    with pytest.raises(PermissionRefused):
        actions.delete_promotion(actor=actor, promotion=made)
    assert Promotion.objects.get().name == "Spring sale"


def test_an_outsider_of_a_private_community_finds_nothing():
    community = make_community(privacy=Privacy.PRIVATE)
    with pytest.raises(NotFound):
        actions.create_promotion(actor=person(), community=community, data={})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "raffle"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": "2026-02-01"}, "ends_on"),
        ({"description": "x" * 2001}, "description"),
        ({"campaign": "spring sale"}, "campaign"),
        ({"campaign": "весна"}, "campaign"),
        ({"campaign": "x" * 65}, "campaign"),
    ],
)
def test_bad_promotions_are_refused_naming_the_field(data, field):
    community = make_community()
    good = {"kind": "discount", "name": "Sale", "starts_on": "2026-03-01", "ends_on": "2026-03-07"}
    with pytest.raises(ValidationFailed) as refused:
        actions.create_promotion(
            actor=owner_of(community), community=community, data={**good, **data}
        )
    assert list(refused.value.fields) == [field]
    assert not Promotion.objects.exists()


def test_a_promotion_needs_its_kind_name_and_dates():
    community = make_community()
    with pytest.raises(ValidationFailed) as refused:
        actions.create_promotion(actor=owner_of(community), community=community, data={})
    assert set(refused.value.fields) == {"kind", "name", "starts_on", "ends_on"}


def test_promotions_may_overlap():
    community = make_community()
    promotion(community, "Sale", date(2026, 3, 1), date(2026, 3, 31))
    promotion(community, "Contest", date(2026, 3, 10), date(2026, 3, 20), kind="contest")
    assert Promotion.objects.filter(community=community).count() == 2


def test_an_edit_changes_only_what_is_given_and_keeps_the_tag_when_renamed():
    community = make_community()
    made = promotion(community)
    owner = owner_of(community)
    actions.update_promotion(
        actor=owner, promotion=made, data={"name": "Spring sale, extended", "ends_on": "2026-03-20"}
    )
    made.refresh_from_db()
    assert (made.name, made.ends_on, made.campaign) == (
        "Spring sale, extended",
        date(2026, 3, 20),
        "spring-sale",
    )
    entry = AuditEntry.objects.get(action="promotion.update")
    assert entry.before == {"name": "Spring sale", "ends_on": "2026-03-07"}
    actions.update_promotion(actor=owner, promotion=made, data={"campaign": ""})
    made.refresh_from_db()
    assert made.campaign == "spring-sale-extended"
    with pytest.raises(ValidationFailed) as refused:
        actions.update_promotion(actor=owner, promotion=made, data={"starts_on": "2026-04-01"})
    assert "ends_on" in refused.value.fields


def test_deleting_a_promotion_keeps_its_posts():
    community = make_community()
    made = promotion(community)
    post = make_post(community)
    PlannedPost.objects.create(post=post, promotion=made)
    actions.delete_promotion(actor=owner_of(community), promotion=made)
    assert Post.objects.filter(pk=post.pk).exists()
    assert PlannedPost.objects.get(post=post).promotion is None
    assert AuditEntry.objects.filter(action="promotion.delete").exists()


# --- the list: current and upcoming first ---------------------------------------------------------


def test_the_list_shows_current_and_upcoming_first_then_the_past_latest_first():
    community = make_community()
    today = date(2026, 6, 15)
    over_long_ago = promotion(community, "Winter", date(2026, 1, 1), date(2026, 1, 31))
    over_lately = promotion(community, "Spring", date(2026, 5, 1), date(2026, 6, 14))
    current = promotion(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    ends_today = promotion(community, "Week", date(2026, 6, 9), date(2026, 6, 15))
    upcoming = promotion(community, "Summer", date(2026, 7, 1), date(2026, 7, 31))
    expected = [current, ends_today, upcoming, over_lately, over_long_ago]
    assert promotions_page(community, limit=30, today=today).items == expected
    # Paged two at a time, every one comes once, in the same order.
    seen, cursor = [], None
    while True:
        page = promotions_page(community, cursor=cursor, limit=2, today=today)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


def test_a_page_boundary_between_current_and_past_loses_nothing():
    community = make_community()
    today = date(2026, 6, 15)
    current = promotion(community, "June", date(2026, 6, 1), date(2026, 6, 30))
    past = promotion(community, "May", date(2026, 5, 1), date(2026, 5, 31))
    first = promotions_page(community, limit=1, today=today)
    assert first.items == [current]
    assert first.next_cursor is not None
    second = promotions_page(community, cursor=first.next_cursor, limit=1)
    assert second.items == [past]
    assert second.next_cursor is None


def test_the_api_lists_promotions_and_refuses_a_forged_cursor():
    community = make_community()
    today = today_in(community)
    promotion(community, "Now", today - timedelta(days=1), today + timedelta(days=1))
    promotion(community, "Before", today - timedelta(days=30), today - timedelta(days=20))
    promotion(community, "Later", today + timedelta(days=10), today + timedelta(days=12))
    api = api_as(owner_of(community))
    response = api.get(f"/communities/{community.slug}/promotions?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert [(p["name"], p["status"]) for p in body["items"]] == [
        ("Now", "current"),
        ("Later", "upcoming"),
    ]
    rest = api.get(f"/communities/{community.slug}/promotions?cursor={body['next_cursor']}")
    assert [(p["name"], p["status"]) for p in rest.json()["items"]] == [("Before", "over")]
    for values in ([9, "2026-06-01", "", 0], [0, "June", "", 0], [0, "2026-06-01", 5, 0]):
        forged = api.get(f"/communities/{community.slug}/promotions?cursor={encode_cursor(values)}")
        assert forged.status_code == 422, values
        assert "cursor" in error_of(forged)["fields"]


# --- the API ------------------------------------------------------------------------------------


def test_the_api_creates_shows_changes_and_deletes_a_promotion_with_its_posts():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    api = api_as(editor)
    made = api.post(
        f"/communities/{community.slug}/promotions",
        {
            "kind": "launch",
            "name": "New whetstone",
            "starts_on": "2026-09-01",
            "ends_on": "2026-09-07",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["campaign"] == "new-whetstone"
    assert body["posts"] == []
    promotion_id = body["id"]
    published = make_post(community, body="It is here.")
    deleted = make_post(community, body="Gone.")
    Post.objects.filter(pk=deleted.pk).update(status=PostStatus.DELETED)
    elsewhere = make_post(community, body="Not in it.")
    for post in (published, deleted):
        PlannedPost.objects.create(post=post, promotion_id=promotion_id)
    PlannedPost.objects.create(post=elsewhere)
    shown = api.get(f"/promotions/{promotion_id}")
    assert shown.status_code == 200
    posts = shown.json()["posts"]
    assert [(p["id"], p["status"], p["title"]) for p in posts] == [
        (published.pk, "published", "It is here.")
    ]
    assert posts[0]["published_at"] is not None
    changed = api.patch(f"/promotions/{promotion_id}", {"kind": "ad_campaign"})
    assert changed.status_code == 200
    assert changed.json()["kind"] == "ad_campaign"
    assert api.delete(f"/promotions/{promotion_id}").status_code == 204
    assert not Promotion.objects.filter(pk=promotion_id).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "raffle"}, "kind"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"ends_on": "2026-08-01"}, "ends_on"),
        ({"campaign": "two words"}, "campaign"),
        ({"budget": 100}, "budget"),
    ],
)
def test_the_api_refuses_bad_promotions_naming_the_field(body, field):
    community = make_community()
    good = {"kind": "discount", "name": "Sale", "starts_on": "2026-09-01", "ends_on": "2026-09-07"}
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/promotions", {**good, **body}
    )
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Promotion.objects.exists()


def test_the_api_hides_promotions_of_a_private_community_and_refuses_members():
    private = make_community(privacy=Privacy.PRIVATE)
    made = promotion(private)
    outsider = api_as(person())
    assert outsider.get(f"/communities/{private.slug}/promotions").status_code == 404
    assert outsider.get(f"/promotions/{made.pk}").status_code == 404
    member = api_as(add_member(private))
    assert member.get(f"/promotions/{made.pk}").status_code == 403
    assert member.patch(f"/promotions/{made.pk}", {"name": "Mine"}).status_code == 403
    assert member.delete(f"/promotions/{made.pk}").status_code == 403
    analyst = api_as(add_member(private, role=Role.ANALYST))
    assert analyst.get(f"/communities/{private.slug}/promotions").status_code == 403
    assert Promotion.objects.get().name == "Spring sale"
