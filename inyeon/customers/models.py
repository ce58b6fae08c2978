"""Accounts, contacts, their channels and consents, products, orders and activities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import OwnedRecord
from inyeon.customers.choices import (
    ActivityKind,
    AddressKind,
    Channel,
    ConsentChannel,
    ConsentStatus,
    LifecycleStage,
    NameOrder,
    OrderChannel,
    OrderStatus,
)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


class Account(OwnedRecord):
    """An organisation (B2B customer)."""

    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=100, db_index=True, editable=False, default="")
    business_number = models.CharField(
        _("business registration number"), max_length=20, blank=True, default=""
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="accounts")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes: ClassVar = [
            models.Index(fields=["owner", "created_at", "id"]),
            models.Index(fields=["team", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["external_id"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(OwnedRecord):
    """A person: a B2C customer or an account's contact."""

    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    family_name = models.CharField(_("family name"), max_length=100, blank=True, default="")
    given_name = models.CharField(_("given name"), max_length=100, blank=True, default="")
    display_name = models.CharField(_("display name"), max_length=200)
    name_order = models.CharField(
        _("name order"), max_length=8, choices=NameOrder.choices, default=NameOrder.EASTERN
    )
    search_name = models.CharField(max_length=200, editable=False, default="")
    search_given = models.CharField(max_length=100, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    job_title = models.CharField(_("job title"), max_length=100, blank=True, default="")
    primary_email = models.CharField(_("e-mail"), max_length=254, blank=True, default="")
    primary_phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, blank=True, default=""
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        default="ko",
        choices=[("ko", "한국어"), ("en", "English"), ("ja", "日本語"), ("zh", "中文")],
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"),
        max_length=10,
        choices=LifecycleStage.choices,
        default=LifecycleStage.PROSPECT,
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    # The contact's e-mails, phones and tag names as ready-joined text, kept exact by every write
    # path through `customers.channels` (exports read them instead of aggregating the channel
    # tables): values joined by ";", e-mails and phones primary first then in id order, tag
    # names in code-point order. Empty when the contact has no such rows.
    emails_text = models.TextField(editable=False, blank=True, default="")
    phones_text = models.TextField(editable=False, blank=True, default="")
    tags_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes: ClassVar = [
            # No index holds lifecycle_stage: the scoring job rewrites stages in bulk, and with the
            # column unindexed (and free room on each page, see migration 0003) PostgreSQL
            # updates the row in place (HOT) instead of touching every index. A stage filter
            # walks the (owner|team|-, created_at, id) index of the list instead.
            models.Index(fields=["owner", "created_at", "id"]),
            # A rep's list filtered by lifecycle stage, newest first: the stage is the main cut of
            # the list, and without this the newest rows of other stages are read and dropped.
            models.Index(fields=["owner", "lifecycle_stage", "created_at", "id"]),
            models.Index(fields=["team", "created_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["search_name", "id"]),
            models.Index(fields=["search_given", "id"]),
            models.Index(fields=["name_initials", "id"]),
            models.Index(fields=["primary_email"]),
            models.Index(fields=["primary_phone"]),
            models.Index(fields=["external_id"]),
        ]

    def __str__(self) -> str:
        return self.display_name


class ContactEmail(models.Model):
    """An additional e-mail address: the primary one is `Contact.primary_email`, and only there
    (`customers.channels` reads both)."""

    # No index of its own: the unique (contact, email) constraint's index serves contact lookups.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails", db_index=False)
    email = models.CharField(_("e-mail"), max_length=254)
    label = models.CharField(_("label"), max_length=30, blank=True, default="")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["contact", "email"], name="unique_contact_email")
        ]
        indexes: ClassVar = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email


class ContactPhone(models.Model):
    """An additional phone number: the primary one is `Contact.primary_phone`, and only there."""

    # No index of its own: the unique (contact, number) constraint's index serves contact lookups.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones", db_index=False)
    number = models.CharField(_("phone"), max_length=20, help_text="E.164")
    label = models.CharField(_("label"), max_length=30, blank=True, default="")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["contact", "number"], name="unique_contact_phone")
        ]
        indexes: ClassVar = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return self.number


class Address(models.Model):
    """A postal address: Korean road-name (도로명) addresses or international ones."""

    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices, default=AddressKind.HOME)
    country = models.CharField(_("country"), max_length=2, default="KR")
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True, default="")
    region = models.CharField(_("province / state"), max_length=100, blank=True, default="")
    city = models.CharField(_("city / district"), max_length=100, blank=True, default="")
    line1 = models.CharField(_("road-name address / street"), max_length=200)
    line2 = models.CharField(_("detail (building, unit)"), max_length=200, blank=True, default="")

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False) | models.Q(account__isnull=False),
                name="address_has_owner_record",
            )
        ]

    # The parts of the one-line form, in order (see `one_line`).
    LINE_PARTS: ClassVar[tuple[str, ...]] = ("postal_code", "region", "city", "line1", "line2")

    def __str__(self) -> str:
        return self.one_line([getattr(self, name) for name in self.LINE_PARTS])

    @staticmethod
    def one_line(parts: Iterable[str | None]) -> str:
        """An address on one line from its `LINE_PARTS`: the parts that are filled, in order."""
        return " ".join(p for p in parts if p)


