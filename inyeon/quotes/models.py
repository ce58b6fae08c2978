"""Quotes with versioned lines, tax rates as data, and contracts with their renewals.

A quote's lines live in versions: a draft's current version is edited in place; once a version has
been sent it is frozen, and the next edit starts a new version (v1, v2, ...). Amounts are integer
minor units of the quote's currency (see `inyeon.quotes.totals` for the rounding rule).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import OwnedRecord, User
from inyeon.customers.models import Account, Activity, Contact, Order, Product
from inyeon.sales.models import Opportunity


class TaxRate(models.Model):
    """A tax rate in basis points (1000 = 10%): Korean VAT, zero-rated, exempt, others."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label_ko = models.CharField(_("label (Korean)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True, default="")
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["-is_default", "pk"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")

    def __str__(self) -> str:
        return self.code

    @property
    def percent(self) -> str:
        whole, part = divmod(self.rate_bp, 100)
        return f"{whole}.{part:02d}".rstrip("0").rstrip(".") + "%"


class DiscountKind(models.TextChoices):
    NONE = "", _("no discount")
    PERCENT = "percent", _("percent")
    AMOUNT = "amount", _("amount")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


# The moves a quote may make; the services check every status change against this map.
QUOTE_TRANSITIONS: dict[str, set[str]] = {
    QuoteStatus.DRAFT: {QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED},
    QuoteStatus.SENT: {
        QuoteStatus.SENT,
        QuoteStatus.DRAFT,
        QuoteStatus.ACCEPTED,
        QuoteStatus.REJECTED,
        QuoteStatus.EXPIRED,
    },
    QuoteStatus.ACCEPTED: set(),
    QuoteStatus.REJECTED: set(),
    QuoteStatus.EXPIRED: set(),
}


class Quote(OwnedRecord):
    number = models.CharField(_("quote number"), max_length=20, unique=True)
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    language = models.CharField(
        _("document language"), max_length=2, choices=[("ko", "한국어"), ("en", "English")], default="ko"
    )
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=8, choices=QuoteStatus.choices, default="draft")
    notes = models.TextField(_("notes"), blank=True, default="")
    terms = models.TextField(_("terms"), blank=True, default="")
    current_version = models.PositiveIntegerField(_("current version"), default=1)
    total = models.BigIntegerField(_("total (minor units)"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or rejected"), null=True, blank=True)
    order = models.OneToOneField(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="quote"
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes: ClassVar = [
            models.Index(fields=["owner", "created_at", "id"]),
            models.Index(fields=["team", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["opportunity"]),
            models.Index(fields=["account", "created_at"]),
            models.Index(fields=["contact", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteVersion(models.Model):
    """One version of a quote's lines and totals; frozen once sent."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    discount_kind = models.CharField(max_length=8, choices=DiscountKind.choices, blank=True, default="")
    # Percent in basis points (1250 = 12.5%) or an amount in minor units.
    discount_value = models.BigIntegerField(default=0)
    subtotal = models.BigIntegerField(_("subtotal"), default=0)
    discount_total = models.BigIntegerField(_("discount"), default=0)
    tax_total = models.BigIntegerField(_("tax"), default=0)
    total = models.BigIntegerField(_("total"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["quote", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["quote", "number"], name="unique_quote_version")
        ]

    def __str__(self) -> str:
        return f"{self.quote_id} v{self.number}"


class QuoteLine(models.Model):
    version = models.ForeignKey(QuoteVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.BigIntegerField(_("unit price"), default=0)
    discount_kind = models.CharField(max_length=8, choices=DiscountKind.choices, blank=True, default="")
    discount_value = models.BigIntegerField(default=0)
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, related_name="+")
    # The rate as it was when the line was written: a later change of the rate leaves old quotes alone.
    tax_rate_bp = models.PositiveIntegerField()
    gross = models.BigIntegerField(default=0)
    line_discount = models.BigIntegerField(default=0)
    net = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.version_id}#{self.position}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    TERMINATED = "terminated", _("Terminated")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.DRAFT: {ContractStatus.ACTIVE, ContractStatus.TERMINATED},
    ContractStatus.ACTIVE: {ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.TERMINATED},
    ContractStatus.EXPIRED: {ContractStatus.RENEWED},
    ContractStatus.RENEWED: set(),
    ContractStatus.TERMINATED: set(),
}


class Contract(OwnedRecord):
    number = models.CharField(_("contract number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    value = models.BigIntegerField(_("value (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    renewal_months = models.PositiveSmallIntegerField(_("renewal period (months)"), default=12)
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=30)
    status = models.CharField(_("status"), max_length=10, choices=ContractStatus.choices, default="draft")
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_contract",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # The renewal reminder task of this term (each term is its own contract): at most one.
    reminder = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes: ClassVar = [
            models.Index(fields=["owner", "created_at", "id"]),
            models.Index(fields=["team", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["account", "created_at"]),
            models.Index(fields=["contact", "created_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="contract_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.number
