"""The walls API for posts: publishing under wall modes, long-reads, uploads, suggestions, pins,
edits with history, deletion, impressions and reach, and the community wall itself."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from communa.analytics.models import Event, EventKind, Platform, PostViewer
from communa.communities.models import Kind, Privacy, Role, Rubric, WallMode
from communa.walls.actions.posts import suggest_post
from communa.walls.models import Post, PostStatus
from tests.factories import add_member, make_community, person
from tests.support import api_as, error_of
from tests.walls.support import make_post, pdf_file, png_file, post_multipart, row_counts

pytestmark = pytest.mark.django_db


def tags_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def wall_of(api, community, **query):
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    response = api.get(f"/communities/{community.slug}/wall?{suffix}")
    assert response.status_code == 200, response.content
    return response.json()


# --- publishing -------------------------------------------------------------------------------


def test_a_member_posts_on_an_open_wall_and_the_post_is_signed_with_their_name():
    # given
    community = make_community()
    member = add_member(community)
    # when
    response = api_as(member).post(
        f"/communities/{community.slug}/posts", {"body": "Sharpen *weekly*."}
    )
    # then
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["author"]["username"] == member.username
    assert post["signed_as"] == "author"
    assert post["shown_as"] == {"name": member.shown_name, "suggested_by": None}
    assert post["body_html"] == "<p>Sharpen <em>weekly</em>.</p>\n"
    assert post["community"] == {"slug": community.slug, "name": community.name}
    assert post["status"] == "published"
    items = wall_of(api_as(None), community)["items"]
    assert [item["id"] for item in items] == [post["id"]]


def test_scripts_in_a_post_never_reach_its_html():
    community = make_community()
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/posts",
        {"body": '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y()">'},
    )
    assert response.status_code == 201, response.content
    tags = tags_in(response.json()["body_html"])
    assert "script" not in [tag for tag, _attrs in tags]
    attributes = [(name, value or "") for _tag, attrs in tags for name, value in attrs]
    assert not [name for name, _value in attributes if name.startswith("on")]
    assert not [value for _name, value in attributes if "javascript:" in value.lower()]


def test_an_editor_posts_as_the_community_unless_they_sign_with_their_own_name():
    # given
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    api = api_as(editor)
    # when
    as_page = api.post(f"/communities/{community.slug}/posts", {"body": "News."}).json()
    as_self = api.post(
        f"/communities/{community.slug}/posts", {"body": "Mine.", "signed_as": "author"}
    ).json()
    # then
    assert as_page["signed_as"] == "community"
    assert as_page["shown_as"]["name"] == community.name
    assert as_self["signed_as"] == "author"
    assert as_self["shown_as"]["name"] == editor.shown_name


def test_the_team_chooses_rubric_tone_and_promotional_mark_and_only_the_team_sees_them():
    # given
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    rubric = Rubric.objects.filter(community=community).order_by("position").first()
    rubrics = api_as(editor).get(f"/communities/{community.slug}/rubrics").json()
    assert rubric.pk in [r["id"] for r in rubrics]
    # when
    response = api_as(editor).post(
        f"/communities/{community.slug}/posts",
        {"body": "Sale!", "rubric": rubric.pk, "tone": "branded", "promotional": True},
    )
    # then
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["rubric"] == {"id": rubric.pk, "label": rubric.label}
    assert (post["tone"], post["promotional"]) == ("branded", True)
    seen_by_member = api_as(add_member(community)).get(f"/posts/{post['id']}").json()
    assert (seen_by_member["rubric"], seen_by_member["tone"], seen_by_member["promotional"]) == (
        None,
        None,
        None,
    )


def test_a_rubric_of_another_community_is_refused_naming_the_field():
    community = make_community()
    foreign = (
        Rubric.objects.exclude(community=community).first()
        or Rubric.objects.filter(community=make_community()).first()
    )
    before = row_counts()
    response = api_as(community.created_by).post(
        f"/communities/{community.slug}/posts", {"body": "x", "rubric": foreign.pk}
    )
    assert response.status_code == 422
    assert "rubric" in error_of(response)["fields"]
    assert row_counts() == before


def test_images_and_a_document_come_as_multipart_with_the_post_in_the_payload_field():
    # given
    community = make_community()
    member = add_member(community)
    # when
    response = post_multipart(
        api_as(member),
        f"/communities/{community.slug}/posts",
        {"body": "Our workshop."},
        images=[png_file("a.png", 30, 20), png_file("b.png", 8, 8)],
        document=pdf_file("price-list.pdf"),
    )
    # then
    assert response.status_code == 201, response.content
    post = response.json()
    assert [(i["width"], i["height"]) for i in post["images"]] == [(30, 20), (8, 8)]
    assert all(i["url"] and i["thumbnail_url"] for i in post["images"])
    assert post["document"]["name"] == "price-list.pdf"
    assert post["document"]["size"] > 0
    assert post["body"] == "Our workshop."


def test_a_post_of_images_alone_needs_no_payload():
    community = make_community()
    response = post_multipart(
        api_as(add_member(community)),
        f"/communities/{community.slug}/posts",
        images=[png_file()],
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["images"]) == 1


@pytest.mark.parametrize(
    ("wall", "role", "status"),
    [
        (WallMode.OPEN, Role.MEMBER, 201),
        (WallMode.LIMITED, Role.MEMBER, 403),
        (WallMode.LIMITED, Role.MODERATOR, 403),
        (WallMode.LIMITED, Role.EDITOR, 201),
        (WallMode.CLOSED, Role.MEMBER, 403),
        (WallMode.CLOSED, Role.ADMIN, 201),
        (WallMode.OFF, Role.MEMBER, 403),
        (WallMode.OFF, Role.OWNER, 403),
    ],
)
def test_the_wall_mode_decides_who_may_post(wall, role, status):
    # given
    community = make_community(wall_mode=wall)
    author = community.created_by if role == Role.OWNER else add_member(community, role=role)
    before = row_counts()
    # when
    response = api_as(author).post(f"/communities/{community.slug}/posts", {"body": "Hello"})
    # then
    assert response.status_code == status, response.content
    if status == 403:
        assert error_of(response)["code"] == "permission_denied"
        assert row_counts() == before


def test_outsiders_may_not_post_on_an_open_wall():
    community = make_community()
    response = api_as(person()).post(f"/communities/{community.slug}/posts", {"body": "Hi"})
    assert response.status_code == 403


def test_a_public_page_refuses_posts_from_members_who_suggest_instead():
    # given
    page = make_community(kind=Kind.PUBLIC_PAGE)
    member = add_member(page)
    api = api_as(member)
    before = row_counts()
    # when
    refused = api.post(f"/communities/{page.slug}/posts", {"body": "My idea"})
    # then
    assert refused.status_code == 403
    assert "suggest" in error_of(refused)["message"].lower()
    assert row_counts() == before
    suggested = api.post(f"/communities/{page.slug}/suggestions", {"body": "My idea"})
    assert suggested.status_code == 201, suggested.content
    assert suggested.json()["status"] == "suggested"


def test_posts_are_suggested_only_on_public_pages():
    group = make_community()
    response = api_as(add_member(group)).post(
        f"/communities/{group.slug}/suggestions", {"body": "An idea"}
    )
    assert response.status_code == 403
    assert "public pages" in error_of(response)["message"]


def test_links_are_refused_where_the_community_bans_them_and_the_error_says_why():
    # given
    community = make_community(links_allowed=False)
    member = add_member(community)
    before = row_counts()
    # when
    in_text = api_as(member).post(
        f"/communities/{community.slug}/posts", {"body": "Buy at https://spam.example/now"}
    )
    as_link = api_as(member).post(
        f"/communities/{community.slug}/posts",
        {"body": "Look", "link_url": "https://spam.example/"},
    )
    # then
    for response, field in ((in_text, "body"), (as_link, "link_url")):
        assert response.status_code == 422, response.content
        reasons = " ".join(error_of(response)["fields"][field])
        assert "Links are not allowed" in reasons
        assert "spam.example" in reasons
    assert row_counts() == before


def test_the_team_may_post_links_where_members_may_not():
    community = make_community(links_allowed=False)
    editor = add_member(community, role=Role.EDITOR)
    response = api_as(editor).post(
        f"/communities/{community.slug}/posts", {"body": "Our shop: https://shop.example/"}
    )
    assert response.status_code == 201, response.content


def test_an_empty_post_is_refused_naming_the_body():
    community = make_community()
    before = row_counts()
    response = api_as(add_member(community)).post(
        f"/communities/{community.slug}/posts", {"body": "   "}
    )
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]
    assert row_counts() == before


def test_a_long_read_of_one_hundred_blocks_is_published():
    community = make_community()
    blocks = [{"type": "paragraph", "text": f"Part {n}."} for n in range(100)]
    response = api_as(add_member(community)).post(
        f"/communities/{community.slug}/posts",
        {"kind": "longread", "title": "On steel", "blocks": blocks},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "longread"
    assert len(response.json()["blocks"]) == 100
    assert "<p>Part 99.</p>" in response.json()["body_html"]


def test_a_long_read_of_one_hundred_and_one_blocks_is_refused_naming_the_limit():
    community = make_community()
    blocks = [{"type": "paragraph", "text": f"Part {n}."} for n in range(101)]
    before = row_counts()
    response = api_as(add_member(community)).post(
        f"/communities/{community.slug}/posts",
        {"kind": "longread", "title": "On steel", "blocks": blocks},
    )
    assert response.status_code == 422
    reasons = " ".join(error_of(response)["fields"]["blocks"])
    assert "100" in reasons
    assert "101" in reasons
    assert row_counts() == before


def test_an_oversize_image_is_refused_and_nothing_is_written(settings):
    # given a limit of 200 bytes and an image above it
    settings.COMMUNA = {**settings.COMMUNA, "POST_IMAGE_MAX_BYTES": 200}
    community = make_community()
    big = png_file("big.png", 300, 300)
    assert big.size > 200
    before = row_counts()
    # when
    response = post_multipart(
        api_as(add_member(community)),
        f"/communities/{community.slug}/posts",
        {"body": "Look"},
        images=[png_file("small.png", 2, 2), big],
    )
    # then
    assert response.status_code == 422, response.content
    assert "MB" in " ".join(error_of(response)["fields"]["images"])
    assert row_counts() == before


def test_eleven_images_are_refused_naming_the_limit_of_ten():
    community = make_community()
    before = row_counts()
    response = post_multipart(
        api_as(add_member(community)),
        f"/communities/{community.slug}/posts",
        {"body": "Many"},
        images=[png_file(f"{n}.png") for n in range(11)],
    )
    assert response.status_code == 422
    reasons = " ".join(error_of(response)["fields"]["images"])
    assert "10" in reasons
    assert "11" in reasons
    assert row_counts() == before


def test_a_file_that_is_not_an_image_is_refused():
    community = make_community()
    before = row_counts()
    response = post_multipart(
        api_as(add_member(community)),
        f"/communities/{community.slug}/posts",
        {"body": "Look"},
        images=[pdf_file("fake.png")],
    )
    assert response.status_code == 422
    assert "images" in error_of(response)["fields"]
    assert row_counts() == before


def test_a_payload_field_that_is_not_json_is_a_400():
    community = make_community()
    api = api_as(add_member(community))
    response = api.client.post(
        f"/api/communities/{community.slug}/posts", data={"payload": "{not json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"


def test_fields_of_the_wrong_type_are_refused_by_name_in_json_and_in_multipart():
    community = make_community()
    api = api_as(add_member(community))
    as_json = api.post(f"/communities/{community.slug}/posts", {"body": "x", "blocks": "many"})
    as_form = post_multipart(api, f"/communities/{community.slug}/posts", {"body": ["x"]})
    unknown = api.post(f"/communities/{community.slug}/posts", {"body": "x", "colour": "red"})
    assert as_json.status_code == as_form.status_code == unknown.status_code == 422
    assert "blocks" in error_of(as_json)["fields"]
    assert "body" in error_of(as_form)["fields"]
    assert "colour" in error_of(unknown)["fields"]


def test_anonymous_visitors_may_not_post():
    community = make_community()
    response = api_as(None).post(f"/communities/{community.slug}/posts", {"body": "Hi"})
    assert response.status_code == 401


# --- suggested posts ----------------------------------------------------------------------------


def _page_with_suggestion():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    member = add_member(page)
    response = api_as(member).post(
        f"/communities/{page.slug}/suggestions", {"body": "Try oil stones."}
    )
    assert response.status_code == 201, response.content
    return page, member, response.json()["id"]


def test_reviewers_see_the_queue_and_members_do_not():
    page, member, post_id = _page_with_suggestion()
    moderator = add_member(page, role=Role.MODERATOR)
    queue = api_as(moderator).get(f"/communities/{page.slug}/suggestions")
    assert queue.status_code == 200
    assert [p["id"] for p in queue.json()["items"]] == [post_id]
    assert api_as(member).get(f"/communities/{page.slug}/suggestions").status_code == 403
    # A suggestion is not on the wall, and other members cannot open it.
    assert wall_of(api_as(member), page)["items"] == []
    assert api_as(add_member(page)).get(f"/posts/{post_id}").status_code == 404


def test_the_suggestions_queue_pages_by_keyset_oldest_first():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    member = add_member(page)
    ids = [
        suggest_post(actor=member, community=page, data={"body": f"Idea {n}"}).pk for n in range(5)
    ]
    api = api_as(page.created_by)
    first = api.get(f"/communities/{page.slug}/suggestions?limit=3").json()
    second = api.get(
        f"/communities/{page.slug}/suggestions?limit=3&cursor={first['next_cursor']}"
    ).json()
    assert [p["id"] for p in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None


def test_an_editor_publishes_a_suggestion_edited_and_signed_by_the_page_with_its_suggester():
    # given
    page, member, post_id = _page_with_suggestion()
    editor = add_member(page, role=Role.EDITOR)
    rubric = Rubric.objects.filter(community=page).order_by("-position").first()
    # when
    response = api_as(editor).post(
        f"/posts/{post_id}/publish",
        {"body": "Try Arkansas oil stones.", "rubric": rubric.pk, "tone": "functional"},
    )
    # then
    assert response.status_code == 200, response.content
    post = response.json()
    assert post["status"] == "published"
    assert post["signed_as"] == "community"
    assert post["shown_as"] == {"name": page.name, "suggested_by": member.username}
    assert post["body"] == "Try Arkansas oil stones."
    assert post["rubric"]["id"] == rubric.pk
    assert [p["id"] for p in wall_of(api_as(None), page)["items"]] == [post_id]
    # and publishing twice is refused
    assert api_as(editor).post(f"/posts/{post_id}/publish", {}).status_code == 403


def test_a_rejected_suggestion_shows_its_reason_to_the_person_who_suggested_it():
    # given
    page, member, post_id = _page_with_suggestion()
    editor = add_member(page, role=Role.EDITOR)
    # when
    missing_reason = api_as(editor).post(f"/posts/{post_id}/reject", {"reason": " "})
    response = api_as(editor).post(f"/posts/{post_id}/reject", {"reason": "Off topic, sorry."})
    # then
    assert missing_reason.status_code == 422
    assert "reason" in error_of(missing_reason)["fields"]
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    mine = api_as(member).get(f"/communities/{page.slug}/suggestions/mine").json()
    assert [(p["id"], p["status"], p["review_reason"]) for p in mine] == [
        (post_id, "rejected", "Off topic, sorry.")
    ]
    assert api_as(member).get(f"/posts/{post_id}").json()["review_reason"] == "Off topic, sorry."
    assert api_as(add_member(page)).get(f"/posts/{post_id}").status_code == 404


def test_members_may_not_publish_or_reject_suggestions():
    page, member, post_id = _page_with_suggestion()
    other = add_member(page)
    assert api_as(other).post(f"/posts/{post_id}/publish", {}).status_code == 404
    assert api_as(member).post(f"/posts/{post_id}/publish", {}).status_code == 403
    assert api_as(member).post(f"/posts/{post_id}/reject", {"reason": "x"}).status_code == 403
    assert Post.objects.get(pk=post_id).status == PostStatus.SUGGESTED


# --- pins ----------------------------------------------------------------------------------------


def test_pinning_moves_the_one_pin_of_the_community_and_the_wall_shows_it_first():
    # given
    community = make_community()
    first, second, third = (make_post(community, body=f"Post {n}") for n in range(3))
    api = api_as(community.created_by)
    # when
    assert api.post(f"/posts/{first.pk}/pin").json()["pinned"] is True
    response = api.post(f"/posts/{second.pk}/pin")
    # then
    assert response.status_code == 200
    assert list(Post.objects.filter(community=community, pinned=True)) == [second]
    wall = wall_of(api, community)
    assert wall["pinned"]["id"] == second.pk
    assert [p["id"] for p in wall["items"]] == [third.pk, first.pk]
    # the pinned post is not repeated on later pages
    later = wall_of(api, community, limit=1)
    assert wall_of(api, community, limit=1, cursor=later["next_cursor"])["pinned"] is None
    # and unpinning leaves none
    assert api.delete(f"/posts/{second.pk}/pin").json()["pinned"] is False
    assert wall_of(api, community)["pinned"] is None


def test_members_may_not_pin():
    community = make_community()
    post = make_post(community)
    response = api_as(add_member(community)).post(f"/posts/{post.pk}/pin")
    assert response.status_code == 403
    assert not Post.objects.get(pk=post.pk).pinned


# --- edits, history, deletion ------------------------------------------------------------------


def test_an_author_edits_their_post_and_editors_read_the_history_newest_first():
    # given
    community = make_community()
    member = add_member(community)
    post = make_post(community, member, body="First words.")
    # when
    api_as(member).patch(f"/posts/{post.pk}", {"body": "Second words."})
    response = api_as(member).patch(f"/posts/{post.pk}", {"title": "Now with a title"})
    # then
    assert response.status_code == 200, response.content
    edited = response.json()
    assert (edited["title"], edited["body"]) == ("Now with a title", "Second words.")
    assert edited["edited_at"] is not None
    history = api_as(community.created_by).get(f"/posts/{post.pk}/history")
    assert history.status_code == 200
    assert [(r["title"], r["body"]) for r in history.json()] == [
        ("", "Second words."),
        ("", "First words."),
    ]
    assert history.json()[0]["edited_by"] == member.username


def test_the_history_is_refused_to_members_even_to_the_author():
    community = make_community()
    member = add_member(community)
    post = make_post(community, member)
    assert api_as(member).get(f"/posts/{post.pk}/history").status_code == 403
    assert api_as(add_member(community)).get(f"/posts/{post.pk}/history").status_code == 403


def test_a_member_may_not_edit_someone_elses_post():
    community = make_community()
    post = make_post(community, add_member(community), body="Mine.")
    before = row_counts()
    response = api_as(add_member(community)).patch(f"/posts/{post.pk}", {"body": "Yours."})
    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).body == "Mine."
    assert row_counts() == before


def test_emptying_a_post_by_an_edit_is_refused_and_keeps_the_post_as_it_was():
    community = make_community()
    member = add_member(community)
    post = make_post(community, member, body="Mine.")
    before = row_counts()
    response = api_as(member).patch(f"/posts/{post.pk}", {"body": ""})
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]
    assert Post.objects.get(pk=post.pk).body == "Mine."
    assert row_counts() == before


def test_a_deleted_post_is_gone_from_the_wall_and_its_page():
    community = make_community()
    member = add_member(community)
    post = make_post(community, member)
    assert api_as(add_member(community)).delete(f"/posts/{post.pk}").status_code == 403
    assert api_as(member).delete(f"/posts/{post.pk}").status_code == 204
    assert api_as(member).get(f"/posts/{post.pk}").status_code == 404
    assert wall_of(api_as(member), community)["items"] == []


def test_editors_delete_members_posts():
    community = make_community()
    post = make_post(community, add_member(community))
    editor = add_member(community, role=Role.EDITOR)
    assert api_as(editor).delete(f"/posts/{post.pk}").status_code == 204
    assert Post.objects.get(pk=post.pk).status == PostStatus.DELETED


# --- reading: walls, visibility, impressions -----------------------------------------------------


def test_a_private_wall_answers_outsiders_like_a_missing_one():
    community = make_community(privacy=Privacy.PRIVATE)
    post = make_post(community)
    outsider = api_as(person())
    hidden = outsider.get(f"/communities/{community.slug}/wall")
    missing = outsider.get("/communities/no-such-place/wall")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert outsider.get(f"/posts/{post.pk}").json() == outsider.get("/posts/999999").json()


def test_a_closed_wall_is_refused_to_outsiders_and_shown_to_members():
    community = make_community(privacy=Privacy.CLOSED)
    make_post(community)
    assert api_as(person()).get(f"/communities/{community.slug}/wall").status_code == 403
    assert len(wall_of(api_as(add_member(community)), community)["items"]) == 1


def test_a_wall_that_is_off_is_refused_to_members_with_the_reason_and_shown_to_the_team():
    community = make_community()
    make_post(community)
    community.wall_mode = WallMode.OFF
    community.save(update_fields=["wall_mode"])
    refused = api_as(add_member(community)).get(f"/communities/{community.slug}/wall")
    assert refused.status_code == 403
    assert "turned off" in error_of(refused)["message"]
    assert len(wall_of(api_as(community.created_by), community)["items"]) == 1


def test_the_wall_pages_by_keyset_newest_first():
    community = make_community()
    posts = [make_post(community, body=f"Post {n}") for n in range(5)]
    api = api_as(None)
    first = wall_of(api, community, limit=2)
    second = wall_of(api, community, limit=2, cursor=first["next_cursor"])
    third = wall_of(api, community, limit=2, cursor=second["next_cursor"])
    ids = [p["id"] for page in (first, second, third) for p in page["items"]]
    assert ids == [p.pk for p in reversed(posts)]
    assert third["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "-1", "101"])
def test_a_page_size_outside_the_bounds_is_refused_naming_the_limit(limit):
    community = make_community()
    response = api_as(None).get(f"/communities/{community.slug}/wall?limit={limit}")
    assert response.status_code == 422
    assert "limit" in error_of(response)["fields"]


def test_a_tampered_cursor_is_refused_naming_the_cursor():
    community = make_community()
    response = api_as(None).get(f"/communities/{community.slug}/wall?cursor=bm9wZQ")
    assert response.status_code == 422
    assert "cursor" in error_of(response)["fields"]


def test_showing_a_post_records_an_api_impression_and_reach_counts_each_viewer_once():
    # given
    community = make_community()
    post = make_post(community)
    reader, other = add_member(community), add_member(community)
    # when
    api_as(reader).get(f"/posts/{post.pk}")
    api_as(reader).get(f"/posts/{post.pk}")
    api_as(other).get(f"/posts/{post.pk}")
    # then
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (3, 2)
    impressions = Event.objects.filter(post=post, kind=EventKind.IMPRESSION)
    assert impressions.count() == 3
    assert set(impressions.values_list("platform", flat=True)) == {Platform.API}
    assert set(impressions.values_list("user_id", flat=True)) == {reader.pk, other.pk}
    assert PostViewer.objects.filter(post=post).count() == 2
    shown = api_as(reader).get(f"/posts/{post.pk}").json()["counts"]
    assert (shown["views"], shown["reach"]) == (3, 2)


def test_the_wall_records_one_impression_for_each_post_it_shows_the_pinned_one_included():
    community = make_community()
    posts = [make_post(community, body=f"Post {n}") for n in range(3)]
    api_as(community.created_by).post(f"/posts/{posts[0].pk}/pin")
    viewer = add_member(community)
    wall_of(api_as(viewer), community, limit=1)
    seen = Event.objects.filter(kind=EventKind.IMPRESSION, user=viewer, platform=Platform.API)
    assert sorted(seen.values_list("post_id", flat=True)) == [posts[0].pk, posts[2].pk]


def test_anonymous_readers_of_an_open_wall_are_counted_as_viewers():
    community = make_community()
    post = make_post(community)
    wall_of(api_as(None), community)
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (1, 1)
    event = Event.objects.get(post=post, kind=EventKind.IMPRESSION)
    assert (event.user_id, event.platform) == (None, Platform.API)
    assert event.viewer.startswith("v")


def test_switching_impressions_off_records_no_view_and_no_reach(settings):
    community = make_community()
    post = make_post(community)
    reader = add_member(community)
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": False}
    api_as(reader).get(f"/posts/{post.pk}")
    wall_of(api_as(None), community)
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (0, 0)
    assert not Event.objects.filter(post=post, kind=EventKind.IMPRESSION).exists()
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": True}
    api_as(reader).get(f"/posts/{post.pk}")
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (1, 1)
