"""Writing a scoring run's results: only the rows whose values changed, and stage changes.

The new scores go into a temporary table first (COPY on PostgreSQL, batched inserts elsewhere);
one upsert then rewrites only the score rows that differ, and the contacts whose lifecycle stage
changes get a `StageChange` row and their new stage. The caller runs all of it in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import connection
from numpy.typing import NDArray

from inyeon.analytics.models import CustomerScore
from inyeon.analytics.stats.scoring import Scores
from inyeon.core.pgcopy import copy_in
from inyeon.customers.models import Contact, StageChange

# Every table and column name in the SQL below is a constant of this module or of a model's Meta;
# values always travel as parameters (so ruff's S608 is silenced for this file).
TMP = "inyeon_tmp_scores"
TMP_STAGES = "inyeon_tmp_stages"
# Above this share of changed rows, PostgreSQL rebuilds the score table instead of upserting.
REBUILD_SHARE = 0.3
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
    temp = "TEMPORARY " if connection.vendor != "sqlite" else "TEMP "
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TMP}")
        if connection.vendor == "postgresql":
            _fill_temp_table_copy(cursor, scores)
            return
        cursor.execute(
            f"CREATE {temp}TABLE {TMP} ({', '.join(f'{c} {t}' for c, t in COLUMNS)}, "
            "PRIMARY KEY (contact_id))"
        )
        marks = ", ".join(["%s"] * len(COLUMNS))
        batch: list[tuple[Any, ...]] = []
        for row in _rows(scores):
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(f"INSERT INTO {TMP} ({names}) VALUES ({marks})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {TMP} ({names}) VALUES ({marks})", batch)


def _fill_temp_table_copy(cursor: Any, scores: Scores) -> None:
    """Numbers by binary COPY straight from the arrays; the three text columns travel as codes."""
    coded: dict[str, tuple[list[str], NDArray[Any]]] = {}
    for name, values in (
        ("segment", scores.segment),
        ("value_tier", scores.value_tier),
        ("lifecycle_stage", scores.lifecycle_stage),
    ):
        uniq, inverse = np.unique(values.astype(str), return_inverse=True)
        coded[name] = ([str(v) for v in uniq], inverse)
    numeric = [
        ("contact_id", "int8", scores.contact_id),
        ("recency_days", "int4", scores.recency_days),
        ("frequency", "int4", scores.frequency),
        ("monetary", "int8", scores.monetary),
        ("r_score", "int2", scores.r_score),
        ("f_score", "int2", scores.f_score),
        ("m_score", "int2", scores.m_score),
        ("p_alive", "float8", scores.p_alive),
        ("expected_purchases_90d", "float8", scores.expected_purchases),
        ("clv_12m", "int8", scores.clv),
        ("customer_equity", "int8", scores.equity),
    ]
    code_columns = [(f"{name}_code", "int2", values) for name, (_distinct, values) in coded.items()]
    kinds = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float8": "double precision"}
    raw = f"{TMP}_raw"
    cursor.execute(f"DROP TABLE IF EXISTS {raw}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {raw} ("
        + ", ".join(f"{name} {kinds[wire]}" for name, wire, _ in [*numeric, *code_columns])
        + ")"
    )
    copy_in(cursor, raw, [*numeric, *code_columns])
    params: list[Any] = []
    decoded = []
    for name, (distinct, _values) in coded.items():
        width = dict(COLUMNS)[name]
        decoded.append(f"(%s::text[])[{name}_code + 1]::{width} AS {name}")
        params.append(distinct)
    selected = ", ".join(c for c, _ in COLUMNS if c not in coded and c != "model_version")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {TMP} AS SELECT {selected}, {', '.join(decoded)}, "
        f"%s::varchar(40) AS model_version FROM {raw}",
        [*params, scores.model_version],
    )
    cursor.execute(f"ALTER TABLE {TMP} ADD PRIMARY KEY (contact_id)")
    cursor.execute(f"DROP TABLE {raw}")


def write_scores(
    scores: Scores,
    *,
    current_stage: NDArray[Any],
    now: dt.datetime,
    reason: str,
    timings: dict[str, float] | None = None,
) -> tuple[int, int]:
    """Write the changed score rows and apply stage changes; returns (rows changed, stage changes).

    `current_stage` is each contact's stage as read with the contacts. When most rows change (the
    first run, a new day) PostgreSQL gets a new score table built without indexes, indexed, then
    swapped in; otherwise one upsert rewrites only the rows that differ. `timings` (if given)
    receives the seconds each step took.
    """
    clock = _Clock(timings)
    _fill_temp_table(scores)
    clock.lap("write_temp_table")
    score_table = CustomerScore._meta.db_table
    contact_table = Contact._meta.db_table
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    names = ", ".join(c for c, _ in COLUMNS)
    with connection.cursor() as cursor:
        differs = " OR ".join(f"o.{c} {distinct} t.{c}" for c, _ in COLUMNS[1:])
        cursor.execute(
            f"SELECT COUNT(*) FROM {TMP} t JOIN {contact_table} c ON c.id = t.contact_id "
            f"LEFT JOIN {score_table} o ON o.contact_id = t.contact_id "
            f"WHERE o.contact_id IS NULL OR {differs}"
        )
        changed = int(cursor.fetchone()[0])
        clock.lap("write_compare")
        if changed and connection.vendor == "postgresql" and changed > REBUILD_SHARE * len(scores.contact_id):
            _rebuild_score_table(cursor, now, differs)
        elif changed:
            updates = ", ".join(f"{c} = excluded.{c}" for c, _ in COLUMNS[1:])
            upsert_differs = " OR ".join(f"{score_table}.{c} {distinct} excluded.{c}" for c, _ in COLUMNS[1:])
            cursor.execute(
                f"INSERT INTO {score_table} ({names}, previous_segment, computed_at) "
                f"SELECT {', '.join('t.' + c for c, _ in COLUMNS)}, '', %s FROM {TMP} t "
                f"JOIN {contact_table} c ON c.id = t.contact_id WHERE true "
                f"ON CONFLICT (contact_id) DO UPDATE SET {updates}, computed_at = excluded.computed_at, "
                f"previous_segment = CASE WHEN {score_table}.segment <> excluded.segment "
                f"THEN {score_table}.segment ELSE {score_table}.previous_segment END "
                f"WHERE {upsert_differs}",
                [now],
            )
        clock.lap("write_scores")
        cursor.execute(f"DROP TABLE {TMP}")
    stage_changes = _write_stage_changes(scores, current_stage, now=now, reason=reason)
    clock.lap("write_stage_changes")
    return changed, stage_changes


def _rebuild_score_table(cursor: Any, now: dt.datetime, differs: str) -> None:
    """Build the new score table without indexes, index it, and swap it in (one transaction)."""
    table = CustomerScore._meta.db_table
    contact_table = Contact._meta.db_table
    new = f"{table}_new"
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute(f"DROP TABLE IF EXISTS {new}")
    cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    columns = [c for c, _ in COLUMNS]
    cursor.execute(
        f"INSERT INTO {new} ({', '.join(columns)}, previous_segment, computed_at) "
        f"SELECT {', '.join('t.' + c for c in columns)}, "
        "CASE WHEN o.segment IS NOT NULL AND o.segment <> t.segment THEN o.segment "
        "ELSE COALESCE(o.previous_segment, '') END, "
        f"CASE WHEN o.contact_id IS NULL OR {differs} THEN %s ELSE o.computed_at END "
        f"FROM {TMP} t JOIN {contact_table} c ON c.id = t.contact_id "
        f"LEFT JOIN {table} o ON o.contact_id = t.contact_id",
        [now],
    )
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'f', 'u')",
        [table],
    )
    constraints = cursor.fetchall()
    renames: list[tuple[str, str, str]] = []
    for n, (name, definition) in enumerate(indexes):
        temp = f"inyeon_tmp_ix_{n}"
        statement = re.sub(
            rf"^CREATE (UNIQUE )?INDEX {re.escape(name)} ON (\S+\.)?{table} ",
            rf"CREATE \1INDEX {temp} ON {new} ",
            definition,
        )
        cursor.execute(statement)
        renames.append(("INDEX", temp, name))
    for n, (name, definition) in enumerate(constraints):
        temp = f"inyeon_tmp_con_{n}"
        cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {temp} {definition}")
        renames.append(("CONSTRAINT", temp, name))
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for kind, temp, name in renames:
        if kind == "INDEX":
            cursor.execute(f"ALTER INDEX {temp} RENAME TO {name}")
        else:
            cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {temp} TO {name}")
    cursor.execute(f"ANALYZE {table}")


def _write_stage_changes(
    scores: Scores, current_stage: NDArray[Any], *, now: dt.datetime, reason: str
) -> int:
    """Record and apply the stages that differ from the contacts' current ones."""
    moved = np.flatnonzero(scores.lifecycle_stage != current_stage)
    if moved.size == 0:
        return 0
    contact_table = Contact._meta.db_table
    stage_table = StageChange._meta.db_table
    rows = list(zip(scores.contact_id[moved].tolist(), scores.lifecycle_stage[moved].tolist(), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TMP_STAGES}")
        temp = "TEMPORARY" if connection.vendor != "sqlite" else "TEMP"
        cursor.execute(
            f"CREATE {temp} TABLE {TMP_STAGES} (contact_id bigint PRIMARY KEY, to_stage varchar(10))"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TMP_STAGES} (contact_id, to_stage) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for i in range(0, len(rows), BATCH):
                cursor.executemany(
                    f"INSERT INTO {TMP_STAGES} (contact_id, to_stage) VALUES (%s, %s)", rows[i : i + BATCH]
                )
        # The contact's stage is read again here: a change made since the scores were read counts.
        cursor.execute(
            f"INSERT INTO {stage_table} "
            "(contact_id, from_stage, to_stage, changed_at, changed_by_id, reason) "
            f"SELECT c.id, c.lifecycle_stage, t.to_stage, %s, NULL, %s FROM {TMP_STAGES} t "
            f"JOIN {contact_table} c ON c.id = t.contact_id WHERE c.lifecycle_stage <> t.to_stage",
            [now, reason],
        )
        changes = max(cursor.rowcount, 0)
        cursor.execute(
            f"UPDATE {contact_table} SET lifecycle_stage = t.to_stage, version = version + 1, "
            f"updated_at = %s FROM {TMP_STAGES} t WHERE {contact_table}.id = t.contact_id "
            f"AND {contact_table}.lifecycle_stage <> t.to_stage",
            [now],
        )
        cursor.execute(f"DROP TABLE {TMP_STAGES}")
    return changes


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = round(now - self.last, 3)
        self.last = now