class ConsentRecord(models.Model):
    """One grant or withdrawal of marketing consent; the current state is the latest record."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=8, choices=ConsentChannel.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    source = models.CharField(_("source"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-recorded_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["contact", "channel", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.channel} {self.status}"


class StageChange(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=10, choices=LifecycleStage.choices, blank=True, default="")
    to_stage = models.CharField(max_length=10, choices=LifecycleStage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-changed_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["contact", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.from_stage} -> {self.to_stage}"


class Product(models.Model):
    """A catalogue entry (the product encyclopedia). Its images, option groups and price lists live
    in `inyeon.catalog`; orders point here."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True, default="")
    description_ko = models.TextField(_("description (Korean)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    # Ordered [{"name": ..., "value": ...}] pairs, shown as the product's specification table.
    specs = models.JSONField(_("specifications"), default=list, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True, default="")
    unit_price = models.BigIntegerField(_("unit price (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    active = models.BooleanField(_("active"), default=True)
    search_name = models.CharField(max_length=200, editable=False, default="")
    search_name_en = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    SEARCH_KEY_FIELDS = ("search_name", "search_name_en", "name_initials")

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes: ClassVar = [
            # The catalogue list is ordered by code (the unique index); these serve its filters.
            models.Index(fields=["category", "code"], name="product_category_code"),
            models.Index(fields=["active", "code"], name="product_active_code"),
            models.Index(fields=["search_name", "id"], name="product_search_name"),
            models.Index(fields=["search_name_en", "id"], name="product_search_name_en"),
            models.Index(fields=["name_initials", "id"], name="product_name_initials"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ko}"

    def refresh_search_keys(self) -> list[str]:
        """Derive the Hangul-aware search keys from the names; returns the fields it set."""
        from inyeon.core.hangul import chosung, search_key

        self.search_name = search_key(self.name_ko)[:200]
        self.search_name_en = search_key(self.name_en)[:200]
        self.name_initials = chosung(self.name_ko)[:100]
        return list(self.SEARCH_KEY_FIELDS)


class Order(OwnedRecord):
    """A purchase: the history that analytics reads and the 360 page shows."""

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    number = models.CharField(_("order number"), max_length=40, blank=True, default="")
    ordered_at = models.DateTimeField(_("order date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    total_amount = models.BigIntegerField(_("amount (minor units)"), default=0)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    channel = models.CharField(
        _("channel"), max_length=10, choices=OrderChannel.choices, default=OrderChannel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes: ClassVar = [
            models.Index(fields=["contact", "ordered_at"]),
            models.Index(fields=["account", "ordered_at"]),
            models.Index(fields=["owner", "ordered_at", "id"]),
            models.Index(fields=["team", "ordered_at", "id"]),
            models.Index(fields=["ordered_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="order_lines"
    )
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.BigIntegerField(_("unit price (minor units)"), default=0)
    amount = models.BigIntegerField(_("amount (minor units)"), default=0)

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.product_id}"


class Activity(OwnedRecord):
    """A note, call, meeting, logged e-mail or task on a contact or account."""

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"), blank=True, default="")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Meetings and calls are scheduled from `starts_at` to `ends_at`; tasks by `due_at`.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    # A reminder `remind_before_minutes` before the start (or the due time); `remind_at` is that
    # moment, kept so the reminder job finds due reminders by an index, and `reminded_at` marks the
    # reminder sent (once; moving the activity clears it).
    remind_before_minutes = models.PositiveIntegerField(_("reminder"), null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes: ClassVar = [
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["account", "occurred_at"]),
            models.Index(fields=["owner", "due_at"]),
            models.Index(fields=["occurred_at", "id"]),
            models.Index(fields=["owner", "occurred_at", "id"]),
            models.Index(fields=["team", "occurred_at", "id"]),
            models.Index(fields=["owner", "starts_at"], name="activity_owner_starts"),
            models.Index(
                fields=["remind_at"],
                name="activity_reminder_due",
                condition=models.Q(remind_at__isnull=False, reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def calendar_at(self) -> dt.datetime | None:
        """Where the activity sits on a calendar: a task at its due time, others at their start."""
        if self.kind == "task":
            return self.due_at
        return self.starts_at
