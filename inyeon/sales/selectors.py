"""Reads of pipelines and opportunities; every opportunity read goes through `visible()`."""

from __future__ import annotations

from django.db.models import QuerySet

from inyeon.core.models import User
from inyeon.core.visibility import visible
from inyeon.sales.models import Opportunity, OpportunityStageChange, Pipeline, Stage, StageKind


def opportunities_visible(user: User, *, single: bool = False) -> QuerySet[Opportunity]:
    return visible(user, Opportunity.objects.all(), record_type="opportunity", single=single)


def opportunity_get(*, user: User, pk: int) -> Opportunity:
    """The opportunity if `user` may see it; `Opportunity.DoesNotExist` otherwise (a 404)."""
    return (
        opportunities_visible(user, single=True)
        .select_related("account", "contact", "owner", "team", "pipeline", "stage", "close_reason")
        .get(pk=pk)
    )


def pipeline_default() -> Pipeline:
    pipeline = Pipeline.objects.filter(is_default=True, active=True).first()
    return pipeline or Pipeline.objects.filter(active=True).order_by("pk").first() or Pipeline.objects.get()


def pipeline_stages(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.order_by("position"))


def first_open_stage(pipeline: Pipeline) -> Stage:
    return (
        pipeline.stages.filter(kind=StageKind.OPEN).order_by("position").first()
        or (pipeline.stages.order_by("position")[0])
    )


def opportunity_history(opportunity: Opportunity) -> QuerySet[OpportunityStageChange]:
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by").order_by(
        "changed_at", "pk"
    )
