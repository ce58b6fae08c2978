"""Writes of opportunities. Every write checks the actor, validates every field at once, is atomic
and audited; stage moves are checked against the pipeline's declared transitions elsewhere in this
module as it grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, snapshot
from inyeon.core.models import User
from inyeon.customers.models import Account, Contact
from inyeon.customers.services import require_writer, resolve_owner, visible_record
from inyeon.customers.validation import Errors, clean_choice, clean_currency, clean_int, clean_text
from inyeon.sales.models import (
    ForecastCategory,
    Opportunity,
    OpportunityStageChange,
    Pipeline,
    Stage,
    StageKind,
)
from inyeon.sales.selectors import first_open_stage, pipeline_default

OPPORTUNITY_AUDIT_FIELDS = (
    "name",
    "account",
    "contact",
    "pipeline",
    "stage",
    "amount",
    "currency",
    "close_date",
    "probability",
    "forecast_category",
    "status",
    "close_reason",
    "source",
    "description",
    "owner",
    "team",
)


def clean_close_date(data: Mapping[str, Any], field: str, errors: Errors) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace(".", "-").replace("/", "-"))
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def _pipeline_and_stage(data: Mapping[str, Any], errors: Errors) -> tuple[Pipeline | None, Stage | None]:
    pipeline: Pipeline | None = None
    pipeline_id = clean_int(data, "pipeline_id", errors)
    if pipeline_id is not None:
        pipeline = Pipeline.objects.filter(pk=pipeline_id, active=True).first()
        if pipeline is None:
            errors.add("pipeline_id", _("No such pipeline."))
            return None, None
    else:
        pipeline = pipeline_default()
    stage_id = clean_int(data, "stage_id", errors)
    if stage_id is None:
        return pipeline, first_open_stage(pipeline)
    stage = pipeline.stages.filter(pk=stage_id).first()
    if stage is None:
        errors.add("stage_id", _("This stage is not in the opportunity's pipeline."))
    elif stage.kind != StageKind.OPEN:
        errors.add("stage_id", _("A new opportunity starts in an open stage."))
    return pipeline, stage


def opportunity_create(*, data: Mapping[str, Any], actor: User, ip: str | None = None) -> Opportunity:
    """A new open opportunity: in the given (or default) pipeline, at the given (or first) stage."""
    require_writer(actor)
    errors = Errors()
    name = clean_text({"name": data.get("name")}, "name", errors, max_length=200, required=True)
    account = visible_record(Account, "account", data.get("account_id"), actor, "account_id", errors)
    contact = visible_record(Contact, "contact", data.get("contact_id"), actor, "contact_id", errors)
    pipeline, stage = _pipeline_and_stage(data, errors)
    amount = clean_int(data, "amount", errors, minimum=0) or 0
    currency = clean_currency(str(data.get("currency") or "KRW"), "currency", errors)
    close_date = clean_close_date(data, "close_date", errors)
    probability = clean_int(data, "probability", errors, minimum=0)
    if probability is not None and probability > 100:
        errors.add("probability", _("The value must be at most %(n)d.") % {"n": 100})
    category = clean_choice(
        {"forecast_category": data.get("forecast_category") or ForecastCategory.PIPELINE},
        "forecast_category",
        errors,
        [c for c in ForecastCategory.values if c != ForecastCategory.CLOSED],
        allow_blank=False,
    )
    source = clean_text(data, "source", errors, max_length=60) or ""
    description = clean_text(data, "description", errors, max_length=10_000) or ""
    owner = resolve_owner(data, actor, errors) or actor
    errors.raise_if_any()
    assert pipeline is not None and stage is not None and name
    with transaction.atomic():
        opportunity = Opportunity.objects.create(
            name=name,
            account=account or (contact.account if contact is not None else None),
            contact=contact,
            pipeline=pipeline,
            stage=stage,
            amount=amount,
            currency=currency,
            close_date=close_date,
            probability=stage.probability if probability is None else probability,
            forecast_category=category or ForecastCategory.PIPELINE,
            source=source,
            description=description,
            owner=owner,
            team=owner.team,
        )
        OpportunityStageChange.objects.create(
            opportunity=opportunity, from_stage=None, to_stage=stage, changed_by=actor
        )
        audit(
            actor=actor,
            action="create",
            entity="opportunity",
            entity_id=opportunity.pk,
            ip=ip,
            changes={
                k: [None, v]
                for k, v in snapshot(opportunity, OPPORTUNITY_AUDIT_FIELDS).items()
                if v not in ("", None)
            },
        )
    return opportunity
