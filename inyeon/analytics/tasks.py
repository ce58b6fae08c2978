"""Background jobs of the analytics context (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.analytics.models import RunStatus, ScoringRun
from inyeon.analytics.services import scoring_execute


@task()
def score_customers_task(run_id: int) -> int:
    """Score the whole customer base for a queued run; returns how many score rows changed."""
    run = ScoringRun.objects.get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return 0
    return scoring_execute(run).rows_changed
