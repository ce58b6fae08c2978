"""Reads of the import context: a user sees the imports they started; admins see all."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from inyeon.core.models import User
from inyeon.core.visibility import is_admin
from inyeon.dataio.models import ImportJob, SavedMapping


def imports_visible(user: User) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.all()
    return qs if is_admin(user) else qs.filter(created_by=user)


def import_get(*, user: User, pk: int) -> ImportJob:
    return imports_visible(user).get(pk=pk)


def import_list(*, user: User, limit: int = 20) -> list[ImportJob]:
    return list(imports_visible(user).order_by("-created_at", "-id")[:limit])


def saved_mappings(kind: str) -> QuerySet[SavedMapping]:
    return SavedMapping.objects.filter(kind=kind).order_by("name")


def import_error_file(*, user: User, pk: int) -> tuple[ImportJob, Path | None]:
    """An import the user may see and its file of bad rows (None when there is none)."""
    job = import_get(user=user, pk=pk)
    path = Path(job.error_file_path) if job.error_file_path else None
    return job, path if path is not None and path.is_file() else None
