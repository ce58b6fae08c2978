"""The daily scoring schedule: `inyeon scheduler` (started by `inyeon serve`) asks every minute."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inyeon.analytics.models import ScoringRun
from inyeon.analytics.services import scoring_request, scoring_settings


def scheduled_run_due(now: dt.datetime | None = None) -> bool:
    """True once a day, from the configured hour (local time) until a scheduled run exists for today."""
    hour = scoring_settings().schedule_hour
    if hour is None:
        return False
    local = timezone.localtime(now or timezone.now())
    if local.hour < hour:
        return False
    return not ScoringRun.objects.filter(trigger="schedule", as_of=local.date()).exists()


def enqueue_due_runs(now: dt.datetime | None = None) -> ScoringRun | None:
    if not scheduled_run_due(now):
        return None
    local = timezone.localtime(now or timezone.now())
    return scoring_request(actor=None, trigger="schedule", as_of=local.date())
