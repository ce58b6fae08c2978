"""Files attached to customer records (any type in `documents.registry`), by record type and id."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import OwnedRecord


class Document(OwnedRecord):
    """One uploaded file. `stored_name` is generated; the user's file name is never a path on disk.

    The owner is the uploader; who may see the document is decided by its parent record.
    """

    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.BigIntegerField(_("record"))
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, unique=True, editable=False)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes: ClassVar = [
            models.Index(fields=["record_type", "record_id", "-id"], name="document_record_list"),
            models.Index(fields=["owner", "-id"], name="document_owner_list"),
        ]

    def __str__(self) -> str:
        return self.file_name
