"""/api/v1/forecast, /targets, /incentive-plans and /payouts: the manager's numbers.

Amounts are integer minor units. The forecast and dashboard sum one currency (the default);
deals in other currencies are listed apart, never converted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.forecasts import (
    AssignmentIn,
    AssignmentOut,
    DashboardOut,
    ForecastOut,
    PayoutDetailOut,
    PayoutOut,
    PayoutPage,
    PayoutRunIn,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    TargetDetailOut,
    TargetIn,
    TargetOut,
    TargetPage,
    TargetPatch,
)
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.forecasts import selectors, services
from inyeon.forecasts.figures import percent
from inyeon.forecasts.models import IncentivePlan, PayoutStatement, Target
from inyeon.forecasts.periods import MONTH, QUARTER, Period, parse_period, period_containing, period_for

forecast_router = Router(tags=["forecasts"])
target_router = Router(tags=["forecasts"])
plan_router = Router(tags=["forecasts"])
payout_router = Router(tags=["forecasts"])


def period_body(period: Period) -> dict[str, Any]:
    return {"key": period.key, "kind": period.kind, "start": period.start, "end": period.last_day}


def _drill(row: selectors.Row, period: Period) -> str:
    if row.kind == "team":
        return f"/api/v1/forecast?period={period.key}&level=team&team_id={row.id}"
    return f"/api/v1/forecast?period={period.key}&level=rep&user_id={row.id}"


@forecast_router.get(
    "", response={200: ForecastOut, **problems(404, 422)}, summary="Weighted forecast roll-up of a period"
)
def get_forecast(
    request: HttpRequest,
    period: str = Query("", description="2026-Q4 or 2026-11; the current quarter when left out."),
    level: str = Query("company", description="company, region, team or rep."),
    team_id: int | None = Query(None, description="For level region or team."),
    user_id: int | None = Query(None, description="For level rep."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    """Rows are the node's sub-teams (summed over their subtrees) and the reps of the node itself;
    the total is the sum of the rows. At level `rep` the rep's deals of the period are listed."""
    the_period = parse_period(period, today=timezone.localdate())
    report = selectors.forecast_rollup(
        user=actor(request),
        period=the_period,
        level=level,
        team_id=team_id,
        user_id=user_id,
        cursor=cursor,
        limit=limit,
    )
    body: dict[str, Any] = {
        "period": period_body(the_period),
        "currency": report.currency,
        "level": report.level,
        "team_id": report.team.pk if report.team else None,
        "user_id": report.rep.pk if report.rep else None,
        "total": report.total.as_dict(),
        "total_target": report.total_target,
        "rows": [
            {
                "kind": row.kind,
                "id": row.id,
                "name": row.name,
                "figures": row.figures.as_dict(),
                "target": row.target.amount if row.target else None,
                "target_currency": row.target.currency if row.target else None,
                "attainment_pct": row.attainment_pct,
                "forecast_pct": row.forecast_pct,
                "drill": _drill(row, the_period),
            }
            for row in report.rows
        ],
        "other_currencies": report.other_currencies,
    }
    if report.opportunities is not None:
        body["opportunities"] = [
            {
                **fields(
                    o,
                    (
                        "id",
                        "name",
                        "status",
                        "forecast_category",
                        "amount",
                        "currency",
                        "probability",
                        "close_date",
                    ),
                ),
                "stage": selectors.bilingual(o.stage.name_ko, o.stage.name_en),
            }
            for o in report.opportunities.items
        ]
        body["next_cursor"] = report.opportunities.next_cursor
    return body


