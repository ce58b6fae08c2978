"""The demo's opportunities: a few hundred across stages, owners and close dates, with history."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from inyeon.sales.models import Opportunity, OpportunityStageChange, StageKind


@pytest.mark.django_db
def test_the_demo_fills_the_board_and_resets_cleanly() -> None:
    args = ["demo", "--contacts", "100", "--accounts", "20", "--seed", "5", "--quiet", "--no-scoring"]
    call_command(*args)
    opps = Opportunity.objects.all()
    assert opps.count() >= 300
    assert set(opps.values_list("status", flat=True)) == {StageKind.OPEN, StageKind.WON, StageKind.LOST}
    assert opps.values("stage").distinct().count() == 6
    assert opps.values("owner").distinct().count() >= 3
    assert not opps.filter(status=StageKind.WON, close_reason__isnull=True).exists()
    moved = OpportunityStageChange.objects.filter(from_stage__isnull=False)
    assert (
        moved.exists()
        and OpportunityStageChange.objects.filter(from_stage__isnull=True).count() == opps.count()
    )
    call_command(*args, "--reset")  # opportunities point at accounts: the reset deletes them first
    assert Opportunity.objects.count() == opps.count()
