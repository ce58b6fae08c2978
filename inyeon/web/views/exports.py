"""Pages for exports (data in and out). Their routes are in `urlpatterns` below, added by web/urls.py.

A list's export link lands in `export_response`: a small export is sent at once, a large one (more
than `STREAM_LIMIT` rows, by a bounded count) asks to be started as a background job, whose page
shows its progress and, when it is done, the download.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import error_dict
from inyeon.dataio.exports import selectors, services
from inyeon.dataio.exports.filters import as_json
from inyeon.dataio.models import ExportJob, JobStatus
from inyeon.web.views.common import current_user

LIST_PAGES = {"contacts": "web:contacts", "accounts": "web:accounts"}


def export_response(request: HttpRequest, *, kind: str, filters: dict[str, Any]) -> HttpResponseBase:
    """The export of a list with `filters` (parsed by the list's own view) in `?format=csv|xlsx`."""
    user = current_user(request)
    file_format = request.GET.get("format", "csv")
    try:
        clean = services.validate(kind, file_format, filters)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect(LIST_PAGES.get(kind, "web:home"))
    count = selectors.export_count(kind, user=user, filters=clean, limit=selectors.STREAM_LIMIT + 1)
    if count > selectors.STREAM_LIMIT:
        return render(
            request,
            "web/exports/confirm.html",
            {
                "kind": kind,
                "file_format": file_format,
                "filters_json": json.dumps(as_json(clean), ensure_ascii=False),
                "limit": selectors.STREAM_LIMIT,
                "back": LIST_PAGES.get(kind, "web:home"),
            },
        )
    export = services.export_stream(
        user=user, kind=kind, file_format=file_format, filters=clean, ip=client_ip(request)
    )
    return export.response()


@login_required
def account_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, kind="accounts", filters={"q": request.GET.get("q", "")})


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    try:
        filters = json.loads(request.POST.get("filters") or "{}")
        if not isinstance(filters, dict):
            raise ValueError
    except ValueError:
        messages.error(request, _("The export's filters could not be read; start again from the list."))
        return redirect("web:home")
    try:
        job = services.export_request(
            user=user,
            kind=request.POST.get("kind", ""),
            file_format=request.POST.get("format", ""),
            filters=filters,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:home")
    messages.success(request, _("Export #%(id)s queued.") % {"id": job.pk})
    return redirect("web:export_job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ExportJob:
    try:
        return selectors.export_job_get(user=current_user(request), pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404 from None


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    percent = round(100 * job.processed_rows / job.total_rows) if job.total_rows else (0 if running else 100)
    return render(request, "web/exports/job.html", {"job": job, "running": running, "percent": percent})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job(request, pk)
    try:
        export = services.export_download(user=current_user(request), job=job, ip=client_ip(request))
    except ValidationError:
        raise Http404 from None
    return export.response()


@login_required
def export_jobs(request: HttpRequest) -> HttpResponse:
    jobs = selectors.export_jobs(current_user(request)).select_related("created_by")[:50]
    return render(request, "web/exports/jobs.html", {"jobs": jobs})


urlpatterns: list[URLPattern] = [
    path("accounts/export", account_export, name="account_export"),
    path("exports/", export_jobs, name="export_jobs"),
    path("exports/start", export_start, name="export_start"),
    path("exports/<int:pk>/", export_job, name="export_job"),
    path("exports/<int:pk>/download", export_download, name="export_download"),
]
