"""Shaping pipelines: admins only, validated stages, transitions by position, stages in use kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.sales.models import CloseReason, Pipeline, StageTransition
from inyeon.sales.selectors import pipeline_default
from inyeon.sales.services import close_reason_save, pipeline_save
from tests.conftest import Personas
from tests.sales.factories import make_opportunity

pytestmark = pytest.mark.django_db


def shape(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name_ko": "갱신 영업",
        "name_en": "Renewals",
        "stages": [
            {"name_ko": "접촉", "position": 1, "probability": 20, "kind": "open"},
            {"name_ko": "협상", "position": 2, "probability": 60, "kind": "open"},
            {"name_ko": "갱신", "position": 3, "probability": 100, "kind": "won"},
            {"name_ko": "해지", "position": 4, "probability": 0, "kind": "lost"},
        ],
        "transitions": [[1, 2], [2, 3], [2, 4], [1, 4]],
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_pipeline_with_stages_and_moves(people: Personas) -> None:
    pipeline = pipeline_save(pipeline=None, data=shape(), actor=people.root)
    assert [s.name_ko for s in pipeline.stages.order_by("position")] == ["접촉", "협상", "갱신", "해지"]
    pairs = {
        (t.from_stage.position, t.to_stage.position)
        for t in StageTransition.objects.filter(pipeline=pipeline)
    }
    assert pairs == {(1, 2), (2, 3), (2, 4), (1, 4)}
    assert AuditLog.objects.filter(entity="pipeline", entity_id=str(pipeline.pk), action="create").exists()


@pytest.mark.parametrize("who", ["alice", "carol", "rita", "erin"])
def test_only_admins_shape_pipelines(people: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        pipeline_save(pipeline=None, data=shape(), actor=getattr(people, who))
    with pytest.raises(PermissionDenied):
        close_reason_save(reason=None, data={"kind": "won", "label_ko": "x"}, actor=getattr(people, who))
    assert Pipeline.objects.count() == 1


def test_a_pipeline_needs_exactly_one_won_and_a_lost_stage_and_valid_probabilities(people: Personas) -> None:
    bad = shape(
        stages=[
            {"name_ko": "", "position": 1, "probability": 120, "kind": "open"},
            {"name_ko": "수주", "position": 1, "probability": 100, "kind": "won"},
            {"name_ko": "수주2", "position": 3, "probability": 100, "kind": "won"},
        ],
        transitions=[[1, 9]],
    )
    with pytest.raises(ValidationError) as exc:
        pipeline_save(pipeline=None, data=bad, actor=people.root)
    errors = exc.value.message_dict
    assert {"stages[0].name_ko", "stages[0].probability", "stages", "transitions[0]"} <= set(errors)
    assert len(errors["stages"]) == 3  # positions repeat, two won stages, no lost stage
    assert Pipeline.objects.count() == 1


def test_an_edit_reorders_renames_and_replaces_the_moves(people: Personas) -> None:
    pipeline = pipeline_save(pipeline=None, data=shape(), actor=people.root)
    s = {x.position: x for x in pipeline.stages.all()}
    edited = shape(
        stages=[
            {"id": s[2].pk, "name_ko": "협상", "position": 1, "probability": 65, "kind": "open"},
            {"id": s[1].pk, "name_ko": "첫 접촉", "position": 2, "probability": 15, "kind": "open"},
            {"id": s[3].pk, "name_ko": "갱신", "position": 3, "probability": 100, "kind": "won"},
            {"id": s[4].pk, "name_ko": "해지", "position": 4, "probability": 0, "kind": "lost"},
        ],
        transitions=[[2, 1], [1, 3], [1, 4]],
    )
    pipeline_save(pipeline=pipeline, data=edited, actor=people.root)
    s[1].refresh_from_db()
    assert (s[1].name_ko, s[1].position, s[1].probability) == ("첫 접촉", 2, 15)
    assert StageTransition.objects.filter(pipeline=pipeline).count() == 3
    assert StageTransition.objects.filter(from_stage=s[1], to_stage=s[2]).exists()


def test_a_stage_in_use_cannot_be_deleted(people: Personas) -> None:
    pipeline = pipeline_default()
    make_opportunity(people.alice)  # at position 1
    stages = [
        {
            "id": st.pk,
            "name_ko": st.name_ko,
            "position": st.position,
            "probability": st.probability,
            "kind": st.kind,
        }
        for st in pipeline.stages.order_by("position")
        if st.position != 1
    ]
    with pytest.raises(ValidationError) as exc:
        pipeline_save(
            pipeline=pipeline, data={"name_ko": pipeline.name_ko, "stages": stages}, actor=people.root
        )
    assert "stages" in exc.value.message_dict
    assert pipeline.stages.count() == 6


def test_an_unused_stage_can_be_deleted(people: Personas) -> None:
    pipeline = pipeline_default()
    stages = [
        {
            "id": st.pk,
            "name_ko": st.name_ko,
            "position": st.position,
            "probability": st.probability,
            "kind": st.kind,
        }
        for st in pipeline.stages.order_by("position")
        if st.position != 2
    ]
    pipeline_save(pipeline=pipeline, data={"name_ko": pipeline.name_ko, "stages": stages}, actor=people.root)
    assert pipeline.stages.count() == 5


def test_making_a_pipeline_the_default_unsets_the_old_one(people: Personas) -> None:
    old = pipeline_default()
    new = pipeline_save(pipeline=None, data=shape(is_default=True), actor=people.root)
    old.refresh_from_db()
    assert new.is_default and not old.is_default


def test_close_reasons_are_validated_and_retired_not_deleted(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        close_reason_save(reason=None, data={"kind": "open", "label_ko": ""}, actor=people.root)
    assert set(exc.value.message_dict) == {"kind", "label_ko"}
    made = close_reason_save(reason=None, data={"kind": "lost", "label_ko": "일정 지연"}, actor=people.root)
    close_reason_save(reason=made, data={"active": False}, actor=people.root)
    assert CloseReason.objects.get(pk=made.pk).active is False
