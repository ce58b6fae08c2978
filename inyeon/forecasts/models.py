"""Targets (quotas), incentive plans with their assignments, and computed payout statements.

Forecasts themselves are not stored: they are aggregated from opportunities on every read
(see `selectors.py`). Money is integer minor units with an ISO 4217 currency.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import Team, User
from inyeon.customers.models import Order, OrderLine
from inyeon.sales.models import Opportunity


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")


class Target(models.Model):
    """A quota for one rep or one team (exactly one of the two) in one month or quarter."""

    user = models.ForeignKey(
        User, verbose_name=_("rep"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-period_start", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, team__isnull=True)
                    | models.Q(user__isnull=True, team__isnull=False)
                ),
                name="target_user_xor_team",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="target_amount_positive"),
            models.UniqueConstraint(
                fields=["user", "period_kind", "period_start"],
                condition=models.Q(user__isnull=False),
                name="unique_user_target_per_period",
            ),
            models.UniqueConstraint(
                fields=["team", "period_kind", "period_start"],
                condition=models.Q(team__isnull=False),
                name="unique_team_target_per_period",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["period_kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.user or self.team} {self.period_kind} {self.period_start}"


class PlanKind(models.TextChoices):
    PRODUCT_CATEGORY = "category", _("by product category")
    ATTAINMENT = "attainment", _("by attainment band")


class IncentivePlan(models.Model):
    """A commission plan. `rates` is its rate table, validated by the service:

    - by product category: `[{"category": "소프트웨어", "rate": "5"}, ...]` plus `default_rate` for
      categories not listed; the base is each completed order line of the rep in the period;
    - by attainment band: `[{"from_pct": 0, "rate": "2"}, {"from_pct": 80, "rate": "4"}, ...]`; the
      band the rep's attainment reaches sets the rate for every credited opportunity and order.
    Rates are percentages.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    period_kind = models.CharField(
        _("period"), max_length=7, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    rates = models.JSONField(_("rates"), default=list)
    default_rate = models.DecimalField(_("default rate (%)"), max_digits=6, decimal_places=3, default=0)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name", "pk"]
        verbose_name = _("incentive plan")
        verbose_name_plural = _("incentive plans")

    def __str__(self) -> str:
        return self.name


class IncentiveAssignment(models.Model):
    """A rep on a plan from `valid_from` to `valid_to` (inclusive; open-ended when empty)."""

    plan = models.ForeignKey(IncentivePlan, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(User, verbose_name=_("rep"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["plan", "user", "valid_from"]
        indexes: ClassVar = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.user_id} {self.valid_from}..{self.valid_to or ''}"


class PayoutStatement(models.Model):
    """The computed commission of one rep under one plan for one period; recomputing replaces it."""

    plan = models.ForeignKey(IncentivePlan, on_delete=models.PROTECT, related_name="statements")
    user = models.ForeignKey(User, verbose_name=_("rep"), on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField(_("period"), max_length=7, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    currency = models.CharField(_("currency"), max_length=3)
    base_total = models.BigIntegerField(_("base"), default=0)
    amount_total = models.BigIntegerField(_("payout"), default=0)
    target_amount = models.BigIntegerField(_("target"), null=True, blank=True)
    attainment_pct = models.DecimalField(
        _("attainment (%)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-period_start", "user", "plan"]
        verbose_name = _("payout statement")
        verbose_name_plural = _("payout statements")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["plan", "user", "period_kind", "period_start"], name="unique_payout_statement"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["user", "period_start"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.plan_id} {self.period_start}"


class PayoutLine(models.Model):
    """One credited sale in a statement: which opportunity or order (line), base, rate and amount."""

    statement = models.ForeignKey(PayoutStatement, on_delete=models.CASCADE, related_name="lines")
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("description"), max_length=250, blank=True, default="")
    category = models.CharField(_("category"), max_length=100, blank=True, default="")
    base = models.BigIntegerField(_("base"))
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    amount = models.BigIntegerField(_("amount (minor units)"))

    class Meta:
        ordering: ClassVar = ["statement", "pk"]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.base} × {self.rate}%"
