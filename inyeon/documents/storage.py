"""Where document files live: under INYEON_DOCUMENT_ROOT, by generated names only."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


def document_storage() -> FileSystemStorage:
    # Files are served only by the download view (after the visibility check), never by URL.
    return FileSystemStorage(location=Path(settings.INYEON_DOCUMENT_ROOT), base_url=None)


def new_stored_name() -> str:
    """A fresh random path such as `2026/11/3f2a...`; nothing of the user's file name is in it."""
    today = timezone.now()
    return f"{today:%Y}/{today:%m}/{uuid.uuid4().hex}"
