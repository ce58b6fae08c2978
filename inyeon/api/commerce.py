"""/api/v1/products, /api/v1/orders and /api/v1/activities."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from inyeon.api.common import actor
from inyeon.api.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    OrderDetailOut,
    OrderIn,
    OrderPage,
    ProductIn,
    ProductOut,
)
from inyeon.core.audit import client_ip
from inyeon.core.pagination import keyset_page
from inyeon.customers import selectors, services
from inyeon.customers.models import Activity, Order, Product

products = Router(tags=["products"])
orders = Router(tags=["orders"])
activities = Router(tags=["activities"])

ORDER_FIELDS = (
    "id",
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
ACTIVITY_FIELDS = (
    "id",
    "kind",
    "subject",
    "body",
    "contact_id",
    "account_id",
    "occurred_at",
    "due_at",
    "done_at",
    "owner_id",
)


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


@products.get("", response=list[ProductOut], summary="The product catalogue")
def list_products(
    request: HttpRequest, active: bool | None = None, cursor: str | None = None, limit: int = 200
) -> list[Product]:
    actor(request)
    qs = selectors.product_list(active_only=bool(active))
    return keyset_page(qs, sort="code", cursor=cursor, limit=max(1, min(limit, 500))).items


@products.post("", response={201: ProductOut}, summary="Add a product")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    return Status(
        201, services.product_create(data=payload.model_dump(), actor=actor(request), ip=client_ip(request))
    )


@products.get("/{product_id}", response=ProductOut, summary="One product")
def get_product(request: HttpRequest, product_id: int) -> Product:
    actor(request)
    return selectors.product_list().get(pk=product_id)


@orders.get("", response=OrderPage, summary="Orders, newest first")
def list_orders(
    request: HttpRequest,
    contact_id: int | None = None,
    account_id: int | None = None,
    sort: str = "-ordered_at",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    page = selectors.order_list(
        user=actor(request),
        contact_id=contact_id,
        account_id=account_id,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_fields(o, ORDER_FIELDS) for o in page.items], "next_cursor": page.next_cursor}


def _order_detail(order: Order) -> dict[str, Any]:
    lines = [
        _fields(line, ("product_id", "description", "quantity", "unit_price", "amount"))
        for line in order.lines.all()
    ]
    return {**_fields(order, ORDER_FIELDS), "lines": lines}


@orders.post("", response={201: OrderDetailOut}, summary="Record an order")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    user = actor(request)
    order = services.order_create(data=payload.model_dump(), actor=user, ip=client_ip(request))
    return Status(201, _order_detail(selectors.order_get(user=user, pk=order.pk)))


@orders.get("/{order_id}", response=OrderDetailOut, summary="One order with its lines")
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    return _order_detail(selectors.order_get(user=actor(request), pk=order_id))


@activities.get("", response=ActivityPage, summary="Activities, newest first")
def list_activities(
    request: HttpRequest,
    contact_id: int | None = None,
    account_id: int | None = None,
    open_tasks: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    page = selectors.activity_list(
        user=actor(request),
        contact_id=contact_id,
        account_id=account_id,
        open_tasks=open_tasks,
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_fields(a, ACTIVITY_FIELDS) for a in page.items], "next_cursor": page.next_cursor}


@activities.post("", response={201: ActivityOut}, summary="Log a note, call, meeting, e-mail or task")
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    return Status(
        201,
        services.activity_create(
            data=payload.model_dump(exclude_unset=True), actor=actor(request), ip=client_ip(request)
        ),
    )


@activities.get("/{activity_id}", response=ActivityOut, summary="One activity")
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.activity_get(user=actor(request), pk=activity_id)


@activities.post("/{activity_id}/complete", response=ActivityOut, summary="Mark a task done")
def complete_activity(request: HttpRequest, activity_id: int) -> Activity:
    user = actor(request)
    activity = selectors.activity_get(user=user, pk=activity_id)
    return services.activity_complete(activity=activity, actor=user, ip=client_ip(request))
