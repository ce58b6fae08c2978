"""Background jobs of the calendar context (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.activities.services import reminders_send_due


@task()
def send_due_reminders_task() -> int:
    """Send the reminders that are due; idempotent (a reminder is sent once, whoever runs it)."""
    return reminders_send_due()
