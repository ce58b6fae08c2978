"""Reads of exports: how many rows an export would have, and the export jobs a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from inyeon.core.models import User
from inyeon.core.visibility import is_admin
from inyeon.dataio.exports.rows import export_queryset
from inyeon.dataio.models import ExportJob

STREAM_LIMIT = 20_000  # more rows than this become a background job


def export_count(kind: str, *, user: User, filters: dict[str, Any], limit: int | None = None) -> int:
    """Rows of the export; with `limit`, counting stops there (a bounded count stays fast)."""
    qs = export_queryset(kind, user=user, filters=filters).order_by().values("pk")
    return (qs[:limit] if limit is not None else qs).count()


def export_jobs(user: User) -> QuerySet[ExportJob]:
    """Export jobs `user` may see: their own, or every one for an administrator."""
    if is_admin(user):
        return ExportJob.objects.all()
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(Q(created_by=user))


def export_job_get(*, user: User, pk: int) -> ExportJob:
    """The job if `user` created it or is an administrator; `ExportJob.DoesNotExist` otherwise."""
    return export_jobs(user).select_related("created_by").get(pk=pk)
