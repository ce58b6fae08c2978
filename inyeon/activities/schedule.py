"""Reminders on the schedule: `inyeon scheduler` asks every minute whether any reminder is due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inyeon.customers.models import Activity


def reminders_due(now: dt.datetime | None = None) -> bool:
    """A cheap indexed check, so the worker gets a job only when there is something to send."""
    return Activity.objects.filter(
        remind_at__isnull=False, remind_at__lte=now or timezone.now(), reminded_at__isnull=True
    ).exists()


def enqueue_due_reminders(now: dt.datetime | None = None) -> bool:
    if not reminders_due(now):
        return False
    from inyeon.activities.tasks import send_due_reminders_task

    send_due_reminders_task.enqueue()
    return True
