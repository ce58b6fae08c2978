"""Admin pages that keep the tax rates quote lines are priced with: a list (the default first, with
whether quote lines use each rate) and one form to add or change a rate. Linked from the quotes list
for admins. Routes in `urlpatterns`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from inyeon.core.audit import client_ip
from inyeon.core.visibility import can_manage_tax_rates
from inyeon.quotes import selectors, services
from inyeon.quotes.models import TaxRate
from inyeon.web.quote_forms import TaxRateForm
from inyeon.web.views.common import current_user


def _admin(request: HttpRequest) -> None:
    if not can_manage_tax_rates(current_user(request)):
        raise PermissionDenied


@login_required
def tax_rate_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(request, "web/quotes/tax_rates.html", {"rates": selectors.tax_rates_all()})


@login_required
def tax_rate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin(request)
    rate: TaxRate | None = None
    if pk is not None:
        try:
            rate = selectors.tax_rate_get(pk)
        except ObjectDoesNotExist:
            raise Http404 from None
    if request.method == "POST":
        form = TaxRateForm(request.POST)
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            data["active"] = request.POST.get("active") == "on"
            data["is_default"] = request.POST.get("is_default") == "on"
            try:
                services.tax_rate_save(
                    rate=rate, data=data, actor=current_user(request), ip=client_ip(request)
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Tax rate saved."))
                return redirect("web:tax_rates")
        flags = {
            "active": request.POST.get("active") == "on",
            "is_default": request.POST.get("is_default") == "on",
        }
    else:
        initial = (
            {"code": rate.code, "label_ko": rate.label_ko, "label_en": rate.label_en, "rate_bp": rate.rate_bp}
            if rate
            else {}
        )
        form = TaxRateForm(initial=initial)
        flags = {"active": rate.active if rate else True, "is_default": rate.is_default if rate else False}
    return render(request, "web/quotes/tax_rate_form.html", {"form": form, "rate": rate, "flags": flags})


urlpatterns: list[URLPattern] = [
    path("settings/tax-rates/", tax_rate_list, name="tax_rates"),
    path("settings/tax-rates/new/", tax_rate_edit, name="tax_rate_new"),
    path("settings/tax-rates/<int:pk>/", tax_rate_edit, name="tax_rate_edit"),
]
