"""/api/v1/tax-rates: the tax rates quote lines are priced with (basis points, 1000 = 10%).
Everybody signed in reads them; admins add, change and retire them (`active: false`). A rate that
quote lines use keeps its `rate_bp`; exactly one active rate is the default. The list is short (an
admin keeps it), so it is one page, the default first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, set_location
from inyeon.api.schemas.problems import problems
from inyeon.api.schemas.quotes import TaxRateIn, TaxRateList, TaxRateOut, TaxRatePatch
from inyeon.core.audit import client_ip
from inyeon.quotes import selectors, services
from inyeon.quotes.models import TaxRate

router = Router(tags=["tax rates"])


def tax_rate_body(rate: TaxRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "code": rate.code,
        "label_ko": rate.label_ko,
        "label_en": rate.label_en,
        "rate_bp": rate.rate_bp,
        "is_default": rate.is_default,
        "active": rate.active,
        "in_use": bool(getattr(rate, "in_use", False)),
    }


@router.get("", response={200: TaxRateList, **problems(422)}, summary="Tax rates, the default first")
def list_tax_rates(
    request: HttpRequest,
    active: bool | None = Query(None, description="true: only active ones; false: only retired ones."),
) -> dict[str, Any]:
    actor(request)
    return {"items": [tax_rate_body(r) for r in selectors.tax_rates_all(active=active)]}


@router.post("", response={201: TaxRateOut, **problems(403, 422)}, summary="Add a tax rate (admins)")
def create_tax_rate(request: HttpRequest, payload: TaxRateIn, response: HttpResponse) -> Status[Any]:
    created = services.tax_rate_save(
        rate=None, data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"tax-rates/{created.pk}")
    return Status(201, tax_rate_body(created))


@router.get("/{rate_id}", response={200: TaxRateOut, **problems(404)}, summary="One tax rate")
def get_tax_rate(request: HttpRequest, rate_id: int) -> dict[str, Any]:
    actor(request)
    return tax_rate_body(selectors.tax_rate_get(rate_id))


@router.patch(
    "/{rate_id}",
    response={200: TaxRateOut, **problems(403, 404, 422)},
    summary="Change, make default or retire a tax rate (admins)",
)
def update_tax_rate(request: HttpRequest, rate_id: int, payload: TaxRatePatch) -> dict[str, Any]:
    user = actor(request)
    rate = selectors.tax_rate_get(rate_id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    services.tax_rate_save(rate=rate, data=data, actor=user, ip=client_ip(request))
    return tax_rate_body(selectors.tax_rate_get(rate_id))
