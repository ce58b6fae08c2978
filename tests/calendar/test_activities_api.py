"""The activity API with schedules and reminders: create, reschedule with If-Match, visibility."""

from __future__ import annotations

from tests.api.helpers import PROBLEM, body, error_fields, patch, post
from tests.calendar.helpers import in_hours
from tests.conftest import Personas, api_client
from tests.factories import ContactFactory


def test_a_meeting_with_a_reminder_is_created_and_moved(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    client = api_client(people.alice)
    start = in_hours(24)
    response = post(
        client,
        "/api/v1/activities",
        {
            "kind": "meeting",
            "subject": "킥오프",
            "contact_id": contact.pk,
            "starts_at": start.isoformat(),
            "duration_minutes": 90,
            "location": "본사 3층",
            "remind_before_minutes": 60,
        },
    )
    assert response.status_code == 201, response.content
    created = body(response)
    assert created["location"] == "본사 3층" and created["remind_before_minutes"] == 60
    assert created["remind_at"] is not None and created["reminded_at"] is None
    read = client.get(f"/api/v1/activities/{created['id']}")
    etag = read["ETag"]
    moved = patch(
        client,
        f"/api/v1/activities/{created['id']}",
        {"starts_at": in_hours(48).isoformat()},
        **{"If-Match": etag},
    )
    assert moved.status_code == 200, moved.content
    assert body(moved)["version"] == created["version"] + 1
    stale = patch(client, f"/api/v1/activities/{created['id']}", {"location": "x"}, **{"If-Match": etag})
    assert stale.status_code == 412
    conflict = patch(client, f"/api/v1/activities/{created['id']}", {"location": "x", "version": 1})
    assert conflict.status_code == 409


def test_bad_schedule_fields_are_named(people: Personas) -> None:
    contact = ContactFactory(owner=people.alice)
    response = post(
        api_client(people.alice),
        "/api/v1/activities",
        {
            "kind": "call",
            "subject": "통화",
            "contact_id": contact.pk,
            "starts_at": "not a date",
            "remind_before_minutes": -5,
        },
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert error_fields(response) == {"starts_at", "remind_before_minutes"}


def test_another_reps_activity_cannot_be_rescheduled(people: Personas) -> None:
    contact = ContactFactory(owner=people.bob)
    created = body(
        post(
            api_client(people.bob),
            "/api/v1/activities",
            {
                "kind": "meeting",
                "subject": "밥",
                "contact_id": contact.pk,
                "starts_at": in_hours(5).isoformat(),
            },
        )
    )
    response = patch(api_client(people.alice), f"/api/v1/activities/{created['id']}", {"location": "x"})
    assert response.status_code == 404
