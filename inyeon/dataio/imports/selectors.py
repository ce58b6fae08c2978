"""Reads of the import context: a user sees the imports they started; admins see all."""

from __future__ import annotations

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