@forecast_router.get(
    "/dashboard", response={200: DashboardOut, **problems(422)}, summary="Sales dashboard figures"
)
def get_dashboard(
    request: HttpRequest,
    period: str = Query(
        "",
        description="The period of the pipeline, win rate, cycle and top deals; "
        "the current quarter when left out.",
    ),
) -> dict[str, Any]:
    """Forecast against target for this month and this quarter (or the given period), the open
    pipeline by stage, the win rate, the average cycle of won deals and the top open deals."""
    today = timezone.localdate()
    periods = (
        [parse_period(period)]
        if period
        else [period_containing(today, MONTH), period_containing(today, QUARTER)]
    )
    figures = selectors.dashboard(actor(request), periods)
    return {
        "currency": figures["currency"],
        "period": period_body(figures["period"]),
        "versus": [
            {
                "period": period_body(v["period"]),
                "figures": v["figures"].as_dict(),
                "target": v["target"],
                "forecast_pct": v["forecast_pct"],
                "attainment_pct": v["attainment_pct"],
            }
            for v in figures["versus"]
        ],
        "stages": [
            {
                "stage_id": s["stage"].pk,
                "stage": selectors.bilingual(s["stage"].name_ko, s["stage"].name_en),
                "pipeline_id": s["stage"].pipeline_id,
                "count": s["count"],
                "amount": s["amount"],
                "weighted": s["weighted"],
            }
            for s in figures["stages"]
        ],
        "won": figures["win_rate"]["won"],
        "lost": figures["win_rate"]["lost"],
        "win_rate_pct": figures["win_rate"]["rate"],
        "average_cycle_days": figures["cycle_days"],
        "top_deals": [
            {
                **fields(o, ("id", "name", "owner_id", "amount", "currency", "probability", "close_date")),
                "stage": selectors.bilingual(o.stage.name_ko, o.stage.name_en),
            }
            for o in figures["top_deals"]
        ],
    }


# --- targets ----------------------------------------------------------------------------------


def target_body(target: Target) -> dict[str, Any]:
    period = period_for(target.period_kind, target.period_start)
    return {
        **fields(
            target,
            ("id", "version", "user_id", "team_id", "period_kind", "period_start", "amount", "currency"),
        ),
        "period": period.key,
    }


def target_detail(target: Target) -> dict[str, Any]:
    period = period_for(target.period_kind, target.period_start)
    reached = selectors.attainment(target=target, period=period)
    return {**target_body(target), **reached, "attainment_pct": percent(reached["attained"], target.amount)}


