"""Every read of scores and scoring runs, scoped by `core.visibility` like the customer records.

Users who see every customer read the figures the scoring job stored for the whole base; anyone
else gets the same figures computed over the customers they may see.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import QuerySet

from inyeon.analytics import snapshot
from inyeon.analytics.models import CustomerScore, RunStatus, ScoringRun
from inyeon.analytics.stats import rfm
from inyeon.analytics.stats.summaries import base_summary, migration_matrix
from inyeon.core.models import User
from inyeon.core.roles import Scope
from inyeon.core.visibility import scope_of
from inyeon.customers.models import Contact
from inyeon.customers.selectors import contacts_visible


def score_of(contact: Contact) -> CustomerScore | None:
    """The scores of a contact the caller has already fetched through a visibility selector."""
    return CustomerScore.objects.filter(contact=contact).first()


def runs(limit: int = 20) -> list[ScoringRun]:
    return list(ScoringRun.objects.defer("snapshot").order_by("-id")[:limit])


def run_get(pk: int) -> ScoringRun:
    return ScoringRun.objects.defer("snapshot").get(pk=pk)


def latest_done_run() -> ScoringRun | None:
    return ScoringRun.objects.defer("snapshot").filter(status=RunStatus.DONE).order_by("-id").first()


def active_run() -> ScoringRun | None:
    return (
        ScoringRun.objects.defer("snapshot")
        .filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
        .order_by("-id")
        .first()
    )


def segment_labels(language: str) -> dict[str, str]:
    latest = latest_done_run()
    from inyeon.analytics.services import scoring_settings

    segments = scoring_settings().segment_map or rfm.load_segment_map()
    labels = {key: str(seg.get("ko" if language == "ko" else "en", key)) for key, seg in segments.items()}
    if latest is not None:
        for key in latest.summary.get("segments", []):
            labels.setdefault(key, key)
    return labels


def _visible_scores(user: User) -> QuerySet[CustomerScore]:
    return CustomerScore.objects.filter(contact__in=contacts_visible(user).values("pk"))


def base_figures(user: User) -> dict[str, Any] | None:
    """The analytics page's figures for the customers `user` may see (None before the first run)."""
    run = latest_done_run()
    if run is None:
        return None
    if scope_of(user) == Scope.ALL and "all" in run.summary:
        figures: dict[str, Any] = run.summary["all"]
        return figures
    # Computed over the user's customers, then kept until the next run (or FIGURES_TTL seconds,
    # so that a change of team or shares shows within minutes).
    key = f"inyeon:analytics:figures:{user.pk}:{run.pk}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    figures = _figures_over(user)
    cache.set(key, figures, FIGURES_TTL)
    return figures


FIGURES_TTL = 600


def _figures_over(user: User) -> dict[str, Any]:
    rows = list(
        _visible_scores(user).values_list(
            "r_score", "f_score", "monetary", "clv_12m", "lifecycle_stage", "segment"
        )
    )
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 6
    return base_summary(
        r_score=columns[0],
        f_score=columns[1],
        monetary=columns[2],
        clv=columns[3],
        stage=columns[4],
        segment=columns[5],
    )


def segment_migration(user: User, before: ScoringRun, after: ScoringRun) -> tuple[list[str], list[list[int]]]:
    """Customers per (segment in `before`, segment in `after`), over the customers `user` may see."""
    keys_before = list(before.summary.get("segments", []))
    keys_after = list(after.summary.get("segments", []))
    blobs: dict[int, Any] = dict(
        ScoringRun.objects.filter(pk__in=(before.pk, after.pk)).values_list("pk", "snapshot")
    )
    if keys_before != keys_after or not blobs.get(before.pk) or not blobs.get(after.pk):
        return keys_after, []
    b_ids, b_codes = snapshot.unpack(bytes(blobs[before.pk]))
    a_ids, a_codes = snapshot.unpack(bytes(blobs[after.pk]))
    if scope_of(user) != Scope.ALL:
        mine = np.fromiter(contacts_visible(user).values_list("pk", flat=True), dtype=np.int64)
        keep_b, keep_a = np.isin(b_ids, mine), np.isin(a_ids, mine)
        b_ids, b_codes, a_ids, a_codes = b_ids[keep_b], b_codes[keep_b], a_ids[keep_a], a_codes[keep_a]
    return keys_after, migration_matrix(b_ids, b_codes, a_ids, a_codes, len(keys_after))
