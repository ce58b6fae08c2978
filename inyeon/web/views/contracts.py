"""Contract pages: list, detail (terms, renewal chain), create/edit, renew and terminate."""

from __future__ import annotations

from typing import Any

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
from inyeon.core.models import User
from inyeon.core.visibility import assignable_users, can_assign_to_others
from inyeon.quotes import selectors, services
from inyeon.quotes.models import Contract, ContractStatus
from inyeon.web.forms import BLANK
from inyeon.web.quote_forms import ContractForm
from inyeon.web.views.common import current_user, get_or_404, owner_field
from inyeon.web.views.documents import document_panel


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    if status not in ContractStatus.values:
        status = ""
    try:
        page = selectors.contract_list(user=user, status=status, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        return redirect("web:contracts")
    return render(
        request,
        "web/contracts/list.html",
        {"page": page, "status": status, "statuses": ContractStatus.choices},
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contract: Contract = get_or_404(selectors.contract_get, user=user, pk=pk)
    return render(
        request,
        "web/contracts/detail.html",
        {
            "contract": contract,
            "next_contract": selectors.contract_next(contract),
            "notice_deadline": services.notice_deadline(contract),
            "renewable": contract.status in (ContractStatus.ACTIVE, ContractStatus.EXPIRED),
            "terminable": contract.status in (ContractStatus.DRAFT, ContractStatus.ACTIVE),
            **document_panel(user, "contract", contract.pk),
        },
    )


def _form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> ContractForm:
    form = ContractForm(data=data, initial=initial)
    if can_assign_to_others(user):
        owner_field(form).choices = BLANK + [
            (str(u.pk), u.username) for u in assignable_users(user).order_by("username")
        ]
    else:
        del form.fields["owner_id"]
    return form


def _editor(request: HttpRequest, user: User, contract: Contract | None) -> HttpResponse:
    if request.method == "POST":
        form = _form(user, data=request.POST)
        if form.is_valid():
            try:
                if contract is None:
                    saved = services.contract_create(
                        data=form.service_data(creating=True), actor=user, ip=client_ip(request)
                    )
                else:
                    data = form.service_data(creating=False)
                    if data.get("status") == contract.status or contract.status != ContractStatus.DRAFT:
                        data.pop("status", None)
                    saved = services.contract_update(
                        contract=contract,
                        data=data,
                        actor=user,
                        expected_version=form.cleaned_data.get("version"),
                        ip=client_ip(request),
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except ConflictError:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this contract while you were editing. "
                        "Reload the page to see their changes, then edit again."
                    ),
                )
            else:
                messages.success(request, _("Contract %(n)s saved.") % {"n": saved.number})
                return redirect("web:contract", pk=saved.pk)
    elif contract is None:
        form = _form(
            user,
            initial={
                "account_id": request.GET.get("account", ""),
                "contact_id": request.GET.get("contact", ""),
                "quote_id": request.GET.get("quote", ""),
                "opportunity_id": request.GET.get("opportunity", ""),
            },
        )
    else:
        initial = {
            f: getattr(contract, f)
            for f in ("title", "value", "currency", "auto_renew", "renewal_months", "notice_days", "status")
        }
        initial.update(
            start_date=contract.start_date.isoformat(),
            end_date=contract.end_date.isoformat(),
            owner_id=str(contract.owner_id),
            version=contract.version,
        )
        form = _form(user, initial=initial)
    return render(request, "web/contracts/form.html", {"form": form, "contract": contract})


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, current_user(request), None)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contract: Contract = get_or_404(selectors.contract_get, user=user, pk=pk)
    return _editor(request, user, contract)


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    user = current_user(request)
    contract: Contract = get_or_404(selectors.contract_get, user=user, pk=pk)
    try:
        result = action(contract=contract, actor=user, ip=client_ip(request))
    except ValidationError as exc:
        for msgs in error_dict(exc).values():
            for message in msgs:
                messages.error(request, message)
        return redirect("web:contract", pk=pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("web:contract", pk=pk)
    messages.success(request, done)
    return redirect("web:contract", pk=result.pk)


@login_required
@require_POST
def contract_renew(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.contract_renew, _("Contract renewed: this is the next term."))


@login_required
@require_POST
def contract_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.contract_terminate, _("Contract terminated."))


urlpatterns: list[URLPattern] = [
    path("contracts/", contract_list, name="contracts"),
    path("contracts/new/", contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/renew", contract_renew, name="contract_renew"),
    path("contracts/<int:pk>/terminate", contract_terminate, name="contract_terminate"),
]