@target_router.get("", response={200: TargetPage, **problems(422)}, summary="Targets, newest period first")
def list_targets(
    request: HttpRequest,
    period: str = Query("", description="Only this period (2026-Q4 or 2026-11)."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    page = selectors.target_list(
        user=actor(request), period=parse_period(period) if period else None, cursor=cursor, limit=limit
    )
    return page_body(page, target_body)


@target_router.post("", response={201: TargetOut, **problems(403, 422)}, summary="Set a target")
def create_target(request: HttpRequest, payload: TargetIn, response: HttpResponse) -> Status[Any]:
    """For a rep (`user_id`) or a team (`team_id`) of the caller's subtree; managers and admins."""
    target = services.target_create(data=payload.model_dump(), actor=actor(request), ip=client_ip(request))
    set_etag(response, target.version)
    set_location(response, f"targets/{target.pk}")
    return Status(201, target_body(target))


@target_router.get(
    "/{target_id}", response={200: TargetDetailOut, **problems(404)}, summary="A target and its attainment"
)
def get_target(request: HttpRequest, target_id: int, response: HttpResponse) -> dict[str, Any]:
    target = selectors.target_get(user=actor(request), pk=target_id)
    set_etag(response, target.version)
    return target_detail(target)


@target_router.patch(
    "/{target_id}",
    response={200: TargetOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a target's amount or currency (If-Match or version)",
)
def update_target(
    request: HttpRequest, target_id: int, payload: TargetPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    target = selectors.target_get(user=user, pk=target_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        target = services.target_update(
            target=target,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, target.version),
            ip=client_ip(request),
        )
    set_etag(response, target.version)
    return target_body(target)


@target_router.delete(
    "/{target_id}", response={204: None, **problems(403, 404, 412)}, summary="Delete a target"
)
def delete_target(request: HttpRequest, target_id: int) -> Status[None]:
    user = actor(request)
    target = selectors.target_get(user=user, pk=target_id)
    expected_version(request, None, target.version)
    services.target_delete(target=target, actor=user, ip=client_ip(request))
    return Status(204, None)


# --- incentive plans ----------------------------------------------------------------------------

PLAN_FIELDS = ("id", "version", "name", "kind", "period_kind", "currency", "rates", "default_rate", "active")


def plan_body(plan: IncentivePlan) -> dict[str, Any]:
    return fields(plan, PLAN_FIELDS)


def plan_detail(plan: IncentivePlan) -> dict[str, Any]:
    return {
        **plan_body(plan),
        "assignments": [
            fields(a, ("id", "user_id", "valid_from", "valid_to"))
            for a in plan.assignments.order_by("user_id", "valid_from")
        ],
    }


@plan_router.get("", response={200: list[PlanOut]}, summary="Incentive plans")
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [plan_body(p) for p in selectors.plans_visible(actor(request)).order_by("name", "pk")[:500]]


@plan_router.post("", response={201: PlanOut, **problems(403, 422)}, summary="Create an incentive plan")
def create_plan(request: HttpRequest, payload: PlanIn, response: HttpResponse) -> Status[Any]:
    plan = services.plan_create(data=payload.model_dump(), actor=actor(request), ip=client_ip(request))
    set_etag(response, plan.version)
    set_location(response, f"incentive-plans/{plan.pk}")
    return Status(201, plan_body(plan))


@plan_router.get("/{plan_id}", response={200: PlanDetailOut, **problems(404)}, summary="A plan and its reps")
def get_plan(request: HttpRequest, plan_id: int, response: HttpResponse) -> dict[str, Any]:
    plan = selectors.plan_get(user=actor(request), pk=plan_id)
    set_etag(response, plan.version)
    return plan_detail(plan)


@plan_router.patch(
    "/{plan_id}",
    response={200: PlanOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a plan (If-Match or version)",
)
def update_plan(
    request: HttpRequest, plan_id: int, payload: PlanPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        plan = services.plan_update(
            plan=plan,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, plan.version),
            ip=client_ip(request),
        )
    set_etag(response, plan.version)
    return plan_body(plan)


@plan_router.post(
    "/{plan_id}/assignments",
    response={201: AssignmentOut, **problems(403, 404, 422)},
    summary="Put a rep on the plan for a time",
)
def create_assignment(request: HttpRequest, plan_id: int, payload: AssignmentIn) -> Status[Any]:
    user = actor(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    assignment = services.assignment_create(
        plan=plan, data=payload.model_dump(), actor=user, ip=client_ip(request)
    )
    return Status(201, fields(assignment, ("id", "user_id", "valid_from", "valid_to")))


@plan_router.delete(
    "/{plan_id}/assignments/{assignment_id}",
    response={204: None, **problems(403, 404)},
    summary="Take a rep off the plan",
)
def delete_assignment(request: HttpRequest, plan_id: int, assignment_id: int) -> Status[None]:
    user = actor(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    assignment = plan.assignments.select_related("user").get(pk=assignment_id)
    services.assignment_delete(assignment=assignment, actor=user, ip=client_ip(request))
    return Status(204, None)


@plan_router.post(
    "/{plan_id}/payouts",
    response={200: list[PayoutOut], **problems(403, 404, 422)},
    summary="(Re)compute the plan's payout statements for a period",
)
def run_payouts(request: HttpRequest, plan_id: int, payload: PayoutRunIn) -> list[dict[str, Any]]:
    """One statement per rep on the plan in the period whom the caller manages; recomputing
    replaces a statement's lines and bumps its version."""
    user = actor(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    if not payload.period:
        raise ValidationError({"period": [_("This field is required.")]})
    statements = services.payout_compute(
        plan=plan,
        period=parse_period(payload.period),
        actor=user,
        user_ids=payload.user_ids,
        ip=client_ip(request),
    )
    return [payout_body(s) for s in statements]


# --- payouts ----------------------------------------------------------------------------------

PAYOUT_FIELDS = (
    "id",
    "version",
    "plan_id",
    "user_id",
    "currency",
    "base_total",
    "amount_total",
    "target_amount",
    "attainment_pct",
    "computed_at",
)
LINE_FIELDS = (
    "opportunity_id",
    "order_id",
    "order_line_id",
    "description",
    "category",
    "base",
    "rate",
    "amount",
)


def payout_body(statement: PayoutStatement) -> dict[str, Any]:
    return {
        **fields(statement, PAYOUT_FIELDS),
        "period": period_for(statement.period_kind, statement.period_start).key,
    }


@payout_router.get("", response={200: PayoutPage, **problems(422)}, summary="Payout statements")
def list_payouts(
    request: HttpRequest,
    period: str = Query("", description="Only this period."),
    plan_id: int | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    """A rep sees their own, a manager their subtree's, an admin all."""
    page = selectors.statement_list(
        user=actor(request),
        period=parse_period(period) if period else None,
        plan_id=plan_id,
        cursor=cursor,
        limit=limit,
    )
    return page_body(page, payout_body)


@payout_router.get(
    "/{statement_id}", response={200: PayoutDetailOut, **problems(404)}, summary="A statement with its lines"
)
def get_payout(request: HttpRequest, statement_id: int) -> dict[str, Any]:
    statement = selectors.statement_get(user=actor(request), pk=statement_id)
    return {**payout_body(statement), "lines": [fields(line, LINE_FIELDS) for line in statement.lines.all()]}
