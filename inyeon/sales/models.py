"""Pipelines, their stages and allowed moves, and the opportunities that travel through them.

Stages and transitions are data: an admin shapes a pipeline, the service checks every move
against it, and each move leaves a history row.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inyeon.core.models import OwnedRecord, User
from inyeon.customers.models import Account, Contact


class StageKind(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("pipeline")
    BEST_CASE = "best_case", _("best case")
    COMMIT = "commit", _("commit")
    OMITTED = "omitted", _("omitted")
    CLOSED = "closed", _("closed")


class Pipeline(models.Model):
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True, default="")
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name_ko


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True, default="")
    position = models.PositiveSmallIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    kind = models.CharField(_("kind"), max_length=4, choices=StageKind.choices, default=StageKind.OPEN)

    class Meta:
        ordering: ClassVar = ["pipeline", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="unique_stage_position"),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="stage_probability_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name_ko


class StageTransition(models.Model):
    """A move the pipeline allows, from one stage to another."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["from_stage", "to_stage"], name="unique_stage_transition")
        ]

    def __str__(self) -> str:
        return f"{self.from_stage_id} -> {self.to_stage_id}"


class CloseReason(models.Model):
    """Why deals are won or lost, chosen from a list an admin keeps."""

    kind = models.CharField(_("kind"), max_length=4, choices=StageKind.choices)
    label_ko = models.CharField(_("label (Korean)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["kind", "pk"]

    def __str__(self) -> str:
        return self.label_ko


class Opportunity(OwnedRecord):
    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    # (pipeline, stage, status) below serves the pipeline column too.
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, db_index=False
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("amount (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    status = models.CharField(_("status"), max_length=4, choices=StageKind.choices, default=StageKind.OPEN)
    close_reason = models.ForeignKey(
        CloseReason, verbose_name=_("reason"), null=True, blank=True, on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes: ClassVar = [
            models.Index(fields=["owner", "status", "close_date", "id"]),
            models.Index(fields=["team", "status", "close_date", "id"]),
            models.Index(fields=["status", "close_date", "id"]),
            # Closed deals by when they closed: the forecast, win rate and cycle time read these.
            models.Index(fields=["status", "closed_at"]),
            models.Index(fields=["pipeline", "stage", "status"]),
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityStageChange(models.Model):
    """One move of an opportunity between stages (the first row has no `from_stage`)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["opportunity", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} -> {self.to_stage_id}"
