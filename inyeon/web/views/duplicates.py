"""Pages for duplicates: the review queue, merge (field by field), dismiss, merge history with undo,
the match rules (admins) and scans with their progress. Routes are in `urlpatterns` below, added by
web/urls.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inyeon.core.audit import client_ip
from inyeon.core.errors import error_dict
from inyeon.core.models import AccessLog, User
from inyeon.core.visibility import can_merge, is_admin
from inyeon.customers.privacy import log_pii_access
from inyeon.dataio.duplicates import selectors, services
from inyeon.dataio.models import DuplicateCandidate, DuplicateScan, MergeRecord
from inyeon.web.forms import ServiceForm
from inyeon.web.views.common import current_user


class MatchRulesForm(ServiceForm):
    exact_email = forms.BooleanField(label=gettext_lazy("Same e-mail is a duplicate"), required=False)
    exact_phone = forms.BooleanField(label=gettext_lazy("Same phone is a duplicate"), required=False)
    exact_external_id = forms.BooleanField(
        label=gettext_lazy("Same external id is a duplicate"), required=False
    )
    fuzzy_enabled = forms.BooleanField(
        label=gettext_lazy("Look for similar names"),
        required=False,
        help_text=gettext_lazy(
            "Names are compared across Hangul and Latin writing (김민수, 김 민수, Kim Minsu) among contacts "
            "that share an account, a birth date, an address or the phone's last digits."
        ),
    )
    fuzzy_threshold = forms.IntegerField(
        label=gettext_lazy("Similar names: minimum score (50-100)"),
        help_text=gettext_lazy("The same name and the same birth date or account score 90."),
    )


def _reviewer(request: HttpRequest) -> User:
    user = current_user(request)
    if not can_merge(user):
        raise PermissionDenied
    return user


def _candidate(user: User, pk: int) -> DuplicateCandidate:
    try:
        return selectors.candidate_get(user=user, pk=pk)
    except DuplicateCandidate.DoesNotExist:
        raise Http404 from None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    page = selectors.candidate_list(user=user, cursor=request.GET.get("cursor") or None, limit=25)
    rows = [(pair, selectors.differing_fields(pair.first, pair.second, user)) for pair in page.items]
    log_pii_access(
        user=user,
        contacts=[c for pair in page.items for c in (pair.first, pair.second)],
        action=AccessLog.Action.LIST,
        ip=client_ip(request),
        detail="web duplicates queue",
    )
    return render(
        request,
        "web/duplicates/queue.html",
        {"rows": rows, "next_cursor": page.next_cursor, "scan": selectors.latest_scan(), "nav": "duplicates"},
    )


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    services.candidate_dismiss(candidate=_candidate(user, pk), actor=user, ip=client_ip(request))
    messages.success(request, _("Marked as not a duplicate."))
    return redirect("web:duplicates")


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the survivor, then each differing field's value; works without JavaScript."""
    user = _reviewer(request)
    pair = _candidate(user, pk)
    wanted = request.POST.get("survivor") or request.GET.get("survivor")
    survivor, merged = (
        (pair.second, pair.first) if wanted == str(pair.second_id) else (pair.first, pair.second)
    )
    differences = selectors.differing_fields(survivor, merged, user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        choices = {d.name: request.POST.get(f"choice_{d.name}", "survivor") for d in differences}
        try:
            record = services.contacts_merge(
                survivor=survivor, merged=merged, choices=choices, actor=user, ip=client_ip(request)
            )
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(survivor)s. You can undo this from the merge history.")
                % {"merged": merged.display_name, "survivor": survivor.display_name},
            )
            return redirect("web:contact", pk=record.survivor_id)
    log_pii_access(
        user=user,
        contacts=[survivor, merged],
        action=AccessLog.Action.VIEW,
        ip=client_ip(request),
        detail="web merge",
    )
    return render(
        request,
        "web/duplicates/merge.html",
        {
            "pair": pair,
            "survivor": survivor,
            "merged": merged,
            "differences": differences,
            "errors": errors,
            "nav": "duplicates",
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    return render(
        request,
        "web/duplicates/history.html",
        {"records": selectors.merge_history(user=user), "nav": "duplicates"},
    )


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    try:
        record = selectors.merge_get(user=user, pk=pk)
    except MergeRecord.DoesNotExist:
        raise Http404 from None
    try:
        restored = services.merge_undo(record=record, actor=user, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in error_dict(exc).values() for m in ms))
        return redirect("web:duplicate_history")
    messages.success(request, _("The merge is undone: %(name)s is back.") % {"name": restored.display_name})
    return redirect("web:contact", pk=restored.pk)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not is_admin(user):
        raise PermissionDenied
    row = services.match_rules()
    if request.method == "POST":
        form = MatchRulesForm(request.POST)
        if form.is_valid():
            try:
                services.match_rules_update(actor=user, data=form.cleaned_data, ip=client_ip(request))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The duplicate rules are saved; they apply from the next check."))
                return redirect("web:duplicate_rules")
    else:
        form = MatchRulesForm(initial={name: getattr(row, name) for name in services.RULE_FIELDS})
    return render(request, "web/duplicates/rules.html", {"form": form, "nav": "duplicates"})


@login_required
@require_POST
def scan_start(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    scan = services.duplicate_scan_request(actor=user, ip=client_ip(request))
    messages.success(request, _("Duplicate scan #%(id)s queued.") % {"id": scan.pk})
    return redirect("web:duplicate_scan", pk=scan.pk)


@login_required
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    try:
        row = selectors.scan_get(pk)
    except DuplicateScan.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "web/duplicates/scan.html",
        {
            "scan": row,
            "percent": round(row.progress * 100),
            "running": row.status in ("queued", "running"),
            "nav": "duplicates",
        },
    )


urlpatterns: list[URLPattern] = [
    path("duplicates/", queue, name="duplicates"),
    path("duplicates/<int:pk>/dismiss/", dismiss, name="duplicate_dismiss"),
    path("duplicates/<int:pk>/merge/", merge, name="duplicate_merge"),
    path("duplicates/merges/", history, name="duplicate_history"),
    path("duplicates/merges/<int:pk>/undo/", undo, name="duplicate_undo"),
    path("duplicates/rules/", rules, name="duplicate_rules"),
    path("duplicates/scans/", scan_start, name="duplicate_scan_start"),
    path("duplicates/scans/<int:pk>/", scan, name="duplicate_scan"),
]
