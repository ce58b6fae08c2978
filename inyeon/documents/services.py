"""Uploading and deleting documents; both audited. Files are checked by content, named by us."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, log_access
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import can_write
from inyeon.documents.models import Document
from inyeon.documents.registry import attachable_types, visible_record
from inyeon.documents.sniff import KNOWN_TYPES, SNIFF_BYTES, extension_matches, sniff
from inyeon.documents.storage import document_storage, new_stored_name


def _clean_name(name: str) -> str:
    """The user's file name for display and the download header only: no path, no control chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    return cleaned[:255] or "file"


def document_upload(
    *, record_type: str, record_id: int, upload: File, actor: User, ip: str | None = None
) -> Document:
    """Attach `upload` to a record `actor` can see; refuses (naming the field) a too large or wrong file."""
    if not can_write(actor):
        raise PermissionDenied(_("Your role may not change customer records."))
    parent = visible_record(actor, record_type, record_id)
    if parent is None:
        raise ValidationError({"record_id": [_("No such record, or you may not see it.")]})
    file_name = _clean_name(upload.name or "")
    size = upload.size or 0
    limit = settings.INYEON_DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s; the largest allowed is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                ]
            }
        )
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    sniffed = sniff(head, file_name)
    allowed = [name for name in settings.INYEON_DOCUMENT_TYPES if name in KNOWN_TYPES]
    if sniffed is None or sniffed.type_name not in allowed:
        raise ValidationError(
            {
                "file": [
                    _("This kind of file is not allowed. Allowed: %(types)s.") % {"types": ", ".join(allowed)}
                ]
            }
        )
    if not extension_matches(sniffed, file_name):
        raise ValidationError(
            {
                "file": [
                    _("The file's content is %(type)s but its name does not end in .%(ext)s.")
                    % {"type": sniffed.type_name.upper(), "ext": KNOWN_TYPES[sniffed.type_name][1][0]}
                ]
            }
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    storage = document_storage()
    stored_name = storage.save(new_stored_name(), upload)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                record_type=record_type,
                record_id=record_id,
                file_name=file_name,
                stored_name=stored_name,
                content_type=sniffed.mime,
                size=size,
                sha256=digest.hexdigest(),
                owner=actor,
                team=getattr(parent, "team", None) or actor.team,
            )
            audit(
                actor=actor,
                action="create",
                entity="document",
                entity_id=document.pk,
                ip=ip,
                changes={
                    "record": [None, f"{record_type}#{record_id}"],
                    "file_name": [None, file_name],
                    "content_type": [None, sniffed.mime],
                    "size": [None, size],
                    "sha256": [None, document.sha256],
                },
            )
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


def document_delete(*, document: Document, actor: User, ip: str | None = None) -> None:
    """Delete a document (its uploader, or any writer who can see its record); the file goes on commit."""
    if not (can_write(actor) or document.owner_id == actor.pk):
        raise PermissionDenied(_("Your role may not change customer records."))
    if visible_record(actor, document.record_type, document.record_id) is None:
        raise Document.DoesNotExist
    stored_name = document.stored_name
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="document",
            entity_id=document.pk,
            ip=ip,
            changes={
                "record": [f"{document.record_type}#{document.record_id}", None],
                "file_name": [document.file_name, None],
                "sha256": [document.sha256, None],
            },
        )
        document.delete()
        transaction.on_commit(lambda: document_storage().delete(stored_name))


def document_open(document: Document) -> File:
    """The stored file, opened for reading (the caller streams and closes it)."""
    return document_storage().open(document.stored_name, "rb")


def document_response(document: Document, *, user: User, ip: str | None = None) -> FileResponse:
    """The file streamed as a download: never rendered inline, never sniffed into HTML, sandboxed.

    A document on a customer record may hold personal data, so every download goes to the access
    log (as an export of its record), whoever downloads it.
    """
    try:
        stream = document_open(document)
    except FileNotFoundError:
        raise Document.DoesNotExist from None  # the file is gone: as good as no document
    log_access(
        actor=user,
        action=AccessLog.Action.EXPORT,
        subject_type=document.record_type,
        subject_ids=[document.record_id],
        ip=ip,
        detail=f"document #{document.pk} download: {document.file_name}",
    )
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def documents_purge_orphans() -> int:
    """Delete the documents whose record no longer exists (a deleted contact, its activities, ...).

    Records are deleted by their own apps, which know nothing of documents; this sweep (run by
    `inyeon purge_documents`, e.g. nightly) removes what they left, audited as the system.
    """
    purged = 0
    for kind in attachable_types().values():
        if kind.model is None:
            continue
        orphans = Document.objects.filter(record_type=kind.record_type).exclude(
            record_id__in=kind.model._default_manager.values("pk")
        )
        for document in orphans.iterator():
            stored_name = document.stored_name
            with transaction.atomic():
                audit(
                    actor=None,
                    action="delete",
                    entity="document",
                    entity_id=document.pk,
                    changes={
                        "record": [f"{document.record_type}#{document.record_id}", None],
                        "file_name": [document.file_name, None],
                        "reason": [None, "record deleted"],
                    },
                )
                document.delete()
                transaction.on_commit(lambda name=stored_name: document_storage().delete(name))  # type: ignore[misc]
            purged += 1
    return purged
