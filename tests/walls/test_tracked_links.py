"""Tracked links (R8.8): every outbound link of a published post goes through `/l/<code>`, which
counts the click and redirects to the address with UTM tags; nothing else redirects."""

from __future__ import annotations

import importlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps as django_apps
from django.test import Client

from communa.analytics.models import Event, EventKind
from communa.communities.models import Privacy, Role, Rubric
from communa.core import hooks
from communa.core.links import LinkCampaigns, find_hrefs
from communa.walls.actions.posts import create_post, delete_post, edit_post
from communa.walls.models import LinkTags, Post, PostStatus, TrackedLink
from communa.walls.states import move_post
from communa.walls.tracking import tag_url
from tests.factories import add_member, make_community, person
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SHOP = "https://shop.example.org/knives?colour=blue&size=2"


@pytest.fixture
def owner():
    return person(username="olga")


@pytest.fixture
def group(owner):
    return make_community(owner, name="Learn to Cook", slug="cooks")


@pytest.fixture
def post(group, owner):
    body = "Read [the guide](https://example.org/guide) and https://example.org/faq, then write."
    return make_post(group, author=owner, body=body, link_url=SHOP)


def code_of(post: Post, url: str) -> str:
    return TrackedLink.objects.get(post=post, url=url).code


def follow(code: str, client: Client | None = None, **extra):
    return (client or Client()).get(f"/l/{code}", **extra)


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


# --- tagging an address ----------------------------------------------------------------------

TAGS = {
    "utm_source": "communa",
    "utm_medium": "social",
    "utm_campaign": "product",
    "utm_content": "post-7",
}


def test_tags_are_appended_after_the_address_own_query_which_is_kept_as_written():
    tagged = tag_url("https://example.org/p?b=2&a=%20x&flag#part", TAGS)

    assert tagged == (
        "https://example.org/p?b=2&a=%20x&flag&utm_source=communa&utm_medium=social"
        "&utm_campaign=product&utm_content=post-7#part"
    )


def test_a_tag_the_address_already_has_is_replaced_not_repeated():
    tagged = tag_url("https://example.org/?utm_source=newsletter&id=4&UTM_Campaign=old", TAGS)

    names = [name.lower() for name, _value in query_of(tagged)]
    assert names.count("utm_source") == 1
    assert names.count("utm_campaign") == 1
    assert dict(query_of(tagged))["utm_source"] == "communa"
    assert ("id", "4") in query_of(tagged)


def test_an_empty_tag_is_left_out_and_the_address_own_one_stays():
    tagged = tag_url("https://example.org/?utm_campaign=spring", {**TAGS, "utm_campaign": ""})

    assert query_of(tagged).count(("utm_campaign", "spring")) == 1


def test_tags_are_encoded():
    tagged = tag_url("https://example.org/", {"utm_campaign": "весна & sale"})

    assert tagged == "https://example.org/?utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0%20%26%20sale"


def test_only_web_addresses_are_read_from_rendered_text():
    html = (
        '<p><a href="https://a.example/x?y=1&amp;z=2" rel="nofollow">a</a> '
        '<a href="mailto:me@example.org">mail</a> <a href="/c/cooks/">here</a> '
        '<a href="http://b.example/">b</a> <a href="https://a.example/x?y=1&amp;z=2">again</a></p>'
    )

    assert find_hrefs(html) == ["https://a.example/x?y=1&z=2", "http://b.example/"]


# --- which links are tracked ------------------------------------------------------------------


def test_a_post_tracks_its_link_and_the_web_links_of_its_text_in_order(post):
    links = list(TrackedLink.objects.filter(post=post))

    assert [link.url for link in links] == [
        SHOP,
        "https://example.org/guide",
        "https://example.org/faq",
    ]
    assert len({link.code for link in links}) == 3
    assert all(link.in_post and link.click_count == 0 for link in links)


