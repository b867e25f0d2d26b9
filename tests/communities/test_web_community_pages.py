"""Creating, finding and configuring a community through its web pages."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from communa.communities import actions
from communa.communities.models import Community, Kind, Membership, Privacy, Role
from tests.factories import image_upload, make_community, person

pytestmark = pytest.mark.django_db

CREATE = {
    "kind": "group",
    "category": "shop",
    "name": "Learn to Cook",
    "slug": "learn-to-cook",
    "description": "Recipes and classes from the kitchenware shop.",
    "contacts": "hello@example.org",
    "links": "Shop | https://shop.example.org\nhttps://blog.example.org",
    "privacy": "open",
    "wall_mode": "limited",
    "comment_policy": "members",
    "links_allowed": "on",
    "obscene_filter": "on",
}


def field_errors(response, field: str, form: str = "form") -> list[str]:
    """The errors the page shows beside one field (and checks they are in the HTML)."""
    errors = list(response.context[form].errors.get(field, []))
    html = response.content.decode().replace("&quot;", '"')
    beside = f'<div class="error" id="{response.context[form][field].auto_id}_error">'
    if errors:
        assert beside in html
    for error in errors:
        assert f"<p>{error}</p>" in html.split(beside, 1)[1]
    return errors


# --- creation ------------------------------------------------------------------------------


def test_creating_a_community_through_the_form_makes_the_creator_its_owner(logged_in, user):
    # when
    response = logged_in.post("/communities/new/", CREATE)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/c/learn-to-cook/"
    community = Community.objects.get(slug="learn-to-cook")
    assert (community.category, community.wall_mode, community.comment_policy) == (
        "shop",
        "limited",
        "members",
    )
    assert community.links == [
        {"title": "Shop", "url": "https://shop.example.org"},
        {"title": "blog.example.org", "url": "https://blog.example.org"},
    ]
    assert Membership.objects.get(community=community, user=user).role == Role.OWNER
    page = logged_in.get("/c/learn-to-cook/")
    assert "Learn to Cook" in page.content.decode()
    assert "https://shop.example.org" in page.content.decode()


def test_create_page_needs_a_login(client):
    response = client.get("/communities/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_taken_short_address_is_refused_beside_the_slug_field(logged_in, other_user):
    # given
    make_community(other_user, name="Learn to Cook", slug="learn-to-cook")

    # when
    response = logged_in.post("/communities/new/", {**CREATE, "slug": "Learn-To-Cook"})

    # then
    assert response.status_code == 422
    assert field_errors(response, "slug") == ["This address is taken by another community."]
    assert Community.objects.count() == 1


def test_an_unknown_category_is_refused_beside_the_category_field(logged_in):
    response = logged_in.post("/communities/new/", {**CREATE, "category": "spaceship"})

    assert response.status_code == 400
    (error,) = field_errors(response, "category")
    assert "spaceship" in error
    assert not Community.objects.exists()


def test_a_public_page_cannot_be_created_closed(logged_in):
    response = logged_in.post(
        "/communities/new/", {**CREATE, "kind": "public_page", "privacy": "closed"}
    )

    assert response.status_code == 422
    assert field_errors(response, "privacy") == ["A public page is always open."]
    assert not Community.objects.exists()


def test_an_event_needs_a_start_and_a_place(logged_in):
    response = logged_in.post("/communities/new/", {**CREATE, "kind": "event"})

    assert response.status_code == 422
    assert field_errors(response, "event_starts_at") == ["An event needs a start date and time."]
    assert field_errors(response, "event_place") == ["An event needs a place."]


def test_an_event_shows_its_date_and_place(logged_in):
    response = logged_in.post(
        "/communities/new/",
        {
            **CREATE,
            "kind": "event",
            "category": "event",
            "event_starts_at": "2031-05-01T18:30",
            "event_place": "Kitchen studio, Main Street 5",
        },
    )

    assert response.status_code == 302
    community = Community.objects.get()
    assert community.kind == Kind.EVENT
    page = logged_in.get("/c/learn-to-cook/").content.decode()
    assert "Kitchen studio, Main Street 5" in page
    assert date_format(timezone.localtime(community.event_starts_at), "DATETIME_FORMAT") in page


# --- search and catalog ------------------------------------------------------------------------


def test_search_results_and_catalog_link_with_their_source(client, user):
    # given
    make_community(user, name="Learn to Cook", slug="learn-to-cook")
    featured = make_community(user, name="Garden Friends", slug="garden-friends")
    make_community(user, name="Secret Cooks", slug="secret-cooks", privacy="private")
    Community.objects.filter(pk=featured.pk).update(featured=True)  # operators do it in the admin

    # when
    page = client.get("/communities/", {"q": "cook"}).content.decode()

    # then
    assert 'href="/c/learn-to-cook/?src=search"' in page
    assert 'href="/c/garden-friends/?src=catalog"' in page
    assert "secret-cooks" not in page
    assert 'href="/communities/new/"' in page


def test_search_pages_by_cursor_without_repeating_a_community(client, user, settings):
    # given
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 2}
    for n in range(3):
        make_community(user, name=f"Cooking club {n}", slug=f"cooking-{n}")

    # when
    first = client.get("/communities/", {"q": "cooking"})
    next_link = first.context["next_link"]
    second = client.get(f"/communities/{next_link}")

    # then
    shown = [c.slug for c in first.context["results"]] + [c.slug for c in second.context["results"]]
    assert sorted(shown) == ["cooking-0", "cooking-1", "cooking-2"]
    assert second.context["next_link"] is None


def test_a_broken_cursor_is_a_clear_error(client):
    response = client.get("/communities/", {"q": "cook", "cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert "This page cursor is not valid." in response.content.decode()


# --- settings ----------------------------------------------------------------------------------


def test_settings_page_saves_changes(logged_in, user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    form = logged_in.get("/c/learn-to-cook/settings/").context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    del data["obscene_filter"]  # an unticked box is simply not sent

    response = logged_in.post(
        "/c/learn-to-cook/settings/",
        {**data, "name": "Learn to Cook Better", "privacy": "closed", "links_allowed": "on"},
    )

    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.privacy, community.links_allowed) == (
        "Learn to Cook Better",
        "closed",
        True,
    )
    assert community.obscene_filter is False


def test_a_public_page_settings_offer_no_privacy(logged_in, user):
    make_community(
        user, name="Learn to Cook", slug="learn-to-cook", kind="public_page", category="public_page"
    )

    response = logged_in.get("/c/learn-to-cook/settings/")

    assert "privacy" not in response.context["form"].fields
    assert 'name="privacy"' not in response.content.decode()


def test_a_wrong_size_cover_is_refused_with_the_accepted_sizes(logged_in, user, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")

    # when
    response = logged_in.post("/c/learn-to-cook/settings/cover/", {"cover": image_upload(800, 200)})

    # then
    assert response.status_code == 422
    (error,) = field_errors(response, "cover", form="cover_form")
    assert "800×200" in error
    assert "795×200 or 1590×400" in error
    community.refresh_from_db()
    assert not community.cover
    assert "795×200 or 1590×400" in response.context["cover_form"]["cover"].help_text


def test_a_cover_of_the_right_size_is_stored_and_shown(logged_in, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = logged_in.post("/c/learn-to-cook/settings/cover/", {"cover": image_upload(795, 200)})

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.cover
    assert community.cover.url in logged_in.get("/c/learn-to-cook/").content.decode()


def test_an_avatar_of_the_wrong_size_is_refused_beside_the_avatar_field(
    logged_in, user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = logged_in.post(
        "/c/learn-to-cook/settings/avatar/", {"avatar": image_upload(200, 200)}
    )

    assert response.status_code == 422
    (error,) = field_errors(response, "avatar", form="avatar_form")
    assert "200 pixels on one side and 300 to 500 pixels on the other" in error


def test_a_second_conversion_within_30_days_says_when_it_becomes_possible(logged_in, user):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    assert logged_in.post("/c/learn-to-cook/convert/", {"kind": "public_page"}).status_code == 302
    community.refresh_from_db()
    assert community.kind == Kind.PUBLIC_PAGE

    # when
    response = logged_in.post("/c/learn-to-cook/convert/", {"kind": "group"})

    # then
    assert response.status_code == 409
    community.refresh_from_db()
    assert community.kind == Kind.PUBLIC_PAGE
    possible = community.kind_changed_at + timezone.timedelta(days=30)
    assert date_format(timezone.localtime(possible), "DATETIME_FORMAT") in (
        response.content.decode()
    )


def test_settings_show_the_widget_snippet_with_an_absolute_address(logged_in, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    page = logged_in.get("/c/learn-to-cook/settings/").content.decode()

    assert '&lt;iframe src="http://testserver/c/learn-to-cook/widget/"' in page


def test_a_verification_request_reaches_the_operators(logged_in, user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")

    response = logged_in.post(
        "/c/learn-to-cook/verification/",
        {"message": "We are the shop's official group.", "evidence_url": "https://shop.example"},
    )

    assert response.status_code == 302
    assert community.verification_requests.get().message == "We are the shop's official group."


def test_a_member_cannot_open_the_settings(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    actions.join_community(actor=other_user, community=community)
    client.force_login(other_user)

    assert client.get("/c/learn-to-cook/settings/").status_code == 403
    assert client.post("/c/learn-to-cook/settings/", {"name": "Mine now"}).status_code == 403
    community.refresh_from_db()
    assert community.name == "Learn to Cook"


# --- wiki --------------------------------------------------------------------------------------


def test_an_editor_writes_a_wiki_page_that_joins_the_menu(client, user):
    # given
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    editor = person()
    actions.join_community(actor=editor, community=community)
    actions.set_member_role(actor=user, community=community, user=editor, role=Role.EDITOR)
    client.force_login(editor)

    # when
    response = client.post(
        "/c/learn-to-cook/wiki/new/",
        {
            "title": "Rules",
            "slug": "rules",
            "body": "Be kind <script>x</script>\nSee https://example.org",
            "position": "1",
        },
    )

    # then
    assert response.status_code == 302
    page = client.get("/c/learn-to-cook/wiki/rules/").content.decode()
    assert "&lt;script&gt;" in page
    assert "<script>x" not in page
    assert '<a href="https://example.org"' in page
    assert 'href="/c/learn-to-cook/wiki/rules/"' in client.get("/c/learn-to-cook/").content.decode()


def test_a_member_cannot_edit_the_wiki(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    actions.save_wiki_page(actor=user, community=community, slug="rules", title="Rules", body="")
    actions.join_community(actor=other_user, community=community)
    client.force_login(other_user)

    assert client.get("/c/learn-to-cook/wiki/rules/").status_code == 200
    assert client.get("/c/learn-to-cook/wiki/rules/edit/").status_code == 403
    assert client.post("/c/learn-to-cook/wiki/rules/delete/").status_code == 403
    assert community.wiki_pages.count() == 1


def test_the_owner_edits_and_deletes_a_wiki_page(logged_in, user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    actions.save_wiki_page(actor=user, community=community, slug="rules", title="Rules", body="")

    edited = logged_in.post(
        "/c/learn-to-cook/wiki/rules/edit/", {"title": "House rules", "body": "", "position": "0"}
    )
    assert edited.status_code == 302
    assert community.wiki_pages.get().title == "House rules"

    assert logged_in.post("/c/learn-to-cook/wiki/rules/delete/").status_code == 302
    assert not community.wiki_pages.exists()


def test_a_community_created_closed_shows_only_its_profile_to_outsiders(client, user):
    make_community(
        user,
        name="Learn to Cook",
        slug="learn-to-cook",
        privacy=Privacy.CLOSED,
        description="We cook together.",
    )

    page = client.get("/c/learn-to-cook/")

    assert page.status_code == 200
    assert "We cook together." in page.content.decode()
    assert client.get("/c/learn-to-cook/members/").status_code == 403


@pytest.mark.django_db
def test_a_missing_wiki_page_is_a_404_on_the_page_and_its_edit_form(client):
    from communa.communities.actions import create_community

    owner = person(username="wiki_owner")
    create_community(actor=owner, data={"name": "Wiki home", "slug": "wiki-home"})
    client.force_login(owner)
    assert client.get("/c/wiki-home/wiki/no-such-page/").status_code == 404
    assert client.get("/c/wiki-home/wiki/no-such-page/edit/").status_code == 404
