"""The board, attendance, document and album pages: the same actions behind web forms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from communa.communities.models import Kind
from communa.walls.actions import boards
from communa.walls.models import Album, Attendance, Comment, Document, Photo, Topic
from tests.factories import add_member, make_community, owner_of, person
from tests.support import client_of
from tests.walls.support import (
    album_in,
    editor_of,
    event,
    group,
    moderator_of,
    pdf_upload,
    photo_upload,
    topic_in,
)

pytestmark = pytest.mark.django_db


# --- discussions ----------------------------------------------------------------------------


def test_a_member_starts_a_discussion_from_the_board_page():
    community = group()
    member = add_member(community)
    client = client_of(member)
    board = client.get(f"/c/{community.slug}/topics/")
    assert board.status_code == 200
    assert f'href="/c/{community.slug}/topics/new/"' in board.content.decode()
    response = client.post(
        f"/c/{community.slug}/topics/new/", {"title": "Picnic?", "body": "On **Sunday**"}
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/{topic.pk}/"
    page = client.get(f"/t/{topic.pk}/").content.decode()
    assert "Picnic?" in page
    assert "<strong>Sunday</strong>" in page


def test_an_empty_title_is_shown_beside_the_field_and_nothing_is_saved():
    community = group()
    response = client_of(owner_of(community)).post(
        f"/c/{community.slug}/topics/new/", {"title": " ", "body": "text"}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Topic.objects.exists()


def test_an_outsider_is_told_they_may_not_start_a_discussion():
    community = group()
    response = client_of(person()).get(f"/c/{community.slug}/topics/new/")
    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_members_reply_on_the_topic_page():
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    client = client_of(member)
    response = client.post(f"/t/{topic.pk}/comments/", {"body": "Count me in"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/{topic.pk}/#comment-{comment.pk}"
    client.post(f"/t/{topic.pk}/comments/", {"body": "Me too", "parent": comment.pk})
    page = client.get(f"/t/{topic.pk}/").content.decode()
    assert "Count me in" in page
    assert "Me too" in page
    assert Comment.objects.get(body="Me too").parent_id == comment.pk


def test_an_empty_reply_shows_the_reason_on_the_page():
    community = group()
    topic = topic_in(community)
    response = client_of(owner_of(community)).post(f"/t/{topic.pk}/comments/", {"body": ""})
    assert response.status_code == 422
    assert "Write something first." in response.content.decode()


def test_a_closed_topic_shows_no_comment_form_and_refuses_a_posted_comment():
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    boards.close_topic(actor=owner_of(community), topic=topic)
    client = client_of(member)
    page = client.get(f"/t/{topic.pk}/").content.decode()
    assert f'action="/t/{topic.pk}/comments/"' not in page
    assert "This discussion is closed" in page
    refused = client.post(f"/t/{topic.pk}/comments/", {"body": "Hello?"})
    assert refused.status_code == 403
    assert not Comment.objects.exists()


def test_moderators_see_the_pin_and_close_buttons_and_members_do_not():
    community = group()
    topic = topic_in(community, author=add_member(community))
    moderator_page = client_of(moderator_of(community)).get(f"/t/{topic.pk}/").content.decode()
    member_page = client_of(add_member(community)).get(f"/t/{topic.pk}/").content.decode()
    assert f'action="/t/{topic.pk}/pin/"' in moderator_page
    assert f'action="/t/{topic.pk}/close/"' in moderator_page
    assert f'action="/t/{topic.pk}/pin/"' not in member_page


def test_a_moderator_pins_closes_and_deletes_through_the_buttons():
    community = group()
    topic = topic_in(community, author=add_member(community))
    client = client_of(moderator_of(community))
    client.post(f"/t/{topic.pk}/pin/", {"action": "pin"})
    client.post(f"/t/{topic.pk}/close/", {"action": "close"})
    topic.refresh_from_db()
    assert topic.pinned
    assert topic.closed
    client.post(f"/t/{topic.pk}/close/", {"action": "reopen"})
    topic.refresh_from_db()
    assert not topic.closed
    response = client.post(f"/t/{topic.pk}/delete/")
    assert response["Location"] == f"/c/{community.slug}/topics/"
    topic.refresh_from_db()
    assert topic.deleted_at is not None
    assert client_of(owner_of(community)).get(f"/t/{topic.pk}/").status_code == 404


def test_a_member_pressing_pin_is_refused():
    community = group()
    member = add_member(community)
    topic = topic_in(community, author=member)
    assert client_of(member).post(f"/t/{topic.pk}/pin/", {"action": "pin"}).status_code == 403
    topic.refresh_from_db()
    assert not topic.pinned


def test_the_author_edits_the_discussion():
    community = group()
    member = add_member(community)
    topic = topic_in(community, author=member, title="Old title")
    client = client_of(member)
    assert "Old title" in client.get(f"/t/{topic.pk}/edit/").content.decode()
    client.post(f"/t/{topic.pk}/edit/", {"title": "New title", "body": ""})
    topic.refresh_from_db()
    assert topic.title == "New title"


def test_a_comment_in_a_topic_is_deleted_by_its_author():
    community = group()
    member = add_member(community)
    topic = topic_in(community)
    comment = boards.reply_in_topic(actor=member, topic=topic, body="oops")
    response = client_of(member).post(f"/t/comments/{comment.pk}/delete/")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "deleted"
    topic.refresh_from_db()
    assert topic.comment_count == 0


@pytest.mark.parametrize("count", [3, 9])
def test_the_board_page_costs_the_same_queries_whatever_the_number_of_topics(
    count, settings, django_assert_num_queries
):
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 10}
    community = group()
    member = add_member(community)
    for i in range(count):
        topic_in(community, author=member, title=f"t{i}")
    client = client_of(member)
    client.get(f"/c/{community.slug}/topics/")
    # session, user, the membership with its community (one statement), the page
    with django_assert_num_queries(4):
        response = client.get(f"/c/{community.slug}/topics/")
    assert response.content.decode().count('class="card topic-row"') == count


# --- attendance -----------------------------------------------------------------------------


def test_the_going_button_answers_htmx_with_the_updated_box():
    community = event()
    member = add_member(community)
    response = client_of(member).post(
        f"/c/{community.slug}/attendance/", {"status": "going"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="attendance-box"')
    assert "1 going" in html
    assert 'value="going" class="small" aria-pressed="true"' in html
    assert Attendance.objects.get().status == "going"


def test_without_htmx_the_answer_returns_to_the_page_it_came_from():
    community = event()
    member = add_member(community)
    response = client_of(member).post(
        f"/c/{community.slug}/attendance/", {"status": "maybe", "next": f"/c/{community.slug}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{community.slug}/"
    assert Attendance.objects.get().status == "maybe"


def test_not_going_withdraws_the_answer():
    community = event()
    member = add_member(community)
    boards.set_attendance(actor=member, community=community, status="going")
    client_of(member).post(f"/c/{community.slug}/attendance/", {"status": ""})
    assert not Attendance.objects.exists()


def test_the_attendance_page_of_a_group_is_refused():
    community = group()
    response = client_of(owner_of(community)).post(
        f"/c/{community.slug}/attendance/", {"status": "going"}
    )
    assert response.status_code == 403
    assert "Only events have attendance." in response.content.decode()
    assert not Attendance.objects.exists()


def test_members_see_who_is_going_on_the_attendance_page():
    community = event()
    goer = add_member(community, person(display_name="Greta Goer"))
    boards.set_attendance(actor=goer, community=community, status="going")
    page = client_of(add_member(community)).get(f"/c/{community.slug}/attendance/")
    assert "Greta Goer" in page.content.decode()
    outsider_page = client_of(person()).get(f"/c/{community.slug}/attendance/").content.decode()
    assert "Greta Goer" not in outsider_page
    assert "1 going" in outsider_page


# --- the navigation the community home includes ---------------------------------------------


def render_nav(community, user=None) -> str:
    request = RequestFactory().get(f"/c/{community.slug}/")
    request.user = user if user is not None else _anonymous()
    return render_to_string("walls/_board_nav.html", {"community": community}, request=request)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_nav_of_a_group_links_discussions_documents_and_albums():
    community = group()
    html = render_nav(community, add_member(community))
    assert f'href="/c/{community.slug}/topics/"' in html
    assert f'href="/c/{community.slug}/documents/"' in html
    assert f'href="/c/{community.slug}/albums/"' in html
    assert "attendance-box" not in html


def test_the_nav_of_a_public_page_has_no_documents():
    community = make_community(kind=Kind.PUBLIC_PAGE)
    html = render_nav(community, person())
    assert f'href="/c/{community.slug}/topics/"' in html
    assert "/documents/" not in html


def test_the_nav_of_an_event_holds_the_attendance_box_and_the_ics_link():
    community = event()
    boards.set_attendance(actor=add_member(community), community=community, status="maybe")
    html = render_nav(community, add_member(community))
    assert "attendance-box" in html
    assert "1 maybe" in html
    assert f'href="/c/{community.slug}/event.ics"' in html
    assert 'value="going"' in html


def test_anonymous_visitors_of_an_event_are_asked_to_log_in_to_answer():
    community = event()
    html = render_nav(community)
    assert 'value="going"' not in html
    assert "Log in to say whether you are going." in html


def test_the_nav_of_a_closed_group_shows_outsiders_no_board_links():
    community = group(privacy="closed")
    assert "/topics/" not in render_nav(community, person())


# --- documents ------------------------------------------------------------------------------


def test_an_editor_uploads_a_document_on_the_documents_page_and_members_download_it():
    community = group()
    editor = editor_of(community)
    response = client_of(editor).post(
        f"/c/{community.slug}/documents/", {"file": pdf_upload("rules.pdf"), "title": "Rules"}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    member = client_of(add_member(community))
    page = member.get(f"/c/{community.slug}/documents/").content.decode()
    assert f'href="/documents/{document.pk}/download/"' in page
    assert "<form" not in page.split("<h1", 1)[1].split("<table", 1)[0]
    download = member.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_a_fake_pdf_on_the_documents_page_shows_the_reason():
    community = group()
    fake = SimpleUploadedFile("report.pdf", b"GIF89a pretending", "application/pdf")
    response = client_of(owner_of(community)).post(
        f"/c/{community.slug}/documents/", {"file": fake}
    )
    assert response.status_code == 422
    assert "does not match its .pdf name" in response.content.decode()
    assert not Document.objects.exists()


def test_the_documents_page_of_an_event_explains_only_groups_have_one():
    community = event()
    response = client_of(owner_of(community)).get(f"/c/{community.slug}/documents/")
    assert response.status_code == 403
    assert "Only groups have a documents section" in response.content.decode()


def test_an_editor_removes_a_document_from_the_page():
    community = group()
    owner = owner_of(community)
    document = boards.add_document(actor=owner, community=community, upload=pdf_upload())
    response = client_of(owner).post(f"/documents/{document.pk}/delete/")
    assert response["Location"] == f"/c/{community.slug}/documents/"
    assert not Document.objects.exists()


# --- albums ---------------------------------------------------------------------------------


def test_an_editor_creates_an_album_and_uploads_photos_on_its_page():
    community = group()
    client = client_of(editor_of(community))
    response = client.post(f"/c/{community.slug}/albums/", {"title": "Trip"})
    album = Album.objects.get()
    assert response["Location"] == f"/albums/{album.pk}/"
    client.post(f"/albums/{album.pk}/", {"photos": [photo_upload(), photo_upload()]})
    album.refresh_from_db()
    assert album.photo_count == 2
    page = client.get(f"/albums/{album.pk}/").content.decode()
    assert page.count('<li class="photo">') == 2
    listing = client.get(f"/c/{community.slug}/albums/").content.decode()
    assert "Trip" in listing
    assert 'class="album-cover"' in listing


def test_a_broken_photo_on_the_album_page_shows_the_reason_and_adds_nothing():
    community = group()
    album = album_in(community)
    broken = SimpleUploadedFile("x.png", b"\x89PNG broken", "image/png")
    response = client_of(owner_of(community)).post(f"/albums/{album.pk}/", {"photos": [broken]})
    assert response.status_code == 422
    assert "not an image we can read" in response.content.decode()
    assert not Photo.objects.exists()


def test_members_see_albums_without_the_upload_form():
    community = group()
    album = album_in(community)
    page = client_of(add_member(community)).get(f"/albums/{album.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' not in page
    refused = client_of(add_member(community)).post(
        f"/albums/{album.pk}/", {"photos": [photo_upload()]}
    )
    assert refused.status_code == 403


def test_an_editor_removes_a_photo_and_an_album():
    community = group()
    owner = owner_of(community)
    album = album_in(community)
    (photo,) = boards.add_photos(actor=owner, album=album, uploads=[photo_upload()])
    client = client_of(owner)
    assert client.post(f"/photos/{photo.pk}/delete/")["Location"] == f"/albums/{album.pk}/"
    album.refresh_from_db()
    assert album.photo_count == 0
    assert client.post(f"/albums/{album.pk}/delete/")["Location"] == f"/c/{community.slug}/albums/"
    assert not Album.objects.exists()
