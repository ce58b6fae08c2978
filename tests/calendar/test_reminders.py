"""Reminders: sent once, never before their time, by e-mail and as an in-app notification."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from inyeon.activities.models import Notification
from inyeon.activities.schedule import enqueue_due_reminders
from inyeon.activities.services import reminders_send_due
from inyeon.customers.models import Contact
from inyeon.customers.services import activity_complete, activity_reschedule
from tests.calendar.helpers import in_hours, meeting, task
from tests.conftest import Personas, api_client, login
from tests.factories import ContactFactory


@pytest.fixture
def contact(people: Personas) -> Contact:
    people.alice.email = "alice@example.kr"
    people.alice.language = "ko"
    people.alice.save()
    return ContactFactory(owner=people.alice, display_name="김민수")


def test_a_reminder_is_sent_once_and_not_before_its_time(
    people: Personas,
    contact: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=60)
    assert activity.remind_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=activity.remind_at - dt.timedelta(seconds=1)) == 0
    assert Notification.objects.count() == 0 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=activity.remind_at) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=activity.remind_at + dt.timedelta(minutes=5)) == 0
    note = Notification.objects.get()
    assert note.user == people.alice and note.activity == activity and note.read_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.kr"]
    assert "제품 시연" in message.subject and "미팅" in message.subject  # in her language
    assert "김민수" in message.body and "강남 사무실" in message.body
    assert contact.primary_phone not in message.body and contact.primary_email not in message.body


def test_a_moved_activity_is_reminded_again_a_done_task_not_at_all(
    people: Personas, contact: Contact
) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=15)
    reminders_send_due(now=activity.remind_at)
    moved = activity_reschedule(
        activity=activity, data={"starts_at": in_hours(30).isoformat()}, actor=people.alice
    )
    assert reminders_send_due(now=moved.remind_at - dt.timedelta(minutes=1)) == 0
    assert reminders_send_due(now=moved.remind_at) == 1
    assert Notification.objects.filter(activity=activity).count() == 2
    todo = task(people.alice, contact, hours=5, remind_before_minutes=60)
    activity_complete(activity=todo, actor=people.alice)
    assert reminders_send_due(now=todo.remind_at) == 0
    todo.refresh_from_db()
    assert todo.reminded_at is not None  # settled: never looked at again


def test_the_header_shows_the_count_and_the_list_marks_read(people: Personas, contact: Contact) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=60)
    reminders_send_due(now=activity.remind_at)
    client = login(people.alice)
    home = client.get("/").content.decode()
    assert "data-unread>1</span>" in home
    page = client.get("/notifications/").content.decode()
    assert "제품 시연" in page
    note = Notification.objects.get()
    # Somebody else's notification is a 404, and stays unread.
    assert login(people.bob).post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "data-unread" not in client.get("/").content.decode()
    assert "제품 시연" not in login(people.bob).get("/notifications/").content.decode()


def test_the_scheduler_queues_the_job_only_when_a_reminder_is_due(people: Personas, contact: Contact) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=15)
    assert enqueue_due_reminders(now=activity.remind_at - dt.timedelta(minutes=1)) is False
    from django_tasks_db.models import DBTaskResult

    assert enqueue_due_reminders(now=activity.remind_at) is True
    assert DBTaskResult.objects.filter(task_path__endswith="send_due_reminders_task").count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when it finishes
def test_the_worker_sends_due_reminders_queued_by_the_scheduler(people: Personas, contact: Contact) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=15)
    activity.remind_at = in_hours(-0.1)  # as if the time had come
    activity.save(update_fields=["remind_at"])
    call_command("scheduler", "--once", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert Notification.objects.filter(user=people.alice, activity=activity).count() == 1
    assert len(mail.outbox) == 1
    # A second scheduler tick finds nothing due and queues nothing.
    call_command("scheduler", "--once", stdout=io.StringIO())
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(mail.outbox) == 1


def test_the_api_lists_own_notifications_and_marks_them_read(people: Personas, contact: Contact) -> None:
    activity = meeting(people.alice, contact, hours=2, remind_before_minutes=15)
    reminders_send_due(now=activity.remind_at)
    listed = api_client(people.alice).get("/api/v1/notifications").json()
    assert listed["unread"] == 1 and listed["items"][0]["activity_id"] == activity.pk
    note_id = listed["items"][0]["id"]
    assert api_client(people.bob).get("/api/v1/notifications").json() == {"items": [], "unread": 0}
    assert api_client(people.bob).post(f"/api/v1/notifications/{note_id}/read").status_code == 404
    read = api_client(people.alice).post(f"/api/v1/notifications/{note_id}/read").json()
    assert read["read_at"] is not None
    assert api_client(people.alice).get("/api/v1/notifications").json()["unread"] == 0