def test_mail_and_site_relative_links_are_not_tracked(group, owner):
    body = "Write to [us](mailto:chef@example.org) or see [the rules](/c/cooks/wiki/)."
    post = make_post(group, author=owner, body=body)

    assert not TrackedLink.objects.filter(post=post).exists()


def test_the_links_of_a_long_read_blocks_are_tracked(group, owner):
    blocks = [
        {"type": "paragraph", "text": "See [the recipe](https://example.org/recipe)."},
        {"type": "list", "items": ["https://example.org/pans"]},
    ]
    data = {"kind": "longread", "title": "Pans", "blocks": blocks, "signed_as": "author"}
    post = create_post(actor=owner, community=group, data=data)

    urls = list(TrackedLink.objects.filter(post=post).values_list("url", flat=True))
    assert urls == ["https://example.org/recipe", "https://example.org/pans"]


def test_an_edit_stops_a_removed_link_and_keeps_the_code_of_one_that_stays(post, owner):
    kept = code_of(post, SHOP)
    removed = code_of(post, "https://example.org/faq")

    edit_post(actor=owner, post=post, data={"body": "Now see https://example.org/new"})

    assert code_of(post, SHOP) == kept
    assert not TrackedLink.objects.get(code=removed).in_post
    assert follow(removed).status_code == 404
    assert follow(kept).status_code == 302
    assert follow(code_of(post, "https://example.org/new")).status_code == 302
    # the address back in the text answers again under its old code
    edit_post(actor=owner, post=post, data={"body": "Again https://example.org/faq"})
    assert TrackedLink.objects.get(code=removed).in_post
    assert follow(removed).status_code == 302


# --- the redirect -----------------------------------------------------------------------------


def test_a_short_link_redirects_to_the_tagged_address_and_counts_the_click_exactly(post, group):
    member = add_member(group)
    code = code_of(post, SHOP)

    response = follow(code, client_of(member))
    follow(code)  # and a visitor

    assert response.status_code == 302
    assert response["Location"] == (
        f"{SHOP}&utm_source=communa&utm_medium=social&utm_campaign=interaction"
        f"&utm_content=post-{post.pk}"
    )
    assert TrackedLink.objects.get(code=code).click_count == 2
    assert Post.objects.get(pk=post.pk).link_click_count == 2
    events = Event.objects.filter(kind=EventKind.LINK_CLICK, post=post)
    assert sorted(events.values_list("user_id", flat=True), key=str) == sorted(
        [member.pk, None], key=str
    )
    # a link of the text is counted on its own row, and on the post's total
    follow(code_of(post, "https://example.org/guide"))
    assert TrackedLink.objects.get(code=code).click_count == 2
    assert Post.objects.get(pk=post.pk).link_click_count == 3
    assert events.count() == 3


def test_the_old_counting_address_counts_on_the_same_link(post):
    code = code_of(post, SHOP)

    response = Client().get(f"/p/{post.pk}/go/")

    assert response.status_code == 302
    assert response["Location"] == follow(code)["Location"]
    assert TrackedLink.objects.get(code=code).click_count == 2
    assert Post.objects.get(pk=post.pk).link_click_count == 2


def test_link_previews_and_head_requests_are_sent_on_without_counting(post):
    code = code_of(post, SHOP)

    preview = follow(code, HTTP_USER_AGENT="TelegramBot (like TwitterBot)")
    head = Client().head(f"/l/{code}")

    assert preview.status_code == head.status_code == 302
    assert TrackedLink.objects.get(code=code).click_count == 0
    assert not Event.objects.filter(kind=EventKind.LINK_CLICK).exists()


def test_the_target_never_comes_from_the_request(post):
    code = code_of(post, SHOP)

    response = Client().get(f"/l/{code}?url=https://evil.example/&next=https://evil.example/")

    assert urlsplit(response["Location"]).netloc == "shop.example.org"
    assert "evil" not in response["Location"]


def _tampered(code: str) -> str:
    swapped = ("b" if code[0] == "a" else "a") + code[1:]
    assert not TrackedLink.objects.filter(code=swapped).exists()
    return swapped


