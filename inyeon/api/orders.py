"""/api/v1/orders: orders with their lines. Amounts are integer minor units of the order's currency."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.schemas.commerce import OrderDetailOut, OrderIn, OrderPage
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.customers import selectors, services
from inyeon.customers.models import Order

router = Router(tags=["orders"])

ORDER_FIELDS = (
    "id",
    "version",
    "contact_id",
    "account_id",
    "number",
    "ordered_at",
    "currency",
    "total_amount",
    "quantity",
    "channel",
    "status",
    "external_id",
    "owner_id",
)
LINE_FIELDS = ("product_id", "description", "quantity", "unit_price", "amount")


def order_body(order: Order) -> dict[str, Any]:
    return fields(order, ORDER_FIELDS)


def order_detail(order: Order) -> dict[str, Any]:
    return {**order_body(order), "lines": [fields(line, LINE_FIELDS) for line in order.lines.all()]}


@router.get("", response={200: OrderPage, **problems(422)}, summary="Orders, newest first")
def list_orders(
    request: HttpRequest,
    contact_id: int | None = None,
    account_id: int | None = None,
    sort: str = Query("-ordered_at", description="-ordered_at or ordered_at."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    if sort not in selectors.ORDER_SORTS:
        choices = ", ".join(sorted(selectors.ORDER_SORTS))
        raise ValidationError({"sort": _("Sort by one of: %(s)s.") % {"s": choices}})
    page = selectors.order_list(
        user=actor(request),
        contact_id=contact_id,
        account_id=account_id,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )
    return page_body(page, order_body)


@router.post("", response={201: OrderDetailOut, **problems(403, 422)}, summary="Record an order")
def create_order(request: HttpRequest, payload: OrderIn, response: HttpResponse) -> Status[Any]:
    """With `lines` ({product_id, quantity, unit_price}) or a plain `total_amount`."""
    user = actor(request)
    order = services.order_create(data=payload.model_dump(), actor=user, ip=client_ip(request))
    set_location(response, f"orders/{order.pk}")
    return Status(201, order_detail(selectors.order_get(user=user, pk=order.pk)))


@router.get("/{order_id}", response={200: OrderDetailOut, **problems(404)}, summary="One order with lines")
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return order_detail(selectors.order_get(user=actor(request), pk=order_id))
