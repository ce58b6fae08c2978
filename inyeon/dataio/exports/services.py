"""Every export: streamed at once, or run as a background job whose file its creator downloads.

Each export is written to the access log when its rows are read, and each download of a job's file
when it is downloaded.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import log_access
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import can_see_pii
from inyeon.dataio.exports.filters import EXPORT_KINDS, as_json, clean_filters, describe
from inyeon.dataio.exports.rows import HEADERS, export_queryset, export_rows
from inyeon.dataio.exports.writers import BOM, csv_chunks, csv_line, write_xlsx
from inyeon.dataio.models import ExportFormat, ExportJob, JobStatus, RecordKind

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUBJECT_TYPES = {RecordKind.CONTACTS: "contact", RecordKind.ACCOUNTS: "account", RecordKind.ORDERS: "order"}
PROGRESS_STEP = 1000  # rows between two progress reports
PROGRESS_EVERY = 5000  # rows between two progress writes of a job


@dataclass(frozen=True)
class ExportFile:
    """What a response sends: a file name, its content type, and the bytes (streamed) or a file."""

    filename: str
    content_type: str
    chunks: Iterator[bytes] | None = None
    file: IO[bytes] | None = None

    def response(self) -> HttpResponseBase:
        """The HTTP download: the file sent as it is, or the chunks streamed as they are made."""
        if self.file is not None:
            return FileResponse(
                self.file, as_attachment=True, filename=self.filename, content_type=self.content_type
            )
        response = StreamingHttpResponse(self.chunks or iter(()), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def validate(kind: str, file_format: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The cleaned filters; a `ValidationError` naming the field for a bad kind, format or filter."""
    if kind not in EXPORT_KINDS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"kind": _("Export contacts, accounts or orders.")})
    if file_format not in ExportFormat.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"format": _("Choose csv or xlsx.")})
    return clean_filters(kind, filters)


def _log_export(
    user: User | None, kind: str, file_format: str, filters: dict[str, Any], ip: str | None, how: str
) -> None:
    log_access(
        actor=user,
        action=AccessLog.Action.EXPORT,
        subject_type=SUBJECT_TYPES[RecordKind(kind)],
        subject_ids=[],
        ip=ip,
        detail=f"{how} {kind}.{file_format} {describe(filters)}",
    )


