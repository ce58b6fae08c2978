"""Documents on customer records: type and size rules, safe storage, visibility, deletion, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AccessLog, AuditLog
from inyeon.documents.models import Document
from inyeon.documents.registry import attachable_types
from inyeon.documents.services import document_delete, document_upload
from tests.conftest import Personas, login
from tests.documents.conftest import PDF, PNG, upload, xlsx_bytes
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, OrderFactory


def test_a_pdf_is_stored_under_a_generated_name_and_audited(people: Personas, document_root: Path) -> None:
    contact = ContactFactory(owner=people.alice)
    document = document_upload(
        record_type="contact",
        record_id=contact.pk,
        upload=upload("../../etc/계약서.pdf", PDF),
        actor=people.alice,
    )
    assert document.file_name == "계약서.pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    stored = document_root / document.stored_name
    assert stored.read_bytes() == PDF
    assert "계약서" not in document.stored_name and ".." not in document.stored_name
    row = AuditLog.objects.get(entity="document", action="create")
    assert row.actor == people.alice and row.changes["record"] == [None, f"contact#{contact.pk}"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("image.png", b'<?xml version="1.0"?><svg></svg>'),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("notes.txt", b"\x00\x01\x02binary"),
    ],
)
def test_files_that_are_not_an_allowed_type_are_refused_by_content(
    people: Personas, name: str, content: bytes
) -> None:
    contact = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as caught:
        document_upload(
            record_type="contact", record_id=contact.pk, upload=upload(name, content), actor=people.alice
        )
    assert set(caught.value.message_dict) == {"file"}
    assert not Document.objects.exists()


def test_a_file_whose_name_lies_about_its_content_is_refused(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as caught:
        document_upload(
            record_type="contact", record_id=contact.pk, upload=upload("photo.pdf", PNG), actor=people.alice
        )
    assert "PNG" in caught.value.message_dict["file"][0]


def test_office_files_text_and_korean_csv_are_accepted(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    for name, content, mime in [
        ("견적.xlsx", xlsx_bytes(), "spreadsheetml"),
        ("메모.txt", "안녕하세요\n".encode(), "text/plain"),
        ("목록.csv", "이름,금액\n김민수,1000\n".encode("cp949"), "text/csv"),
        ("사진.png", PNG, "image/png"),
    ]:
        document = document_upload(
            record_type="contact", record_id=contact.pk, upload=upload(name, content), actor=people.alice
        )
        assert mime in document.content_type


def test_too_large_or_empty_files_are_refused(people: Personas, settings: object) -> None:
    settings.INYEON_DOCUMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    contact = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as caught:
        document_upload(
            record_type="contact",
            record_id=contact.pk,
            upload=upload("big.pdf", PDF + b" " * 2000),
            actor=people.alice,
        )
    assert set(caught.value.message_dict) == {"file"} and "1.0" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        document_upload(
            record_type="contact", record_id=contact.pk, upload=upload("e.pdf", b""), actor=people.alice
        )


def test_only_writers_attach_and_only_to_records_they_see(people: Personas) -> None:
    bobs = ContactFactory(owner=people.bob)
    with pytest.raises(ValidationError) as caught:
        document_upload(
            record_type="contact", record_id=bobs.pk, upload=upload("a.pdf", PDF), actor=people.alice
        )
    assert set(caught.value.message_dict) == {"record_id"}
    with pytest.raises(ValidationError):
        document_upload(
            record_type="planet", record_id=bobs.pk, upload=upload("a.pdf", PDF), actor=people.root
        )
    with pytest.raises(PermissionDenied):
        document_upload(
            record_type="contact", record_id=bobs.pk, upload=upload("a.pdf", PDF), actor=people.rita
        )


def test_every_customer_record_type_is_attachable(people: Personas) -> None:
    assert {"contact", "account", "order", "activity"} <= set(attachable_types())
    contact = ContactFactory(owner=people.alice)
    for record_type, record in [
        ("account", AccountFactory(owner=people.alice)),
        ("order", OrderFactory(contact=contact)),
        ("activity", ActivityFactory(contact=contact)),
    ]:
        document = document_upload(
            record_type=record_type, record_id=record.pk, upload=upload("a.pdf", PDF), actor=people.alice
        )
        assert document.record_type == record_type


def test_delete_removes_the_file_after_commit_and_is_audited(
    people: Personas, document_root: Path, django_capture_on_commit_callbacks: object
) -> None:
    contact = ContactFactory(owner=people.alice)
    document = document_upload(
        record_type="contact", record_id=contact.pk, upload=upload("a.pdf", PDF), actor=people.alice
    )
    path = document_root / document.stored_name
    # The manager who sees the contact may delete it; a rep of another team cannot even find it.
    with pytest.raises(Document.DoesNotExist):
        document_delete(document=document, actor=people.bob)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        document_delete(document=document, actor=people.carol)
    assert not path.exists() and not Document.objects.exists()
    row = AuditLog.objects.get(entity="document", action="delete")
    assert row.actor == people.carol and row.changes["file_name"] == ["a.pdf", None]


def test_the_360_pages_list_upload_and_download(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = login(people.alice)
    response = client.post(
        "/documents/upload/",
        {"record_type": "contact", "record_id": contact.pk, "file": upload("제안서.pdf", PDF)},
    )
    assert response.status_code == 302 and response["Location"] == f"/contacts/{contact.pk}/"
    document = Document.objects.get()
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "제안서.pdf" in page and f"/documents/{document.pk}/download/" in page
    download = client.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["X-Content-Type-Options"] == "nosniff"
    # The download is in the access log as an export of the contact's record.
    logged = AccessLog.objects.get(action=AccessLog.Action.EXPORT, subject_type="contact")
    assert logged.actor == people.alice and logged.subject_ids == [contact.pk]
    assert "제안서.pdf" in logged.detail
    # Another team's rep gets a 404 for the download, and no delete.
    assert login(people.bob).get(f"/documents/{document.pk}/download/").status_code == 404
    assert login(people.oscar).post(f"/documents/{document.pk}/delete/").status_code == 404
    assert Document.objects.exists()
    account = AccountFactory(owner=people.alice)
    assert 'name="record_type" value="account"' in client.get(f"/accounts/{account.pk}/").content.decode()


def test_a_refused_upload_on_the_page_names_the_field(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = login(people.alice)
    response = client.post(
        "/documents/upload/",
        {"record_type": "contact", "record_id": contact.pk, "file": upload("x.svg", b"<svg></svg>")},
        follow=True,
    )
    assert "파일: 이 종류의 파일은 올릴 수 없습니다" in response.content.decode()
    assert not Document.objects.exists()


def test_documents_of_deleted_records_are_purged_with_their_files(
    people: Personas, document_root: Path, django_capture_on_commit_callbacks: object
) -> None:
    import io

    from django.core.management import call_command

    from inyeon.customers.services import contact_delete

    gone = ContactFactory(owner=people.alice)
    kept = ContactFactory(owner=people.alice)
    doomed = document_upload(
        record_type="contact", record_id=gone.pk, upload=upload("a.pdf", PDF), actor=people.alice
    )
    survivor = document_upload(
        record_type="contact", record_id=kept.pk, upload=upload("b.pdf", PDF), actor=people.alice
    )
    contact_delete(contact=gone, actor=people.alice)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("purge_documents", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert list(Document.objects.all()) == [survivor]
    assert (
        not (document_root / doomed.stored_name).exists() and (document_root / survivor.stored_name).exists()
    )
    assert AuditLog.objects.get(entity="document", action="delete").changes["reason"] == [
        None,
        "record deleted",
    ]
