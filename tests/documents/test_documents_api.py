"""/api/v1/documents: list by record, multipart upload, download, delete; visibility and errors."""

from __future__ import annotations

from typing import Any

from inyeon.core.models import AuditLog
from inyeon.documents.models import Document
from tests.api.helpers import PROBLEM, body, error_fields
from tests.conftest import Personas, api_client
from tests.documents.conftest import PDF, upload
from tests.factories import ContactFactory


def _upload(client, contact_id: int, name: str = "계약서.pdf", content: bytes = PDF):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/documents",
        {"record_type": "contact", "record_id": contact_id, "file": upload(name, content)},
    )


def test_upload_list_download_and_delete(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    response = _upload(client, contact.pk)
    assert response.status_code == 201, response.content
    created = body(response)
    assert created["file_name"] == "계약서.pdf" and created["content_type"] == "application/pdf"
    assert response["Location"] == f"/api/v1/documents/{created['id']}"
    listed = body(client.get("/api/v1/documents", {"record_type": "contact", "record_id": contact.pk}))
    assert [d["id"] for d in listed["items"]] == [created["id"]]
    download = client.get(created["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert client.delete(f"/api/v1/documents/{created['id']}").status_code == 204
    assert not Document.objects.exists()
    assert AuditLog.objects.filter(entity="document").count() == 2


def test_another_teams_document_is_a_404_everywhere(people: Personas) -> None:
    contact = ContactFactory(owner=people.bob)
    created = body(_upload(api_client(people.bob), contact.pk))
    alice = api_client(people.alice)
    assert alice.get(f"/api/v1/documents/{created['id']}").status_code == 404
    assert alice.get(f"/api/v1/documents/{created['id']}/download").status_code == 404
    assert alice.delete(f"/api/v1/documents/{created['id']}").status_code == 404
    assert (
        alice.get("/api/v1/documents", {"record_type": "contact", "record_id": contact.pk}).status_code == 404
    )
    # Bob's manager sees it.
    assert api_client(people.carol).get(f"/api/v1/documents/{created['id']}/download").status_code == 200
    assert Document.objects.count() == 1


def test_a_refused_file_is_a_problem_naming_the_field(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    response = _upload(client, contact.pk, "evil.html", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert error_fields(response) == {"file"}
    missing = client.post("/api/v1/documents", {"record_type": "contact", "record_id": contact.pk})
    assert missing.status_code == 422 and "file" in error_fields(missing)
    hidden = _upload(client, ContactFactory(owner=people.oscar).pk)
    assert error_fields(hidden) == {"record_id"}
    assert not Document.objects.exists()


def test_read_only_users_cannot_upload(people: Personas) -> None:
    contact = ContactFactory(owner=people.bob)
    response = _upload(api_client(people.rita), contact.pk)
    assert response.status_code == 403


def test_the_list_pages_with_a_cursor_in_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries: Any
) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    for n in range(5):
        assert _upload(client, contact.pk, f"f{n}.pdf").status_code == 201
    params = {"record_type": "contact", "record_id": contact.pk, "limit": 2}
    with django_assert_max_num_queries(6):
        first = body(client.get("/api/v1/documents", params))
    second = body(client.get("/api/v1/documents", {**params, "cursor": first["next_cursor"]}))
    third = body(client.get("/api/v1/documents", {**params, "cursor": second["next_cursor"]}))
    names = [d["file_name"] for d in first["items"] + second["items"] + third["items"]]
    assert names == ["f4.pdf", "f3.pdf", "f2.pdf", "f1.pdf", "f0.pdf"] and third["next_cursor"] is None
