"""Lead list, lead page (score reasons, duplicates, history, activities, assignment, conversion),
create and edit. Routes are in `urlpatterns` below, added by web/urls.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError, error_dict
from inyeon.core.hangul import search_key
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import assignable_users, can_assign_to_others, can_write
from inyeon.customers.selectors import accounts_visible
from inyeon.leads import selectors, services
from inyeon.leads.models import Lead, LeadSource, LeadStatus
from inyeon.leads.privacy import log_lead_access, present_lead_pii
from inyeon.leads.scoring import reason_text
from inyeon.web.forms import BLANK
from inyeon.web.lead_forms import ConvertForm, LeadActivityForm, LeadEditForm
from inyeon.web.views.common import current_user, get_or_404, int_or_none, owner_field
from inyeon.web.views.documents import document_panel


def _filters(request: HttpRequest) -> selectors.LeadFilters:
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    return selectors.LeadFilters(
        q=request.GET.get("q", "").strip()[:100],
        status=status if status in LeadStatus.values else "",
        source=source if source in LeadSource.values else "",
        owner_id=int_or_none(request.GET.get("owner")),
        score_min=int_or_none(request.GET.get("score_min")),
    )


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    sort = request.GET.get("sort", "-created_at")
    if sort not in selectors.LEAD_SORTS:
        sort = "-created_at"
    filters = _filters(request)
    try:
        page = selectors.lead_list(
            user=user, filters=filters, sort=sort, cursor=request.GET.get("cursor") or None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:leads")
    log_lead_access(
        user=user,
        leads=page.items,
        action=AccessLog.Action.SEARCH if filters.q else AccessLog.Action.LIST,
        ip=client_ip(request),
        detail=f"web lead list q={filters.q[:80]}",
    )
    return render(
        request,
        "web/leads/list.html",
        {
            "rows": [(lead, present_lead_pii(lead, user)) for lead in page.items],
            "page": page,
            "filters": filters,
            "sort": sort,
            "sorts": [
                ("-created_at", _("Newest first")),
                ("created_at", _("Oldest first")),
                ("-score", _("Highest score first")),
                ("score", _("Lowest score first")),
            ],
            "statuses": LeadStatus.choices,
            "sources": LeadSource.choices,
            "owners": assignable_users(user).order_by("username") if can_assign_to_others(user) else [],
        },
    )


def _convert_form(user: User, lead: Lead, data: Any = None) -> ConvertForm:
    form = ConvertForm(
        data=data, initial={"version": lead.version, "opportunity_name": lead.company or lead.display_name}
    )
    contacts = selectors.duplicate_contacts(user=user, lead=lead)
    contact_field = form.fields["contact_id"]
    assert isinstance(contact_field, forms.ChoiceField)
    contact_field.choices = [("", _("Create a new contact"))] + [
        (str(c.pk), f"{c.display_name}{' · ' + c.account.name if c.account else ''} (#{c.pk})")
        for c in contacts
    ]
    accounts = {c.account for c in contacts if c.account is not None}
    if lead.company:
        accounts |= set(accounts_visible(user).filter(search_name=search_key(lead.company)[:200])[:5])
    account_field = form.fields["account_id"]
    assert isinstance(account_field, forms.ChoiceField)
    new_label = _("Create “%(name)s”") % {"name": lead.company} if lead.company else _("No account")
    account_field.choices = [("", new_label)] + [(str(a.pk), f"{a.name} (#{a.pk})") for a in accounts]
    return form


def _assign_choices(user: User) -> list[tuple[str, str]]:
    return BLANK + [
        (str(u.pk), u.get_full_name() or u.username) for u in assignable_users(user).order_by("username")
    ]


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    lead: Lead = get_or_404(selectors.lead_get, user=user, pk=pk)
    log_lead_access(
        user=user, leads=[lead], action=AccessLog.Action.VIEW, ip=client_ip(request), detail="web lead page"
    )
    return render(
        request,
        "web/leads/detail.html",
        {
            "lead": lead,
            "pii": present_lead_pii(lead, user),
            "reasons": [(r.get("points", 0), reason_text(r)) for r in lead.score_reasons],
            "duplicates": selectors.lead_duplicates(user=user, lead=lead),
            "history": selectors.lead_history(lead),
            "activity_form": LeadActivityForm(),
            "convert_form": _convert_form(user, lead) if lead.is_open and can_write(user) else None,
            "assignees": _assign_choices(user) if can_assign_to_others(user) else [],
            **document_panel(user, "lead", lead.pk),
        },
    )


def _lead_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> LeadEditForm:
    form = LeadEditForm(data=data, initial=initial)
    if can_assign_to_others(user):
        owner_field(form).choices = _assign_choices(user)
    else:
        del form.fields["owner_id"]
    return form


def _save(request: HttpRequest, user: User, lead: Lead | None) -> HttpResponse | LeadEditForm:
    form = _lead_form(user, data=request.POST)
    if not form.is_valid():
        return form
    try:
        if lead is None:
            saved = services.lead_create(data=form.service_data(), actor=user, ip=client_ip(request))
            messages.success(request, _("Lead created."))
            if saved.duplicates.exists():
                messages.warning(request, _("This lead may be a duplicate: see “Possible duplicates” below."))
        else:
            saved = services.lead_update(
                lead=lead,
                data=form.service_data(),
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
            messages.success(request, _("Lead saved."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    except ConflictError:
        form.add_error(
            None,
            _(
                "Someone else changed this lead while you were editing. "
                "Reload the page to see their changes, then edit again."
            ),
        )
        return form
    return redirect("web:lead", pk=saved.pk)


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_write(user):
        raise PermissionDenied
    if request.method == "POST":
        result = _save(request, user, None)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        form = _lead_form(
            user, initial={"source": LeadSource.MANUAL, "status": LeadStatus.NEW, "country": "KR"}
        )
    return render(request, "web/leads/form.html", {"form": form, "lead": None})


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    lead: Lead = get_or_404(selectors.lead_get, user=user, pk=pk)
    if request.method == "POST":
        result = _save(request, user, lead)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        log_lead_access(
            user=user,
            leads=[lead],
            action=AccessLog.Action.VIEW,
            ip=client_ip(request),
            detail="web lead edit form",
        )
        initial = {name: getattr(lead, name) for name in LeadEditForm.FIELDS}
        initial.update(
            version=lead.version, owner_id=str(lead.owner_id), company_size=lead.company_size or ""
        )
        form = _lead_form(user, initial=initial)
    return render(request, "web/leads/form.html", {"form": form, "lead": lead})


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
        for field, msgs in error_dict(exc).items()
    )


@login_required
@require_POST
def lead_activity(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    lead: Lead = get_or_404(selectors.lead_get, user=user, pk=pk)
    form = LeadActivityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.lead_activity_add(lead=lead, data=form.cleaned_data, actor=user, ip=client_ip(request))
        messages.success(request, _("Activity added."))
    except ValidationError as exc:
        messages.error(request, _describe(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("web:lead", pk=pk)


@login_required
@require_POST
def lead_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    lead: Lead = get_or_404(selectors.lead_get, user=user, pk=pk)
    try:
        if request.POST.get("by_rules"):
            if services.lead_reassign_by_rules(lead=lead, actor=user, ip=client_ip(request)):
                messages.success(request, _("Lead assigned by the rules."))
            else:
                messages.error(request, _("No assignment rule applies to this lead; name the owner."))
        else:
            services.lead_assign(
                lead=lead, owner_id=request.POST.get("owner_id"), actor=user, ip=client_ip(request)
            )
            messages.success(request, _("Lead reassigned."))
    except ValidationError as exc:
        messages.error(request, _describe(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    if selectors.leads_visible(user, single=True).filter(pk=pk).exists():
        return redirect("web:lead", pk=pk)
    return redirect("web:leads")


@login_required
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    lead: Lead = get_or_404(selectors.lead_get, user=user, pk=pk)
    if request.method != "POST" or not lead.is_open:
        return redirect("web:lead", pk=pk)
    form = _convert_form(user, lead, data=request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version" and v not in ("", None)}
        try:
            converted = services.lead_convert(
                lead=lead,
                data=data,
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except ConflictError:
            form.add_error(
                None, _("Someone else changed this lead meanwhile; reload the page and convert again.")
            )
        else:
            messages.success(request, _("Lead converted."))
            if converted.converted_contact_id:
                return redirect("web:contact", pk=converted.converted_contact_id)
            return redirect("web:lead", pk=pk)
    return render(request, "web/leads/convert.html", {"lead": lead, "convert_form": form}, status=400)


urlpatterns: list[URLPattern] = [
    path("leads/", lead_list, name="leads"),
    path("leads/new/", lead_create, name="lead_create"),
    path("leads/<int:pk>/", lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", lead_edit, name="lead_edit"),
    path("leads/<int:pk>/activities/", lead_activity, name="lead_activity"),
    path("leads/<int:pk>/assign/", lead_assign, name="lead_assign"),
    path("leads/<int:pk>/convert/", lead_convert, name="lead_convert"),
]
