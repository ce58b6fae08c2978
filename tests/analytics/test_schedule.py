"""The daily scoring schedule."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core.management import call_command

from inyeon.analytics.models import ScoringRun
from inyeon.analytics.schedule import enqueue_due_runs
from inyeon.analytics.services import scoring_settings
from tests.conftest import Personas

SEOUL = ZoneInfo("Asia/Seoul")


def test_one_run_a_day_from_the_configured_hour(people: Personas) -> None:
    assert scoring_settings().schedule_hour == 3
    assert enqueue_due_runs(dt.datetime(2026, 7, 1, 2, 59, tzinfo=SEOUL)) is None
    run = enqueue_due_runs(dt.datetime(2026, 7, 1, 3, 0, tzinfo=SEOUL))
    assert run is not None and run.as_of == dt.date(2026, 7, 1) and run.trigger == "schedule"
    assert enqueue_due_runs(dt.datetime(2026, 7, 1, 15, 0, tzinfo=SEOUL)) is None
    assert enqueue_due_runs(dt.datetime(2026, 7, 2, 3, 30, tzinfo=SEOUL)) is not None
    assert ScoringRun.objects.count() == 2


def test_no_schedule_when_the_hour_is_empty(people: Personas) -> None:
    row = scoring_settings()
    row.schedule_hour = None
    row.save()
    assert enqueue_due_runs(dt.datetime(2026, 7, 1, 23, 0, tzinfo=SEOUL)) is None


def test_the_scheduler_command_checks_once(people: Personas) -> None:
    row = scoring_settings()
    row.schedule_hour = 0
    row.save()
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "queued" in out.getvalue()
    assert ScoringRun.objects.filter(trigger="schedule").count() == 1
