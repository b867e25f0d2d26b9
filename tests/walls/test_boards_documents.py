"""R4.6 group documents: upload with checks, list, download and delete, through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communa.communities.models import Privacy
from communa.core.models import AuditEntry
from communa.walls.actions import boards
from communa.walls.models import Document
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import (
    docx_bytes,
    editor_of,
    event,
    group,
    moderator_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def upload(client, community, file, **form):
    return client.client.post(
        f"/api/communities/{community.slug}/documents", {"file": file, **form}
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_editor_uploads_a_pdf_and_members_list_and_download_it(settings):
    community = group()
    editor = editor_of(community)
    response = upload(api_as(editor), community, pdf_upload("minutes.pdf"), title="Minutes")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Minutes"
    assert body["content_type"] == "application/pdf"
    assert body["uploaded_by"] == editor.username
    member = api_as(add_member(community))
    listed = member.get(f"/communities/{community.slug}/documents").json()["items"]
    assert [d["id"] for d in listed] == [body["id"]]
    download = member.client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Minutes.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_without_a_title_the_files_name_is_used():
    community = group()
    response = upload(api_as(owner_of(community)), community, pdf_upload("agenda.pdf"))
    assert response.json()["title"] == "agenda.pdf"


def test_an_office_document_with_zip_bytes_is_accepted():
    community = group()
    file = SimpleUploadedFile("plan.docx", docx_bytes())
    assert upload(api_as(owner_of(community)), community, file).status_code == 201


def test_a_fake_pdf_is_refused_and_nothing_is_stored(settings):
    community = group()
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    response = upload(api_as(owner_of(community)), community, fake)
    assert response.status_code == 422
    assert "file" in error_of(response)["fields"]
    assert "does not match" in error_of(response)["fields"]["file"][0]
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_document_is_refused(settings):
    settings.COMMUNA = {**settings.COMMUNA, "DOCUMENT_MAX_BYTES": 1000}
    community = group()
    response = upload(api_as(owner_of(community)), community, pdf_upload(size=1001))
    assert response.status_code == 422
    assert "largest allowed" in error_of(response)["fields"]["file"][0]
    assert not Document.objects.exists()
    assert upload(api_as(owner_of(community)), community, pdf_upload(size=1000)).status_code == 201


def test_an_executable_extension_is_refused():
    community = group()
    file = SimpleUploadedFile("tool.exe", b"MZ\x90\x00")
    response = upload(api_as(owner_of(community)), community, file)
    assert response.status_code == 422
    assert "file" in error_of(response)["fields"]


def test_a_title_over_200_characters_is_refused_naming_it():
    community = group()
    response = upload(api_as(owner_of(community)), community, pdf_upload(), title="x" * 201)
    assert response.status_code == 422
    assert "title" in error_of(response)["fields"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("maker", [event, lambda: make_community(kind="public_page")])
def test_documents_are_refused_outside_groups_with_a_clear_message(maker):
    community = maker()
    client = api_as(owner_of(community))
    response = upload(client, community, pdf_upload())
    assert response.status_code == 403
    assert "Only groups have a documents section" in error_of(response)["message"]
    listed = client.get(f"/communities/{community.slug}/documents")
    assert listed.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", ["member", "moderator", "analyst"])
def test_only_editors_and_above_upload_documents(role):
    community = group()
    user = add_member(community, role=role)
    response = upload(api_as(user), community, pdf_upload())
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_an_outsider_of_a_private_group_gets_404_for_its_documents():
    community = group(privacy=Privacy.PRIVATE)
    document = boards.add_document(
        actor=owner_of(community), community=community, upload=pdf_upload()
    )
    outsider = api_as(person())
    assert outsider.get(f"/communities/{community.slug}/documents").status_code == 404
    assert outsider.client.get(f"/api/documents/{document.pk}/file").status_code == 404
    assert outsider.client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert outsider.delete(f"/documents/{document.pk}").status_code == 404


def test_an_editor_deletes_a_document_its_file_goes_and_it_is_audited(
    settings, django_capture_on_commit_callbacks
):
    community = group()
    editor = editor_of(community)
    document = boards.add_document(actor=editor, community=community, upload=pdf_upload())
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(editor).delete(f"/documents/{document.pk}")
    assert response.status_code == 204
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    assert AuditEntry.objects.filter(action="document.delete", actor=editor).count() == 1


def test_a_member_cannot_delete_a_document():
    community = group()
    document = boards.add_document(
        actor=owner_of(community), community=community, upload=pdf_upload()
    )
    assert api_as(moderator_of(community)).delete(f"/documents/{document.pk}").status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize("size", [2, 5])
def test_the_document_list_costs_the_same_queries_whatever_the_page_size(
    size, django_assert_num_queries
):
    community = group()
    owner = owner_of(community)
    for i in range(6):
        boards.add_document(actor=owner, community=community, upload=pdf_upload(f"d{i}.pdf"))
    member = api_as(add_member(community))
    member.get(f"/communities/{community.slug}/documents?limit=1")
    # session, user, the membership with its community (one statement), the page, its files
    with django_assert_num_queries(4):
        response = member.get(f"/communities/{community.slug}/documents?limit={size}")
    assert len(response.json()["items"]) == size


def test_the_document_list_pages_newest_first_without_repeats():
    community = group()
    owner = owner_of(community)
    for i in range(5):
        boards.add_document(actor=owner, community=community, upload=pdf_upload(f"d{i}.pdf"))
    client = api_as(owner)
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = client.get(f"/communities/{community.slug}/documents{query}").json()
        seen += [d["title"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"d{i}.pdf" for i in reversed(range(5))]
