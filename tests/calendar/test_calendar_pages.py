"""The personal calendar: month and week, own activities, a team member's for a manager only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from inyeon.customers.services import activity_create
from tests.calendar.helpers import meeting, task
from tests.conftest import Personas, login
from tests.factories import ContactFactory


def _at(day: dt.date, hour: int) -> str:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))).isoformat()


def _month(client: Client, day: dt.date, **params: Any) -> str:
    response = client.get("/calendar/", {"date": day.isoformat(), **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_month_shows_own_meetings_and_tasks_linked_to_their_records(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice, display_name="김민수")
    day = timezone.localdate() + dt.timedelta(days=3)
    activity_create(
        data={"kind": "meeting", "subject": "시연", "contact_id": contact.pk, "starts_at": _at(day, 10)},
        actor=people.alice,
    )
    activity_create(
        data={"kind": "task", "subject": "견적", "contact_id": contact.pk, "due_at": _at(day, 17)},
        actor=people.alice,
    )
    activity_create(data={"kind": "note", "subject": "메모만", "contact_id": contact.pk}, actor=people.alice)
    page = _month(login(people.alice), day)
    assert "시연" in page and "견적" in page and "메모만" not in page
    assert f'href="/contacts/{contact.pk}/"' in page
    week = login(people.alice).get("/calendar/", {"view": "week", "date": day.isoformat()}).content.decode()
    assert "시연" in week and "견적" in week
    other_week = login(people.alice).get(
        "/calendar/", {"view": "week", "date": (day + dt.timedelta(days=14)).isoformat()}
    )
    assert "시연" not in other_week.content.decode()


def test_dates_follow_the_language(people: Personas) -> None:
    client = login(people.alice)
    day = dt.date(2026, 3, 14)
    assert "2026년 3월" in _month(client, day)
    client.post("/language/", {"language": "en", "next": "/"})
    assert "March 2026" in _month(client, day)


def test_a_manager_sees_a_team_members_calendar_other_reps_do_not(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    activity = meeting(people.alice, contact, subject="알리스 미팅")
    day = timezone.localdate(activity.starts_at)
    assert "알리스 미팅" in _month(login(people.carol), day, user=people.alice.pk)
    assert "알리스 미팅" in _month(login(people.root), day, user=people.alice.pk)
    assert login(people.bob).get("/calendar/", {"user": people.alice.pk}).status_code == 404
    assert login(people.oscar).get("/calendar/", {"user": people.alice.pk}).status_code == 404
    # Bob's own calendar has nothing of Alice's.
    assert "알리스 미팅" not in _month(login(people.bob), day)
    # Roles that see all records for their work do not browse the reps' calendars.
    assert login(people.dave).get("/calendar/", {"user": people.alice.pk}).status_code == 404
    assert login(people.erin).get("/calendar/", {"user": people.alice.pk}).status_code == 404


def test_the_calendar_page_runs_a_fixed_number_of_queries(
    people: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    contact = ContactFactory(owner=people.alice)
    for hours in range(2, 40, 2):
        meeting(people.alice, contact, hours=hours)
        task(people.alice, contact, hours=hours + 1)
    client = login(people.alice)
    client.get("/calendar/")
    with django_assert_max_num_queries(12):
        page = _month(client, timezone.localdate())
    assert page.count("제품 시연") >= 1
