"""/api/v1/products: the catalogue every user may read. Prices are integer minor units."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.schemas.commerce import ProductIn, ProductOut, ProductPage
from inyeon.api.schemas.problems import problems
from inyeon.core.audit import client_ip
from inyeon.core.pagination import keyset_page
from inyeon.customers import selectors, services
from inyeon.customers.models import Product

router = Router(tags=["products"])

PRODUCT_FIELDS = (
    "id",
    "version",
    "code",
    "name_ko",
    "name_en",
    "category",
    "unit_price",
    "currency",
    "active",
)


def product_body(product: Product) -> dict[str, Any]:
    return fields(product, PRODUCT_FIELDS)


@router.get("", response={200: ProductPage, **problems(422)}, summary="The product catalogue, by code")
def list_products(
    request: HttpRequest,
    active: bool = Query(False, description="Only products still on sale."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    actor(request)
    page = keyset_page(selectors.product_list(active_only=active), sort="code", cursor=cursor, limit=limit)
    return page_body(page, product_body)


@router.post("", response={201: ProductOut, **problems(403, 422)}, summary="Add a product")
def create_product(request: HttpRequest, payload: ProductIn, response: HttpResponse) -> Status[Any]:
    product = services.product_create(data=payload.model_dump(), actor=actor(request), ip=client_ip(request))
    set_location(response, f"products/{product.pk}")
    return Status(201, product_body(product))


@router.get("/{product_id}", response={200: ProductOut, **problems(404)}, summary="One product")
def get_product(request: HttpRequest, product_id: int) -> dict[str, Any]:
    actor(request)
    return product_body(selectors.product_list().get(pk=product_id))
