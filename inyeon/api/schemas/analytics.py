"""Schemas of customer scores, scoring runs and the analytics summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from inyeon.api.schemas.common import OutSchema


class ScoresOut(OutSchema):
    recency_days: int
    frequency: int
    monetary: int
    r_score: int
    f_score: int
    m_score: int
    segment: str
    previous_segment: str
    value_tier: str
    lifecycle_stage: str
    p_alive: float
    expected_purchases_90d: float
    clv_12m: int
    customer_equity: int
    model_version: str
    computed_at: dt.datetime


class RunOut(Schema):
    id: int
    status: str
    as_of: dt.date
    trigger: str
    progress: int
    step: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    customers: int
    buyers: int
    rows_changed: int
    stage_changes: int
    model_version: str
    params: dict[str, dict[str, float]]
    notes: list[str]
    error: str


class SummaryOut(Schema):
    run: RunOut | None
    segment_labels: dict[str, str]
    figures: dict[str, Any] | None


class MigrationOut(Schema):
    from_run: int
    to_run: int
    segments: list[str]
    matrix: list[list[int]]
