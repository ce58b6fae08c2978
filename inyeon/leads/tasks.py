"""Background jobs of the leads context (Django Tasks API; run by `inyeon db_worker`)."""

from __future__ import annotations

from django_tasks import task

from inyeon.core.models import User
from inyeon.leads import services


@task()
def leads_rescore_task(*, train: bool, actor_id: int | None) -> int:
    """Learn from the won/lost history (when asked), then score every open lead again; idempotent."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if train:
        services.lead_score_model_train(actor=actor)
    return services.leads_rescore(actor=actor)
