"""Account list, detail, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inyeon.core.audit import client_ip
from inyeon.core.errors import ConflictError
from inyeon.core.models import User
from inyeon.core.visibility import assignable_users, can_assign_to_others
from inyeon.customers import selectors, services
from inyeon.customers.models import Account
from inyeon.sales import selectors as sales_selectors
from inyeon.web.forms import BLANK, AccountForm
from inyeon.web.views.common import current_user, get_or_404, owner_field
from inyeon.web.views.documents import document_panel


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "-created_at")
    if sort not in selectors.ACCOUNT_SORTS:
        sort = "-created_at"
    try:
        page = selectors.account_list(user=user, q=q, sort=sort, cursor=request.GET.get("cursor") or None)
    except ValidationError:
        return redirect("web:accounts")
    return render(request, "web/accounts/list.html", {"page": page, "q": q, "sort": sort})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account: Account = get_or_404(selectors.account_get, user=user, pk=pk)
    return render(
        request,
        "web/accounts/detail.html",
        {
            "account": account,
            "contacts": selectors.contacts_visible(user).filter(account=account).order_by("search_name")[:50],
            "orders": selectors.order_list(user=user, account_id=account.pk, limit=20).items,
            **document_panel(user, "account", account.pk),
            "timeline": sales_selectors.with_opportunity_moves(
                selectors.account_timeline(user=user, account=account, limit=100),
                user=user,
                contact_ids=[],
                account_id=account.pk,
            ),
        },
    )


def _form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> AccountForm:
    form = AccountForm(data=data, initial=initial)
    if can_assign_to_others(user):
        owner_field(form).choices = BLANK + [
            (str(u.pk), u.username) for u in assignable_users(user).order_by("username")
        ]
    else:
        del form.fields["owner_id"]
    return form


def _save(request: HttpRequest, user: User, account: Account | None) -> HttpResponse | AccountForm:
    form = _form(user, data=request.POST)
    if not form.is_valid():
        return form
    try:
        if account is None:
            saved = services.account_create(data=form.service_data(), actor=user, ip=client_ip(request))
        else:
            saved = services.account_update(
                account=account,
                data=form.service_data(),
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                ip=client_ip(request),
            )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return form
    except ConflictError:
        form.add_error(
            None,
            _(
                "Someone else changed this account while you were editing. "
                "Reload the page to see their changes, then edit again."
            ),
        )
        return form
    messages.success(request, _("Account saved."))
    return redirect("web:account", pk=saved.pk)


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        result = _save(request, user, None)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        form = _form(user)
    return render(request, "web/accounts/form.html", {"form": form, "account": None})


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account: Account = get_or_404(selectors.account_get, user=user, pk=pk)
    if request.method == "POST":
        result = _save(request, user, account)
        if isinstance(result, HttpResponse):
            return result
        form = result
    else:
        initial = {
            f: getattr(account, f)
            for f in ("name", "business_number", "industry", "website", "phone", "email", "source", "version")
        }
        initial["owner_id"] = str(account.owner_id)
        form = _form(user, initial=initial)
    return render(request, "web/accounts/form.html", {"form": form, "account": account})
