"""Admin pages that shape pipelines (stages, probabilities, kinds, allowed moves) and close reasons.

A pipeline is edited on one page: a row per stage (blank rows add stages, a tick deletes one) and a
grid of allowed moves (from the row's stage to the column's stage). Routes in `urlpatterns`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from inyeon.core.audit import client_ip
from inyeon.core.errors import error_dict
from inyeon.core.visibility import can_manage_pipelines
from inyeon.sales import selectors, services
from inyeon.sales.models import CloseReason, Pipeline
from inyeon.web.forms_sales import CloseReasonForm, StageRowForm
from inyeon.web.views.common import current_user, int_or_none

StageRows = formset_factory(StageRowForm, extra=2)


def _admin(request: HttpRequest) -> None:
    if not can_manage_pipelines(current_user(request)):
        raise PermissionDenied


@login_required
def pipeline_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(
        request,
        "web/sales/admin_pipelines.html",
        {"pipelines": selectors.pipelines_all(), "reasons": selectors.close_reasons(active_only=False)},
    )


def _shape_from_post(request: HttpRequest, rows: Any) -> dict[str, Any]:
    stages = []
    for form in rows.forms:
        d = form.cleaned_data
        if not d or d.get("delete") or not (d.get("name_ko") or d.get("id")):
            continue
        stages.append(
            {
                "id": d.get("id"),
                "name_ko": d.get("name_ko", ""),
                "name_en": d.get("name_en", ""),
                "position": d.get("position"),
                "probability": d.get("probability"),
                "kind": d.get("kind"),
            }
        )
    moves = []
    for value in request.POST.getlist("move"):
        a, _sep, b = value.partition("-")
        if int_or_none(a) is not None and int_or_none(b) is not None:
            moves.append([int(a), int(b)])
    return {
        "name_ko": request.POST.get("name_ko", ""),
        "name_en": request.POST.get("name_en", ""),
        "is_default": request.POST.get("is_default") == "on",
        "active": request.POST.get("active") == "on",
        "stages": stages,
        "transitions": moves,
    }


@login_required
def pipeline_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin(request)
    pipeline = Pipeline.objects.filter(pk=pk).first() if pk else None
    if pk and pipeline is None:
        from django.http import Http404

        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = StageRows(request.POST, prefix="stages")
        rows.is_valid()
        data = _shape_from_post(request, rows)
        try:
            saved = services.pipeline_save(
                pipeline=pipeline, data=data, actor=current_user(request), ip=client_ip(request)
            )
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            messages.success(request, _("Pipeline saved."))
            return redirect("web:pipeline_admin_edit", pk=saved.pk)
        header = {k: data[k] for k in ("name_ko", "name_en", "is_default", "active")}
        moves = {f"{a}-{b}" for a, b in data["transitions"]}
    else:
        stages = selectors.pipeline_stages(pipeline) if pipeline else []
        initial = [
            {
                "id": s.pk,
                "name_ko": s.name_ko,
                "name_en": s.name_en,
                "position": s.position,
                "probability": s.probability,
                "kind": s.kind,
            }
            for s in stages
        ]
        rows = StageRows(initial=initial, prefix="stages")
        position = {s.pk: s.position for s in stages}
        moves = (
            {f"{position[t.from_stage_id]}-{position[t.to_stage_id]}" for t in pipeline.transitions.all()}
            if pipeline
            else set()
        )
        header = {
            "name_ko": pipeline.name_ko if pipeline else "",
            "name_en": pipeline.name_en if pipeline else "",
            "is_default": pipeline.is_default if pipeline else False,
            "active": pipeline.active if pipeline else True,
        }
    positions = sorted(
        {int(p) for f in rows.forms for p in [str(f["position"].value() or "")] if p.isdigit()}
    )
    return render(
        request,
        "web/sales/admin_pipeline_form.html",
        {
            "pipeline": pipeline,
            "rows": rows,
            "header": header,
            "errors": errors,
            "stage_errors": {k: v for k, v in errors.items() if k.startswith("stages[")},
            "general_errors": [m for k, v in errors.items() if not k.startswith("stages[") for m in v],
            "positions": positions,
            "grid": [
                (a, [(b, f"{a}-{b}" if a != b else "", f"{a}-{b}" in moves) for b in positions])
                for a in positions
            ],
        },
    )


@login_required
def close_reason_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin(request)
    reason = CloseReason.objects.filter(pk=pk).first() if pk else None
    if request.method == "POST":
        form = CloseReasonForm(request.POST)
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            data["active"] = request.POST.get("active") == "on"
            try:
                services.close_reason_save(
                    reason=reason, data=data, actor=current_user(request), ip=client_ip(request)
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Close reason saved."))
                return redirect("web:pipeline_admin")
    else:
        initial = (
            {"kind": reason.kind, "label_ko": reason.label_ko, "label_en": reason.label_en} if reason else {}
        )
        form = CloseReasonForm(initial=initial)
    return render(request, "web/sales/admin_reason_form.html", {"form": form, "reason": reason})


urlpatterns: list[URLPattern] = [
    path("settings/pipelines/", pipeline_list, name="pipeline_admin"),
    path("settings/pipelines/new/", pipeline_edit, name="pipeline_admin_new"),
    path("settings/pipelines/<int:pk>/", pipeline_edit, name="pipeline_admin_edit"),
    path("settings/close-reasons/new/", close_reason_edit, name="close_reason_new"),
    path("settings/close-reasons/<int:pk>/", close_reason_edit, name="close_reason_edit"),
]
