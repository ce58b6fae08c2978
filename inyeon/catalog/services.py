"""Every write to the catalogue: products, their images, price lists and items, option groups,
options and rules. `<entity>_<verb>(*, ..., actor)`, validated first (naming each bad field), then
one transaction with an audit row. Only admins and managers write (`core.visibility`)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.catalog import selectors
from inyeon.catalog.models import (
    ChoiceKind,
    Option,
    OptionGroup,
    OptionPrice,
    OptionRule,
    PriceList,
    PriceListItem,
    ProductImage,
    RuleKind,
    SegmentKind,
)
from inyeon.core.audit import audit, created_changes, diff, snapshot
from inyeon.core.errors import ConflictError
from inyeon.core.models import User
from inyeon.core.visibility import can_edit_catalogue
from inyeon.customers.models import Product
from inyeon.customers.validation import Errors, clean_choice, clean_currency, clean_int, clean_text

PRODUCT_AUDIT_FIELDS = (
    "code",
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "specs",
    "category",
    "unit_price",
    "currency",
    "active",
)
PRICE_LIST_AUDIT_FIELDS = ("name", "currency", "segment_kind", "segment", "valid_from", "valid_to", "notes")

MAX_SPECS = 50
MAX_IMAGES_PER_PRODUCT = 12
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Pillow format -> (content type, file extension). SVG is refused: it can carry scripts.
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
VALUE_TIERS = ("A", "B", "C")


def _require_editor(actor: User) -> None:
    if not can_edit_catalogue(actor):
        raise PermissionDenied(_("Only administrators and managers may change the catalogue."))


def _check_version(instance: Any, expected_version: int | None) -> None:
    if expected_version is not None and instance.version != expected_version:
        raise ConflictError(instance.version)


def _forget_categories() -> None:
    transaction.on_commit(lambda: cache.delete(selectors.CATEGORIES_CACHE_KEY))


# --- products ----------------------------------------------------------------------------------


def _clean_bool(data: Mapping[str, Any], name: str, errors: Errors) -> bool | None:
    if name not in data or data[name] is None:
        return None
    value = data[name]
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "y"):
        return True
    if text in ("0", "false", "no", "off", "n", ""):
        return False
    errors.add(name, _("Enter true or false."))
    return None


def clean_specs(value: Any, errors: Errors) -> list[dict[str, str]]:
    """Specs as ordered {name, value} pairs, from a list (of pairs or objects) or from text with one
    `name: value` per line."""
    if value in (None, ""):
        return []
    rows: list[tuple[Any, Any]] = []
    if isinstance(value, str):
        for number, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            if ":" not in line:
                errors.add("specs", _("Line %(n)d: write the name, a colon, then the value.") % {"n": number})
                continue
            name, _sep, text = line.partition(":")
            rows.append((name, text))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                rows.append((item.get("name"), item.get("value")))
            elif isinstance(item, list | tuple) and len(item) == 2:
                rows.append((item[0], item[1]))
            else:
                errors.add(f"specs[{i}]", _("Give a name and a value."))
    else:
        errors.add("specs", _("Enter a list."))
        return []
    if len(rows) > MAX_SPECS:
        errors.add("specs", _("Use at most %(n)d specifications.") % {"n": MAX_SPECS})
    out: list[dict[str, str]] = []
    for i, (name, text) in enumerate(rows):
        name = "" if name is None else str(name).strip()
        text = "" if text is None else str(text).strip()
        if not name:
            errors.add(f"specs[{i}].name", _("This field is required."))
        elif len(name) > 100:
            errors.add(
                f"specs[{i}].name",
                _("Use at most %(n)d characters (it has %(m)d).") % {"n": 100, "m": len(name)},
            )
        if len(text) > 500:
            errors.add(
                f"specs[{i}].value",
                _("Use at most %(n)d characters (it has %(m)d).") % {"n": 500, "m": len(text)},
            )
        out.append({"name": name, "value": text})
    return out


def _clean_product(data: Mapping[str, Any], *, instance: Product | None) -> tuple[dict[str, Any], Errors]:
    """The product fields present in `data` (all of them when creating), cleaned."""
    errors = Errors()
    creating = instance is None
    # A null in a partial update means "unchanged" (none of these fields may be empty-as-null).
    given = (
        {k: v for k, v in data.items() if v is not None}
        if not creating
        else {"code": "", "name_ko": "", **data}
    )
    fields: dict[str, Any] = {}
    for name, max_length, required in (
        ("code", 40, True),
        ("name_ko", 200, True),
        ("name_en", 200, False),
        ("category", 100, False),
        ("description_ko", 10_000, False),
        ("description_en", 10_000, False),
    ):
        text = clean_text(given, name, errors, max_length=max_length, required=required)
        if text is not None:
            fields[name] = text
    code = fields.get("code")
    if code:
        taken = Product.objects.filter(code=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.add("code", _("A product with this code already exists."))
    if "unit_price" in given or creating:
        price = clean_int({"unit_price": given.get("unit_price", 0)}, "unit_price", errors, minimum=0)
        fields["unit_price"] = price or 0
    if "currency" in given or creating:
        fields["currency"] = clean_currency(str(given.get("currency") or "KRW"), "currency", errors)
    if "specs" in given:
        fields["specs"] = clean_specs(given["specs"], errors)
    active = _clean_bool(given, "active", errors)
    if active is not None:
        fields["active"] = active
    return fields, errors


def product_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Product:
    _require_editor(actor)
    fields, errors = _clean_product(data, instance=None)
    errors.raise_if_any()
    with transaction.atomic():
        product = Product(**fields)
        product.refresh_search_keys()
        product.save()
        changes = created_changes(product, PRODUCT_AUDIT_FIELDS)
        audit(actor=actor, action="create", entity="product", entity_id=product.pk, changes=changes, ip=ip)
        _forget_categories()
    return product


def product_update(
    *,
    product: Product,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Product:
    """Change the fields present in `data`; a stale `expected_version` is a ConflictError."""
    _require_editor(actor)
    fields, errors = _clean_product(data, instance=product)
    errors.raise_if_any()
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        _check_version(locked, expected_version)
        before = snapshot(locked, PRODUCT_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, PRODUCT_AUDIT_FIELDS))
        if changes:
            locked.refresh_search_keys()
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save()
            audit(actor=actor, action="update", entity="product", entity_id=locked.pk, changes=changes, ip=ip)
            _forget_categories()
    return locked


# --- images ------------------------------------------------------------------------------------


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _sniff_image(content: bytes) -> tuple[str, int, int]:
    """(Pillow format, width, height) of an image we accept; ValidationError on `file` otherwise."""
    from PIL import Image, UnidentifiedImageError

    allowed = ", ".join(IMAGE_TYPES)
    try:
        with Image.open(io.BytesIO(content)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            if kind in IMAGE_TYPES and width * height <= MAX_IMAGE_PIXELS:
                probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"file": [_("The file is not an image of an accepted type (%(types)s).") % {"types": allowed}]}
        ) from None
    if kind not in IMAGE_TYPES:
        raise ValidationError(
            {"file": [_("The file is not an image of an accepted type (%(types)s).") % {"types": allowed}]}
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            {
                "file": [
                    _("The image has too many pixels (at most %(n)d million).")
                    % {"n": MAX_IMAGE_PIXELS // 1_000_000}
                ]
            }
        )
    return kind, width, height


def product_image_add(
    *,
    product: Product,
    file: IO[bytes],
    name: str = "",
    alt: str = "",
    actor: User,
    ip: str | None = None,
) -> ProductImage:
    """Store an uploaded JPEG, PNG or WebP (at most 5 MB) under MEDIA_ROOT/products/ with a new
    random name; the uploader's file name is kept only as a label."""
    _require_editor(actor)
    content = file.read(MAX_IMAGE_BYTES + 1)
    if not content:
        raise ValidationError({"file": [_("Choose an image file.")]})
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationError(
            {"file": [_("The image is larger than %(n)d MB.") % {"n": MAX_IMAGE_BYTES // (1024 * 1024)}]}
        )
    kind, width, height = _sniff_image(content)
    errors = Errors()
    alt = clean_text({"alt": alt}, "alt", errors, max_length=200) or ""
    errors.raise_if_any()
    content_type, extension = IMAGE_TYPES[kind]
    relative = f"products/{uuid.uuid4().hex}.{extension}"
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            count = ProductImage.objects.filter(product=locked).count()
            if count >= MAX_IMAGES_PER_PRODUCT:
                raise ValidationError(
                    {"file": [_("A product has at most %(n)d images.") % {"n": MAX_IMAGES_PER_PRODUCT}]}
                )
            image = ProductImage.objects.create(
                product=locked,
                path=relative,
                content_type=content_type,
                size=len(content),
                width=width,
                height=height,
                original_name=Path(name or "").name[:200],
                alt=alt,
                position=count,
                uploaded_by=actor,
            )
            audit(
                actor=actor,
                action="create",
                entity="product_image",
                entity_id=image.pk,
                ip=ip,
                changes={
                    "product": [None, locked.pk],
                    "content_type": [None, content_type],
                    "size": [None, len(content)],
                },
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return image


def product_image_delete(*, image: ProductImage, actor: User, ip: str | None = None) -> None:
    _require_editor(actor)
    path = media_path(image.path)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="product_image",
            entity_id=image.pk,
            ip=ip,
            changes={"product": [image.product_id, None], "path": [image.path, None]},
        )
        image.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# --- price lists -------------------------------------------------------------------------------


def _clean_date(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool) -> dt.date | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("This field is required."))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD."))
        return None


def rfm_segment_keys() -> list[str]:
    from inyeon.analytics.selectors import segment_labels

    return sorted(segment_labels("en"))


def _clean_price_list(
    data: Mapping[str, Any], *, instance: PriceList | None
) -> tuple[dict[str, Any], Errors]:
    errors = Errors()
    merged: dict[str, Any] = {}
    if instance is not None:
        merged = {k: getattr(instance, k) for k in PRICE_LIST_AUDIT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in PRICE_LIST_AUDIT_FIELDS})
    fields: dict[str, Any] = {}
    fields["name"] = clean_text(merged, "name", errors, max_length=200, required=True) or ""
    fields["notes"] = clean_text({"notes": merged.get("notes") or ""}, "notes", errors, max_length=5000) or ""
    fields["currency"] = clean_currency(str(merged.get("currency") or ""), "currency", errors)
    kind = (
        clean_choice(
            {"segment_kind": merged.get("segment_kind") or SegmentKind.EVERYONE},
            "segment_kind",
            errors,
            list(SegmentKind.values),
        )
        or SegmentKind.EVERYONE
    )
    fields["segment_kind"] = kind
    segment = str(merged.get("segment") or "").strip()
    if kind == SegmentKind.EVERYONE:
        segment = ""
    elif kind == SegmentKind.VALUE_TIER:
        segment = segment.upper()
        if segment not in VALUE_TIERS:
            errors.add("segment", _("Choose one of: %(choices)s.") % {"choices": ", ".join(VALUE_TIERS)})
    else:
        keys = rfm_segment_keys()
        if segment not in keys:
            errors.add("segment", _("Choose one of: %(choices)s.") % {"choices": ", ".join(keys)})
    fields["segment"] = segment
    fields["valid_from"] = _clean_date(merged, "valid_from", errors, required=True)
    fields["valid_to"] = _clean_date(merged, "valid_to", errors, required=False)
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        errors.add("valid_to", _("The end date must not be before the start date."))
    return fields, errors


def _lock_segment(currency: str, kind: str, segment: str) -> None:
    """Serialise writers of one currency and segment so two overlapping lists cannot both pass the
    check. SQLite already runs one writing transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"pricelist:{currency}:{kind}:{segment}"]
            )


def _refuse_overlap(fields: Mapping[str, Any], exclude_pk: int | None) -> None:
    others = PriceList.objects.filter(
        currency=fields["currency"], segment_kind=fields["segment_kind"], segment=fields["segment"]
    ).filter(_overlap_q(fields["valid_from"], fields["valid_to"]))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("valid_from").first()
    if clash is not None:
        until = clash.valid_to.isoformat() if clash.valid_to else _("open-ended")
        raise ValidationError(
            {
                "valid_from": [
                    _(
                        "The dates overlap price list “%(name)s” (%(start)s to %(end)s) for the same "
                        "currency and segment; end that list first or choose other dates."
                    )
                    % {"name": clash.name, "start": clash.valid_from.isoformat(), "end": until}
                ]
            }
        )


def _overlap_q(valid_from: dt.date, valid_to: dt.date | None) -> Any:
    """Lists whose [valid_from, valid_to] (inclusive; no end = open) meets the given range."""
    from django.db.models import Q

    meets = Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    if valid_to is not None:
        meets &= Q(valid_from__lte=valid_to)
    return meets


def price_list_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> PriceList:
    _require_editor(actor)
    fields, errors = _clean_price_list(data, instance=None)
    errors.raise_if_any()
    with transaction.atomic():
        _lock_segment(fields["currency"], fields["segment_kind"], fields["segment"])
        _refuse_overlap(fields, None)
        price_list = PriceList.objects.create(**fields)
        changes = created_changes(price_list, PRICE_LIST_AUDIT_FIELDS)
        audit(
            actor=actor, action="create", entity="price_list", entity_id=price_list.pk, changes=changes, ip=ip
        )
    return price_list


def price_list_update(
    *,
    price_list: PriceList,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> PriceList:
    _require_editor(actor)
    fields, errors = _clean_price_list(data, instance=price_list)
    errors.raise_if_any()
    with transaction.atomic():
        _lock_segment(fields["currency"], fields["segment_kind"], fields["segment"])
        locked = PriceList.objects.select_for_update().get(pk=price_list.pk)
        _check_version(locked, expected_version)
        _refuse_overlap(fields, locked.pk)
        before = snapshot(locked, PRICE_LIST_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, PRICE_LIST_AUDIT_FIELDS))
        if changes:
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save()
            audit(
                actor=actor, action="update", entity="price_list", entity_id=locked.pk, changes=changes, ip=ip
            )
    return locked


def price_list_delete(*, price_list: PriceList, actor: User, ip: str | None = None) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="price_list",
            entity_id=price_list.pk,
            ip=ip,
            changes={k: [v, None] for k, v in snapshot(price_list, PRICE_LIST_AUDIT_FIELDS).items()},
        )
        price_list.delete()


def price_list_item_set(
    *, price_list: PriceList, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> PriceListItem:
    """Set a product's price in a list (adding the product when it is not in it yet)."""
    _require_editor(actor)
    errors = Errors()
    product = _product_by_id_or_code(data, errors)
    if data.get("price") in (None, ""):
        errors.add("price", _("This field is required."))
    price = clean_int(data, "price", errors, minimum=0)
    errors.raise_if_any()
    assert product is not None and price is not None
    with transaction.atomic():
        item = (
            PriceListItem.objects.select_for_update().filter(price_list=price_list, product=product).first()
        )
        if item is None:
            item = PriceListItem.objects.create(price_list=price_list, product=product, price=price)
            audit(
                actor=actor,
                action="create",
                entity="price_list_item",
                entity_id=item.pk,
                ip=ip,
                changes={
                    "price_list": [None, price_list.pk],
                    "product": [None, product.pk],
                    "price": [None, price],
                },
            )
        elif item.price != price:
            old = item.price
            item.price = price
            item.save(update_fields=["price"])
            audit(
                actor=actor,
                action="update",
                entity="price_list_item",
                entity_id=item.pk,
                ip=ip,
                changes={"price": [old, price]},
            )
    return item


def price_list_item_remove(*, item: PriceListItem, actor: User, ip: str | None = None) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="price_list_item",
            entity_id=item.pk,
            ip=ip,
            changes={
                "price_list": [item.price_list_id, None],
                "product": [item.product_id, None],
                "price": [item.price, None],
            },
        )
        item.delete()


def _product_by_id_or_code(data: Mapping[str, Any], errors: Errors) -> Product | None:
    if data.get("product_id") not in (None, ""):
        product_id = clean_int(data, "product_id", errors)
        product = Product.objects.filter(pk=product_id).first() if product_id is not None else None
        if product is None and product_id is not None:
            errors.add("product_id", _("No such product."))
        return product
    code = str(data.get("product_code") or "").strip()
    if not code:
        errors.add("product_id", _("This field is required."))
        return None
    product = Product.objects.filter(code=code).first()
    if product is None:
        errors.add("product_code", _("No product with this code."))
    return product


# --- the configurator --------------------------------------------------------------------------


def option_group_create(
    *, product: Product, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> OptionGroup:
    _require_editor(actor)
    errors = Errors()
    name_ko = (
        clean_text({"name_ko": data.get("name_ko")}, "name_ko", errors, max_length=100, required=True) or ""
    )
    name_en = clean_text(data, "name_en", errors, max_length=100) or ""
    choice = (
        clean_choice(
            {"choice": data.get("choice") or ChoiceKind.SINGLE}, "choice", errors, list(ChoiceKind.values)
        )
        or ChoiceKind.SINGLE
    )
    required = _clean_bool(data, "required", errors) or False
    position = clean_int(data, "position", errors, minimum=0)
    errors.raise_if_any()
    with transaction.atomic():
        if position is None:
            position = OptionGroup.objects.filter(product=product).count()
        group = OptionGroup.objects.create(
            product=product,
            name_ko=name_ko,
            name_en=name_en,
            choice=choice,
            required=required,
            position=position,
        )
        audit(
            actor=actor,
            action="create",
            entity="option_group",
            entity_id=group.pk,
            ip=ip,
            changes={
                "product": [None, product.pk],
                "name_ko": [None, name_ko],
                "choice": [None, choice],
                "required": [None, required],
            },
        )
    return group


def option_group_delete(*, group: OptionGroup, actor: User, ip: str | None = None) -> None:
    """Delete a group with its options (and the rules that name them)."""
    _require_editor(actor)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="option_group",
            entity_id=group.pk,
            ip=ip,
            changes={"product": [group.product_id, None], "name_ko": [group.name_ko, None]},
        )
        OptionRule.objects.filter(target__group=group).delete()
        group.delete()


def _clean_option_prices(value: Any, product: Product, errors: Errors) -> dict[str, int]:
    """Adjustments in other currencies: {"USD": 500} or [{"currency": "USD", "amount": 500}]."""
    if value in (None, ""):
        return {}
    pairs: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list | tuple):
        pairs = [
            (v.get("currency"), v.get("amount")) if isinstance(v, Mapping) else (None, None) for v in value
        ]
    else:
        errors.add("prices", _("Enter a list."))
        return {}
    out: dict[str, int] = {}
    for i, (currency, amount) in enumerate(pairs):
        code = clean_currency(str(currency or ""), f"prices[{i}].currency", errors)
        number = clean_int({"amount": amount}, "amount", errors) if amount not in (None, "") else None
        if number is None:
            errors.add(f"prices[{i}].amount", _("Enter a whole number."))
            continue
        if code == product.currency:
            errors.add(f"prices[{i}].currency", _("Use price_adjustment for the product's own currency."))
        out[code] = number
    return out


def option_create(*, product: Product, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Option:
    """An option in one of the product's groups; `price_adjustment` is in the product's currency
    (minor units, may be negative), `prices` gives it in other currencies."""
    _require_editor(actor)
    errors = Errors()
    group = None
    group_id = clean_int({"group_id": data.get("group_id")}, "group_id", errors)
    if group_id is None and "group_id" not in errors.by_field:
        errors.add("group_id", _("This field is required."))
    elif group_id is not None:
        group = OptionGroup.objects.filter(pk=group_id, product=product).first()
        if group is None:
            errors.add("group_id", _("No such option group for this product."))
    code = clean_text({"code": data.get("code")}, "code", errors, max_length=40, required=True) or ""
    if code and Option.objects.filter(product=product, code=code).exists():
        errors.add("code", _("This product already has an option with this code."))
    name_ko = (
        clean_text({"name_ko": data.get("name_ko")}, "name_ko", errors, max_length=100, required=True) or ""
    )
    name_en = clean_text(data, "name_en", errors, max_length=100) or ""
    adjustment = clean_int(data, "price_adjustment", errors) or 0
    position = clean_int(data, "position", errors, minimum=0)
    prices = _clean_option_prices(data.get("prices"), product, errors)
    errors.raise_if_any()
    assert group is not None
    with transaction.atomic():
        if position is None:
            position = Option.objects.filter(group=group).count()
        option = Option.objects.create(
            group=group,
            product=product,
            code=code,
            name_ko=name_ko,
            name_en=name_en,
            price_adjustment=adjustment,
            position=position,
        )
        OptionPrice.objects.bulk_create(
            OptionPrice(option=option, currency=c, amount=a) for c, a in prices.items()
        )
        audit(
            actor=actor,
            action="create",
            entity="option",
            entity_id=option.pk,
            ip=ip,
            changes={
                "group": [None, group.pk],
                "code": [None, code],
                "name_ko": [None, name_ko],
                "price_adjustment": [None, adjustment],
                "prices": [None, prices],
            },
        )
    return option


def option_delete(*, option: Option, actor: User, ip: str | None = None) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="option",
            entity_id=option.pk,
            ip=ip,
            changes={"group": [option.group_id, None], "code": [option.code, None]},
        )
        OptionRule.objects.filter(target=option).delete()
        option.delete()


GROUP_AUDIT_FIELDS = ("name_ko", "name_en", "choice", "required", "position")
OPTION_AUDIT_FIELDS = ("code", "name_ko", "name_en", "price_adjustment", "position")


def _given(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a partial update: a missing key or a null means "unchanged"."""
    return {k: v for k, v in data.items() if v is not None}


def option_group_update(
    *, group: OptionGroup, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> OptionGroup:
    """Change a group's names, choice (single or multiple), required flag or position. Groups carry
    no version: the row is locked, and a change to single choice is refused while a "requires" rule
    links two of the group's options (it could never be met)."""
    _require_editor(actor)
    given = _given(data)
    errors = Errors()
    fields: dict[str, Any] = {}
    if "name_ko" in given:
        fields["name_ko"] = clean_text(given, "name_ko", errors, max_length=100, required=True) or ""
    if "name_en" in given:
        fields["name_en"] = clean_text(given, "name_en", errors, max_length=100) or ""
    if "choice" in given:
        fields["choice"] = clean_choice(given, "choice", errors, list(ChoiceKind.values), allow_blank=False)
    required = _clean_bool(given, "required", errors)
    if required is not None:
        fields["required"] = required
    if "position" in given:
        fields["position"] = clean_int(given, "position", errors, minimum=0)
    errors.raise_if_any()
    fields = {k: v for k, v in fields.items() if v is not None}
    with transaction.atomic():
        locked = OptionGroup.objects.select_for_update().get(pk=group.pk)
        if (
            fields.get("choice") == ChoiceKind.SINGLE
            and locked.choice != ChoiceKind.SINGLE
            and OptionRule.objects.filter(
                option__group=locked, target__group=locked, kind=RuleKind.REQUIRES
            ).exists()
        ):
            raise ValidationError(
                {
                    "choice": [
                        _(
                            "A rule makes one option of this group require another of it: "
                            "with a single choice it could never be met. Remove the rule first."
                        )
                    ]
                }
            )
        before = snapshot(locked, GROUP_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, GROUP_AUDIT_FIELDS))
        if changes:
            locked.save(update_fields=list(changes))
            audit(
                actor=actor,
                action="update",
                entity="option_group",
                entity_id=locked.pk,
                changes=changes,
                ip=ip,
            )
    return locked


def option_update(*, option: Option, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Option:
    """Change an option's code, names, position, its adjustment in the product's currency
    (`price_adjustment`) or in other currencies (`prices`, replacing the whole set; an empty list
    removes them). Options carry no version: the row is locked, and the code of an option that a
    rule names cannot change (remove the rule first)."""
    _require_editor(actor)
    product = option.product
    given = _given(data)
    errors = Errors()
    fields: dict[str, Any] = {}
    if "code" in given:
        fields["code"] = clean_text(given, "code", errors, max_length=40, required=True) or ""
        if (
            fields["code"]
            and Option.objects.filter(product=product, code=fields["code"]).exclude(pk=option.pk).exists()
        ):
            errors.add("code", _("This product already has an option with this code."))
    if "name_ko" in given:
        fields["name_ko"] = clean_text(given, "name_ko", errors, max_length=100, required=True) or ""
    if "name_en" in given:
        fields["name_en"] = clean_text(given, "name_en", errors, max_length=100) or ""
    if "price_adjustment" in given:
        fields["price_adjustment"] = clean_int(given, "price_adjustment", errors)
    if "position" in given:
        fields["position"] = clean_int(given, "position", errors, minimum=0)
    prices: dict[str, int] | None = None
    if "prices" in given:
        prices = _clean_option_prices(given["prices"], product, errors)
    errors.raise_if_any()
    fields = {k: v for k, v in fields.items() if v is not None}
    with transaction.atomic():
        locked = Option.objects.select_for_update().get(pk=option.pk)
        if (
            fields.get("code", locked.code) != locked.code
            and OptionRule.objects.filter(Q(option=locked) | Q(target=locked)).exists()
        ):
            raise ValidationError(
                {
                    "code": [
                        _("A rule names this option by its code; remove the rule before changing the code.")
                    ]
                }
            )
        before = snapshot(locked, OPTION_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, OPTION_AUDIT_FIELDS))
        if changes:
            locked.save(update_fields=list(changes))
        if prices is not None:
            old = {p.currency: p.amount for p in OptionPrice.objects.filter(option=locked)}
            if old != prices:
                OptionPrice.objects.filter(option=locked).exclude(currency__in=list(prices)).delete()
                for currency, amount in prices.items():
                    OptionPrice.objects.update_or_create(
                        option=locked, currency=currency, defaults={"amount": amount}
                    )
                changes["prices"] = [old, prices]
        if changes:
            audit(actor=actor, action="update", entity="option", entity_id=locked.pk, changes=changes, ip=ip)
    return locked


