"""Writes of the import context: start an import (from the CLI, the web wizard or the API) and
carry it out; save a column mapping."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inyeon.core.audit import audit
from inyeon.core.models import User
from inyeon.core.visibility import can_edit_catalogue, can_import
from inyeon.dataio.imports.engine import ImportProblem, Spec, open_file, plan_columns, run_import
from inyeon.dataio.imports.fields import FIELDS, suggest_mapping
from inyeon.dataio.models import ImportJob, ImportMode, JobStatus, RecordKind, SavedMapping

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(source: IO[bytes], original_name: str) -> Path:
    """Copy an uploaded file to the import area under a random name (the user's name is kept
    only as a label, never as a path)."""
    suffix = ".xlsx" if original_name.lower().endswith(".xlsx") else ".csv"
    target = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, length=1 << 20)
    if target.stat().st_size > MAX_UPLOAD_BYTES:
        target.unlink()
        raise ValidationError({"file": [_("The file is larger than 512 MB; split it.")]})
    return target


def parse_mapping(text: str | bytes | None) -> dict[str, Any]:
    """A mapping as JSON: either {"columns": {header: field}, ...options} or just {header: field}."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError({"mapping": [_("The mapping is not valid JSON.")]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"mapping": [_("The mapping must be a JSON object.")]})
    if "columns" not in data:
        data = {"columns": data}
    return data


def import_preview(*, kind: str, path: Path, mapping: dict[str, Any], rows: int = 20) -> dict[str, Any]:
    """Headers, the suggested (or given) mapping and the first rows, cleaned, with their problems."""
    from inyeon.dataio.imports.engine import clean_rows

    spec = Spec.from_json(mapping) if mapping else Spec(columns={})
    table = open_file(path, spec)
    columns = spec.columns if mapping and "columns" in mapping else suggest_mapping(table.headers, kind)
    sample = []
    for _i, row in zip(range(rows), table.rows, strict=False):
        sample.append(row)
    preview: dict[str, Any] = {"headers": table.headers, "mapping": columns, "rows": [], "problem": ""}
    preview["encoding"], preview["format"] = table.encoding, table.file_format
    try:
        plan = plan_columns(kind, table.headers, columns)
    except ImportProblem as exc:
        preview["problem"] = str(exc)
        preview["rows"] = [
            {"line": line, "cells": cells, "clean": None, "problems": []} for line, cells in sample
        ]
        return preview
    for line, cells, result in clean_rows(kind, plan, spec.options, sample):
        problems = result if isinstance(result, list) else []
        clean = None if isinstance(result, list) else {k: v for k, v in result.items() if k != "_fp"}
        preview["rows"].append({"line": line, "cells": cells, "clean": clean, "problems": problems})
    return preview


