""" "More like this" (R9.4): a post cloned into a new, unpublished one of the same community."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage

from communa.communities.models import Privacy, Role, Rubric, WallMode
from communa.core.models import AuditEntry
from communa.walls.actions.clone import clone_post
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import create_post, share_post
from communa.walls.models import (
    LinkTags,
    Post,
    PostDocument,
    PostImage,
    PostStatus,
    TrackedLink,
)
from tests.factories import add_member, make_community, person
from tests.support import api_as, client_of, error_of
from tests.walls.support import make_comment, pdf_file, png_file, tiny_png

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.org/knives"


@pytest.fixture
def owner():
    return person(username="olga")


@pytest.fixture
def group(owner):
    return make_community(owner, name="Learn to Cook", slug="cooks")


@pytest.fixture
def original(group, owner):
    """A labelled post signed by the community, with images, a document, a link and tags, that
    people liked, commented and clicked."""
    rubric = Rubric.objects.get(community=group, code="product")
    post = create_post(
        actor=owner,
        community=group,
        data={
            "body": "New knives, see https://example.org/guide",
            "link_url": SHOP,
            "link_title": "The shop",
            "rubric": rubric.pk,
            "tone": "branded",
            "promotional": True,
            "signed_as": "community",
            "utm_campaign": "spring",
        },
        images=[png_file("a.png", 8, 6), png_file("b.png", 5, 5)],
        document=pdf_file(),
        document_name="rules.pdf",
    )
    reader = add_member(group)
    like_post(actor=reader, post=post)
    make_comment(post, reader, "Nice")
    client_of(reader).get(f"/l/{TrackedLink.objects.filter(post=post).first().code}")
    post.refresh_from_db()
    return post


def snapshot(post: Post) -> dict:
    post.refresh_from_db()
    return {
        "fields": {
            field.attname: getattr(post, field.attname)
            for field in Post._meta.concrete_fields
            if field.attname != "content_version"
        },
        "images": list(PostImage.objects.filter(post=post).values_list("image", "thumbnail")),
        "links": list(TrackedLink.objects.filter(post=post).values_list("code", "click_count")),
    }


def test_an_editor_clones_a_post_into_a_new_unpublished_one_with_everything_it_says(
    original, group, owner
):
    editor = add_member(group, role=Role.EDITOR)
    before = snapshot(original)

    clone = clone_post(actor=editor, post=original)

    clone.refresh_from_db()
    assert clone.pk != original.pk
    assert clone.community_id == group.pk
    assert clone.author_id == editor.pk
    # the planning team's copy is a draft of the planner
    assert clone.status == PostStatus.DRAFT
    assert clone.published_at is None
    same = ("kind", "title", "body", "blocks", "link_url", "link_title", "rubric_id", "tone")
    assert {name: getattr(clone, name) for name in same} == {
        name: getattr(original, name) for name in same
    }
    assert (clone.promotional, clone.signed_as) == (True, "community")
    # the counters start from zero
    counters = ("impression_count", "reach_count", "like_count", "comment_count")
    counters += ("share_count", "hide_count", "report_count", "link_click_count")
    assert {name: getattr(clone, name) for name in counters} == dict.fromkeys(counters, 0)
    assert not clone.pinned
    # the team's tags come along
    assert LinkTags.objects.get(post=clone).utm_campaign == "spring"
    # its links have codes of their own, which do not redirect before it is published
    codes = list(TrackedLink.objects.filter(post=clone).values_list("code", "click_count"))
    assert [clicks for _code, clicks in codes] == [0, 0]
    assert not {code for code, _clicks in codes} & {code for code, _ in before["links"]}
    assert client_of(editor).get(f"/l/{codes[0][0]}").status_code == 404
    # the original is untouched
    assert snapshot(original) == before


def test_the_images_and_document_are_copied_into_files_of_the_clones_own(original, owner):
    clone = clone_post(actor=owner, post=original)

    sources = list(PostImage.objects.filter(post=original))
    copies = list(PostImage.objects.filter(post=clone))
    assert [(c.width, c.height, c.position) for c in copies] == [
        (s.width, s.height, s.position) for s in sources
    ]
    for source, copy in zip(sources, copies, strict=True):
        assert copy.image.name != source.image.name
        assert copy.thumbnail.name != source.thumbnail.name
        with (
            default_storage.open(copy.image.name) as mine,
            default_storage.open(source.image.name) as theirs,
        ):
            assert mine.read() == theirs.read()
    document = PostDocument.objects.get(post=clone)
    assert document.name == "rules.pdf"
    assert document.file.name != PostDocument.objects.get(post=original).file.name
    # deleting the original's files leaves the clone's
    default_storage.delete(sources[0].image.name)
    assert default_storage.exists(copies[0].image.name)


def test_a_long_read_clone_shows_its_own_images(group, owner):
    blocks = [{"type": "paragraph", "text": "Steel"}, {"type": "image", "image": 0}]
    original = create_post(
        actor=owner,
        community=group,
        data={"kind": "longread", "title": "Knives", "blocks": blocks, "signed_as": "author"},
        images=[png_file()],
    )

    clone = clone_post(actor=owner, post=original)

    image = PostImage.objects.get(post=clone)
    assert image.image.url in clone.body_html
    assert PostImage.objects.get(post=original).image.url not in clone.body_html
    assert clone.blocks == original.blocks


def test_a_member_who_may_post_clones_with_their_own_name_and_the_default_labels(original, group):
    member = add_member(group)

    clone = clone_post(actor=member, post=original)

    assert clone.signed_as == "author"
    assert not clone.promotional
    assert clone.rubric.code == "interaction"
    assert not LinkTags.objects.filter(post=clone).exists()
    assert clone.body == original.body
    assert not AuditEntry.objects.filter(action="post.clone").exists()


def test_a_clone_signed_by_the_community_is_in_the_audit_log(original, owner):
    clone = clone_post(actor=owner, post=original)

    entry = AuditEntry.objects.get(action="post.clone")
    assert (entry.target_id, entry.after) == (str(clone.pk), {"from": original.pk})


def test_a_member_without_the_right_to_post_may_not_clone(owner):
    limited = make_community(owner, slug="limited", wall_mode=WallMode.LIMITED)
    post = create_post(actor=owner, community=limited, data={"body": "Only editors post"})
    member = add_member(limited)

    response = api_as(member).post(f"/posts/{post.pk}/clone")
    page = client_of(member).post(f"/p/{post.pk}/clone/")

    assert response.status_code == page.status_code == 403
    assert error_of(response)["message"] == "Only the administrators and editors post on this wall."
    assert Post.objects.count() == 1
    assert "More like this" not in client_of(member).get(f"/p/{post.pk}/").content.decode()


def test_outsiders_may_not_clone(original, owner):
    closed = make_community(owner, slug="inner", privacy=Privacy.CLOSED)
    hidden = create_post(actor=owner, community=closed, data={"body": "Members only"})
    outsider = person()

    assert api_as(outsider).post(f"/posts/{original.pk}/clone").status_code == 403
    assert api_as(outsider).post(f"/posts/{hidden.pk}/clone").status_code == 404
    assert api_as(None).post(f"/posts/{original.pk}/clone").status_code == 401
    assert client_of().post(f"/p/{original.pk}/clone/").status_code == 302  # to log in
    assert Post.objects.filter(author=outsider).count() == 0


def test_a_share_is_not_cloned(original, group, owner):
    other = make_community(owner, slug="bakers")
    repost = share_post(actor=owner, post=original, to_community=other)

    response = api_as(owner).post(f"/posts/{repost.pk}/clone")

    assert response.status_code == 403
    assert "original" in error_of(response)["message"]


def test_the_api_answers_201_with_the_new_post(original, owner):
    response = api_as(owner).post(f"/posts/{original.pk}/clone")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] != original.pk
    assert body["status"] == "draft"  # the planning team's copy is a planner draft
    assert len(body["images"]) == 2
    assert body["document"]["name"] == "rules.pdf"
    assert body["counts"] == {"views": 0, "reach": 0, "likes": 0, "comments": 0, "shares": 0}
    assert [link["url"] for link in body["links"]] == [SHOP, "https://example.org/guide"]


def test_more_like_this_makes_a_draft_that_is_edited_then_published_from_its_draft_page(
    original, owner
):
    client = client_of(owner)
    assert "More like this" in client.get(f"/p/{original.pk}/").content.decode()

    response = client.post(f"/p/{original.pk}/clone/")

    clone = Post.objects.exclude(pk=original.pk).get(community=original.community)
    draft_page = f"/c/{original.community.slug}/planner/drafts/{clone.pk}/"
    assert response.status_code == 302
    assert response["Location"] == f"/p/{clone.pk}/edit/?next={quote(draft_page, safe='')}"
    edit_page = client.get(response["Location"])
    assert edit_page.status_code == 200
    assert "New knives" in edit_page.content.decode()
    saved = client.post(
        response["Location"],
        {
            "body": "Newer knives",
            "link_url": SHOP,
            "rubric": clone.rubric_id,
            "tone": clone.tone,
            "promotional": "on",
            "signed_as": "community",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == draft_page
    clone.refresh_from_db()
    assert clone.status == PostStatus.DRAFT
    assert clone.body == "Newer knives"
    # the group needs no approval: the owner publishes it from its draft page
    assert client.post(draft_page, {"step": "publish"}).status_code == 302
    clone.refresh_from_db()
    assert clone.status == PostStatus.PUBLISHED
    assert clone.published_at is not None
    assert (
        client_of().get(f"/l/{TrackedLink.objects.get(post=clone, url=SHOP).code}").status_code
        == 302
    )


def test_a_clone_keeps_the_original_image_bytes_even_when_it_has_no_text(group, owner):
    original = create_post(
        actor=owner, community=group, data={"signed_as": "author"}, images=[png_file()]
    )

    clone = clone_post(actor=owner, post=original)

    with default_storage.open(PostImage.objects.get(post=clone).image.name) as copied:
        assert copied.read() == tiny_png()
