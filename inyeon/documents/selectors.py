"""Reads of documents: a document is visible exactly when its parent record is (registry selector)."""

from __future__ import annotations

from typing import Any

from inyeon.core.models import User
from inyeon.core.pagination import Page, keyset_page
from inyeon.documents.models import Document
from inyeon.documents.registry import visible_record


def document_list(
    *, user: User, record_type: str, record_id: int, cursor: str | None = None, limit: int = 50
) -> Page[Document]:
    """The documents of one record, newest first; `Document.DoesNotExist` if the record is hidden."""
    if visible_record(user, record_type, record_id) is None:
        raise Document.DoesNotExist
    qs = Document.objects.filter(record_type=record_type, record_id=record_id).select_related("owner")
    return keyset_page(qs, sort="-id", cursor=cursor, limit=max(1, min(limit, 200)))


def document_get(*, user: User, pk: int) -> Document:
    """The document if `user` may see its parent record; `Document.DoesNotExist` otherwise (a 404)."""
    document = Document.objects.select_related("owner").get(pk=pk)
    if visible_record(user, document.record_type, document.record_id) is None:
        raise Document.DoesNotExist
    return document


def document_parent(*, user: User, document: Document) -> Any:
    return visible_record(user, document.record_type, document.record_id)