def _validate(kind: str, mode: str, mapping: dict[str, Any]) -> Spec:
    errors: dict[str, list[str]] = {}
    if kind not in RecordKind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(RecordKind.values)}]
    if mode not in ImportMode.values:
        errors["mode"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ImportMode.values)}]
    spec = None
    try:
        spec = Spec.from_json(mapping) if mapping else None
    except ImportProblem as exc:
        errors["mapping"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return spec or Spec(columns={})


def import_request(
    *,
    kind: str,
    path: Path,
    original_name: str,
    actor: User,
    mode: str = ImportMode.STRICT,
    mapping: dict[str, Any] | None = None,
    dry_run: bool = False,
    enqueue: bool = True,
) -> ImportJob:
    """Check the file and the mapping (so a bad mapping is refused at once, naming the column),
    then create the job and, with `enqueue`, queue it for the worker."""
    if not can_import(actor):
        raise PermissionDenied(_("Your role cannot import records."))
    if kind == "products" and not can_edit_catalogue(actor):
        raise PermissionDenied(_("Only administrators and managers may change the catalogue."))
    spec = _validate(kind, mode, mapping or {})
    try:
        table = open_file(path, spec)
        # A mapping given explicitly is used as it is; none at all means the suggested one.
        columns = spec.columns if mapping and "columns" in mapping else suggest_mapping(table.headers, kind)
        plan_columns(kind, table.headers, columns)
    except ImportProblem as exc:
        raise ValidationError({"mapping" if mapping else "file": [str(exc)]}) from None
    stored = {**(mapping or {}), "columns": columns}
    job = ImportJob.objects.create(
        kind=kind,
        mode=mode,
        dry_run=dry_run,
        file_path=str(path),
        original_name=original_name[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        mapping=stored,
        created_by=actor,
        status=JobStatus.QUEUED,
    )
    audit(
        actor=actor,
        action="create",
        entity="import",
        entity_id=job.pk,
        changes={
            "kind": [None, kind],
            "file": [None, job.original_name],
            "mode": [None, mode],
            "dry_run": [None, dry_run],
        },
    )
    if enqueue:
        from inyeon.dataio.imports.tasks import import_task

        transaction.on_commit(lambda: import_task.enqueue(job.pk))
    return job


def import_execute(job: ImportJob, progress: Callable[[int, int, str], None] | None = None) -> ImportJob:
    """Run a queued import; the outcome (counts, the first errors, the error file) is saved on it."""
    actor = job.created_by
    if actor is None:
        raise PermissionDenied(_("The user who started this import no longer exists."))
    job.started_at = timezone.now()  # also on the instance: the final save writes every field
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=job.started_at)
    language = actor.language or settings.LANGUAGE_CODE

    def report(done: int, total: int, step: str) -> None:
        if step == "checking":
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
        if progress is not None:
            progress(done, total, step)

    with translation.override(language):
        try:
            outcome = run_import(
                kind=job.kind,
                path=Path(job.file_path),
                spec=Spec.from_json(job.mapping),
                actor=actor,
                strict=job.mode == ImportMode.STRICT,
                dry_run=job.dry_run,
                language=language,
                error_path=upload_dir() / f"import-{job.pk}-errors.csv",
                job_id=job.pk,
                progress=report,
            )
        except ImportProblem as exc:
            job.status, job.message = JobStatus.FAILED, str(exc)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "message", "finished_at"])
            return job
    job.total_rows = job.processed_rows = outcome.total
    job.created_count, job.updated_count = outcome.created, outcome.updated
    job.unchanged_count, job.duplicate_count = outcome.unchanged, outcome.duplicates
    job.error_count, job.errors, job.error_file_path = outcome.errors, outcome.problems, outcome.error_file
    if job.mode == ImportMode.STRICT and outcome.errors:
        job.status = JobStatus.FAILED
        with translation.override(language):
            job.message = _("Nothing was written: %(n)d rows have problems (strict mode).") % {
                "n": outcome.errors
            }
    else:
        job.status = JobStatus.DONE
        with translation.override(language):
            job.message = _flag_duplicates(outcome.created_contacts)
    job.finished_at = timezone.now()
    job.save()
    audit(
        actor=actor,
        action="update",
        entity="import",
        entity_id=job.pk,
        changes={
            "status": [JobStatus.RUNNING, job.status],
            "created": [None, outcome.created],
            "updated": [None, outcome.updated],
            "errors": [None, outcome.errors],
            "written": [None, outcome.written],
        },
    )
    return job


FLAG_INLINE_UP_TO = 100_000


def _flag_duplicates(contact_ids: list[int]) -> str:
    """New contacts are checked for duplicates against the whole base: at once for up to 100,000
    of them, by a queued scan of the base beyond that."""
    from inyeon.dataio.duplicates.services import duplicate_scan_request, flag_safely

    if not contact_ids:
        return ""
    if len(contact_ids) > FLAG_INLINE_UP_TO:
        scan = duplicate_scan_request(actor=None)
        return _("A duplicate scan of the whole base was queued (#%(id)d).") % {"id": scan.pk}
    found = flag_safely(contact_ids)
    if not found:
        return ""
    return ngettext(
        "%(n)d possible duplicate pair was flagged for review.",
        "%(n)d possible duplicate pairs were flagged for review.",
        found,
    ) % {"n": found}


def mapping_save(*, kind: str, name: str, columns: dict[str, str], actor: User) -> SavedMapping:
    if not can_import(actor):
        raise PermissionDenied(_("Your role cannot import records."))
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Enter a name of at most 100 characters.")]
    known = {f.name for f in FIELDS.get(kind, ())}
    bad = sorted({v for v in columns.values() if v not in known})
    if bad:
        errors["mapping"] = [
            _("Not fields of %(kind)s: %(fields)s.") % {"kind": kind, "fields": ", ".join(bad)}
        ]
    if errors:
        raise ValidationError(errors)
    saved, _created = SavedMapping.objects.update_or_create(
        kind=kind, name=name, defaults={"mapping": columns, "created_by": actor}
    )
    audit(
        actor=actor,
        action="update",
        entity="saved_mapping",
        entity_id=saved.pk,
        changes={"mapping": [None, columns]},
    )
    return saved
