"""The demo's targets and incentive plan."""

from __future__ import annotations

import pytest

from inyeon.demo.forecasts import PLAN_NAME, demo_forecasts
from inyeon.demo.people import ensure_users
from inyeon.forecasts.models import IncentivePlan, Target

pytestmark = pytest.mark.django_db


def test_the_demo_sets_this_quarters_targets_and_one_plan_once() -> None:
    users = ensure_users()
    demo_forecasts(users)
    demo_forecasts(users)
    assert Target.objects.filter(user__username__in=["rep1", "rep2"]).count() == 2
    assert Target.objects.filter(team__isnull=False).count() == 3  # Gangnam, Mapo, the region
    plan = IncentivePlan.objects.get(name=PLAN_NAME)
    assert sorted(plan.assignments.values_list("user__username", flat=True)) == ["rep1", "rep2"]
