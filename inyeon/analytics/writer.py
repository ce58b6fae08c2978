"""Writing a scoring run's results: only the rows whose values changed, and stage changes.

The new scores go into a temporary table first (COPY on PostgreSQL, batched inserts elsewhere);
one upsert then rewrites only the score rows that differ, and the contacts whose lifecycle stage
changes get a `StageChange` row and their new stage. The caller runs all of it in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection

from inyeon.analytics.models import CustomerScore
from inyeon.analytics.stats.scoring import Scores
from inyeon.customers.models import Contact, StageChange

# Every table and column name in the SQL below is a constant of this module or of a model's Meta;
# values always travel as parameters (so ruff's S608 is silenced for this file).
TMP = "inyeon_tmp_scores"
# (column, SQL type) of the temporary table; also the compared columns of the upsert.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("contact_id", "bigint"),
    ("recency_days", "integer"),
    ("frequency", "integer"),
    ("monetary", "bigint"),
    ("r_score", "smallint"),
    ("f_score", "smallint"),
    ("m_score", "smallint"),
    ("segment", "varchar(30)"),
    ("value_tier", "varchar(4)"),
    ("lifecycle_stage", "varchar(10)"),
    ("p_alive", "double precision"),
    ("expected_purchases_90d", "double precision"),
    ("clv_12m", "bigint"),
    ("customer_equity", "bigint"),
    ("model_version", "varchar(40)"),
)
BATCH = 5_000


def _rows(scores: Scores) -> Iterator[tuple[Any, ...]]:
    columns = (
        scores.contact_id.tolist(),
        scores.recency_days.tolist(),
        scores.frequency.tolist(),
        scores.monetary.tolist(),
        scores.r_score.tolist(),
        scores.f_score.tolist(),
        scores.m_score.tolist(),
        scores.segment.tolist(),
        scores.value_tier.tolist(),
        scores.lifecycle_stage.tolist(),
        scores.p_alive.tolist(),
        scores.expected_purchases.tolist(),
        scores.clv.tolist(),
        scores.equity.tolist(),
    )
    version = scores.model_version
    for row in zip(*columns, strict=True):
        yield (*row, version)


def _fill_temp_table(scores: Scores) -> None:
    names = ", ".join(c for c, _ in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TMP}")
        temp = "TEMPORARY " if connection.vendor != "sqlite" else "TEMP "
        cursor.execute(
            f"CREATE {temp}TABLE {TMP} ({', '.join(f'{c} {t}' for c, t in COLUMNS)}, "
            "PRIMARY KEY (contact_id))"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TMP} ({names}) FROM STDIN") as copy:
                for row in _rows(scores):
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(COLUMNS))
        batch: list[tuple[Any, ...]] = []
        for row in _rows(scores):
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(f"INSERT INTO {TMP} ({names}) VALUES ({marks})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {TMP} ({names}) VALUES ({marks})", batch)


def write_scores(
    scores: Scores, *, now: dt.datetime, reason: str, timings: dict[str, float] | None = None
) -> tuple[int, int]:
    """Upsert the changed score rows and apply stage changes; returns (rows changed, stage changes).

    `timings` (if given) receives the seconds each step took.
    """
    clock = _Clock(timings)
    _fill_temp_table(scores)
    clock.lap("write_temp_table")
    score_table = CustomerScore._meta.db_table
    contact_table = Contact._meta.db_table
    stage_table = StageChange._meta.db_table
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    differs = " OR ".join(f"{score_table}.{c} {distinct} excluded.{c}" for c, _ in COLUMNS[1:])
    names = ", ".join(c for c, _ in COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c, _ in COLUMNS[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {score_table} ({names}, previous_segment, computed_at) "
            f"SELECT {', '.join('t.' + c for c, _ in COLUMNS)}, '', %s FROM {TMP} t "
            f"JOIN {contact_table} c ON c.id = t.contact_id WHERE true "
            f"ON CONFLICT (contact_id) DO UPDATE SET {updates}, computed_at = excluded.computed_at, "
            f"previous_segment = CASE WHEN {score_table}.segment <> excluded.segment "
            f"THEN {score_table}.segment ELSE {score_table}.previous_segment END "
            f"WHERE {differs}",
            [now],
        )
        changed = max(cursor.rowcount, 0)
        clock.lap("write_scores")
        cursor.execute(
            f"INSERT INTO {stage_table} "
            "(contact_id, from_stage, to_stage, changed_at, changed_by_id, reason) "
            f"SELECT c.id, c.lifecycle_stage, t.lifecycle_stage, %s, NULL, %s FROM {contact_table} c "
            f"JOIN {TMP} t ON t.contact_id = c.id WHERE c.lifecycle_stage <> t.lifecycle_stage",
            [now, reason],
        )
        stage_changes = max(cursor.rowcount, 0)
        clock.lap("write_stage_changes")
        if stage_changes:
            cursor.execute(
                f"UPDATE {contact_table} SET lifecycle_stage = t.lifecycle_stage, version = version + 1, "
                f"updated_at = %s FROM {TMP} t WHERE {contact_table}.id = t.contact_id "
                f"AND {contact_table}.lifecycle_stage <> t.lifecycle_stage",
                [now],
            )
        clock.lap("write_contact_stages")
        cursor.execute(f"DROP TABLE {TMP}")
    return changed, stage_changes


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = round(now - self.last, 3)
        self.last = now
