"""Opportunities for forecast tests: created through `opportunity_create`, then closed directly
(the move service lives on another branch), and orders with lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from inyeon.core.models import User
from inyeon.customers.models import Order, OrderLine, Product
from inyeon.sales.models import Opportunity, StageKind
from inyeon.sales.selectors import pipeline_default
from inyeon.sales.services import opportunity_create

QUARTER_DAY = dt.date(2026, 11, 15)  # inside 2026-Q4 and 2026-11


def opp(
    owner: User,
    amount: int,
    *,
    category: str = "pipeline",
    probability: int = 50,
    close_date: dt.date = QUARTER_DAY,
    status: str = "open",
    currency: str = "KRW",
    created_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    **data: Any,
) -> Opportunity:
    o = opportunity_create(
        data={
            "name": data.pop("name", f"딜 {amount}"),
            "amount": amount,
            "currency": currency,
            "close_date": close_date.isoformat(),
            "probability": probability,
            "forecast_category": category if status == "open" else "pipeline",
            **data,
        },
        actor=owner,
    )
    if status != "open":
        stage = pipeline_default().stages.get(kind=status)
        Opportunity.objects.filter(pk=o.pk).update(
            status=status,
            stage=stage,
            forecast_category="closed",
            probability=100 if status == StageKind.WON else 0,
            closed_at=closed_at or dt.datetime.combine(close_date, dt.time(12), tzinfo=dt.UTC),
        )
    if created_at is not None:
        Opportunity.objects.filter(pk=o.pk).update(created_at=created_at)
    o.refresh_from_db()
    return o


def order(
    owner: User,
    total: int,
    *,
    contact: Any = None,
    account: Any = None,
    day: dt.date = QUARTER_DAY,
    status: str = "completed",
    currency: str = "KRW",
    lines: list[tuple[Product, int]] | None = None,
) -> Order:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    o = Order.objects.create(
        contact=contact,
        account=account,
        ordered_at=when,
        total_amount=total,
        currency=currency,
        status=status,
        owner=owner,
        team=owner.team,
    )
    for product, amount in lines or []:
        OrderLine.objects.create(order=o, product=product, quantity=1, unit_price=amount, amount=amount)
    return o
