"""Admin pages of the lead settings: capture forms, scoring rules (and the learned model),
assignment rules and working hours. Routes are in `urlpatterns` below, added by web/urls.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.models import Team, User
from inyeon.core.visibility import is_admin
from inyeon.leads import selectors, services
from inyeon.leads.models import AssignmentRule, LeadForm, ScoringRule
from inyeon.web.forms import BLANK, ServiceForm
from inyeon.web.lead_forms import AssignmentRuleForm, FormSettingsForm, ScoringRuleForm, WorkingHoursForm
from inyeon.web.views.common import current_user


def _admin(request: HttpRequest) -> User:
    user = current_user(request)
    if not is_admin(user):
        raise PermissionDenied
    return user


def _choices(form: forms.Form, name: str, options: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = BLANK + options


def _users() -> list[tuple[str, str]]:
    return [(str(u.pk), u.username) for u in User.objects.filter(is_active=True).order_by("username")]


def _teams() -> list[tuple[str, str]]:
    return [(str(t.pk), t.name) for t in Team.objects.order_by("path")]


def _handle(
    request: HttpRequest, form: ServiceForm, write: Callable[[dict[str, Any]], object], success: str
) -> bool:
    """Validate and write a settings form; True when it was saved."""
    if not form.is_valid():
        return False
    try:
        write({k: v for k, v in form.cleaned_data.items() if v not in ("", None)})
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    messages.success(request, success)
    return True


@login_required
def form_settings(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = FormSettingsForm(request.POST or None)
    _choices(form, "owner_id", _users())
    _choices(form, "team_id", _teams())
    if request.method == "POST" and _handle(
        request, form, lambda d: services.lead_form_create(data=d, actor=user), _("Form created.")
    ):
        return redirect("web:lead_settings_forms")
    return render(
        request,
        "web/leads/settings_forms.html",
        {
            "form": form,
            "lead_forms": selectors.lead_forms(),
            "base_url": request.build_absolute_uri("/")[:-1],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def form_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    form = get_object_or_404(LeadForm, pk=pk)
    services.lead_form_set_active(form=form, active=not form.active, actor=user)
    return redirect("web:lead_settings_forms")


@login_required
def scoring_settings(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = ScoringRuleForm(request.POST or None)
    if request.method == "POST" and _handle(
        request, form, lambda d: services.scoring_rule_create(data=d, actor=user), _("Scoring rule added.")
    ):
        return redirect("web:lead_settings_scoring")
    return render(
        request,
        "web/leads/settings_scoring.html",
        {"form": form, "rules": selectors.scoring_rules(), "model": selectors.score_model_status()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def scoring_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    services.scoring_rule_delete(rule=get_object_or_404(ScoringRule, pk=pk), actor=user)
    messages.success(request, _("Scoring rule removed."))
    return redirect("web:lead_settings_scoring")


@login_required
@require_POST
def scoring_recompute(request: HttpRequest) -> HttpResponse:
    """Queue learning (with `train`) and rescoring in the worker; the model state shows when done."""
    user = _admin(request)
    services.leads_rescore_request(actor=user, train=bool(request.POST.get("train")))
    messages.success(
        request,
        _("Scoring of the open leads is queued; refresh this page to see the learned score's state."),
    )
    return redirect("web:lead_settings_scoring")


@login_required
def assignment_settings(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    posted = request.method == "POST"
    rule_form = AssignmentRuleForm(request.POST if posted and "strategy" in request.POST else None)
    hours_form = WorkingHoursForm(request.POST if posted and "weekdays" in request.POST else None)
    _choices(rule_form, "team_id", _teams())
    _choices(rule_form, "user_id", _users())
    _choices(hours_form, "user_id", _users())
    if posted and "strategy" in request.POST:
        if _handle(
            request,
            rule_form,
            lambda d: services.assignment_rule_create(
                data={**d, "honour_working_hours": rule_form.cleaned_data["honour_working_hours"]}, actor=user
            ),
            _("Assignment rule added."),
        ):
            return redirect("web:lead_settings_assignment")
    elif posted and "weekdays" in request.POST and hours_form.is_valid():
        target = User.objects.filter(pk=hours_form.cleaned_data["user_id"]).first()
        if target is not None and _handle(
            request,
            hours_form,
            lambda d: services.working_hours_set(user=target, data=d, actor=user),
            _("Working hours saved."),
        ):
            return redirect("web:lead_settings_assignment")
    return render(
        request,
        "web/leads/settings_assignment.html",
        {
            "rule_form": rule_form,
            "hours_form": hours_form,
            "rules": selectors.assignment_rules(),
            "hours": selectors.working_hours(),
        },
        status=400 if posted else 200,
    )


@login_required
@require_POST
def assignment_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    services.assignment_rule_delete(rule=get_object_or_404(AssignmentRule, pk=pk), actor=user)
    messages.success(request, _("Assignment rule removed."))
    return redirect("web:lead_settings_assignment")


urlpatterns: list[URLPattern] = [
    path("leads/settings/forms/", form_settings, name="lead_settings_forms"),
    path("leads/settings/forms/<int:pk>/toggle/", form_toggle, name="lead_form_toggle"),
    path("leads/settings/scoring/", scoring_settings, name="lead_settings_scoring"),
    path("leads/settings/scoring/<int:pk>/delete/", scoring_rule_delete, name="lead_scoring_rule_delete"),
    path("leads/settings/scoring/recompute/", scoring_recompute, name="lead_scoring_recompute"),
    path("leads/settings/assignment/", assignment_settings, name="lead_settings_assignment"),
    path(
        "leads/settings/assignment/<int:pk>/delete/",
        assignment_rule_delete,
        name="lead_assignment_rule_delete",
    ),
]
