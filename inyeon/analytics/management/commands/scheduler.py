"""`inyeon scheduler`: queue scheduled jobs (the daily scoring run, due reminders) for the task worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from inyeon.activities.schedule import enqueue_due_reminders
from inyeon.analytics.schedule import enqueue_due_runs
from inyeon.quotes.schedule import enqueue_daily_job


class Command(BaseCommand):
    help = "Queue the daily scoring run at the hour set in the scoring rules; runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            run = enqueue_due_runs()
            if run is not None:
                self.stdout.write(f"Scheduled scoring run #{run.pk} queued.")
            if enqueue_due_reminders():
                self.stdout.write("Reminders due: sending queued.")
            if enqueue_daily_job():
                self.stdout.write("Daily quote and contract job queued.")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()  # a long-lived process: drop a connection the database closed