@pytest.mark.parametrize(
    "path",
    ["/l/unknown1", "/l/", "/l/" + "x" * 200, "/l/..%2F..%2Fadmin", "/l/https://evil.example"],
)
def test_unknown_codes_are_the_sites_404(path):
    assert Client().get(path).status_code == 404
    assert not Event.objects.exists()


def test_a_tampered_code_is_a_404(post):
    assert follow(_tampered(code_of(post, SHOP))).status_code == 404
    assert Post.objects.get(pk=post.pk).link_click_count == 0


def test_links_of_a_deleted_post_are_404(post, owner):
    code = code_of(post, SHOP)
    delete_post(actor=owner, post=post)

    assert follow(code).status_code == 404
    assert follow(code, client_of(owner)).status_code == 404


def test_links_of_a_post_not_published_are_404_even_for_its_author(post, owner):
    code = code_of(post, SHOP)
    move_post(post, PostStatus.HELD, since=PostStatus.PUBLISHED)

    assert follow(code).status_code == 404
    assert follow(code, client_of(owner)).status_code == 404
    assert TrackedLink.objects.get(code=code).click_count == 0


def test_links_of_a_post_one_may_not_read_are_404(owner):
    closed = make_community(owner, slug="inner", privacy=Privacy.CLOSED)
    post = make_post(closed, author=owner, link_url=SHOP)
    code = code_of(post, SHOP)
    member = add_member(closed)

    assert follow(code).status_code == 404
    assert follow(code, client_of(person())).status_code == 404
    assert follow(code, client_of(member)).status_code == 302


# --- the tags ---------------------------------------------------------------------------------


def test_the_default_campaign_is_the_rubric_code_or_its_name(group, owner):
    custom = Rubric.objects.create(community=group, name="Knife Skills 101", position=99)
    product = Rubric.objects.get(community=group, code="product")
    labelled = make_post(group, author=owner, link_url=SHOP, rubric=product.pk)
    named = make_post(group, author=owner, link_url=SHOP, rubric=custom.pk)

    assert dict(query_of(follow(code_of(labelled, SHOP))["Location"]))["utm_campaign"] == (
        "product"
    )
    assert dict(query_of(follow(code_of(named, SHOP))["Location"]))["utm_campaign"] == (
        "knife-skills-101"
    )


def test_a_service_may_name_the_campaign_through_the_kernel_socket(post, monkeypatch):
    class Promotions(LinkCampaigns):
        def campaign_of(self, post):
            return f"spring-sale-{post.pk}"

    monkeypatch.setitem(hooks._plugged, LinkCampaigns, Promotions())

    location = follow(code_of(post, SHOP))["Location"]

    assert dict(query_of(location))["utm_campaign"] == f"spring-sale-{post.pk}"


def test_the_source_default_is_the_instance_setting(post, settings):
    settings.COMMUNA = {**settings.COMMUNA, "UTM_SOURCE": "cookclub"}

    assert dict(query_of(follow(code_of(post, SHOP))["Location"]))["utm_source"] == "cookclub"


def test_editors_choose_tags_through_the_api_and_left_out_ones_stay(group, owner):
    api = api_as(owner)
    created = api.post(
        f"/communities/{group.slug}/posts",
        {"body": "Sale", "link_url": SHOP, "utm_campaign": "spring", "utm_medium": "vk"},
    )
    assert created.status_code == 201, created.content
    post = Post.objects.get(pk=created.json()["id"])

    api.patch(f"/posts/{post.pk}", {"utm_campaign": "summer"})

    tags = dict(query_of(follow(code_of(post, SHOP))["Location"]))
    assert tags == {
        "colour": "blue",
        "size": "2",
        "utm_source": "communa",
        "utm_medium": "vk",
        "utm_campaign": "summer",
        "utm_content": f"post-{post.pk}",
    }
    # an empty tag brings the default back
    api.patch(f"/posts/{post.pk}", {"utm_medium": "", "utm_campaign": ""})
    assert not LinkTags.objects.filter(post=post).exists()


