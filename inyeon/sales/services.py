"""Writes of opportunities and pipelines. Every write checks the actor, validates every field at once,
is atomic and audited; stage moves are checked against the pipeline's declared transitions and leave
one history row each; edits and moves take the row lock and refuse a stale `expected_version`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.core.audit import audit, created_changes, diff, snapshot
from inyeon.core.models import User
from inyeon.core.visibility import can_manage_pipelines
from inyeon.customers.models import Account, Contact
from inyeon.customers.services import check_version, require_writer, resolve_owner, visible_record
from inyeon.customers.validation import Errors, clean_choice, clean_currency, clean_int, clean_text
from inyeon.sales.models import (
    CloseReason,
    ForecastCategory,
    Opportunity,
    OpportunityStageChange,
    Pipeline,
    Stage,
    StageKind,
    StageTransition,
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
            changes=created_changes(opportunity, OPPORTUNITY_AUDIT_FIELDS),
        )
    return opportunity


# --- editing ------------------------------------------------------------------------------------

# Fields a PATCH may change. The stage changes only through `opportunity_move`; the pipeline not at all
# (a deal moves between pipelines by being closed and created anew).
MOVE_ONLY_FIELDS = ("pipeline_id", "stage_id", "status", "close_reason_id", "closed_at")


def _clean_update(
    data: Mapping[str, Any], actor: User, opportunity: Opportunity, errors: Errors
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in MOVE_ONLY_FIELDS:
        if key in data:
            errors.add(key, _("Change the stage with a move, not an edit."))
    if "name" in data:
        fields["name"] = clean_text(data, "name", errors, max_length=200, required=True)
    if "account_id" in data:
        fields["account"] = visible_record(
            Account, "account", data["account_id"], actor, "account_id", errors
        )
    if "contact_id" in data:
        fields["contact"] = visible_record(
            Contact, "contact", data["contact_id"], actor, "contact_id", errors
        )
    if "amount" in data:
        fields["amount"] = clean_int(data, "amount", errors, minimum=0) or 0
    if "currency" in data:
        fields["currency"] = clean_currency(str(data.get("currency") or "KRW"), "currency", errors)
    if "close_date" in data:
        fields["close_date"] = clean_close_date(data, "close_date", errors)
    if "probability" in data:
        probability = clean_int(data, "probability", errors, minimum=0)
        if probability is not None and probability > 100:
            errors.add("probability", _("The value must be at most %(n)d.") % {"n": 100})
        fields["probability"] = opportunity.stage.probability if probability is None else probability
    if "forecast_category" in data:
        closed = opportunity.status != StageKind.OPEN
        allowed = [ForecastCategory.CLOSED.value] if closed else _open_categories()
        fields["forecast_category"] = clean_choice(
            data, "forecast_category", errors, allowed, allow_blank=False
        )
    for key, max_length in (("source", 60), ("description", 10_000)):
        if key in data:
            fields[key] = clean_text(data, key, errors, max_length=max_length) or ""
    owner = resolve_owner(data, actor, errors)
    if owner is not None:
        fields["owner"] = owner
        fields["team"] = owner.team
    return fields


def _open_categories() -> list[str]:
    return [c for c in ForecastCategory.values if c != ForecastCategory.CLOSED]


def _locked(opportunity: Opportunity, expected_version: int | None) -> Opportunity:
    # No joins in the locking read: on PostgreSQL a row that a concurrent writer moved to another
    # stage would be re-checked against the old stage row after the lock wait, fail the join and
    # vanish (DoesNotExist) instead of reaching the version check below.
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    check_version(locked, expected_version)
    return locked


def opportunity_update(
    *,
    opportunity: Opportunity,
    data: Mapping[str, Any],
    actor: User,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Opportunity:
    """Change the fields present in `data` (PATCH); a stale `expected_version` raises ConflictError."""
    require_writer(actor)
    errors = Errors()
    fields = _clean_update(data, actor, opportunity, errors)
    errors.raise_if_any()
    with transaction.atomic():
        locked = _locked(opportunity, expected_version)
        before = snapshot(locked, OPPORTUNITY_AUDIT_FIELDS)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        audit(
            actor=actor,
            action="update",
            entity="opportunity",
            entity_id=locked.pk,
            changes=diff(before, snapshot(locked, OPPORTUNITY_AUDIT_FIELDS)),
            ip=ip,
        )
    return locked


def opportunity_move(
    *,
    opportunity: Opportunity,
    stage_id: Any,
    actor: User,
    close_reason_id: Any = None,
    probability: Any = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Opportunity:
    """Move to another stage of the opportunity's pipeline, if the pipeline declares that move.

    The probability follows the stage unless given. A won or lost stage needs a close reason of that
    kind and closes the deal (status, closed_at, forecast category "closed"); moving back to an open
    stage reopens it and clears them. One history row per move.
    """
    require_writer(actor)
    errors = Errors()
    target_id = clean_int({"stage_id": stage_id}, "stage_id", errors)
    override = clean_int({"probability": probability}, "probability", errors, minimum=0)
    if override is not None and override > 100:
        errors.add("probability", _("The value must be at most %(n)d.") % {"n": 100})
    reason_id = clean_int({"close_reason_id": close_reason_id}, "close_reason_id", errors)
    if target_id is None and "stage_id" not in errors.by_field:
        errors.add("stage_id", _("This field is required."))
    errors.raise_if_any()
    assert target_id is not None
    with transaction.atomic():
        locked = _locked(opportunity, expected_version)
        target = locked.pipeline.stages.filter(pk=target_id).first()
        if target is None:
            raise ValidationError({"stage_id": [_("This stage is not in the opportunity's pipeline.")]})
        current = locked.stage
        if target.pk == current.pk:
            raise ValidationError(
                {"stage_id": [_("The opportunity is already in “%(stage)s”.") % {"stage": target.name_ko}]}
            )
        if not StageTransition.objects.filter(from_stage=current, to_stage=target).exists():
            raise ValidationError(
                {
                    "stage_id": [
                        _("The pipeline does not allow a move from “%(from)s” to “%(to)s”.")
                        % {"from": stage_label(current), "to": stage_label(target)}
                    ]
                }
            )
        reason: CloseReason | None = None
        if target.kind != StageKind.OPEN:
            if reason_id is None:
                raise ValidationError(
                    {
                        "close_reason_id": [
                            _("Choose why the deal was %(kind)s.") % {"kind": target.get_kind_display()}
                        ]
                    }
                )
            reason = CloseReason.objects.filter(pk=reason_id, kind=target.kind, active=True).first()
            if reason is None:
                raise ValidationError(
                    {
                        "close_reason_id": [
                            _("Choose a reason for a %(kind)s deal from the list.")
                            % {"kind": target.get_kind_display()}
                        ]
                    }
                )
        before = snapshot(locked, OPPORTUNITY_AUDIT_FIELDS)
        now = timezone.now()
        locked.stage = target
        locked.probability = target.probability if override is None else override
        if target.kind == StageKind.OPEN:
            if locked.status != StageKind.OPEN:
                locked.forecast_category = ForecastCategory.PIPELINE
            locked.status = StageKind.OPEN
            locked.close_reason = None
            locked.closed_at = None
        else:
            locked.status = target.kind
            locked.close_reason = reason
            locked.closed_at = now
            locked.forecast_category = ForecastCategory.CLOSED
        locked.version += 1
        locked.updated_at = now
        locked.save()
        OpportunityStageChange.objects.create(
            opportunity=locked, from_stage=current, to_stage=target, changed_by=actor, changed_at=now
        )
        audit(
            actor=actor,
            action="move",
            entity="opportunity",
            entity_id=locked.pk,
            changes=diff(before, snapshot(locked, OPPORTUNITY_AUDIT_FIELDS)),
            ip=ip,
        )
    return locked


def stage_label(stage: Stage) -> str:
    from django.utils.translation import get_language

    if (get_language() or "ko").startswith("en") and stage.name_en:
        return stage.name_en
    return stage.name_ko


def opportunity_delete(
    *, opportunity: Opportunity, actor: User, expected_version: int | None = None, ip: str | None = None
) -> None:
    require_writer(actor)
    with transaction.atomic():
        locked = _locked(opportunity, expected_version)
        before = snapshot(locked, OPPORTUNITY_AUDIT_FIELDS)
        pk = locked.pk
        locked.delete()
        audit(
            actor=actor,
            action="delete",
            entity="opportunity",
            entity_id=pk,
            changes={k: [v, None] for k, v in before.items()},
            ip=ip,
        )


# --- shaping pipelines (admins) -------------------------------------------------------------------


def require_pipeline_admin(actor: User) -> None:
    if not can_manage_pipelines(actor):
        raise PermissionDenied(_("Only administrators may change pipelines."))


def _clean_stages(raw: Any, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple) or not raw:
        errors.add("stages", _("A pipeline needs at least one open, one won and one lost stage."))
        return []
    out: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        sub = Errors()
        if not isinstance(item, Mapping):
            errors.add(f"stages[{i}]", _("Enter a stage object."))
            continue
        row: dict[str, Any] = {
            "id": clean_int(item, "id", sub),
            "name_ko": clean_text(
                {"name_ko": item.get("name_ko")}, "name_ko", sub, max_length=100, required=True
            ),
            "name_en": clean_text(item, "name_en", sub, max_length=100) or "",
            "position": clean_int({"position": item.get("position")}, "position", sub, minimum=1),
            "probability": clean_int({"probability": item.get("probability")}, "probability", sub, minimum=0),
            "kind": clean_choice({"kind": item.get("kind") or "open"}, "kind", sub, StageKind.values),
        }
        if row["position"] is None and "position" not in sub.by_field:
            sub.add("position", _("This field is required."))
        if row["probability"] is None and "probability" not in sub.by_field:
            sub.add("probability", _("This field is required."))
        if row["probability"] is not None and row["probability"] > 100:
            sub.add("probability", _("The value must be at most %(n)d.") % {"n": 100})
        if row["position"] is not None and row["position"] > 1000:
            sub.add("position", _("The value must be at most %(n)d.") % {"n": 1000})
        for field, messages in sub.by_field.items():
            for message in messages:
                errors.add(f"stages[{i}].{field}", message)
        out.append(row)
    positions = [r["position"] for r in out if r["position"] is not None]
    if len(positions) != len(set(positions)):
        errors.add("stages", _("Each stage needs its own position."))
    kinds = [r["kind"] for r in out]
    if kinds.count(StageKind.WON) != 1:
        errors.add("stages", _("A pipeline has exactly one won stage."))
    if kinds.count(StageKind.LOST) < 1:
        errors.add("stages", _("A pipeline has at least one lost stage."))
    if kinds.count(StageKind.OPEN) < 1:
        errors.add("stages", _("A pipeline has at least one open stage."))
    return out


def _clean_transitions(raw: Any, positions: set[int], errors: Errors) -> list[tuple[int, int]]:
    """Transitions name stages by position: new stages have no id yet."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors.add("transitions", _("Enter a list of [from position, to position] pairs."))
        return []
    out: list[tuple[int, int]] = []
    for i, pair in enumerate(raw):
        try:
            a, b = (int(v) for v in pair)
        except (TypeError, ValueError):
            errors.add(f"transitions[{i}]", _("Enter a list of [from position, to position] pairs."))
            continue
        if a not in positions or b not in positions:
            errors.add(f"transitions[{i}]", _("Both positions must be stages of this pipeline."))
        elif a == b:
            errors.add(f"transitions[{i}]", _("A stage cannot move to itself."))
        else:
            out.append((a, b))
    return list(dict.fromkeys(out))


