"""Demo targets for the current quarter (each demo rep, their teams and the region) and one
incentive plan by attainment band with the reps on it. Idempotent: run again, it changes nothing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from inyeon.core.models import User
from inyeon.forecasts.models import IncentivePlan, Target
from inyeon.forecasts.periods import QUARTER, period_containing
from inyeon.forecasts.services import assignment_create, plan_create, target_create

PLAN_NAME = "분기 달성률 커미션 / Quarterly attainment commission"
# Quarterly quotas in KRW: per rep, per team (a little above the rep's), for the region.
REP_TARGET = 300_000_000
TEAM_TARGET = 350_000_000
REGION_TARGET = 800_000_000


def demo_forecasts(users: dict[str, User]) -> None:
    admin = users["admin"]
    period = period_containing(timezone.localdate(), QUARTER)
    reps = [users[name] for name in ("rep1", "rep2") if name in users]
    subjects: list[dict[str, Any]] = [{"user_id": rep.pk, "amount": REP_TARGET} for rep in reps]
    subjects += [{"team_id": rep.team_id, "amount": TEAM_TARGET} for rep in reps if rep.team_id]
    region = users["manager"].team_id if "manager" in users else None
    if region is not None:
        subjects.append({"team_id": region, "amount": REGION_TARGET})
    for subject in subjects:
        who = {"user_id": subject["user_id"]} if "user_id" in subject else {"team_id": subject["team_id"]}
        exists = Target.objects.filter(period_kind=period.kind, period_start=period.start, **who).exists()
        if not exists:
            target_create(data={**subject, "period": period.key, "currency": "KRW"}, actor=admin)
    if IncentivePlan.objects.filter(name=PLAN_NAME).exists():
        return
    plan = plan_create(
        data={
            "name": PLAN_NAME,
            "kind": "attainment",
            "period_kind": "quarter",
            "currency": "KRW",
            "rates": [
                {"from_pct": 0, "rate": "2"},
                {"from_pct": 80, "rate": "4"},
                {"from_pct": 100, "rate": "6"},
            ],
        },
        actor=admin,
    )
    for rep in reps:
        assignment_create(
            plan=plan, data={"user_id": rep.pk, "valid_from": period.start.isoformat()}, actor=admin
        )