def test_editors_choose_tags_on_the_edit_page(post, owner):
    client = client_of(owner)
    page = client.get(f"/p/{post.pk}/edit/").content.decode()
    assert 'name="utm_campaign"' in page
    # the preview shows what each link opens as now
    assert f"utm_content=post-{post.pk}" in page

    response = client.post(
        f"/p/{post.pk}/edit/",
        {
            "body": post.body,
            "link_url": SHOP,
            "rubric": post.rubric_id,
            "tone": post.tone,
            "signed_as": "author",
            "utm_source": "newsletter",
            "utm_medium": "",
            "utm_campaign": "",
            "utm_content": "",
        },
    )

    assert response.status_code == 302, response.content.decode()
    assert dict(query_of(follow(code_of(post, SHOP))["Location"]))["utm_source"] == "newsletter"


def test_a_member_may_not_choose_tags(group):
    member = add_member(group)

    response = api_as(member).post(
        f"/communities/{group.slug}/posts", {"body": "Mine https://example.org", "utm_source": "x"}
    )

    assert response.status_code == 403
    assert "utm_source" in error_of(response)["fields"]
    assert not Post.objects.filter(author=member).exists()


@pytest.mark.parametrize(
    ("value", "status"), [("x" * 101, 422), ("a\nb", 422), (5, 422), (None, 201)]
)
def test_bad_tags_are_refused_naming_the_field(group, owner, value, status):
    response = api_as(owner).post(
        f"/communities/{group.slug}/posts", {"body": "Sale", "utm_content": value}
    )

    assert response.status_code == status, response.content
    if status == 422:
        assert "utm_content" in str(error_of(response)["fields"])


# --- cards and pages show the short links -----------------------------------------------------


def test_the_wall_card_shows_short_links_for_the_link_and_the_text(post):
    page = Client().get("/c/cooks/wall/", **HTMX).content.decode()

    for url in (SHOP, "https://example.org/guide", "https://example.org/faq"):
        assert f'href="/l/{code_of(post, url)}"' in page
    assert 'href="https://example.org/guide"' not in page
    assert f'href="/p/{post.pk}/go/"' not in page
    # the words people read stay the addresses they wrote
    assert "https://example.org/faq" in page


def test_a_cached_card_shows_the_links_of_the_post_as_it_is_now(post, owner):
    first = Client().get("/c/cooks/wall/", **HTMX).content.decode()
    old = code_of(post, "https://example.org/faq")
    assert f'href="/l/{old}"' in first

    edit_post(actor=owner, post=post, data={"body": "Only https://example.org/new now"})
    again = Client().get("/c/cooks/wall/", **HTMX).content.decode()

    assert f'href="/l/{old}"' not in again
    assert f'href="/l/{code_of(post, "https://example.org/new")}"' in again


def test_adding_or_removing_a_tracked_link_changes_the_card_key_but_a_click_does_not(post):
    def version() -> int:
        return Post.objects.values_list("content_version", flat=True).get(pk=post.pk)

    seen = [version()]
    link = TrackedLink.objects.get(post=post, url=SHOP)
    TrackedLink.objects.filter(pk=link.pk).update(click_count=5)
    assert version() == seen[-1]
    TrackedLink.objects.filter(pk=link.pk).update(in_post=False)
    seen.append(version())
    TrackedLink.objects.create(post=post, url="https://x.example/", url_digest="x", code="abcdefgh")
    seen.append(version())
    TrackedLink.objects.filter(code="abcdefgh").delete()
    seen.append(version())
    assert seen == sorted(set(seen))  # each change raised it


