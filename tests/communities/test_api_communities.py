"""Creating, reading and configuring communities through the API; search, catalog and wiki."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from communa.accounts.actions import create_access_token
from communa.accounts.models import User
from communa.communities.models import (
    Community,
    Membership,
    Privacy,
    Role,
    VerificationRequest,
    WikiPage,
)
from communa.core.models import AuditEntry
from tests.factories import add_member, image_upload, make_community, owner_of, person
from tests.support import Api, api_as, error_of

pytestmark = pytest.mark.django_db

GROUP = {
    "name": "Learn to Cook",
    "slug": "learn-to-cook",
    "kind": "group",
    "category": "interest",
    "description": "Recipes and classes from the kitchenware shop.",
    "contacts": "hello@example.org",
    "links": [{"title": "Shop", "url": "https://shop.example.org"}],
    "privacy": "closed",
    "wall_mode": "limited",
    "comment_policy": "members",
    "links_allowed": False,
    "obscene_filter": True,
}


def fields_of(response) -> dict[str, list[str]]:
    return error_of(response)["fields"]


def row_counts() -> tuple[int, int, int]:
    return Community.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


# --- creation -------------------------------------------------------------------------------


def test_creating_a_community_makes_the_creator_its_owner_and_first_member():
    # given
    founder = person(username="founder")
    # when
    response = api_as(founder).post("/communities", GROUP)
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in GROUP} == GROUP
    assert (body["member_count"], body["verified"]) == (1, False)
    community = Community.objects.get(slug="learn-to-cook")
    assert Membership.objects.get(community=community).user == founder
    assert Membership.objects.get(community=community).role == Role.OWNER
    entry = AuditEntry.objects.get(community=community)
    assert (entry.actor, entry.action) == (founder, "community.create")


def test_creating_a_community_needs_a_login():
    response = api_as(None).post("/communities", GROUP)
    assert response.status_code == 401
    assert Community.objects.count() == 0


def test_only_the_given_fields_are_set_and_the_rest_keep_their_defaults():
    response = api_as(person()).post("/communities", {"name": "Tiny", "slug": "tiny"})
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["privacy"], body["wall_mode"], body["links"]) == (
        "group",
        "open",
        "open",
        [],
    )


def test_an_event_has_a_date_and_a_place():
    starts = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    response = api_as(person()).post(
        "/communities",
        {
            "name": "Pasta night",
            "slug": "pasta-night",
            "kind": "event",
            "category": "event",
            "event_starts_at": starts.isoformat(),
            "event_place": "Shop kitchen, 5 Main St",
        },
    )
    assert response.status_code == 201, response.content
    community = Community.objects.get(slug="pasta-night")
    assert (community.event_starts_at, community.event_place) == (starts, "Shop kitchen, 5 Main St")


def test_an_event_tells_and_changes_its_number_of_places():
    starts = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    owner = person()
    api = api_as(owner)
    created = api.post(
        "/communities",
        {
            "name": "Knife class",
            "slug": "knife-class",
            "kind": "event",
            "event_starts_at": starts.isoformat(),
            "event_place": "Shop kitchen",
            "event_capacity": 12,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["event_capacity"] == 12
    changed = api.patch("/communities/knife-class", {"event_capacity": 30})
    assert changed.status_code == 200, changed.content
    assert api.get("/communities/knife-class").json()["event_capacity"] == 30
    refused = api.patch("/communities/knife-class", {"event_capacity": 0})
    assert refused.status_code == 422
    assert "event_capacity" in refused.json()["error"]["fields"]
    assert Community.objects.get(slug="knife-class").event_capacity == 30


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"slug": "learn-to-cook"}, "slug", "taken"),
        ({"slug": "Learn-To-COOK"}, "slug", "taken"),
        ({"slug": "no"}, "slug", "3 to 64"),
        ({"slug": "api"}, "slug", "reserved"),
        ({"category": "casino"}, "category", "Choose one of"),
        ({"kind": "club"}, "kind", "Choose one of"),
        ({"kind": "public_page", "privacy": "closed"}, "privacy", "always open"),
        ({"kind": "event"}, "event_starts_at", "start date"),
        ({"kind": "event"}, "event_place", "place"),
        ({"links": [{"title": "x", "url": "javascript:alert(1)"}]}, "links", "http"),
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"wall_mode": "sometimes"}, "wall_mode", "Choose one of"),
        ({"links_allowed": "maybe"}, "links_allowed", "true or false"),
        ({"member_count": 1000}, "member_count", "Unknown field"),
        ({"verified": True}, "verified", "Unknown field"),
    ],
)
def test_bad_input_on_creation_names_the_field_and_writes_nothing(changes, field, reason):
    # given an existing community with the address learn-to-cook
    make_community(name="Learn to Cook", slug="learn-to-cook")
    before = row_counts()
    # when someone creates another with one bad field
    response = api_as(person()).post("/communities", {**GROUP, "slug": "second-one", **changes})
    # then the answer names the field and the reason, and nothing is written
    assert response.status_code == 422, response.content
    assert any(reason in message for message in fields_of(response)[field]), fields_of(response)
    assert row_counts() == before


def test_a_missing_name_and_address_are_both_named():
    response = api_as(person()).post("/communities", {"description": "nameless"})
    assert response.status_code == 422
    assert set(fields_of(response)) == {"name", "slug"}


# --- reading one community ------------------------------------------------------------------


def test_the_detail_shows_the_viewers_relation_counts_and_wiki_menu():
    # given a verified community with two wiki pages and a member
    community = make_community(name="Learn to Cook", slug="learn-to-cook")
    Community.objects.filter(pk=community.pk).update(verified=True)
    WikiPage.objects.create(community=community, title="Recipes", slug="recipes", position=2)
    WikiPage.objects.create(community=community, title="About", slug="about", position=1)
    member = add_member(community)
    # when the member and an anonymous visitor read it
    as_member = api_as(member).get("/communities/LEARN-to-cook").json()
    as_visitor = api_as(None).get("/communities/learn-to-cook").json()
    # then
    assert as_member["slug"] == "learn-to-cook"
    assert (as_member["relation"], as_visitor["relation"]) == ("member", "anonymous")
    assert as_member["member_count"] == 2
    assert as_member["verified"] is True
    assert [p["slug"] for p in as_member["wiki"]] == ["about", "recipes"]
    assert "leave" in as_member["permissions"]
    assert "join" not in as_member["permissions"]
    assert "edit_settings" not in as_member["permissions"]
    assert "leave" not in as_visitor["permissions"]


def test_a_closed_community_shows_name_and_description_but_not_its_content_to_outsiders():
    community = make_community(
        name="Quiet Kitchen", slug="quiet-kitchen", privacy="closed", description="Invite only"
    )
    WikiPage.objects.create(community=community, title="Members only", slug="inside")
    outsider = api_as(person())
    body = outsider.get("/communities/quiet-kitchen").json()
    assert (body["name"], body["description"]) == ("Quiet Kitchen", "Invite only")
    assert body["wiki"] == []
    assert body["permissions"] == ["see", "request_join"]
    assert outsider.get("/communities/quiet-kitchen/wiki/inside").status_code == 403
    assert outsider.get("/communities/quiet-kitchen/members").status_code == 403


def test_a_blocked_person_sees_why_on_the_detail():
    community = make_community()
    blocked = person()
    ends = timezone.now() + timedelta(days=3)
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/blocks",
        {
            "username": blocked.username,
            "reason": "Selling fake knives",
            "ends_at": ends.isoformat(),
        },
    )
    body = api_as(blocked).get(f"/communities/{community.slug}").json()
    assert body["relation"] == "blocked"
    assert body["block"]["reason"] == "Selling fake knives"


# --- settings -------------------------------------------------------------------------------


def test_an_admin_changes_settings_and_the_change_is_audited():
    # given
    community = make_community(name="Learn to Cook", slug="learn-to-cook")
    admin = add_member(community, role=Role.ADMIN)
    # when
    response = api_as(admin).patch(
        "/communities/learn-to-cook",
        {"name": "Learn to Cook Together", "wall_mode": "closed", "comment_policy": "nobody"},
    )
    # then
    assert response.status_code == 200, response.content
    community.refresh_from_db()
    assert (community.name, community.wall_mode, community.comment_policy) == (
        "Learn to Cook Together",
        "closed",
        "nobody",
    )
    assert community.kind == "group"  # fields left out stay as they were
    entry = AuditEntry.objects.filter(action="community.update").get()
    assert (entry.actor, entry.community) == (admin, community)
    assert entry.before == {
        "name": "Learn to Cook",
        "wall_mode": "open",
        "comment_policy": "everyone",
    }
    assert entry.after["name"] == "Learn to Cook Together"


def test_changing_the_address_to_one_in_use_in_another_case_is_refused():
    make_community(slug="taken-address")
    community = make_community(slug="mine")
    response = api_as(owner_of(community)).patch("/communities/mine", {"slug": "TAKEN-Address"})
    assert response.status_code == 422
    assert "taken" in fields_of(response)["slug"][0]
    community.refresh_from_db()
    assert community.slug == "mine"


def test_a_public_page_cannot_be_made_closed():
    community = make_community(kind="public_page", category="public_page", slug="news-page")
    before = AuditEntry.objects.count()
    response = api_as(owner_of(community)).patch("/communities/news-page", {"privacy": "closed"})
    assert response.status_code == 422
    assert "always open" in fields_of(response)["privacy"][0]
    community.refresh_from_db()
    assert community.privacy == "open"
    assert AuditEntry.objects.count() == before


def test_the_kind_is_not_a_setting():
    community = make_community()
    response = api_as(owner_of(community)).patch(
        f"/communities/{community.slug}", {"kind": "event"}
    )
    assert response.status_code == 422
    assert "kind" in fields_of(response)


# --- conversion -----------------------------------------------------------------------------


def test_a_group_converts_to_a_public_page_once_and_a_second_try_names_the_date():
    # given a group converted today
    community = make_community(slug="convertible")
    owner = api_as(owner_of(community))
    first = owner.post("/communities/convertible/convert", {"kind": "public_page"})
    assert first.status_code == 200, first.content
    assert first.json()["kind"] == "public_page"
    # when the owner converts it back the same month
    second = owner.post("/communities/convertible/convert", {"kind": "group"})
    # then the answer says when it becomes possible, and nothing changed
    assert second.status_code == 409
    community.refresh_from_db()
    possible = timezone.localtime(community.kind_changed_at + timedelta(days=30))
    assert date_format(possible, "DATETIME_FORMAT") in error_of(second)["message"]
    assert community.kind == "public_page"
    assert AuditEntry.objects.filter(action="community.convert").count() == 1


def test_a_conversion_after_thirty_days_is_allowed():
    community = make_community(slug="convertible", kind="public_page", category="public_page")
    Community.objects.filter(pk=community.pk).update(
        kind_changed_at=timezone.now() - timedelta(days=31)
    )
    response = api_as(owner_of(community)).post(
        "/communities/convertible/convert", {"kind": "group"}
    )
    assert response.status_code == 200
    assert response.json()["kind"] == "group"


def test_an_event_does_not_convert():
    community = make_community(
        kind="event", event_starts_at=timezone.now() + timedelta(days=1), event_place="Hall"
    )
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/convert", {"kind": "public_page"}
    )
    assert response.status_code == 422
    assert "kind" in fields_of(response)


# --- images ---------------------------------------------------------------------------------


def post_image(user, community, field, upload):
    client = Client()
    client.force_login(user)
    return client.post(f"/api/communities/{community.slug}/{field}", {field: upload})


@pytest.mark.parametrize("size", [(795, 200), (1590, 400)])
def test_a_cover_of_an_accepted_size_is_stored(size):
    community = make_community()
    response = post_image(owner_of(community), community, "cover", image_upload(*size))
    assert response.status_code == 200, response.content
    assert response.json()["cover_url"]
    community.refresh_from_db()
    assert (community.cover.width, community.cover.height) == size
    assert AuditEntry.objects.filter(action="community.cover").exists()


@pytest.mark.parametrize("size", [(200, 300), (500, 200), (200, 420)])
def test_an_avatar_of_an_accepted_size_is_stored(size):
    community = make_community()
    response = post_image(owner_of(community), community, "avatar", image_upload(*size))
    assert response.status_code == 200, response.content
    assert response.json()["avatar_url"]


@pytest.mark.parametrize(
    ("field", "size", "accepted"),
    [
        ("cover", (800, 200), "795×200 or 1590×400"),
        ("cover", (1590, 401), "795×200 or 1590×400"),
        ("avatar", (200, 200), "200 pixels on one side and 300 to 500"),
        ("avatar", (200, 501), "200 pixels on one side and 300 to 500"),
        ("avatar", (300, 400), "200 pixels on one side and 300 to 500"),
    ],
)
def test_an_image_of_the_wrong_size_is_refused_with_the_sizes_that_would_do(field, size, accepted):
    community = make_community()
    response = post_image(owner_of(community), community, field, image_upload(*size))
    assert response.status_code == 422
    message = fields_of(response)[field][0]
    assert f"{size[0]}×{size[1]}" in message
    assert accepted in message
    community.refresh_from_db()
    assert not getattr(community, field)


@pytest.mark.parametrize("field", ["cover", "avatar"])
def test_a_file_that_is_not_an_image_is_refused(field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    community = make_community()
    fake = SimpleUploadedFile("cover.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = post_image(owner_of(community), community, field, fake)
    assert response.status_code == 422
    assert "not an image" in fields_of(response)[field][0]
    community.refresh_from_db()
    assert not getattr(community, field)


def test_an_image_of_a_disallowed_type_is_refused():
    community = make_community()
    response = post_image(owner_of(community), community, "cover", image_upload(795, 200, "BMP"))
    assert response.status_code == 422
    assert "JPEG, PNG, WebP or GIF" in fields_of(response)["cover"][0]


def test_an_oversize_image_is_refused_before_it_is_stored(settings):
    settings.COMMUNA = {**settings.COMMUNA, "COMMUNITY_IMAGE_MAX_BYTES": 500}
    community = make_community()
    response = post_image(owner_of(community), community, "cover", image_upload(1590, 400))
    assert response.status_code == 422
    assert "largest allowed" in fields_of(response)["cover"][0]
    community.refresh_from_db()
    assert not community.cover


def test_a_moderator_cannot_change_the_cover():
    community = make_community()
    moderator = add_member(community, role=Role.MODERATOR)
    response = post_image(moderator, community, "cover", image_upload(795, 200))
    assert response.status_code == 403


# --- verification ---------------------------------------------------------------------------


def test_a_verification_request_waits_for_the_operators_and_is_not_sent_twice():
    community = make_community()
    owner = api_as(owner_of(community))
    body = {"message": "We are the shop.", "evidence_url": "https://shop.example.org/about"}
    first = owner.post(f"/communities/{community.slug}/verification", body)
    assert first.status_code == 201
    assert first.json()["status"] == "pending"
    second = owner.post(f"/communities/{community.slug}/verification", body)
    assert second.status_code == 409
    assert VerificationRequest.objects.count() == 1


def test_a_verification_request_needs_a_message_and_a_web_address():
    community = make_community()
    response = api_as(owner_of(community)).post(
        f"/communities/{community.slug}/verification",
        {"message": " ", "evidence_url": "ftp://x"},
    )
    assert response.status_code == 422
    assert set(fields_of(response)) == {"message", "evidence_url"}


# --- wiki -----------------------------------------------------------------------------------


def test_an_editor_writes_wiki_pages_that_form_the_menu():
    # given
    community = make_community(slug="cooks")
    editor = api_as(add_member(community, role=Role.EDITOR))
    # when
    saved = editor.call(
        "put",
        "/communities/cooks/wiki/recipes",
        {"title": "Recipes", "body": "Soup", "position": 2},
    )
    editor.call("put", "/communities/cooks/wiki/about", {"title": "About", "position": 1})
    # then
    assert saved.status_code == 200, saved.content
    assert [p["slug"] for p in api_as(None).get("/communities/cooks/wiki").json()] == [
        "about",
        "recipes",
    ]
    page = api_as(None).get("/communities/cooks/wiki/recipes").json()
    assert (page["title"], page["body"]) == ("Recipes", "Soup")
    # and when it is edited then removed
    editor.call("put", "/communities/cooks/wiki/recipes", {"title": "Our recipes", "body": "Stew"})
    assert WikiPage.objects.get(slug="recipes").body == "Stew"
    assert editor.delete("/communities/cooks/wiki/recipes").status_code == 204
    assert api_as(None).get("/communities/cooks/wiki/recipes").status_code == 404
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="wiki.")] == [
        "wiki.delete",
        "wiki.update",
        "wiki.create",
        "wiki.create",
    ]


def test_a_wiki_page_needs_a_title_and_a_sound_address():
    community = make_community(slug="cooks")
    response = api_as(owner_of(community)).call(
        "put", "/communities/cooks/wiki/x", {"title": "", "position": 5000}
    )
    assert response.status_code == 422
    assert set(fields_of(response)) == {"slug", "title", "position"}
    assert not WikiPage.objects.exists()


# --- search and catalog ---------------------------------------------------------------------


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_an_exact_name_match_ranks_first_even_with_fewer_members():
    # given three communities about cooking, the exact one the smallest
    exact = make_community(name="Cooking")
    contains = make_community(name="Cooking for beginners")
    loose = make_community(name="Kitchen club", description="We talk about cooking every day")
    make_community(name="Gardening")
    Community.objects.filter(pk=exact.pk).update(member_count=1)
    Community.objects.filter(pk=contains.pk).update(member_count=500)
    Community.objects.filter(pk=loose.pk).update(member_count=900)
    # when
    found = names(api_as(None).get("/communities?q=cooking"))
    # then
    assert found == ["Cooking", "Cooking for beginners", "Kitchen club"]


def test_search_never_shows_a_private_community_even_to_its_members():
    private = make_community(name="Cooking secrets", privacy="private")
    make_community(name="Cooking in the open")
    make_community(name="Cooking behind doors", privacy="closed")
    owner = api_as(owner_of(private))
    assert sorted(names(owner.get("/communities?q=cooking"))) == [
        "Cooking behind doors",
        "Cooking in the open",
    ]


@pytest.mark.parametrize("query", ["учимся", "УЧИМСЯ", "Учимся Готовить", "готовить"])
def test_a_cyrillic_query_matches_without_regard_to_case(query):
    make_community(name="Учимся готовить", slug="uchimsya")
    make_community(name="Шьём вместе", slug="sewing")
    assert names(api_as(None).get("/communities", data={"q": query})) == ["Учимся готовить"]


def test_a_word_search_finds_vietnamese_descriptions():
    make_community(name="Nấu ăn", description="Học NẤU ĂN cùng nhau")
    assert names(api_as(None).get("/communities", data={"q": "nấu ăn"})) == ["Nấu ăn"]


def test_search_refuses_a_page_size_below_one():
    response = api_as(None).get("/communities?limit=0")
    assert response.status_code == 422
    assert "limit" in fields_of(response)


def test_search_refuses_a_forged_cursor():
    response = api_as(None).get("/communities?cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 422
    assert "cursor" in fields_of(response)


def test_the_catalog_lists_featured_communities_in_the_operators_order():
    first = make_community(name="First")
    second = make_community(name="Second")
    hidden = make_community(name="Hidden", privacy="private")
    make_community(name="Not featured")
    Community.objects.filter(pk=first.pk).update(featured=True, featured_rank=2)
    Community.objects.filter(pk=second.pk).update(featured=True, featured_rank=1)
    Community.objects.filter(pk=hidden.pk).update(featured=True, featured_rank=0)
    response = api_as(None).get("/communities/catalog")
    assert [c["name"] for c in response.json()] == ["Second", "First"]


# --- token authentication -------------------------------------------------------------------


def test_a_personal_access_token_works_for_community_endpoints(client):
    # given a token and no session
    founder = person(username="scripted")
    _token, plaintext = create_access_token(actor=founder, name="bot")
    api = Api(client, plaintext)
    # when the script creates a community, reads it, and changes it
    created = api.post("/communities", {"name": "Bot club", "slug": "bot-club"})
    detail = api.get("/communities/bot-club")
    patched = api.patch("/communities/bot-club", {"description": "Run by a script"})
    team = api.get("/communities/bot-club/team")
    # then every call acts as the token's owner
    assert created.status_code == 201
    assert detail.json()["relation"] == "owner"  # the token is honoured where login is optional
    assert patched.status_code == 200
    assert team.status_code == 200
    assert AuditEntry.objects.filter(actor=founder).count() == 2


def test_a_token_reads_a_private_community_it_belongs_to(client):
    community = make_community(privacy=Privacy.PRIVATE, slug="hideout")
    member = add_member(community)
    _token, plaintext = create_access_token(actor=member, name="reader")
    assert Api(client, plaintext).get("/communities/hideout/members").status_code == 200
    assert Api(Client()).get("/communities/hideout/members").status_code == 404


def test_a_wrong_token_is_refused_even_where_login_is_optional(client):
    make_community(slug="open-house")
    response = Api(client, "cmn_not-a-real-token").get("/communities/open-house")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


# --- random input -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.sampled_from(["open", "closed", "event", "public_page", "2026-01-31T18:00:00Z", "a\x00b"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["title", "url", "x"]), children, max_size=3)
    ),
    max_leaves=8,
)
community_bodies = st.dictionaries(
    st.sampled_from([*GROUP, "event_starts_at", "event_ends_at", "event_place", "utm", "id"]),
    json_values,
    max_size=6,
)


@pytest.mark.parametrize("method", ["post", "patch"])
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=community_bodies)
def test_random_community_input_gets_a_4xx_or_success_never_a_500(method, body):
    owner = User.objects.filter(username="fuzz-owner").first() or person(username="fuzz-owner")
    if not Community.objects.filter(slug="fuzzed").exists():
        make_community(owner, slug="fuzzed")
    path = "/communities" if method == "post" else "/communities/fuzzed"
    response = api_as(owner).call(method, path, body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error_of(response)
