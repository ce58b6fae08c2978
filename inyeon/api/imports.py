"""/api/v1/imports: the import engine over HTTP, as the CLI and the wizard use it.

POST a file (multipart) to preview its mapping and first rows, or to start an import job; poll the
job for its progress and result; download its bad rows. Callers see only their own imports
(admins see all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.imports import ImportOut, PreviewOut
from inyeon.api.schemas.problems import problems
from inyeon.core.visibility import can_import
from inyeon.dataio.imports import selectors, services
from inyeon.dataio.imports.engine import ImportProblem
from inyeon.dataio.models import ImportJob, ImportMode, RecordKind

router = Router(tags=["imports"])


def import_body(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "mode": job.mode,
        "dry_run": job.dry_run,
        "file": job.original_name,
        "file_format": job.file_format,
        "encoding": job.encoding,
        "mapping": job.mapping,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "repeated_rows": job.duplicate_count,
        "bad_rows": job.error_count,
        "errors": job.errors,
        "errors_url": f"/api/v1/imports/{job.pk}/errors.csv" if job.error_file_path else None,
        "message": job.message,
    }


def _store(file: UploadedFile) -> Path:
    return services.store_upload(file, file.name or "upload.csv")


def _kind(kind: str) -> str:
    if kind not in RecordKind.values:
        raise ValidationError(
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(RecordKind.values)}]}
        )
    return kind


@router.post(
    "/preview", response={200: PreviewOut, **problems(403, 422)}, summary="Suggested mapping and first rows"
)
def preview(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[str],
    mapping: Form[str] = "",
) -> dict[str, Any]:
    """The file's headers, the mapping (the one given, or suggested from the headers) and the first
    20 rows cleaned, each with its problems. Nothing is stored."""
    if not can_import(actor(request)):
        raise PermissionDenied(_("Your role cannot import records."))
    path = _store(file)
    try:
        result = services.import_preview(kind=_kind(kind), path=path, mapping=services.parse_mapping(mapping))
    except ImportProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    finally:
        path.unlink(missing_ok=True)
    for row in result["rows"]:
        row["problems"] = [
            {"line": row["line"], "column": p.column, "value": p.value, "rule": p.rule}
            for p in row["problems"]
        ]
        row["clean"] = (
            {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in (row["clean"] or {}).items()}
            if row["clean"] is not None
            else None
        )
    return result


@router.post("", response={202: ImportOut, **problems(403, 422)}, summary="Start an import")
def start(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    kind: Form[str],
    mode: Form[str] = ImportMode.STRICT,
    mapping: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status[Any]:
    """Multipart form: `file` (CSV or XLSX), `kind` (contacts, accounts, orders, products), `mode`
    (strict: nothing is written if any row is bad; lenient: the good rows are written), `mapping`
    (JSON: `{"columns": {header: field}, ...}`; left out, common headers map on their own) and
    `dry_run`. The job runs in the background; poll `Location` for its progress and result."""
    user = actor(request)
    path = _store(file)
    try:
        job = services.import_request(
            kind=_kind(kind),
            path=path,
            original_name=file.name or "upload.csv",
            actor=user,
            mode=mode,
            mapping=services.parse_mapping(mapping),
            dry_run=dry_run,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    set_location(response, f"imports/{job.pk}")
    return Status(202, import_body(job))


@router.get("", response={200: list[ImportOut], **problems()}, summary="Your recent imports")
def list_imports(request: HttpRequest) -> list[dict[str, Any]]:
    return [import_body(job) for job in selectors.import_list(user=actor(request), limit=50)]


@router.get(
    "/{import_id}", response={200: ImportOut, **problems(404)}, summary="One import: progress and result"
)
def get_import(request: HttpRequest, import_id: int) -> dict[str, Any]:
    return import_body(selectors.import_get(user=actor(request), pk=import_id))


@router.get("/{import_id}/errors.csv", response={200: None, **problems(404)}, summary="The bad rows as CSV")
def get_errors(request: HttpRequest, import_id: int) -> FileResponse:
    job, path = selectors.import_error_file(user=actor(request), pk=import_id)
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )
