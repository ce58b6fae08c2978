"""Product images, price lists and their items, and the configurator's groups, options and rules.

The product itself is `customers.Product` (orders point at it); everything here hangs off it.
Money is integer minor units with an ISO 4217 currency.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.customers.models import Product


class ProductImage(models.Model):
    """An uploaded picture of a product, stored under MEDIA_ROOT with a generated name."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    # Relative to MEDIA_ROOT, always `products/<uuid>.<ext>`: never built from the uploader's name.
    path = models.CharField(max_length=200, unique=True, editable=False)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    alt = models.CharField(_("description"), max_length=200, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["product", "position", "id"]
        verbose_name = _("product image")

    def __str__(self) -> str:
        return self.path


class SegmentKind(models.TextChoices):
    """Whom a price list is for: everyone, or the customers of one analytics value tier or RFM segment."""

    EVERYONE = "everyone", _("Everyone")
    VALUE_TIER = "value_tier", _("Value tier")
    RFM_SEGMENT = "rfm_segment", _("RFM segment")


class PriceList(models.Model):
    """Prices in one currency for one customer segment, valid from one date to another (inclusive;
    no end date means open-ended). Lists of the same currency and segment never overlap."""

    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3)
    segment_kind = models.CharField(
        _("customer segment"), max_length=12, choices=SegmentKind.choices, default=SegmentKind.EVERYONE
    )
    # The value tier (A, B, C) or RFM segment key (e.g. `champions`); empty for everyone.
    segment = models.CharField(_("segment"), max_length=30, blank=True, default="")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        indexes: ClassVar = [
            models.Index(fields=["currency", "segment_kind", "segment", "valid_from"], name="pricelist_key"),
            models.Index(fields=["-valid_from", "-id"], name="pricelist_newest"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="pricelist_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="price_items")
    price = models.BigIntegerField(_("price (minor units)"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["price_list", "product"], name="unique_pricelist_product"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="pricelist_item_price_not_negative"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["product", "price_list"], name="pricelist_item_product")]

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.product_id} {self.price}"


class ChoiceKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class OptionGroup(models.Model):
    """A set of options for one product, e.g. "Colour" (choose one) or "Extras" (choose any)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="option_groups")
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True, default="")
    choice = models.CharField(
        _("choice"), max_length=8, choices=ChoiceKind.choices, default=ChoiceKind.SINGLE
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering: ClassVar = ["product", "position", "id"]
        verbose_name = _("option group")

    def __str__(self) -> str:
        return self.name_ko


class Option(models.Model):
    """One choice in a group, with a price adjustment in the product's currency (minor units, may
    be negative) and optional adjustments per other currency (`OptionPrice`)."""

    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="options")
    # Denormalised from the group: rules and codes are unique per product.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=40)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True, default="")
    price_adjustment = models.BigIntegerField(_("price adjustment (minor units)"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering: ClassVar = ["group", "position", "id"]
        verbose_name = _("option")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product", "code"], name="unique_product_option_code"),
        ]

    def __str__(self) -> str:
        return self.name_ko


class OptionPrice(models.Model):
    """An option's adjustment in a currency other than the product's."""

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.BigIntegerField(_("amount (minor units)"))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["option", "currency"], name="unique_option_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id} {self.currency} {self.amount}"


class RuleKind(models.TextChoices):
    REQUIRES = "requires", _("requires")
    EXCLUDES = "excludes", _("excludes")


class OptionRule(models.Model):
    """`option` requires `target` (choosing it needs the target too) or excludes it (never both)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="option_rules")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("rule"), max_length=8, choices=RuleKind.choices)
    target = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering: ClassVar = ["product", "id"]
        verbose_name = _("option rule")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["option", "kind", "target"], name="unique_option_rule"),
            models.CheckConstraint(
                condition=~models.Q(option=models.F("target")), name="option_rule_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option_id} {self.kind} {self.target_id}"
