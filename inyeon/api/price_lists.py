"""/api/v1/price-lists: prices per currency and customer segment with validity dates, and their
items. Everybody signed in reads them; admins and managers change them. Overlapping lists for the
same currency and segment are refused (422 on `valid_from`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.schemas.catalog import (
    PriceItemIn,
    PriceItemOut,
    PriceItemPage,
    PriceListIn,
    PriceListOut,
    PriceListPage,
    PriceListPatch,
)
from inyeon.api.schemas.problems import problems
from inyeon.catalog import selectors, services
from inyeon.catalog.models import PriceList, PriceListItem
from inyeon.core.audit import client_ip

router = Router(tags=["price lists"])
VALID_ON = Query(None, description="Only lists valid on this date.")

PRICE_LIST_FIELDS = (
    "id",
    "version",
    "name",
    "currency",
    "segment_kind",
    "segment",
    "valid_from",
    "valid_to",
    "notes",
)


def price_list_body(price_list: PriceList) -> dict[str, Any]:
    return fields(price_list, PRICE_LIST_FIELDS)


def item_body(item: PriceListItem) -> dict[str, Any]:
    return {"product_id": item.product_id, "product_code": item.product.code, "price": item.price}


@router.get("", response={200: PriceListPage, **problems(422)}, summary="Price lists, newest validity first")
def list_price_lists(
    request: HttpRequest,
    currency: str = Query("", description="Only this ISO 4217 currency."),
    segment_kind: str = Query("", description="everyone, value_tier or rfm_segment"),
    valid_on: dt.date | None = VALID_ON,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    filters = selectors.PriceListFilters(currency=currency, segment_kind=segment_kind, valid_on=valid_on)
    page = selectors.price_list_list(user=actor(request), filters=filters, cursor=cursor, limit=limit)
    return page_body(page, price_list_body)


@router.post("", response={201: PriceListOut, **problems(403, 422)}, summary="Add a price list")
def create_price_list(request: HttpRequest, payload: PriceListIn, response: HttpResponse) -> Status[Any]:
    price_list = services.price_list_create(
        data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"price-lists/{price_list.pk}")
    set_etag(response, price_list.version)
    return Status(201, price_list_body(price_list))


@router.get("/{list_id}", response={200: PriceListOut, **problems(404)}, summary="One price list")
def get_price_list(request: HttpRequest, list_id: int, response: HttpResponse) -> dict[str, Any]:
    price_list = selectors.price_list_get(user=actor(request), pk=list_id)
    set_etag(response, price_list.version)
    return price_list_body(price_list)


@router.patch(
    "/{list_id}",
    response={200: PriceListOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a price list (If-Match or version)",
)
def update_price_list(
    request: HttpRequest, list_id: int, payload: PriceListPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    price_list = selectors.price_list_get(user=user, pk=list_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        updated = services.price_list_update(
            price_list=price_list,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, price_list.version),
            ip=client_ip(request),
        )
    set_etag(response, updated.version)
    return price_list_body(updated)


@router.delete("/{list_id}", response={204: None, **problems(403, 404, 412)}, summary="Delete a price list")
def delete_price_list(request: HttpRequest, list_id: int) -> Status[None]:
    user = actor(request)
    price_list = selectors.price_list_get(user=user, pk=list_id)
    expected_version(request, None, price_list.version)
    services.price_list_delete(price_list=price_list, actor=user, ip=client_ip(request))
    return Status(204, None)


@router.get(
    "/{list_id}/items", response={200: PriceItemPage, **problems(404, 422)}, summary="A list's prices"
)
def list_items(
    request: HttpRequest, list_id: int, cursor: str | None = cursor_param(), limit: int = limit_param()
) -> dict[str, Any]:
    price_list = selectors.price_list_get(user=actor(request), pk=list_id)
    return page_body(selectors.price_list_items(price_list=price_list, cursor=cursor, limit=limit), item_body)


@router.put(
    "/{list_id}/items/{product_id}",
    response={200: PriceItemOut, **problems(403, 404, 422)},
    summary="Set a product's price in the list",
)
def set_item(request: HttpRequest, list_id: int, product_id: int, payload: PriceItemIn) -> dict[str, Any]:
    user = actor(request)
    price_list = selectors.price_list_get(user=user, pk=list_id)
    product = selectors.product_get(user=user, pk=product_id)
    item = services.price_list_item_set(
        price_list=price_list,
        data={"product_id": product.pk, "price": payload.price},
        actor=user,
        ip=client_ip(request),
    )
    return item_body(item)


@router.delete(
    "/{list_id}/items/{product_id}", response={204: None, **problems(403, 404)}, summary="Take a product out"
)
def delete_item(request: HttpRequest, list_id: int, product_id: int) -> Status[None]:
    user = actor(request)
    price_list = selectors.price_list_get(user=user, pk=list_id)
    item = PriceListItem.objects.get(price_list=price_list, product_id=product_id)
    services.price_list_item_remove(item=item, actor=user, ip=client_ip(request))
    return Status(204, None)
