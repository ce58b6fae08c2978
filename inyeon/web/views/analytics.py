"""The analytics page (RFM grid, Pareto curve, CLV distribution, funnel, segment migration),
scoring runs with their progress, and the scoring rules."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.analytics import selectors, services
from inyeon.analytics.models import ScoringRun
from inyeon.analytics.stats.summaries import STAGES
from inyeon.core.visibility import can_run_scoring, is_admin
from inyeon.customers.choices import LifecycleStage
from inyeon.web.forms import ScoringSettingsForm
from inyeon.web.views.common import current_user, int_or_none

CHART_W, CHART_H = 320, 160


def _pareto_points(curve: list[float]) -> str:
    if not curve:
        return ""
    step = CHART_W / (len(curve) - 1)
    return " ".join(f"{i * step:.1f},{CHART_H - v * CHART_H:.1f}" for i, v in enumerate(curve))


def _bars(histogram: dict[str, list[int]]) -> list[dict[str, Any]]:
    counts, edges = histogram.get("counts", []), histogram.get("edges", [])
    top = max(counts, default=0) or 1
    return [
        {"low": edges[i], "high": edges[i + 1], "count": c, "height": round(100 * c / top)}
        for i, c in enumerate(counts)
    ]


def _grid(figures: dict[str, Any]) -> list[dict[str, Any]]:
    counts, revenue = figures["rfm_grid"]["customers"], figures["rfm_grid"]["revenue"]
    top = max((max(row) for row in counts), default=0) or 1
    rows = []
    for r in range(5, 0, -1):
        cells = [
            {
                "r": r,
                "f": f,
                "customers": counts[r - 1][f - 1],
                "revenue": revenue[r - 1][f - 1],
                "shade": round(8 + 60 * counts[r - 1][f - 1] / top),
            }
            for f in range(1, 6)
        ]
        rows.append({"r": r, "cells": cells})
    return rows


@login_required
def analytics_home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    figures = selectors.base_figures(user)
    labels = selectors.segment_labels(get_language() or "en")
    done = [run for run in selectors.runs(50) if run.status == "done"]
    after = next((r for r in done if r.pk == int_or_none(request.GET.get("to"))), done[0] if done else None)
    before = next(
        (r for r in done if r.pk == int_or_none(request.GET.get("from"))),
        next((r for r in done if after and r.pk < after.pk), None),
    )
    migration: dict[str, Any] | None = None
    if before is not None and after is not None:
        keys, matrix = selectors.segment_migration(user, before, after)
        if matrix:
            migration = {
                "keys": [(k, labels.get(k, k)) for k in keys],
                "rows": [(labels.get(k, k), row) for k, row in zip(keys, matrix, strict=True)],
            }
    context: dict[str, Any] = {
        "figures": figures,
        "latest": selectors.latest_done_run(),
        "active": selectors.active_run(),
        "runs": selectors.runs(10),
        "done_runs": done,
        "before": before,
        "after": after,
        "migration": migration,
        "labels": labels,
        "can_run": can_run_scoring(user),
        "chart_w": CHART_W,
        "chart_h": CHART_H,
    }
    if figures:
        stage_labels = dict(LifecycleStage.choices)
        biggest = max(figures["funnel"].values(), default=0) or 1
        context.update(
            grid=_grid(figures),
            pareto_points=_pareto_points(figures["pareto"]["curve"]),
            top20=round(100 * figures["pareto"]["top20_share"]),
            clv_bars=_bars(figures["clv_histogram"]),
            clv_low=(figures["clv_histogram"]["edges"] or [0])[0],
            clv_high=(figures["clv_histogram"]["edges"] or [0])[-1],
            funnel=[
                {
                    "stage": s,
                    "label": stage_labels[s],
                    "count": figures["funnel"].get(s, 0),
                    "width": round(100 * figures["funnel"].get(s, 0) / biggest),
                }
                for s in STAGES
            ],
            segments=sorted(
                ((k, labels.get(k, k), n) for k, n in figures["segments"].items()), key=lambda t: -t[2]
            ),
        )
    return render(request, "web/analytics/home.html", context)


@login_required
@require_POST
def analytics_score(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    try:
        run = services.scoring_request(actor=user, trigger="web")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("web:analytics")
    messages.success(request, _("Scoring run #%(id)s queued.") % {"id": run.pk})
    return redirect("web:scoring_run", pk=run.pk)


@login_required
def scoring_run(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.run_get(pk)
    except ScoringRun.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "web/analytics/run.html",
        {"run": run, "running": run.status in ("queued", "running"), "nav": "analytics"},
    )


@login_required
def scoring_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not is_admin(user):
        raise PermissionDenied
    row = services.scoring_settings()
    if request.method == "POST":
        form = ScoringSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.scoring_settings_update(actor=user, data=form.service_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The scoring rules are saved; they apply from the next run."))
                return redirect("web:scoring_settings")
    else:
        initial = {name: getattr(row, name) for name in services.SETTING_FIELDS}
        initial["segment_map"] = (
            json.dumps(row.segment_map, ensure_ascii=False, indent=1) if row.segment_map else ""
        )
        form = ScoringSettingsForm(initial=initial)
    return render(request, "web/analytics/settings.html", {"form": form, "nav": "analytics"})
