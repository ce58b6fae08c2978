"""`inyeon quotes_daily`: expire lapsed quotes, roll over ended contracts, create renewal reminders.

`inyeon scheduler` queues the same job once a day; this command runs it now (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inyeon.quotes.services import daily_jobs


class Command(BaseCommand):
    help = "Run the daily quote and contract job now (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = daily_jobs()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
