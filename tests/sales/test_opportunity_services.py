"""Editing, moving and deleting opportunities: declared moves, close reasons, history, audit,
versions and permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.errors import ConflictError
from inyeon.core.models import AuditLog
from inyeon.sales.models import ForecastCategory, Opportunity, StageKind, StageTransition
from inyeon.sales.services import opportunity_delete, opportunity_move, opportunity_update
from tests.conftest import Personas
from tests.sales.factories import lost_stage, make_opportunity, reason, stage, won_stage

pytestmark = pytest.mark.django_db


def test_an_update_changes_only_the_fields_sent_bumps_the_version_and_audits_the_diff(
    people: Personas,
) -> None:
    opp = make_opportunity(people.alice, description="처음")
    updated = opportunity_update(
        opportunity=opp, data={"amount": 2_500_000}, actor=people.alice, expected_version=opp.version
    )
    assert updated.amount == 2_500_000 and updated.description == "처음"
    assert updated.version == opp.version + 1
    row = AuditLog.objects.get(entity="opportunity", entity_id=str(opp.pk), action="update")
    assert row.changes == {"amount": [1_000_000, 2_500_000]}


def test_a_stale_version_is_refused_and_nothing_changes(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    opportunity_update(opportunity=opp, data={"amount": 5}, actor=people.alice, expected_version=opp.version)
    with pytest.raises(ConflictError) as exc:
        opportunity_update(
            opportunity=opp, data={"amount": 7}, actor=people.bob, expected_version=opp.version
        )
    assert exc.value.current_version == opp.version + 1
    assert Opportunity.objects.get(pk=opp.pk).amount == 5


def test_an_update_names_every_bad_field_and_refuses_stage_changes(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    with pytest.raises(ValidationError) as exc:
        opportunity_update(
            opportunity=opp,
            data={"name": "", "probability": 101, "stage_id": stage(2).pk, "forecast_category": "closed"},
            actor=people.alice,
        )
    assert set(exc.value.message_dict) == {"name", "probability", "stage_id", "forecast_category"}
    assert Opportunity.objects.get(pk=opp.pk).version == opp.version


def test_a_declared_move_sets_the_stage_probability_and_leaves_one_history_row(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    moved = opportunity_move(opportunity=opp, stage_id=stage(3).pk, actor=people.alice, expected_version=1)
    assert moved.stage == stage(3) and moved.probability == stage(3).probability == 50
    assert moved.version == 2
    history = list(moved.stage_changes.order_by("pk").values_list("from_stage", "to_stage", "changed_by"))
    assert history[-1] == (stage(1).pk, stage(3).pk, people.alice.pk) and len(history) == 2
    assert AuditLog.objects.filter(entity="opportunity", entity_id=str(opp.pk), action="move").count() == 1


def test_a_move_can_override_the_probability(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    moved = opportunity_move(opportunity=opp, stage_id=stage(2).pk, probability=40, actor=people.alice)
    assert moved.probability == 40


def test_an_undeclared_move_is_refused_naming_both_stages(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    StageTransition.objects.filter(from_stage=stage(1), to_stage=stage(4)).delete()
    with pytest.raises(ValidationError) as exc:
        opportunity_move(opportunity=opp, stage_id=stage(4).pk, actor=people.alice)
    message = exc.value.message_dict["stage_id"][0]
    assert stage(1).name_ko in message and stage(4).name_ko in message
    assert Opportunity.objects.get(pk=opp.pk).stage == stage(1)
    assert opp.stage_changes.count() == 1


def test_a_stage_of_another_pipeline_is_refused(people: Personas) -> None:
    from inyeon.sales.services import pipeline_save

    other = pipeline_save(
        pipeline=None,
        data={
            "name_ko": "갱신",
            "stages": [
                {"name_ko": "시작", "position": 1, "probability": 10, "kind": "open"},
                {"name_ko": "수주", "position": 2, "probability": 100, "kind": "won"},
                {"name_ko": "실주", "position": 3, "probability": 0, "kind": "lost"},
            ],
            "transitions": [[1, 2], [1, 3]],
        },
        actor=people.root,
    )
    opp = make_opportunity(people.alice)
    with pytest.raises(ValidationError) as exc:
        opportunity_move(opportunity=opp, stage_id=other.stages.get(position=2).pk, actor=people.alice)
    assert "stage_id" in exc.value.message_dict


def test_winning_needs_a_won_reason_and_closes_the_deal(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    with pytest.raises(ValidationError) as missing:
        opportunity_move(opportunity=opp, stage_id=won_stage().pk, actor=people.alice)
    assert "close_reason_id" in missing.value.message_dict
    with pytest.raises(ValidationError) as wrong_kind:
        opportunity_move(
            opportunity=opp, stage_id=won_stage().pk, close_reason_id=reason("lost").pk, actor=people.alice
        )
    assert "close_reason_id" in wrong_kind.value.message_dict
    won = opportunity_move(
        opportunity=opp, stage_id=won_stage().pk, close_reason_id=reason("won").pk, actor=people.alice
    )
    assert won.status == StageKind.WON and won.closed_at is not None
    assert won.forecast_category == ForecastCategory.CLOSED and won.close_reason == reason("won")
    assert won.probability == 100


def test_losing_then_reopening_clears_the_close(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    lost = opportunity_move(
        opportunity=opp, stage_id=lost_stage().pk, close_reason_id=reason("lost").pk, actor=people.alice
    )
    assert lost.status == StageKind.LOST and lost.probability == 0
    reopened = opportunity_move(opportunity=lost, stage_id=stage(4).pk, actor=people.alice)
    assert reopened.status == StageKind.OPEN and reopened.closed_at is None
    assert reopened.close_reason is None and reopened.forecast_category == ForecastCategory.PIPELINE
    assert reopened.stage_changes.count() == 3


def test_a_move_to_the_current_stage_is_refused(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    with pytest.raises(ValidationError):
        opportunity_move(opportunity=opp, stage_id=stage(1).pk, actor=people.alice)


def test_a_stale_move_is_refused(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    opportunity_update(opportunity=opp, data={"amount": 3}, actor=people.alice)
    with pytest.raises(ConflictError):
        opportunity_move(opportunity=opp, stage_id=stage(2).pk, actor=people.alice, expected_version=1)
    assert opp.stage_changes.count() == 1


def test_read_only_users_cannot_edit_move_or_delete(people: Personas) -> None:
    opp = make_opportunity(people.bob)
    with pytest.raises(PermissionDenied):
        opportunity_update(opportunity=opp, data={"amount": 1}, actor=people.rita)
    with pytest.raises(PermissionDenied):
        opportunity_move(opportunity=opp, stage_id=stage(2).pk, actor=people.rita)
    with pytest.raises(PermissionDenied):
        opportunity_delete(opportunity=opp, actor=people.rita)


def test_delete_removes_the_opportunity_and_its_history_with_an_audit_row(people: Personas) -> None:
    opp = make_opportunity(people.alice)
    opportunity_delete(opportunity=opp, actor=people.alice, expected_version=opp.version)
    assert not Opportunity.objects.filter(pk=opp.pk).exists()
    assert AuditLog.objects.filter(entity="opportunity", entity_id=str(opp.pk), action="delete").exists()
