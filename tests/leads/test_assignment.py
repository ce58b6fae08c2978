"""Assignment rules in order: territory, round-robin, load, named user, working hours; manual
reassignment by managers; every assignment in the audit log and the lead's history."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inyeon.core.models import AuditLog
from inyeon.leads.models import LeadEvent
from inyeon.leads.services import (
    assignment_rule_create,
    lead_assign,
    lead_create,
    working_hours_set,
)
from tests.conftest import Personas
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
TUESDAY_10 = dt.datetime(2026, 6, 2, 10, 0, tzinfo=SEOUL)
SATURDAY_10 = dt.datetime(2026, 6, 6, 10, 0, tzinfo=SEOUL)


def _capture(people: Personas, **data: object) -> object:
    data.setdefault("display_name", "홍길동")
    data.setdefault("email", "hong@example.kr")
    return lead_create(data=data, actor=people.root, auto_assign=True)


def test_round_robin_takes_the_team_members_in_turn(people: Personas) -> None:
    alice2 = UserFactory(username="alice2", role="sales_rep", team=people.gangnam)
    assignment_rule_create(
        data={"name": "Gangnam pool", "strategy": "round_robin", "team_id": people.gangnam.pk},
        actor=people.root,
    )
    owners = [_capture(people, email=f"l{i}@example.kr").owner for i in range(4)]  # type: ignore[attr-defined]
    assert owners == [people.alice, alice2, people.alice, alice2]


def test_territory_rules_are_evaluated_in_order_before_the_catch_all(people: Personas) -> None:
    assignment_rule_create(
        data={
            "name": "Busan",
            "field": "region",
            "values": "부산, 부산광역시",
            "strategy": "round_robin",
            "team_id": people.busan.pk,
            "position": 1,
        },
        actor=people.root,
    )
    assignment_rule_create(
        data={"name": "Rest", "strategy": "user", "user_id": people.bob.pk, "position": 2}, actor=people.root
    )
    assert _capture(people, region="부산광역시").owner == people.oscar  # type: ignore[attr-defined]
    assert _capture(people, region="서울", email="s@example.kr").owner == people.bob  # type: ignore[attr-defined]


def test_by_load_the_member_with_fewest_open_leads_gets_it(people: Personas) -> None:
    alice2 = UserFactory(username="alice2", role="sales_rep", team=people.gangnam)
    for i in range(2):
        lead_create(data={"display_name": "기존", "email": f"old{i}@example.kr"}, actor=people.alice)
    assignment_rule_create(
        data={"name": "Load", "strategy": "load", "team_id": people.gangnam.pk}, actor=people.root
    )
    assert _capture(people).owner == alice2  # type: ignore[attr-defined]


def test_leads_outside_working_hours_go_to_someone_in_hours(people: Personas) -> None:
    alice2 = UserFactory(username="alice2", role="sales_rep", team=people.gangnam)
    working_hours_set(
        user=people.alice, data={"weekdays": "01234", "start": "09:00", "end": "18:00"}, actor=people.root
    )
    working_hours_set(
        user=alice2, data={"weekdays": "56", "start": "09:00", "end": "18:00"}, actor=people.root
    )
    assignment_rule_create(
        data={"name": "Pool", "strategy": "round_robin", "team_id": people.gangnam.pk}, actor=people.root
    )

    def capture_at(now: dt.datetime, email: str) -> object:
        return lead_create(
            data={"display_name": "x", "email": email}, actor=people.root, auto_assign=True, now=now
        )

    assert capture_at(TUESDAY_10, "a@example.kr").owner == people.alice  # type: ignore[attr-defined]
    assert capture_at(TUESDAY_10, "b@example.kr").owner == people.alice  # type: ignore[attr-defined]
    assert capture_at(SATURDAY_10, "c@example.kr").owner == alice2  # type: ignore[attr-defined]


def test_when_nobody_is_in_hours_the_lead_waits_for_the_first_to_start(people: Personas) -> None:
    alice2 = UserFactory(username="alice2", role="sales_rep", team=people.gangnam)
    working_hours_set(
        user=people.alice, data={"weekdays": "01234", "start": "10:00", "end": "18:00"}, actor=people.root
    )
    working_hours_set(
        user=alice2, data={"weekdays": "01234", "start": "08:00", "end": "17:00"}, actor=people.root
    )
    assignment_rule_create(
        data={"name": "Pool", "strategy": "load", "team_id": people.gangnam.pk}, actor=people.root
    )
    late_friday = dt.datetime(2026, 6, 5, 22, 0, tzinfo=SEOUL)
    lead = lead_create(
        data={"display_name": "x", "email": "x@example.kr"},
        actor=people.root,
        auto_assign=True,
        now=late_friday,
    )
    assert lead.owner == alice2
    event = lead.events.get(kind=LeadEvent.Kind.ASSIGNED)
    assert event.data["waiting_until"].startswith("2026-06-08T08:00")


def test_every_assignment_is_audited_and_in_the_history(people: Personas) -> None:
    assignment_rule_create(
        data={"name": "Bob", "strategy": "user", "user_id": people.bob.pk}, actor=people.root
    )
    lead = _capture(people)
    event = lead.events.get(kind=LeadEvent.Kind.ASSIGNED)  # type: ignore[attr-defined]
    assert event.data["to"] == people.bob.pk and event.data["rule_name"] == "Bob"
    assert AuditLog.objects.filter(
        entity="lead", entity_id=str(lead.pk), changes__has_key="assignment"
    ).exists()  # type: ignore[attr-defined]


def test_managers_reassign_and_reps_may_not(people: Personas) -> None:
    lead = lead_create(data={"display_name": "x", "email": "x@example.kr"}, actor=people.alice)
    with pytest.raises(PermissionDenied):
        lead_assign(lead=lead, owner_id=people.bob.pk, actor=people.alice)
    with pytest.raises(ValidationError) as exc:
        lead_assign(lead=lead, owner_id=people.oscar.pk, actor=people.carol)  # Busan is outside Seoul
    assert "owner_id" in exc.value.message_dict
    moved = lead_assign(lead=lead, owner_id=people.bob.pk, actor=people.carol)
    assert moved.owner == people.bob and moved.team == people.mapo
    event = moved.events.get(kind=LeadEvent.Kind.ASSIGNED)
    assert event.data["manual"] is True and event.actor == people.carol
    assert AuditLog.objects.filter(entity="lead", entity_id=str(lead.pk), actor=people.carol).exists()


def test_an_owner_chosen_by_hand_is_not_overridden_by_the_rules(people: Personas) -> None:
    assignment_rule_create(
        data={"name": "Bob", "strategy": "user", "user_id": people.bob.pk}, actor=people.root
    )
    lead = lead_create(
        data={"display_name": "x", "email": "x@example.kr", "owner_id": people.alice.pk},
        actor=people.root,
        auto_assign=True,
    )
    assert lead.owner == people.alice


def test_a_new_owner_chosen_in_the_edit_form_is_in_the_history(people: Personas) -> None:
    from inyeon.leads.services import lead_update

    lead = lead_create(data={"display_name": "x", "email": "x@example.kr"}, actor=people.alice)
    lead_update(lead=lead, data={"owner_id": people.bob.pk}, actor=people.carol)
    event = lead.events.get(kind=LeadEvent.Kind.ASSIGNED)
    assert (
        event.data["to"] == people.bob.pk
        and event.data["from"] == people.alice.pk
        and event.actor == people.carol
    )
