"""The background job that carries out an import (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.dataio.imports.services import import_execute
from inyeon.dataio.models import ImportJob, JobStatus


@task()
def import_task(job_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job.status
    return import_execute(job).status
