"""Queue the daily quote and contract job once a day (asked every minute by `inyeon scheduler`)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from inyeon.quotes.tasks import quotes_daily_task


def enqueue_daily_job() -> bool:
    """True when today's job was queued now. The job itself is idempotent, so a second queueing
    (another scheduler, a cleared cache) does no harm."""
    key = f"inyeon:quotes-daily:{timezone.localdate().isoformat()}"
    if not cache.add(key, "1", timeout=60 * 60 * 26):
        return False
    quotes_daily_task.enqueue()
    return True
