"""The background export job (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.dataio.models import ExportJob, JobStatus


@task()
def export_task(job_id: int) -> int:
    """Write the file of a queued export job; returns its rows. A job already run is left alone."""
    from inyeon.dataio.exports.services import export_execute

    job = ExportJob.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return 0
    return export_execute(job).processed_rows