def test_a_post_not_published_shows_its_links_as_written(post, owner):
    move_post(post, PostStatus.HELD, since=PostStatus.PUBLISHED)

    page = client_of(owner).get(f"/p/{post.pk}/").content.decode()

    assert 'href="https://example.org/guide"' in page
    assert f'href="{SHOP.replace("&", "&amp;")}"' in page
    assert 'href="/l/' not in page


def test_the_api_text_of_a_published_post_points_at_its_short_links(post, group):
    answer = api_as(add_member(group)).get(f"/posts/{post.pk}").json()
    wall = api_as(None).get(f"/communities/{group.slug}/wall").json()

    guide = code_of(post, "https://example.org/guide")
    assert f'href="/l/{guide}"' in answer["body_html"]
    assert f'href="/l/{guide}"' in wall["items"][0]["body_html"]
    assert answer["link_url"] == SHOP  # the address as written, for editing
    assert answer["links"] is None  # the figures are the team's


# --- figures for the team ---------------------------------------------------------------------


def test_the_team_reads_each_links_clicks_and_ctr_in_the_api(post, group, owner):
    Post.objects.filter(pk=post.pk).update(impression_count=200)
    for _ in range(3):
        follow(code_of(post, SHOP))
    analyst = add_member(group, role=Role.ANALYST)

    answer = api_as(analyst).get(f"/posts/{post.pk}/links")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["impressions"], body["clicks"], body["ctr"]) == (200, 3, 1.5)
    assert body["tags"]["utm_content"] == f"post-{post.pk}"
    assert body["overrides"] == dict.fromkeys(
        ("utm_source", "utm_medium", "utm_campaign", "utm_content"), ""
    )
    first = body["links"][0]
    assert first == {
        "url": SHOP,
        "tagged_url": follow(code_of(post, SHOP), HTTP_USER_AGENT="bot/1")["Location"],
        "short_url": f"http://testserver/l/{code_of(post, SHOP)}",
        "in_post": True,
        "clicks": 3,
        "ctr": 1.5,
    }
    assert [link["clicks"] for link in body["links"]] == [3, 0, 0]
    # the answer about the post carries them for the team too
    detail = api_as(owner).get(f"/posts/{post.pk}").json()
    assert [link["url"] for link in detail["links"]] == [link["url"] for link in body["links"]]


def test_members_and_moderators_do_not_read_link_figures(post, group):
    member = add_member(group)
    moderator = add_member(group, role=Role.MODERATOR)

    assert api_as(member).get(f"/posts/{post.pk}/links").status_code == 403
    assert api_as(moderator).get(f"/posts/{post.pk}/links").status_code == 403
    assert api_as(None).get(f"/posts/{post.pk}/links").status_code == 401
    assert api_as(person()).get("/posts/999999/links").status_code == 404


def test_the_post_page_shows_the_team_its_link_figures(post, group, owner):
    follow(code_of(post, SHOP))

    team_page = client_of(owner).get(f"/p/{post.pk}/").content.decode()
    member_page = client_of(add_member(group)).get(f"/p/{post.pk}/").content.decode()

    assert 'id="link-figures-heading"' in team_page
    assert f"http://testserver/l/{code_of(post, SHOP)}" in team_page
    assert 'id="link-figures-heading"' not in member_page


# --- links written before tracking ------------------------------------------------------------


def test_the_migration_tracks_the_links_of_posts_written_before(post):
    TrackedLink.objects.all().delete()
    migration = importlib.import_module("communa.walls.migrations.0006_tracked_links")

    migration.track_existing_posts(django_apps, None)

    urls = list(TrackedLink.objects.filter(post=post).values_list("url", flat=True))
    assert urls == [SHOP, "https://example.org/guide", "https://example.org/faq"]


def test_a_click_on_the_link_of_a_post_without_rows_tracks_it_first(post):
    TrackedLink.objects.all().delete()

    response = Client().get(f"/p/{post.pk}/go/")

    assert response.status_code == 302
    assert TrackedLink.objects.get(post=post, url=SHOP).click_count == 1
    assert Post.objects.get(pk=post.pk).link_click_count == 1
