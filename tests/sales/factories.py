"""Opportunities for the sales tests, made through the service (so history and audit exist)."""

from __future__ import annotations

from typing import Any

from inyeon.core.models import User
from inyeon.sales.models import CloseReason, Opportunity, Stage, StageKind
from inyeon.sales.selectors import pipeline_default
from inyeon.sales.services import opportunity_create


def make_opportunity(owner: User, name: str = "ERP 도입", **data: Any) -> Opportunity:
    return opportunity_create(data={"name": name, "amount": 1_000_000, **data}, actor=owner)


def stage(position: int) -> Stage:
    return pipeline_default().stages.get(position=position)


def won_stage() -> Stage:
    return pipeline_default().stages.get(kind=StageKind.WON)


def lost_stage() -> Stage:
    return pipeline_default().stages.get(kind=StageKind.LOST)


def reason(kind: str) -> CloseReason:
    return CloseReason.objects.filter(kind=kind, active=True).order_by("pk").first()  # type: ignore[return-value]


def ensure_default_pipeline() -> None:
    """Transactional tests flush the database afterwards, data migrations included: put the default
    pipeline back (with the migration's own code) when it is missing."""
    import importlib

    from django.apps import apps

    from inyeon.sales.models import Pipeline

    if not Pipeline.objects.exists():
        importlib.import_module("inyeon.sales.migrations.0002_default_pipeline").create(apps, None)
