"""/api/v1/documents: files attached to customer records (by record type and id)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from inyeon.api.common import actor, cursor_param, limit_param, page_body, set_location
from inyeon.api.schemas.documents import DocumentOut, DocumentPage
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.documents import selectors, services
from inyeon.documents.models import Document

router = Router(tags=["documents"])


def document_body(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "record_type": document.record_type,
        "record_id": document.record_id,
        "file_name": document.file_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "owner_id": document.owner_id,
        "created_at": document.created_at,
        "download_url": f"/api/v1/documents/{document.pk}/download",
    }


@router.get("", response={200: DocumentPage, **problems(404, 422)}, summary="Documents of one record")
def list_documents(
    request: HttpRequest,
    record_type: str = Query(..., description="contact, account, order, activity (and types apps add)."),
    record_id: int = Query(...),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    """Newest first; 404 when the record does not exist or you may not see it."""
    page = selectors.document_list(
        user=actor(request), record_type=record_type, record_id=record_id, cursor=cursor, limit=limit
    )
    return page_body(page, document_body)


@router.post("", response={201: DocumentOut, **problems(403, 422)}, summary="Upload a document")
def upload_document(
    request: HttpRequest,
    response: HttpResponse,
    record_type: Form[str],
    record_id: Form[int],
    file: File[UploadedFile],
) -> Status[Any]:
    """multipart/form-data with `record_type`, `record_id` and `file`. The size limit and the allowed
    types (checked by content) are settings; a refused file is a 422 naming `file`."""
    document = services.document_upload(
        record_type=record_type, record_id=record_id, upload=file, actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"documents/{document.pk}")
    return Status(201, document_body(document))


@router.get("/{document_id}", response={200: DocumentOut, **problems(404)}, summary="One document")
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return document_body(selectors.document_get(user=actor(request), pk=document_id))


@router.get(
    "/{document_id}/download",
    response={200: None, **problems(404)},
    summary="Download a document (as an attachment)",
)
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    user = actor(request)
    document = selectors.document_get(user=user, pk=document_id)
    return services.document_response(document, user=user, ip=client_ip(request))


@router.delete("/{document_id}", response={204: None, **problems(403, 404)}, summary="Delete a document")
def delete_document(request: HttpRequest, document_id: int) -> Status[None]:
    user = actor(request)
    document = selectors.document_get(user=user, pk=document_id)
    services.document_delete(document=document, actor=user, ip=client_ip(request))
    return Status(204, None)
