"""/api/v1/exports: exports of the contact, account and order lists.

`GET /exports/{kind}` answers with the file at once (CSV of any size, streamed; XLSX up to
`STREAM_LIMIT` rows); `POST /exports` queues a background job, polled at `/exports/{id}` and
downloaded from `/exports/{id}/file`. Visibility and masking are the list's; every export and every
download is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.exports import ExportIn, ExportJobOut
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.dataio.exports import selectors, services
from inyeon.dataio.models import ExportFormat, ExportJob, JobStatus

router = Router(tags=["exports"])


def job_body(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "format": job.file_format,
        "filters": job.filters,
        "status": job.status,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "message": job.message,
        "file_url": f"/api/v1/exports/{job.pk}/file" if job.status == JobStatus.DONE else None,
    }


def stream_export(
    request: HttpRequest, *, kind: str, file_format: str, filters: dict[str, Any]
) -> HttpResponseBase:
    """The export at once; an XLSX of more than `STREAM_LIMIT` rows must be a job instead."""
    user = actor(request)
    clean = services.validate(kind, file_format, filters)
    if file_format == ExportFormat.XLSX:
        limit = selectors.STREAM_LIMIT
        if selectors.export_count(kind, user=user, filters=clean, limit=limit + 1) > limit:
            raise ValidationError(
                {
                    "format": _(
                        "More than %(n)s rows: POST /api/v1/exports to export them in the background."
                    )
                    % {"n": limit}
                }
            )
    export = services.export_stream(
        user=user, kind=kind, file_format=file_format, filters=clean, ip=client_ip(request), how="api"
    )
    return export.response()


@router.get("", response={200: list[ExportJobOut], **problems()}, summary="Your export jobs")
def list_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's export jobs, newest first (an administrator sees everyone's)."""
    return [job_body(job) for job in selectors.export_jobs(actor(request))[:50]]


@router.post("", response={202: ExportJobOut, **problems(422)}, summary="Export a list in the background")
def start_job(request: HttpRequest, payload: ExportIn, response: HttpResponse) -> Status[Any]:
    """Queues the export for the task worker; poll the job, then download its `file_url`."""
    job = services.export_request(
        user=actor(request), kind=payload.kind, file_format=payload.format, filters=payload.filters
    )
    set_location(response, f"exports/{job.pk}")
    return Status(202, job_body(job))


@router.get("/{int:job_id}", response={200: ExportJobOut, **problems(404)}, summary="One export job")
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_body(selectors.export_job_get(user=actor(request), pk=job_id))


@router.get(
    "/{int:job_id}/file", response={200: None, **problems(404, 422)}, summary="The file of a done job"
)
def download_job(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """Only the job's creator (or an administrator) may download it; each download is logged."""
    user = actor(request)
    job = selectors.export_job_get(user=user, pk=job_id)
    return services.export_download(user=user, job=job, ip=client_ip(request)).response()


@router.get("/{kind}", response={200: None, **problems(422)}, summary="A list's export, at once")
def export_now(
    request: HttpRequest,
    kind: str,
    format: str = Query("csv", description="csv or xlsx."),
) -> HttpResponseBase:
    """Any other query parameter is a filter of the list (as for `POST /exports`), e.g.
    `/exports/contacts?format=csv&lifecycle_stage=core&q=김`."""
    filters = {k: v for k, v in request.GET.items() if k != "format"}
    return stream_export(request, kind=kind, file_format=format, filters=filters)
