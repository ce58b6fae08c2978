"""Every write of the analytics context: scoring settings, scoring runs and the scores themselves."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inyeon.analytics import reader, snapshot, writer
from inyeon.analytics.models import RunStatus, ScoringRun, ScoringSettings
from inyeon.analytics.stats import rfm
from inyeon.analytics.stats.lifecycle import LifecycleRules
from inyeon.analytics.stats.scoring import ScoringConfig, score_customers
from inyeon.analytics.stats.summaries import base_summary
from inyeon.core.audit import audit, diff
from inyeon.core.audit import snapshot as record_snapshot
from inyeon.core.models import User
from inyeon.core.visibility import can_run_scoring, is_admin

log = logging.getLogger(__name__)

SETTING_FIELDS = (
    "new_within_days",
    "churn_after_days",
    "churn_p_alive_below",
    "core_tiers",
    "core_min_frequency_score",
    "tier_a_share",
    "tier_b_share",
    "referral_share",
    "annual_discount_rate",
    "segment_map",
    "schedule_hour",
)


def scoring_settings() -> ScoringSettings:
    settings_row, _created = ScoringSettings.objects.get_or_create(pk=1)
    return settings_row


def _validate_settings(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}

    def share(name: str) -> None:
        value = values.get(name)
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            errors[name] = [_("Enter a number between 0 and 1.")]

    for name in ("churn_p_alive_below", "referral_share", "annual_discount_rate"):
        share(name)
    for name in ("tier_a_share", "tier_b_share"):
        value = values.get(name)
        if not isinstance(value, int | float) or not 0 < value < 1:
            errors[name] = [_("Enter a share greater than 0 and less than 1.")]
    if (
        "tier_a_share" not in errors
        and "tier_b_share" not in errors
        and values["tier_b_share"] <= values["tier_a_share"]
    ):
        errors["tier_b_share"] = [_("Tier B must reach further than tier A.")]
    for name in ("new_within_days", "churn_after_days"):
        value = values.get(name)
        if not isinstance(value, int) or not 0 <= value <= 36500:
            errors[name] = [_("Enter a whole number of days between 0 and 36500.")]
    score = values.get("core_min_frequency_score")
    if not isinstance(score, int) or not 1 <= score <= 5:
        errors["core_min_frequency_score"] = [_("Enter a score from 1 to 5.")]
    tiers = str(values.get("core_tiers", ""))
    if not tiers or any(t.strip() not in {"A", "B", "C"} for t in tiers.split(",")):
        errors["core_tiers"] = [_("List tiers from A, B and C, separated by commas.")]
    hour = values.get("schedule_hour")
    if hour is not None and (not isinstance(hour, int) or not 0 <= hour <= 23):
        errors["schedule_hour"] = [
            _("Enter an hour from 0 to 23, or leave it empty to turn the schedule off.")
        ]
    segment_map = values.get("segment_map")
    if segment_map is not None:
        try:
            rfm.validate_segment_map(segment_map)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            errors["segment_map"] = [_("The segment map is not valid: %(reason)s") % {"reason": exc}]
    if errors:
        raise ValidationError(errors)


def scoring_settings_update(*, actor: User, data: Mapping[str, Any]) -> ScoringSettings:
    """Change the scoring rules (admins only); validates every field first, then writes once."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only an administrator can change the scoring rules."))
    row = scoring_settings()
    values = {name: data.get(name, getattr(row, name)) for name in SETTING_FIELDS}
    _validate_settings(values)
    before = record_snapshot(row, SETTING_FIELDS)
    with transaction.atomic():
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save()
        audit(
            actor=actor,
            action="update",
            entity="scoring_settings",
            entity_id=row.pk,
            changes=diff(before, record_snapshot(row, SETTING_FIELDS)),
        )
    return row


def scoring_config(row: ScoringSettings) -> ScoringConfig:
    return ScoringConfig(
        rules=LifecycleRules(
            new_within_days=row.new_within_days,
            churn_p_alive_below=row.churn_p_alive_below,
            churn_after_days=row.churn_after_days,
            core_tiers=tuple(t.strip() for t in row.core_tiers.split(",") if t.strip()),
            core_min_frequency_score=row.core_min_frequency_score,
        ),
        tiers=(("A", row.tier_a_share), ("B", row.tier_b_share), ("C", 1.0)),
        referral_share=row.referral_share,
        annual_discount_rate=row.annual_discount_rate,
        segment_map=row.segment_map or None,
    )


