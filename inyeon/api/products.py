"""/api/v1/products: the catalogue everybody signed in reads and admins and managers edit; its
images, option groups, options and rules, and the configurator (`POST /{id}/configure`).
Prices are integer minor units."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from inyeon.api.common import actor, cursor_param, fields, limit_param, page_body, set_location
from inyeon.api.concurrency import expected_version, precondition, set_etag
from inyeon.api.problems import problem
from inyeon.api.schemas.catalog import (
    ConfigureIn,
    ImageOut,
    OptionGroupIn,
    OptionGroupOut,
    OptionGroupPatch,
    OptionIn,
    OptionOut,
    OptionPatch,
    OptionRuleIn,
    OptionRuleOut,
    OptionsOut,
    PriceOut,
    ProductDetailOut,
    ProductIn,
    ProductPage,
    ProductPatch,
)
from inyeon.api.schemas.problems import problems
from inyeon.catalog import selectors, services
from inyeon.catalog.models import Option, OptionGroup, OptionRule, ProductImage
from inyeon.core.audit import client_ip
from inyeon.customers import selectors as customer_selectors
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


def image_body(image: ProductImage) -> dict[str, Any]:
    return {
        "id": image.pk,
        "url": f"/api/v1/products/{image.product_id}/images/{image.pk}",
        **fields(image, ("content_type", "size", "width", "height", "alt", "original_name")),
    }


def option_body(option: Option) -> dict[str, Any]:
    return {
        **fields(option, ("id", "code", "name_ko", "name_en", "price_adjustment", "position")),
        "prices": {p.currency: p.amount for p in option.prices.all()},
    }


def group_body(group: OptionGroup) -> dict[str, Any]:
    return {
        **fields(group, ("id", "name_ko", "name_en", "choice", "required", "position")),
        "options": [option_body(o) for o in group.options.all()],
    }


def rule_body(rule: OptionRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "option_id": rule.option_id,
        "option_code": rule.option.code,
        "target_id": rule.target_id,
        "target_code": rule.target.code,
    }


def product_detail(product: Product) -> dict[str, Any]:
    return {
        **product_body(product),
        **fields(product, ("description_ko", "description_en", "specs", "created_at", "updated_at")),
        "images": [image_body(i) for i in product.images.all()],
        "option_groups": [group_body(g) for g in product.option_groups.all()],
        "option_rules": [rule_body(r) for r in product.option_rules.all()],
    }


def _product(request: HttpRequest, product_id: int) -> Product:
    return selectors.product_get(user=actor(request), pk=product_id)


@router.get("", response={200: ProductPage, **problems(422)}, summary="The product catalogue, by code")
def list_products(
    request: HttpRequest,
    q: str = Query("", description="Code prefix, Korean or English name prefix, or 초성 (ㄴㅊ)."),
    category: str = Query("", description="Only this category."),
    active: bool | None = Query(None, description="true: only products on sale; false: only retired ones."),
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> dict[str, Any]:
    filters = selectors.ProductFilters(q=q, category=category, active=active)
    page = selectors.product_list(user=actor(request), filters=filters, cursor=cursor, limit=limit)
    return page_body(page, product_body)


@router.post("", response={201: ProductDetailOut, **problems(403, 422)}, summary="Add a product")
def create_product(request: HttpRequest, payload: ProductIn, response: HttpResponse) -> Status[Any]:
    """Admins and managers only."""
    user = actor(request)
    created = services.product_create(data=payload.model_dump(), actor=user, ip=client_ip(request))
    product = selectors.product_get(user=user, pk=created.pk)
    set_location(response, f"products/{product.pk}")
    set_etag(response, product.version)
    return Status(201, product_detail(product))


@router.get("/{product_id}", response={200: ProductDetailOut, **problems(404)}, summary="One product")
def get_product(request: HttpRequest, product_id: int, response: HttpResponse) -> dict[str, Any]:
    """With its specifications, images, option groups, options and rules."""
    product = _product(request, product_id)
    set_etag(response, product.version)
    return product_detail(product)


@router.patch(
    "/{product_id}",
    response={200: ProductDetailOut, **problems(403, 404, 409, 412, 422)},
    summary="Change a product (If-Match or version)",
)
def update_product(
    request: HttpRequest, product_id: int, payload: ProductPatch, response: HttpResponse
) -> dict[str, Any]:
    user = actor(request)
    product = _product(request, product_id)
    data = payload.model_dump(exclude_unset=True)
    body_version = data.pop("version", None)
    with precondition(request, body_version):
        services.product_update(
            product=product,
            data=data,
            actor=user,
            expected_version=expected_version(request, body_version, product.version),
            ip=client_ip(request),
        )
    product = _product(request, product_id)
    set_etag(response, product.version)
    return product_detail(product)


# --- images ------------------------------------------------------------------------------------


@router.post(
    "/{product_id}/images",
    response={201: ImageOut, **problems(403, 404, 422)},
    summary="Upload an image (JPEG, PNG or WebP, at most 5 MB)",
)
def upload_image(
    request: HttpRequest,
    product_id: int,
    response: HttpResponse,
    file: File[UploadedFile],
    alt: Form[str] = "",
) -> Status[Any]:
    """Multipart form: `file` and an optional `alt` text. Stored under a generated name."""
    product = _product(request, product_id)
    image = services.product_image_add(
        product=product, file=file, name=file.name or "", alt=alt, actor=actor(request), ip=client_ip(request)
    )
    set_location(response, f"products/{product.pk}/images/{image.pk}")
    return Status(201, image_body(image))


def _image(request: HttpRequest, product_id: int, image_id: int) -> ProductImage:
    image = selectors.image_get(user=actor(request), pk=image_id)
    if image.product_id != product_id:
        raise ProductImage.DoesNotExist
    return image


@router.get("/{product_id}/images/{image_id}", response={200: None, **problems(404)}, summary="An image file")
def get_image(request: HttpRequest, product_id: int, image_id: int) -> FileResponse:
    image = _image(request, product_id, image_id)
    return image_response(image)


def image_response(image: ProductImage) -> FileResponse:
    """The stored file with the type it was checked to be, never sniffed by the browser."""
    path = services.media_path(image.path)
    if not path.is_file():
        raise ProductImage.DoesNotExist
    response = FileResponse(path.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.delete(
    "/{product_id}/images/{image_id}", response={204: None, **problems(403, 404)}, summary="Remove an image"
)
def delete_image(request: HttpRequest, product_id: int, image_id: int) -> Status[None]:
    image = _image(request, product_id, image_id)
    services.product_image_delete(image=image, actor=actor(request), ip=client_ip(request))
    return Status(204, None)


# --- the configurator --------------------------------------------------------------------------


@router.get("/{product_id}/options", response={200: OptionsOut, **problems(404)}, summary="Options and rules")
def get_options(request: HttpRequest, product_id: int) -> dict[str, Any]:
    product = _product(request, product_id)
    return {
        "groups": [group_body(g) for g in product.option_groups.all()],
        "rules": [rule_body(r) for r in product.option_rules.all()],
    }


@router.post(
    "/{product_id}/option-groups",
    response={201: OptionGroupOut, **problems(403, 404, 422)},
    summary="Add an option group",
)
def create_group(request: HttpRequest, product_id: int, payload: OptionGroupIn) -> Status[Any]:
    product = _product(request, product_id)
    group = services.option_group_create(
        product=product, data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    return Status(
        201, {**fields(group, ("id", "name_ko", "name_en", "choice", "required", "position")), "options": []}
    )


@router.patch(
    "/{product_id}/option-groups/{group_id}",
    response={200: OptionGroupOut, **problems(403, 404, 422)},
    summary="Change an option group",
)
def update_group(
    request: HttpRequest, product_id: int, group_id: int, payload: OptionGroupPatch
) -> dict[str, Any]:
    """Admins and managers only. A change to single choice is refused (422 on `choice`) while a
    "requires" rule links two options of the group."""
    product = _product(request, product_id)
    group = product.option_groups.get(pk=group_id)
    services.option_group_update(
        group=group, data=payload.model_dump(exclude_unset=True), actor=actor(request), ip=client_ip(request)
    )
    return group_body(OptionGroup.objects.prefetch_related("options__prices").get(pk=group.pk))


@router.delete(
    "/{product_id}/option-groups/{group_id}",
    response={204: None, **problems(403, 404)},
    summary="Remove an option group with its options",
)
def delete_group(request: HttpRequest, product_id: int, group_id: int) -> Status[None]:
    product = _product(request, product_id)
    group = product.option_groups.get(pk=group_id)
    services.option_group_delete(group=group, actor=actor(request), ip=client_ip(request))
    return Status(204, None)


@router.post(
    "/{product_id}/options", response={201: OptionOut, **problems(403, 404, 422)}, summary="Add an option"
)
def create_option(request: HttpRequest, product_id: int, payload: OptionIn) -> Status[Any]:
    product = _product(request, product_id)
    option = services.option_create(
        product=product, data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    return Status(201, option_body(option))


@router.patch(
    "/{product_id}/options/{option_id}",
    response={200: OptionOut, **problems(403, 404, 422)},
    summary="Change an option and its price adjustments",
)
def update_option(
    request: HttpRequest, product_id: int, option_id: int, payload: OptionPatch
) -> dict[str, Any]:
    """Admins and managers only. `prices` replaces the adjustments in other currencies; the code of
    an option that a rule names cannot change (422 on `code`)."""
    product = _product(request, product_id)
    option = Option.objects.get(pk=option_id, product=product)
    data = payload.model_dump(exclude_unset=True)
    updated = services.option_update(option=option, data=data, actor=actor(request), ip=client_ip(request))
    return option_body(updated)


@router.delete(
    "/{product_id}/options/{option_id}",
    response={204: None, **problems(403, 404)},
    summary="Remove an option",
)
def delete_option(request: HttpRequest, product_id: int, option_id: int) -> Status[None]:
    product = _product(request, product_id)
    option = Option.objects.get(pk=option_id, product=product)
    services.option_delete(option=option, actor=actor(request), ip=client_ip(request))
    return Status(204, None)


@router.post(
    "/{product_id}/option-rules",
    response={201: OptionRuleOut, **problems(403, 404, 422)},
    summary="Add a rule: an option requires or excludes another",
)
def create_rule(request: HttpRequest, product_id: int, payload: OptionRuleIn) -> Status[Any]:
    product = _product(request, product_id)
    rule = services.option_rule_create(
        product=product, data=payload.model_dump(), actor=actor(request), ip=client_ip(request)
    )
    return Status(201, rule_body(rule))


@router.delete(
    "/{product_id}/option-rules/{rule_id}",
    response={204: None, **problems(403, 404)},
    summary="Remove a rule",
)
def delete_rule(request: HttpRequest, product_id: int, rule_id: int) -> Status[None]:
    product = _product(request, product_id)
    rule = OptionRule.objects.get(pk=rule_id, product=product)
    services.option_rule_delete(rule=rule, actor=actor(request), ip=client_ip(request))
    return Status(204, None)


def price_body(price: selectors.Price) -> dict[str, Any]:
    price_list = price.price_list
    return {
        "unit_price": price.unit_price,
        "base_price": price.base_price,
        "currency": price.currency,
        "source": price.source,
        "price_list": fields(price_list, ("id", "name", "segment_kind", "segment")) if price_list else None,
        "adjustments": [
            {"option_id": a.option.pk, "option_code": a.option.code, "amount": a.amount}
            for a in price.adjustments
        ],
    }


@router.post(
    "/{product_id}/configure",
    response={200: PriceOut, **problems(404, 422)},
    summary="Check a configuration and price it for a customer",
)
def configure(request: HttpRequest, product_id: int, payload: ConfigureIn) -> Any:
    """A configuration that breaks a rule is a 422 problem (`type` …/configuration) whose `errors`
    word each broken rule and whose `rules` name them (`requires`, `excludes`, `required_group`,
    `single_group`, with the options' codes and the group's id)."""
    user = actor(request)
    product = _product(request, product_id)
    contact = None
    if payload.contact_id is not None:
        try:
            contact = customer_selectors.contact_get(user=user, pk=payload.contact_id)
        except ObjectDoesNotExist:
            raise ValidationError({"contact_id": [_("No such record, or you may not see it.")]}) from None
    try:
        price = services.configuration_price(
            product=product,
            options=payload.options,
            currency=payload.currency,
            contact=contact,
            on=payload.on,
        )
    except selectors.ConfigurationError as exc:
        return configuration_problem(exc)
    return price_body(price)


def configuration_problem(exc: selectors.ConfigurationError) -> HttpResponse:
    rules = [
        {
            "rule": b.kind,
            "message": b.message,
            "option": b.option.code if b.option else None,
            "target": b.target.code if b.target else None,
            "group": b.group.pk if b.group else None,
        }
        for b in exc.broken
    ]
    return problem(
        422,
        _("The configuration breaks the product's rules."),
        " ".join(b.message for b in exc.broken),
        slug="configuration",
        errors=[{"field": "options", "message": b.message} for b in exc.broken],
        rules=rules,
    )
