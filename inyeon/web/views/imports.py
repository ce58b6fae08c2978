"""The import wizard: upload a file, map its columns (suggested from the headers), preview the
first rows with their problems, run, and follow the job to its result page."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from inyeon.core.visibility import can_import
from inyeon.dataio.imports import selectors, services
from inyeon.dataio.imports.engine import ImportProblem
from inyeon.dataio.imports.fields import FIELDS
from inyeon.dataio.models import ImportJob, ImportMode, RecordKind
from inyeon.web.views.common import current_user

SESSION_KEY = "imports.uploads"


def _require_importer(request: HttpRequest) -> Any:
    user = current_user(request)
    if not can_import(user):
        raise PermissionDenied
    return user


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    """Recent imports and the upload form (step 1)."""
    user = _require_importer(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in RecordKind.values:
            errors["kind"] = _("Choose what the file holds.")
        if upload is None:
            errors["file"] = _("Choose a CSV or XLSX file.")
        if not errors and upload is not None:
            try:
                stored = services.store_upload(upload, upload.name or "upload.csv")
            except ValidationError as exc:
                errors["file"] = " ".join(exc.messages)
            else:
                token = uuid.uuid4().hex
                uploads = request.session.get(SESSION_KEY, {})
                uploads[token] = {"path": str(stored), "name": upload.name, "kind": kind}
                request.session[SESSION_KEY] = uploads
                return redirect("web:import_map", token=token)
    return render(
        request,
        "web/imports/home.html",
        {
            "imports": selectors.import_list(user=user),
            "kinds": RecordKind.choices,
            "errors": errors,
            "nav": "imports",
        },
    )


def _upload(request: HttpRequest, token: str) -> dict[str, str]:
    upload = request.session.get(SESSION_KEY, {}).get(token)
    if upload is None or not Path(upload["path"]).is_file():
        raise Http404
    return upload


@login_required
def import_map(request: HttpRequest, token: str) -> HttpResponse:
    """Steps 2-4: map the columns, preview the first rows with their problems, start the import."""
    user = _require_importer(request)
    upload = _upload(request, token)
    kind, file_path = upload["kind"], Path(upload["path"])
    saved = selectors.saved_mappings(kind)
    mapping: dict[str, Any] = {}
    if request.method == "POST":
        headers = request.POST.getlist("header")
        mapping = {
            "columns": {
                h: request.POST.get(f"field_{i}", "")
                for i, h in enumerate(headers)
                if request.POST.get(f"field_{i}")
            }
        }
    elif request.GET.get("saved"):
        chosen = saved.filter(pk=request.GET["saved"]).first()
        mapping = {"columns": chosen.mapping} if chosen else {}
    try:
        preview = services.import_preview(kind=kind, path=file_path, mapping=mapping, rows=10)
    except ImportProblem as exc:
        messages.error(request, str(exc))
        return redirect("web:imports")
    form_errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("action") in ("run", "dry_run"):
        mode = request.POST.get("mode", ImportMode.STRICT)
        try:
            if request.POST.get("save_as", "").strip():
                services.mapping_save(
                    kind=kind, name=request.POST["save_as"], columns=mapping["columns"], actor=user
                )
            job = services.import_request(
                kind=kind,
                path=file_path,
                original_name=upload["name"],
                actor=user,
                mode=mode,
                mapping=mapping,
                dry_run=request.POST["action"] == "dry_run",
            )
        except ValidationError as exc:
            form_errors = {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
        else:
            uploads = request.session.get(SESSION_KEY, {})
            uploads.pop(token, None)
            request.session[SESSION_KEY] = uploads
            return redirect("web:import_job", pk=job.pk)
    columns = preview["mapping"]
    rows = [
        {
            "line": r["line"],
            "cells": r["cells"],
            "problems": {p.column: p.rule for p in r["problems"]},
            "ok": r["clean"] is not None,
        }
        for r in preview["rows"]
    ]
    return render(
        request,
        "web/imports/map.html",
        {
            "upload": upload,
            "token": token,
            "headers": [(i, h, columns.get(h, "")) for i, h in enumerate(preview["headers"])],
            "fields": FIELDS[kind],
            "rows": rows,
            "problem": preview["problem"],
            "encoding": preview["encoding"],
            "saved": saved,
            "modes": ImportMode.choices,
            "mode": request.POST.get("mode", ImportMode.STRICT),
            "form_errors": form_errors,
            "nav": "imports",
        },
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    try:
        return selectors.import_get(user=current_user(request), pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 5: progress while it runs (the page refreshes itself), then the result."""
    job = _job(request, pk)
    running = job.status in ("queued", "running")
    percent = int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0
    return render(
        request,
        "web/imports/job.html",
        {"job": job, "running": running, "percent": percent, "nav": "imports"},
    )


@login_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The bad rows of an import as CSV (every cell neutralised)."""
    try:
        job, path = selectors.import_error_file(user=current_user(request), pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


urlpatterns: list[URLPattern] = [
    path("imports/", import_home, name="imports"),
    path("imports/upload/<str:token>/", import_map, name="import_map"),
    path("imports/<int:pk>/", import_job, name="import_job"),
    path("imports/<int:pk>/errors.csv", import_errors, name="import_errors"),
]
