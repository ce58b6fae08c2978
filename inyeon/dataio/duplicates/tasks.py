"""Background job of the duplicates context (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.dataio.duplicates.services import duplicate_scan_execute
from inyeon.dataio.models import DuplicateScan, JobStatus


@task()
def duplicate_scan_task(scan_id: int) -> int:
    """Run a queued scan; returns the number of candidate pairs found. A scan already started is left."""
    scan = DuplicateScan.objects.get(pk=scan_id)
    if scan.status != JobStatus.QUEUED:
        return 0
    return duplicate_scan_execute(scan).candidates_found
