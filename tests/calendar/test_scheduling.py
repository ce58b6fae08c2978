"""Meetings and calls with a start and an end, tasks with a due time, and reminders: the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inyeon.core.errors import ConflictError
from inyeon.core.models import AuditLog
from inyeon.customers.services import activity_create, activity_reschedule
from tests.calendar.helpers import in_hours, meeting, task
from tests.conftest import Personas
from tests.factories import ContactFactory


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def test_a_meeting_has_a_start_an_end_from_its_duration_and_a_location(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    activity = meeting(people.alice, contact, remind_before_minutes=15)
    assert activity.ends_at - activity.starts_at == dt.timedelta(hours=1)
    assert activity.location == "강남 사무실"
    assert activity.occurred_at == activity.starts_at
    assert activity.remind_at == activity.starts_at - dt.timedelta(minutes=15)
    row = AuditLog.objects.get(entity="activity", entity_id=str(activity.pk), action="create")
    assert row.changes["remind_before_minutes"] == [None, 15]


def test_a_task_reminder_counts_back_from_the_due_time(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    activity = task(people.alice, contact, remind_before_minutes=60 * 24, hours=48)
    assert activity.remind_at == activity.due_at - dt.timedelta(days=1)


def test_bad_schedules_are_refused_naming_each_field(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    with pytest.raises(ValidationError) as caught:
        activity_create(
            data={
                "kind": "meeting",
                "subject": "x",
                "contact_id": contact.pk,
                "starts_at": in_hours(3).isoformat(),
                "ends_at": in_hours(2).isoformat(),
                "remind_before_minutes": 99999,
            },
            actor=people.alice,
        )
    assert _fields(caught) == {"ends_at", "remind_before_minutes"}
    with pytest.raises(ValidationError) as caught:
        activity_create(
            data={
                "kind": "note",
                "subject": "x",
                "contact_id": contact.pk,
                "starts_at": in_hours(1).isoformat(),
            },
            actor=people.alice,
        )
    assert _fields(caught) == {"starts_at"}
    with pytest.raises(ValidationError) as caught:
        activity_create(
            data={"kind": "task", "subject": "x", "contact_id": contact.pk, "remind_before_minutes": 15},
            actor=people.alice,
        )
    assert _fields(caught) == {"remind_before_minutes"}
    with pytest.raises(ValidationError) as caught:
        activity_create(
            data={"kind": "call", "subject": "x", "contact_id": contact.pk, "starts_at": "tomorrow"},
            actor=people.alice,
        )
    assert _fields(caught) == {"starts_at"}


def test_a_reminder_for_a_moment_already_past_is_not_armed(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    activity = meeting(people.alice, contact, hours=-1, remind_before_minutes=15)
    assert activity.remind_at is None


def test_rescheduling_rearms_the_reminder_and_checks_the_version(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    activity = meeting(people.alice, contact, remind_before_minutes=15)
    activity.reminded_at = activity.remind_at
    activity.save(update_fields=["reminded_at"])
    moved = activity_reschedule(
        activity=activity,
        data={"starts_at": in_hours(5).isoformat()},
        actor=people.alice,
        expected_version=activity.version,
    )
    assert moved.version == activity.version + 1
    assert moved.reminded_at is None
    assert moved.remind_at == moved.starts_at - dt.timedelta(minutes=15)
    # Moving a meeting keeps its length.
    assert moved.ends_at - moved.starts_at == dt.timedelta(hours=1)
    with pytest.raises(ConflictError):
        activity_reschedule(
            activity=moved, data={"location": "회의실"}, actor=people.alice, expected_version=activity.version
        )
    assert (
        AuditLog.objects.filter(entity="activity", entity_id=str(activity.pk), action="update").count() == 1
    )