def pipeline_save(
    *, pipeline: Pipeline | None, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> Pipeline:
    """Create (`pipeline=None`) or replace the shape of a pipeline: names, stages and moves.

    `data["stages"]` lists every stage (`id` for existing ones; an existing stage left out is deleted,
    refused while opportunities or their history use it); `data["transitions"]` lists the allowed
    moves as `[from position, to position]` pairs and replaces the old ones.
    """
    require_pipeline_admin(actor)
    errors = Errors()
    name_ko = clean_text({"name_ko": data.get("name_ko")}, "name_ko", errors, max_length=100, required=True)
    name_en = clean_text(data, "name_en", errors, max_length=100) or ""
    stages = _clean_stages(data.get("stages"), errors)
    positions = {r["position"] for r in stages if r["position"] is not None}
    transitions = _clean_transitions(data.get("transitions"), positions, errors)
    existing = {s.pk: s for s in pipeline.stages.all()} if pipeline is not None else {}
    kept_ids = {r["id"] for r in stages if r["id"] is not None}
    for i, row in enumerate(stages):
        if row["id"] is not None and row["id"] not in existing:
            errors.add(f"stages[{i}].id", _("This stage is not in the pipeline."))
    removed = [s for pk, s in existing.items() if pk not in kept_ids]
    if removed:
        in_use = dict(
            Opportunity.objects.filter(stage__in=removed)
            .values_list("stage")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("stage", "n")
        )
        historic = set(
            OpportunityStageChange.objects.filter(to_stage__in=removed).values_list("to_stage", flat=True)
        ) | set(
            OpportunityStageChange.objects.filter(from_stage__in=removed).values_list("from_stage", flat=True)
        )
        for stage in removed:
            if in_use.get(stage.pk) or stage.pk in historic:
                errors.add(
                    "stages",
                    _("The stage “%(stage)s” is in use by opportunities and cannot be deleted.")
                    % {"stage": stage.name_ko},
                )
    errors.raise_if_any()
    with transaction.atomic():
        if pipeline is None:
            pipeline = Pipeline.objects.create(name_ko=name_ko or "", name_en=name_en)
            before: dict[str, Any] = {}
            action = "create"
        else:
            pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
            before = _pipeline_shape(pipeline)
            action = "update"
        pipeline.name_ko, pipeline.name_en = name_ko or "", name_en
        if "active" in data:
            pipeline.active = bool(data["active"])
        if "is_default" in data:
            pipeline.is_default = bool(data["is_default"])
        if pipeline.is_default:
            Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
        pipeline.save()
        StageTransition.objects.filter(pipeline=pipeline).delete()
        Stage.objects.filter(pk__in=[s.pk for s in removed]).delete()
        # Move kept stages out of the way first: the unique (pipeline, position) would trip mid-reorder.
        for stage in existing.values():
            if stage.pk in kept_ids:
                Stage.objects.filter(pk=stage.pk).update(position=stage.position + 10_000)
        by_position: dict[int, Stage] = {}
        for row in stages:
            values = {k: row[k] for k in ("name_ko", "name_en", "position", "probability", "kind")}
            if row["id"] is not None:
                Stage.objects.filter(pk=row["id"]).update(**values)
                by_position[row["position"]] = Stage(pk=row["id"], pipeline=pipeline, **values)
            else:
                by_position[row["position"]] = Stage.objects.create(pipeline=pipeline, **values)
        StageTransition.objects.bulk_create(
            StageTransition(pipeline=pipeline, from_stage=by_position[a], to_stage=by_position[b])
            for a, b in transitions
        )
        audit(
            actor=actor,
            action=action,
            entity="pipeline",
            entity_id=pipeline.pk,
            changes=diff(before, _pipeline_shape(pipeline)),
            ip=ip,
        )
    return pipeline


def _pipeline_shape(pipeline: Pipeline) -> dict[str, Any]:
    stages = list(pipeline.stages.order_by("position"))
    names = {s.pk: s.position for s in stages}
    return {
        "name_ko": pipeline.name_ko,
        "name_en": pipeline.name_en,
        "active": pipeline.active,
        "is_default": pipeline.is_default,
        "stages": [[s.position, s.name_ko, s.name_en, s.probability, s.kind] for s in stages],
        "transitions": sorted(
            [names.get(a), names.get(b)]
            for a, b in StageTransition.objects.filter(pipeline=pipeline).values_list(
                "from_stage", "to_stage"
            )
        ),
    }


def close_reason_save(
    *, reason: CloseReason | None, data: Mapping[str, Any], actor: User, ip: str | None = None
) -> CloseReason:
    """Create or edit a won/lost reason. Reasons are retired (`active=False`), never deleted: closed
    deals keep naming them."""
    require_pipeline_admin(actor)
    errors = Errors()
    kind = clean_choice(
        {"kind": data.get("kind", reason.kind if reason else None)},
        "kind",
        errors,
        [StageKind.WON.value, StageKind.LOST.value],
        allow_blank=False,
    )
    label_ko = clean_text(
        {"label_ko": data.get("label_ko", reason.label_ko if reason else None)},
        "label_ko",
        errors,
        max_length=100,
        required=True,
    )
    label_en = clean_text(data, "label_en", errors, max_length=100)
    if (
        reason is not None
        and kind != reason.kind
        and Opportunity.objects.filter(close_reason=reason).exists()
    ):
        errors.add("kind", _("Closed deals use this reason; its kind cannot change."))
    errors.raise_if_any()
    with transaction.atomic():
        before = snapshot(reason, ("kind", "label_ko", "label_en", "active")) if reason else {}
        if reason is None:
            reason = CloseReason(kind=kind or "")
        reason.kind = kind or reason.kind
        reason.label_ko = label_ko or ""
        if label_en is not None:
            reason.label_en = label_en
        if "active" in data:
            reason.active = bool(data["active"])
        reason.save()
        audit(
            actor=actor,
            action="update" if before else "create",
            entity="close_reason",
            entity_id=reason.pk,
            changes=diff(before, snapshot(reason, ("kind", "label_ko", "label_en", "active"))),
            ip=ip,
        )
    return reason
