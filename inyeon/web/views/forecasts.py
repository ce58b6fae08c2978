"""The sales dashboard, the forecast roll-up with drill-down, targets, incentive plans and payouts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.errors import ConflictError
from inyeon.core.models import Team, User
from inyeon.core.visibility import can_manage_targets, is_admin
from inyeon.forecasts import selectors, services
from inyeon.forecasts.figures import percent
from inyeon.forecasts.models import IncentivePlan, PayoutStatement, Target
from inyeon.forecasts.periods import MONTH, QUARTER, Period, parse_period, period_containing, period_for
from inyeon.web.forecast_forms import AssignmentForm, PayoutRunForm, PlanForm, TargetEditForm, TargetForm
from inyeon.web.views.common import current_user, get_or_404, int_or_none


def _period(request: HttpRequest) -> Period:
    """The period in the query string; a bad one falls back to this quarter with a message."""
    try:
        return parse_period(request.GET.get("period"), today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return period_containing(timezone.localdate(), QUARTER)


def _period_links(period: Period) -> dict[str, Period]:
    today = timezone.localdate()
    return {
        "prev": period.previous(),
        "next": period.next(),
        "this_month": period_containing(today, MONTH),
        "this_quarter": period_containing(today, QUARTER),
    }


@login_required
def sales_dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    periods = [period_containing(today, MONTH), period_containing(today, QUARTER)]
    if request.GET.get("period"):
        periods = [_period(request)]
    figures = selectors.dashboard(user, periods)
    for row in figures["stages"]:
        row["label"] = selectors.bilingual(row["stage"].name_ko, row["stage"].name_en)
    for item in figures["versus"]:
        target = item["target"] or 0
        top = max(item["figures"].forecast_total, target, 1)
        item["bars"] = {
            "won": round(100 * item["figures"].won / top),
            "weighted": round(100 * item["figures"].weighted / top),
            "best_case": round(100 * item["figures"].forecast_best_case / top),
            "target": round(100 * target / top),
        }
    return render(
        request,
        "web/forecasts/dashboard.html",
        {"d": figures, "links": _period_links(figures["period"]), "tab": "dashboard"},
    )


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    period = _period(request)
    level = request.GET.get("level") or "company"
    try:
        report = selectors.forecast_rollup(
            user=user,
            period=period,
            level=level,
            team_id=int_or_none(request.GET.get("team_id")),
            user_id=int_or_none(request.GET.get("user_id")),
            cursor=request.GET.get("cursor") or None,
            limit=50,
        )
    except (Team.DoesNotExist, User.DoesNotExist):
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('web:forecast')}?period={period.key}")
    top = max([r.figures.weighted for r in report.rows] + [1])
    rows = [{"row": r, "width": round(100 * r.figures.weighted / top)} for r in report.rows]
    keep = {k: request.GET[k] for k in ("level", "team_id", "user_id") if request.GET.get(k)}
    return render(
        request,
        "web/forecasts/rollup.html",
        {
            "report": report,
            "rows": rows,
            "keep": keep,
            "period": period,
            "links": _period_links(period),
            "tab": "forecast",
        },
    )


# --- targets ----------------------------------------------------------------------------------


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    period = _period(request)
    people, teams = selectors.manageable_subjects(user)
    form = None
    if can_manage_targets(user):
        if request.method == "POST":
            form = TargetForm(request.POST, people=people, teams=teams)
            if form.is_valid():
                try:
                    services.target_create(data=form.service_data(), actor=user)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    messages.success(request, _("The target is saved."))
                    return redirect(f"{reverse('web:targets')}?period={form.cleaned_data['period']}")
        else:
            form = TargetForm(people=people, teams=teams, initial={"period": period.key, "currency": "KRW"})
    elif request.method == "POST":
        raise PermissionDenied
    page = selectors.target_list(
        user=user, period=period, cursor=request.GET.get("cursor") or None, limit=100
    )
    reached = selectors.attainments(targets=page.items, period=period)
    rows = [
        {"target": t, **reached[t.pk], "pct": percent(reached[t.pk]["attained"], t.amount)}
        for t in page.items
    ]
    return render(
        request,
        "web/forecasts/targets.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
            "period": period,
            "links": _period_links(period),
            "tab": "targets",
        },
    )


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    target: Target = get_or_404(selectors.target_get, user=user, pk=pk)
    period = period_for(target.period_kind, target.period_start)
    if request.method == "POST":
        form = TargetEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.target_update(target=target, data=data, actor=user, expected_version=version)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except ConflictError:
                form.add_error(None, _("Someone else changed this target meanwhile; reload and try again."))
            else:
                messages.success(request, _("The target is saved."))
                return redirect(f"{reverse('web:targets')}?period={period.key}")
    else:
        form = TargetEditForm(
            initial={"amount": target.amount, "currency": target.currency, "version": target.version}
        )
    return render(
        request,
        "web/forecasts/target_form.html",
        {"form": form, "target": target, "period": period, "tab": "targets"},
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    target: Target = get_or_404(selectors.target_get, user=user, pk=pk)
    period = period_for(target.period_kind, target.period_start)
    services.target_delete(target=target, actor=user)
    messages.success(request, _("The target is deleted."))
    return redirect(f"{reverse('web:targets')}?period={period.key}")


# --- incentive plans and payouts ----------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = None
    if is_admin(user):
        form = PlanForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.plan_create(data=form.service_data(), actor=user)
            except ValidationError as exc:
                if not form.errors:  # the rate lines could not be read: already on the form
                    form.add_service_errors(exc)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("web:incentive_plan", pk=plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    plans = selectors.plans_visible(user).order_by("name", "pk")[:200]
    return render(request, "web/forecasts/plans.html", {"plans": plans, "form": form, "tab": "plans"})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    plan: IncentivePlan = get_or_404(selectors.plan_get, user=user, pk=pk)
    people, _teams = selectors.manageable_subjects(user)
    manage = can_manage_targets(user)
    assign_form = AssignmentForm(people=people)
    run_form = PayoutRunForm(
        initial={"period": period_containing(timezone.localdate(), plan.period_kind).key}
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "assign":
                assign_form = AssignmentForm(request.POST, people=people)
                if assign_form.is_valid():
                    services.assignment_create(plan=plan, data=assign_form.cleaned_data, actor=user)
                    messages.success(request, _("The rep is on the plan."))
                    return redirect("web:incentive_plan", pk=plan.pk)
            elif action == "unassign":
                assignment = get_or_404(
                    plan.assignments.select_related("user").get,
                    pk=int_or_none(request.POST.get("assignment")),
                )
                services.assignment_delete(assignment=assignment, actor=user)
                messages.success(request, _("The rep is off the plan."))
                return redirect("web:incentive_plan", pk=plan.pk)
            elif action == "compute":
                run_form = PayoutRunForm(request.POST)
                if run_form.is_valid():
                    period = parse_period(run_form.cleaned_data["period"])
                    done = services.payout_compute(plan=plan, period=period, actor=user)
                    messages.success(request, _("%(n)d statements computed.") % {"n": len(done)})
                    return redirect(f"{reverse('web:payouts')}?period={period.key}&plan={plan.pk}")
        except ValidationError as exc:
            (assign_form if action == "assign" else run_form).add_service_errors(exc)
    assignments = plan.assignments.select_related("user").order_by("user__username", "valid_from")
    return render(
        request,
        "web/forecasts/plan.html",
        {
            "plan": plan,
            "assignments": assignments,
            "assign_form": assign_form,
            "run_form": run_form,
            "manage": manage,
            "tab": "plans",
        },
    )


@login_required
def payout_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    period = _period(request) if request.GET.get("period") else None
    page = selectors.statement_list(
        user=user,
        period=period,
        plan_id=int_or_none(request.GET.get("plan")),
        cursor=request.GET.get("cursor") or None,
        limit=50,
    )
    return render(request, "web/forecasts/payouts.html", {"page": page, "period": period, "tab": "payouts"})


@login_required
def payout_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement: PayoutStatement = get_or_404(selectors.statement_get, user=current_user(request), pk=pk)
    lines = statement.lines.select_related("opportunity", "order").all()
    period = period_for(statement.period_kind, statement.period_start)
    return render(
        request,
        "web/forecasts/payout.html",
        {"s": statement, "lines": lines, "period": period, "tab": "payouts"},
    )


urlpatterns = [
    path("forecast/", forecast, name="forecast"),
    path("forecast/dashboard/", sales_dashboard, name="sales_dashboard"),
    path("forecast/targets/", target_list, name="targets"),
    path("forecast/targets/<int:pk>/edit/", target_edit, name="target_edit"),
    path("forecast/targets/<int:pk>/delete/", target_delete, name="target_delete"),
    path("forecast/plans/", plan_list, name="incentive_plans"),
    path("forecast/plans/<int:pk>/", plan_detail, name="incentive_plan"),
    path("forecast/payouts/", payout_list, name="payouts"),
    path("forecast/payouts/<int:pk>/", payout_detail, name="payout"),
]
