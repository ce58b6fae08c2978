"""Scores per customer, the scoring runs that produce them, and the rules they follow."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.customers.choices import LifecycleStage
from inyeon.customers.models import Contact


class ScoringSettings(models.Model):
    """The one set of rules scoring follows (row id 1), edited by an admin."""

    new_within_days = models.PositiveIntegerField(_("new: first purchase within (days)"), default=90)
    churn_after_days = models.PositiveIntegerField(
        _("churned: no purchase for more than (days)"), default=365
    )
    churn_p_alive_below = models.FloatField(_("churned: P(alive) below"), default=0.2)
    core_tiers = models.CharField(_("core: value tiers"), max_length=20, default="A")
    core_min_frequency_score = models.PositiveSmallIntegerField(
        _("core: frequency score at least"), default=4
    )
    tier_a_share = models.FloatField(_("tier A: top share of customers"), default=0.2)
    tier_b_share = models.FloatField(_("tier B: top share of customers (cumulative)"), default=0.5)
    referral_share = models.FloatField(_("share of referred customers' CLV in equity"), default=0.1)
    annual_discount_rate = models.FloatField(_("annual discount rate"), default=0.1)
    segment_map = models.JSONField(_("RFM segment map"), null=True, blank=True)
    schedule_hour = models.PositiveSmallIntegerField(
        _("daily scoring at (hour, local time)"), null=True, blank=True, default=3
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("scoring settings")

    def __str__(self) -> str:
        return "scoring settings"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScoringRun(models.Model):
    """One scoring of the whole customer base: its progress, fitted models and a segment snapshot."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    as_of = models.DateField(_("as of"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=20, default="manual")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=20, blank=True, default="")
    customers = models.PositiveIntegerField(default=0)
    buyers = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    stage_changes = models.PositiveIntegerField(default=0)
    model_version = models.CharField(max_length=40, blank=True, default="")
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    snapshot = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["-id"]
        verbose_name = _("scoring run")

    def __str__(self) -> str:
        return f"scoring run #{self.pk}"


class CustomerScore(models.Model):
    """The latest scores of one contact. Rows are rewritten only when a value changes."""

    contact = models.OneToOneField(Contact, primary_key=True, on_delete=models.CASCADE, related_name="score")
    recency_days = models.IntegerField(_("recency (days)"), default=0)
    frequency = models.IntegerField(_("frequency (orders)"), default=0)
    monetary = models.BigIntegerField(_("monetary (minor units)"), default=0)
    r_score = models.PositiveSmallIntegerField(_("R score"), default=0)
    f_score = models.PositiveSmallIntegerField(_("F score"), default=0)
    m_score = models.PositiveSmallIntegerField(_("M score"), default=0)
    segment = models.CharField(_("RFM segment"), max_length=30, blank=True, default="")
    previous_segment = models.CharField(_("previous segment"), max_length=30, blank=True, default="")
    value_tier = models.CharField(_("value tier"), max_length=4, blank=True, default="")
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=10, choices=LifecycleStage.choices, default=LifecycleStage.PROSPECT
    )
    p_alive = models.FloatField(_("P(alive)"), default=0.0)
    expected_purchases_90d = models.FloatField(_("expected purchases in 90 days"), default=0.0)
    clv_12m = models.BigIntegerField(_("12-month CLV (minor units)"), default=0)
    customer_equity = models.BigIntegerField(_("customer equity (minor units)"), default=0)
    model_version = models.CharField(max_length=40, blank=True, default="")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer score")
        indexes: ClassVar = [
            models.Index(fields=["segment", "clv_12m", "contact"]),
            models.Index(fields=["value_tier", "contact"]),
            models.Index(fields=["r_score", "f_score"]),
            models.Index(fields=["clv_12m", "contact"]),
            models.Index(fields=["customer_equity", "contact"]),
            models.Index(fields=["p_alive", "contact"]),
            models.Index(fields=["monetary", "contact"]),
            models.Index(fields=["expected_purchases_90d", "contact"]),
        ]

    def __str__(self) -> str:
        return f"scores of contact {self.contact_id}"
