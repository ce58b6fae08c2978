"""The opportunity skeleton: creation in the default pipeline, validation, visibility."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.sales.models import Opportunity, StageKind
from inyeon.sales.selectors import opportunities_visible, opportunity_get, pipeline_default
from inyeon.sales.services import opportunity_create
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_the_default_pipeline_has_ordered_stages_and_declared_moves() -> None:
    pipeline = pipeline_default()
    kinds = [s.kind for s in pipeline.stages.order_by("position")]
    assert kinds[0] == StageKind.OPEN and kinds[-2:] == [StageKind.WON, StageKind.LOST]
    assert pipeline.transitions.count() > 0


def test_a_rep_creates_an_opportunity_at_the_first_stage_with_history_and_audit(people: Personas) -> None:
    opp = opportunity_create(data={"name": "ERP 도입", "amount": 5_000_000}, actor=people.alice)
    assert opp.owner == people.alice and opp.team == people.gangnam
    assert opp.stage.position == 1 and opp.probability == opp.stage.probability
    assert list(opp.stage_changes.values_list("from_stage", "to_stage")) == [(None, opp.stage_id)]
    assert AuditLog.objects.filter(entity="opportunity", entity_id=str(opp.pk), action="create").exists()


def test_bad_input_names_every_field_and_writes_nothing(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        opportunity_create(
            data={"name": "", "amount": -1, "currency": "ZZZ", "close_date": "soon", "probability": 120},
            actor=people.alice,
        )
    assert set(exc.value.message_dict) == {"name", "amount", "currency", "close_date", "probability"}
    assert not Opportunity.objects.exists()


def test_another_teams_account_cannot_be_used_and_read_only_cannot_create(people: Personas) -> None:
    from inyeon.customers.services import account_create

    busan_account = account_create(data={"name": "부산상사"}, actor=people.oscar)
    with pytest.raises(ValidationError) as exc:
        opportunity_create(data={"name": "x", "account_id": busan_account.pk}, actor=people.alice)
    assert "account_id" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        opportunity_create(data={"name": "x"}, actor=people.rita)


def test_visibility_follows_the_owner_and_team(people: Personas) -> None:
    opp = opportunity_create(data={"name": "강남 건"}, actor=people.alice)
    assert opportunity_get(user=people.carol, pk=opp.pk) == opp
    assert not opportunities_visible(people.bob).filter(pk=opp.pk).exists()
    with pytest.raises(Opportunity.DoesNotExist):
        opportunity_get(user=people.oscar, pk=opp.pk)