def csv_body(
    kind: str, *, user: User, filters: dict[str, Any], on_rows: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The CSV file: on PostgreSQL contacts come from one COPY, everything else from `rows.py`."""
    if kind == RecordKind.CONTACTS and connection.vendor == "postgresql":
        from inyeon.dataio.exports.pgcopy import contact_copy_chunks

        qs = export_queryset(kind, user=user, filters=filters)
        yield (BOM + csv_line(HEADERS[kind])).encode()
        yield from contact_copy_chunks(qs, masked=not can_see_pii(user), on_rows=on_rows)
        return
    rows = export_rows(kind, user=user, filters=filters)
    yield from csv_chunks(HEADERS[kind], _counted(rows, on_rows))


def export_stream(
    *, user: User, kind: str, file_format: str, filters: dict[str, Any], ip: str | None, how: str = "web"
) -> ExportFile:
    """An export sent at once (for small lists): CSV streamed, XLSX built in a temporary file."""
    clean = validate(kind, file_format, filters)
    _log_export(user, kind, file_format, clean, ip, how)
    name = f"{kind}-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == ExportFormat.CSV:
        return ExportFile(
            name, CONTENT_TYPES[ExportFormat.CSV], chunks=csv_body(kind, user=user, filters=clean)
        )
    target = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(target, HEADERS[RecordKind(kind)], export_rows(kind, user=user, filters=clean), title=kind)  # type: ignore[arg-type]
    target.seek(0)
    return ExportFile(name, CONTENT_TYPES[ExportFormat.XLSX], file=target)


def export_write(
    path: Path,
    *,
    user: User,
    kind: str,
    file_format: str,
    filters: dict[str, Any],
    how: str = "cli",
    on_rows: Callable[[int], None] | None = None,
) -> None:
    """Validate, log and write the export of the list as `user` sees it to `path` (the CLI)."""
    clean = validate(kind, file_format, filters)
    _log_export(user, kind, file_format, clean, None, how)
    _write_file(path, user=user, kind=kind, file_format=file_format, filters=clean, on_rows=on_rows)


def _write_file(
    path: Path,
    *,
    user: User,
    kind: str,
    file_format: str,
    filters: dict[str, Any],
    on_rows: Callable[[int], None] | None = None,
) -> None:
    """Write the export to `path`; `on_rows(n)` is told of n more rows now and then."""
    if file_format == ExportFormat.CSV:
        with path.open("wb") as target:
            for chunk in csv_body(kind, user=user, filters=filters, on_rows=on_rows):
                target.write(chunk)
        return
    rows = export_rows(kind, user=user, filters=filters)
    write_xlsx(path, HEADERS[RecordKind(kind)], _counted(rows, on_rows), title=kind)


def _counted(rows: Iterable[list[str]], on_rows: Callable[[int], None] | None) -> Iterator[list[str]]:
    if on_rows is None:
        yield from rows
        return
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % PROGRESS_STEP == 0:
            on_rows(PROGRESS_STEP)
    if n % PROGRESS_STEP:
        on_rows(n % PROGRESS_STEP)


def export_request(*, user: User, kind: str, file_format: str, filters: dict[str, Any]) -> ExportJob:
    """Queue a background export of the list as `user` sees it; the worker writes the file."""
    from inyeon.dataio.exports.tasks import export_task

    clean = validate(kind, file_format, filters)
    job = ExportJob.objects.create(
        kind=kind, file_format=file_format, filters=as_json(clean), created_by=user, status=JobStatus.QUEUED
    )
    transaction.on_commit(lambda: export_task.enqueue(job.pk))
    return job


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def save_progress(job_id: int, rows: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(processed_rows=rows)


def export_execute(job: ExportJob) -> ExportJob:
    """Write the job's file under MEDIA_ROOT/exports, saving progress as it goes."""
    from inyeon.dataio.exports.selectors import export_count

    user = job.created_by
    started = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    try:
        if user is None:
            raise ValueError(_("The user who asked for this export no longer exists."))
        total = export_count(job.kind, user=user, filters=job.filters)
        ExportJob.objects.filter(pk=job.pk).update(total_rows=total)
        _log_export(user, job.kind, job.file_format, job.filters, None, f"job #{job.pk}")
        export_dir().mkdir(parents=True, exist_ok=True)
        path = export_dir() / f"{job.pk}-{job.kind}-{started:%Y%m%d%H%M%S}.{job.file_format}"
        done = 0
        saved = 0

        def progress(n: int) -> None:
            nonlocal done, saved
            done = min(total, done + n)
            if done - saved >= PROGRESS_EVERY:
                save_progress(job.pk, done)
                saved = done

        _write_file(
            path, user=user, kind=job.kind, file_format=job.file_format, filters=job.filters, on_rows=progress
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, processed_rows=total, file_path=str(path), finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=f"{type(exc).__name__}: {exc}"[:2000]
        )
    job.refresh_from_db()
    return job


def export_download(*, user: User, job: ExportJob, ip: str | None) -> ExportFile:
    """The finished file of `job` (get it through `selectors.export_job_get`); logged as a download."""
    from django.core.exceptions import ValidationError

    if job.status != JobStatus.DONE or not job.file_path or not Path(job.file_path).is_file():
        raise ValidationError({"job": _("This export has no file to download.")})
    log_access(
        actor=user,
        action=AccessLog.Action.EXPORT,
        subject_type=SUBJECT_TYPES[RecordKind(job.kind)],
        subject_ids=[],
        ip=ip,
        detail=f"download of export job #{job.pk} {job.kind}.{job.file_format}",
    )
    name = f"{job.kind}-{job.created_at:%Y%m%d}-{job.pk}.{job.file_format}"
    return ExportFile(name, CONTENT_TYPES[ExportFormat(job.file_format)], file=Path(job.file_path).open("rb"))
