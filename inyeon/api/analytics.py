"""/api/v1/analytics: the summaries of the analytics page, scoring runs and a trigger to score.

Figures cover the customers the caller may see (through `analytics.selectors`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.analytics import selectors, services
from inyeon.analytics.models import RunStatus, ScoringRun
from inyeon.api.common import actor, set_location
from inyeon.api.schemas.analytics import MigrationOut, RunOut, SummaryOut
from inyeon.api.schemas.problems import problems

router = Router(tags=["analytics"])


def run_body(run: ScoringRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "as_of": run.as_of,
        "trigger": run.trigger,
        "progress": run.progress,
        "step": run.step,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "customers": run.customers,
        "buyers": run.buyers,
        "rows_changed": run.rows_changed,
        "stage_changes": run.stage_changes,
        "model_version": run.model_version,
        "params": run.summary.get("params", {}),
        "notes": run.summary.get("notes", []),
        "error": run.error,
    }


@router.get("/summary", response={200: SummaryOut, **problems()}, summary="RFM grid, Pareto, CLV, funnel")
def summary(request: HttpRequest) -> dict[str, Any]:
    """The latest finished run's figures over the customers the caller may see (null before any run):
    `rfm_grid` (5x5, R rows 1-5 by F columns 1-5: customers and revenue), `pareto` (share of revenue of
    the top 20% and the curve at 5% steps), `clv_histogram`, `funnel` (customers per stage) and
    `segments` (customers per RFM segment)."""
    user = actor(request)
    run = selectors.latest_done_run()
    return {
        "run": run_body(run) if run else None,
        "segment_labels": selectors.segment_labels(get_language() or "en"),
        "figures": selectors.base_figures(user),
    }


@router.get("/runs", response={200: list[RunOut], **problems()}, summary="Recent scoring runs")
def list_runs(request: HttpRequest) -> list[dict[str, Any]]:
    actor(request)
    return [run_body(run) for run in selectors.runs(50)]


@router.get(
    "/runs/{run_id}", response={200: RunOut, **problems(404)}, summary="One scoring run and its progress"
)
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    actor(request)
    return run_body(selectors.run_get(run_id))


@router.post("/runs", response={202: RunOut, **problems(403)}, summary="Score the whole customer base")
def start_run(request: HttpRequest, response: HttpResponse) -> Status[Any]:
    """Queues a run for the task worker (admins and analysts); poll the run for its progress."""
    run = services.scoring_request(actor=actor(request), trigger="api")
    set_location(response, f"analytics/runs/{run.pk}")
    return Status(202, run_body(run))


@router.get("/migration", response={200: MigrationOut, **problems(422)}, summary="Segment migration matrix")
def migration(
    request: HttpRequest,
    from_run: int | None = Query(None, description="Earlier run; default: the one before `to_run`."),
    to_run: int | None = Query(None, description="Later run; default: the latest finished run."),
) -> dict[str, Any]:
    """`matrix[i][j]`: customers in `segments[i]` in the first run and `segments[j]` in the second."""
    user = actor(request)
    done = ScoringRun.objects.defer("snapshot").filter(status=RunStatus.DONE).order_by("-id")
    after = done.filter(pk=to_run).first() if to_run else done.first()
    if after is None:
        raise ValidationError({"to_run": _("No finished scoring run with this number.")})
    before = done.filter(pk=from_run).first() if from_run else done.filter(pk__lt=after.pk).first()
    if before is None:
        raise ValidationError({"from_run": _("No earlier finished scoring run to compare with.")})
    keys, matrix = selectors.segment_migration(user, before, after)
    return {"from_run": before.pk, "to_run": after.pk, "segments": keys, "matrix": matrix}
