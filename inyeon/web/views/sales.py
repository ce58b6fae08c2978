"""The pipeline board, the opportunity list, detail, create, edit, move and delete pages.

Routes are in `urlpatterns` below, added by web/urls.py. Every read goes through sales.selectors and
every write through sales.services; a card moved by drag and drop posts the same move form as the
page without JavaScript (asking for JSON back).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.models import User
from inyeon.core.visibility import assignable_users, can_assign_to_others, can_write
from inyeon.quotes import selectors as quote_selectors
from inyeon.sales import selectors, services
from inyeon.sales.models import Opportunity, StageKind
from inyeon.web.forms import BLANK
from inyeon.web.forms_sales import OpportunityForm
from inyeon.web.templatetags.sales import bilingual
from inyeon.web.views.common import current_user, get_or_404, int_or_none
from inyeon.web.views.documents import document_panel

FILTER_KEYS = ("owner_id", "team_id", "stage_id", "status", "close_from", "close_to")


def _filters(request: HttpRequest) -> tuple[selectors.OpportunityFilters, dict[str, list[str]]]:
    params = {k: request.GET.get(k, "") for k in FILTER_KEYS}
    try:
        return selectors.clean_filters(params), {}
    except ValidationError as exc:
        return selectors.OpportunityFilters(), error_dict(exc)


def _filter_context(user: User, request: HttpRequest) -> dict[str, Any]:
    owners, teams = selectors.board_filter_choices(user)
    return {"owners": owners, "teams": teams, "f": {k: request.GET.get(k, "") for k in FILTER_KEYS}}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    pipelines = list(selectors.pipelines_active())
    chosen = int_or_none(request.GET.get("pipeline"))
    pipeline = next((p for p in pipelines if p.pk == chosen), pipelines[0] if pipelines else None)
    filters, filter_errors = _filters(request)
    context: dict[str, Any] = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "filter_errors": filter_errors,
        "reasons": list(selectors.close_reasons()),
        "can_move": can_write(user),
        **_filter_context(user, request),
    }
    if pipeline is not None:
        board_data = selectors.pipeline_board(user=user, pipeline=pipeline, filters=filters)
        # The options of the cards' move forms are the same for every card of a column: render them
        # once per column (and the reasons once per page), not once per card.
        context["board"] = board_data
        context["here"] = request.get_full_path()
        context["opp_base"] = reverse("web:opportunities")
        context["short_date"] = "SHORT_DATE_FORMAT"
        for column in board_data.columns:
            column.targets = ",".join(str(s.pk) for s in board_data.moves.get(column.stage.pk, []))
        context["move_options"] = {
            column.stage.pk: format_html_join(
                "",
                '<option value="{}" data-kind="{}">{}</option>',
                ((s.pk, s.kind, bilingual(s)) for s in board_data.moves.get(column.stage.pk, [])),
            )
            for column in board_data.columns
        }
        context["reason_options"] = format_html(
            '<optgroup label="{}">{}</optgroup><optgroup label="{}">{}</optgroup>',
            _("won"),
            format_html_join(
                "",
                '<option value="{}">{}</option>',
                ((r.pk, bilingual(r)) for r in context["reasons"] if r.kind == "won"),
            ),
            _("lost"),
            format_html_join(
                "",
                '<option value="{}">{}</option>',
                ((r.pk, bilingual(r)) for r in context["reasons"] if r.kind == "lost"),
            ),
        )
    return render(request, "web/sales/board.html", context)


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    filters, filter_errors = _filters(request)
    sort = request.GET.get("sort", "-created_at")
    if sort not in selectors.OPPORTUNITY_SORTS:
        sort = "-created_at"
    try:
        page = selectors.opportunity_list(
            user=user, filters=filters, sort=sort, cursor=request.GET.get("cursor") or None
        )
    except ValidationError:
        return redirect("web:opportunities")
    stages = [s for p in selectors.pipelines_active() for s in selectors.pipeline_stages(p)]
    return render(
        request,
        "web/sales/list.html",
        {
            "page": page,
            "sort": sort,
            "stages": stages,
            "filter_errors": filter_errors,
            "statuses": StageKind.choices,
            **_filter_context(user, request),
        },
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    opp: Opportunity = get_or_404(selectors.opportunity_get, user=user, pk=pk)
    targets = selectors.stage_moves_from(opp.stage)
    return render(
        request,
        "web/sales/detail.html",
        {
            "opp": opp,
            "history": selectors.opportunity_history(opp),
            "targets": targets,
            "won_target": next((s for s in targets if s.kind == StageKind.WON), None),
            "lost_targets": [s for s in targets if s.kind == StageKind.LOST],
            "won_reasons": list(selectors.close_reasons(kind=StageKind.WON)),
            "lost_reasons": list(selectors.close_reasons(kind=StageKind.LOST)),
            "reasons": list(selectors.close_reasons()),
            "can_move": can_write(user),
            "quotes": quote_selectors.quote_list(user=user, opportunity_id=opp.pk, limit=20).items,
            **document_panel(user, "opportunity", opp.pk),
        },
    )


def _form(
    user: User, *, creating: bool, data: Any = None, initial: dict[str, Any] | None = None
) -> OpportunityForm:
    form = OpportunityForm(data=data, initial=initial)
    pipeline_field = form.fields["pipeline_id"]
    if creating:
        assert isinstance(pipeline_field, forms.ChoiceField)
        pipeline_field.choices = [(str(p.pk), str(p)) for p in selectors.pipelines_active()]
    else:
        del form.fields["pipeline_id"]
    owner_field = form.fields["owner_id"]
    if can_assign_to_others(user):
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = BLANK + [
            (str(u.pk), u.username) for u in assignable_users(user).order_by("username")
        ]
    else:
        del form.fields["owner_id"]
    return form


CONFLICT_FIELDS = (
    "name",
    "amount",
    "currency",
    "close_date",
    "probability",
    "forecast_category",
    "description",
)


def _save(
    request: HttpRequest, user: User, opp: Opportunity | None
) -> HttpResponse | tuple[OpportunityForm, Any]:
    form = _form(user, creating=opp is None, data=request.POST)
    if not form.is_valid():
        return form, None
    try:
        if opp is None:
            saved = services.opportunity_create(
                data=form.service_data(creating=True), actor=user, ip=client_ip(request)
            )
        else:
            saved = services.opportunity_update(
                opportunity=opp,
                data=form.service_data(creating=False),
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form, None
    except ConflictError:
        assert opp is not None
        current = selectors.opportunity_get(user=user, pk=opp.pk)
        form.add_error(
            None,
            _(
                "Someone else changed this opportunity while you were editing. Its current values are "
                "shown below; check them, then save again to apply your version."
            ),
        )
        # A second save is a deliberate choice made with the current values in view.
        data = request.POST.copy()
        data["version"] = str(current.version)
        form.data = data
        return form, current
    messages.success(request, _("Opportunity saved."))
    return redirect("web:opportunity", pk=saved.pk)


@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_write(user):
        raise PermissionDenied
    current = None
    if request.method == "POST":
        result = _save(request, user, None)
        if isinstance(result, HttpResponse):
            return result
        form, current = result
    else:
        initial = {k: request.GET[k] for k in ("account_id", "contact_id") if request.GET.get(k)}
        form = _form(user, creating=True, initial=initial)
    return render(request, "web/sales/form.html", {"form": form, "opp": None, "current": current})


@login_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    opp: Opportunity = get_or_404(selectors.opportunity_get, user=user, pk=pk)
    current = None
    if request.method == "POST":
        result = _save(request, user, opp)
        if isinstance(result, HttpResponse):
            return result
        form, current = result
    else:
        initial: dict[str, Any] = {f: getattr(opp, f) for f in (*CONFLICT_FIELDS, "source", "version")}
        initial.update(
            account_id=opp.account_id or "", contact_id=opp.contact_id or "", owner_id=str(opp.owner_id)
        )
        if opp.status != StageKind.OPEN:
            initial.pop("forecast_category")
        form = _form(user, creating=False, initial=initial)
    if opp.status != StageKind.OPEN:
        form.fields.pop("forecast_category", None)
    return render(
        request,
        "web/sales/form.html",
        {"form": form, "opp": opp, "current": current, "conflict_fields": CONFLICT_FIELDS},
    )


def _back(request: HttpRequest, opp: Opportunity) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("web:opportunity", pk=opp.pk)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The move form of a card or the detail page; with `Accept: application/json` (the board's
    drag and drop) the answer is JSON: 200, 409 (stale version) or 422 (move refused)."""
    user = current_user(request)
    opp: Opportunity = get_or_404(selectors.opportunity_get, user=user, pk=pk)
    try:
        moved = services.opportunity_move(
            opportunity=opp,
            stage_id=request.POST.get("stage_id"),
            close_reason_id=request.POST.get("close_reason_id") or None,
            probability=request.POST.get("probability") or None,
            expected_version=int_or_none(request.POST.get("version")),
            actor=user,
            ip=client_ip(request),
        )
    except ConflictError as exc:
        message = _(
            "Someone else changed “%(name)s” a moment ago (it is now in “%(stage)s”); the board shows "
            "it as it is now. Move it again if you still want to."
        ) % {"name": opp.name, "stage": services.stage_label(opp.stage)}
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "error": message, "current_version": exc.current_version}, status=409
            )
        messages.error(request, message)
        return _back(request, opp)
    except ValidationError as exc:
        message = " ".join(m for msgs in error_dict(exc).values() for m in msgs)
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": message, "errors": error_dict(exc)}, status=422)
        messages.error(request, message)
        return _back(request, opp)
    except PermissionDenied as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": str(exc)}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "id": moved.pk,
                "version": moved.version,
                "stage_id": moved.stage_id,
                "probability": moved.probability,
            }
        )
    messages.success(
        request,
        _("“%(name)s” moved to “%(stage)s”.")
        % {"name": moved.name, "stage": services.stage_label(moved.stage)},
    )
    return _back(request, moved)


@login_required
def opportunity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    opp: Opportunity = get_or_404(selectors.opportunity_get, user=user, pk=pk)
    if request.method == "POST":
        try:
            services.opportunity_delete(
                opportunity=opp,
                actor=user,
                expected_version=int_or_none(request.POST.get("version")),
                ip=client_ip(request),
            )
        except ConflictError:
            messages.error(
                request, _("Someone else changed this opportunity; look at it again before deleting.")
            )
            return redirect("web:opportunity", pk=opp.pk)
        messages.success(request, _("Opportunity deleted."))
        return redirect("web:opportunities")
    return render(request, "web/sales/delete.html", {"opp": opp})


urlpatterns: list[URLPattern] = [
    path("pipeline/", board, name="pipeline_board"),
    path("opportunities/", opportunity_list, name="opportunities"),
    path("opportunities/new/", opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/delete/", opportunity_delete, name="opportunity_delete"),
]