def scoring_request(
    *, actor: User | None, trigger: str = "manual", as_of: dt.date | None = None
) -> ScoringRun:
    """Queue a scoring run of the whole base (returns it at once; the worker does the work)."""
    if actor is not None and not can_run_scoring(actor):
        raise PermissionDenied(_("Your role cannot start a scoring run."))
    from inyeon.analytics.tasks import score_customers_task

    run = ScoringRun.objects.create(
        as_of=as_of or timezone.localdate(), requested_by=actor, trigger=trigger, status=RunStatus.QUEUED
    )
    audit(
        actor=actor,
        action="create",
        entity="scoring_run",
        entity_id=run.pk,
        changes={"trigger": [None, trigger]},
    )
    transaction.on_commit(lambda: score_customers_task.enqueue(run.pk))
    return run


ProgressCallback = Callable[[int, str], None]


def scoring_execute(run: ScoringRun, on_progress: ProgressCallback | None = None) -> ScoringRun:
    """Score every contact as of `run.as_of` and write the results in one transaction.

    Progress (0-100 and the step) is saved on the run as it goes, so the UI and the API can show it.
    """

    def _progress(run: ScoringRun, progress: int, step: str, **extra: Any) -> None:
        ScoringRun.objects.filter(pk=run.pk).update(progress=progress, step=step, **extra)
        run.progress, run.step = progress, step
        if on_progress is not None:
            on_progress(progress, step)

    started = timezone.now()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    _progress(run, 1, "reading", status=RunStatus.RUNNING, started_at=started)
    try:
        config = scoring_config(scoring_settings())
        contact_id, referred_by, current_stage = reader.read_contacts()
        lap("read_contacts")
        _progress(run, 10, "reading")
        order_contact, order_day, order_amount = reader.read_orders(run.as_of)
        lap("read_orders")
        _progress(run, 35, "fitting")
        scores = score_customers(
            contact_id=contact_id,
            referred_by=referred_by,
            order_contact=order_contact,
            order_day=order_day,
            order_amount=order_amount,
            as_of_day=reader.day_number(run.as_of),
            config=config,
        )
        del order_contact, order_day, order_amount
        lap("score")
        _progress(run, 60, "writing")
        segment_keys = sorted(config.segment_map or rfm.load_segment_map())
        codes = np.array([segment_keys.index(s) if s else -1 for s in scores.segment.tolist()], dtype=np.int8)
        with transaction.atomic():
            changed, stage_changes = writer.write_scores(
                scores,
                current_stage=current_stage,
                now=timezone.now(),
                reason=_run_reason(run),
                timings=timings,
            )
            summary = {
                "params": scores.params,
                "notes": scores.notes,
                "segments": segment_keys,
                "timings": timings,
                "all": base_summary(
                    r_score=scores.r_score,
                    f_score=scores.f_score,
                    monetary=scores.monetary,
                    clv=scores.clv,
                    stage=scores.lifecycle_stage,
                    segment=scores.segment,
                ),
            }
            ScoringRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE,
                progress=100,
                step="done",
                finished_at=timezone.now(),
                customers=int(contact_id.size),
                buyers=scores.buyers,
                rows_changed=changed,
                stage_changes=stage_changes,
                model_version=scores.model_version,
                summary=json.loads(json.dumps(summary)),
                snapshot=snapshot.pack(contact_id, codes),
            )
            if on_progress is not None:
                on_progress(100, "done")
            audit(
                actor=None,
                action="update",
                entity="customer_scores",
                entity_id=f"run {run.pk}",
                changes={"rows_changed": [None, changed], "stage_changes": [None, stage_changes]},
            )
    except Exception as exc:
        log.exception("scoring run %s failed", run.pk)
        ScoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


def _run_reason(run: ScoringRun) -> str:
    return f"scoring run #{run.pk} as of {run.as_of.isoformat()}"