def _option_of(product: Product, data: Mapping[str, Any], name: str, errors: Errors) -> Option | None:
    value = data.get(name)
    if value in (None, ""):
        errors.add(name, _("This field is required."))
        return None
    lookup = {"pk": int(value)} if isinstance(value, int) or str(value).isdigit() else {"code": str(value)}
    option = Option.objects.filter(product=product, **lookup).first()
    if option is None:
        errors.add(name, _("No such option for this product."))
    return option


def option_rule_create(
    *, product: Product, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> OptionRule:
    """`option` requires or excludes `target` (each an option id or code of this product)."""
    _require_editor(actor)
    errors = Errors()
    kind = clean_choice({"kind": data.get("kind")}, "kind", errors, list(RuleKind.values), allow_blank=False)
    option = _option_of(product, data, "option", errors)
    target = _option_of(product, data, "target", errors)
    if option is not None and target is not None:
        if option.pk == target.pk:
            errors.add("target", _("An option cannot have a rule about itself."))
        elif OptionRule.objects.filter(option=option, kind=kind, target=target).exists():
            errors.add("target", _("This rule exists already."))
        elif (
            kind == RuleKind.REQUIRES
            and option.group_id == target.group_id
            and option.group.choice == ChoiceKind.SINGLE
        ):
            errors.add(
                "target", _("Both options are in the same single-choice group: the rule could never be met.")
            )
    errors.raise_if_any()
    assert option is not None and target is not None and kind
    with transaction.atomic():
        rule = OptionRule.objects.create(product=product, option=option, kind=kind, target=target)
        audit(
            actor=actor,
            action="create",
            entity="option_rule",
            entity_id=rule.pk,
            ip=ip,
            changes={"option": [None, option.code], "kind": [None, kind], "target": [None, target.code]},
        )
    return rule


def option_rule_delete(*, rule: OptionRule, actor: User, ip: str | None = None) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit(
            actor=actor,
            action="delete",
            entity="option_rule",
            entity_id=rule.pk,
            ip=ip,
            changes={
                "option": [rule.option_id, None],
                "kind": [rule.kind, None],
                "target": [rule.target_id, None],
            },
        )
        rule.delete()


def configuration_validate(*, product: Product, options: Iterable[Option | int | str]) -> list[Option]:
    """The chosen options if they keep every rule of the product; a `ConfigurationError` (a
    ValidationError on `options`) naming each broken rule otherwise. Writes nothing."""
    config = selectors.configurator_of(product)
    chosen = selectors.resolve_options(product, options, config)
    selectors.check_configuration(product, chosen, config)
    return chosen


def configuration_price(
    *,
    product: Product,
    options: Sequence[Option | int | str],
    currency: str = "",
    contact: Any = None,
    on: dt.date | None = None,
) -> selectors.Price:
    """Validate a configuration and price it for the customer (base price + adjustments)."""
    return selectors.price_for(product=product, currency=currency, contact=contact, on=on, options=options)
