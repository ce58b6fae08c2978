"""Inserting many rows of one model fast: PostgreSQL COPY (text format, lines built here, ids
reserved from the table's sequence first) or, elsewhere, `bulk_create`. Rows are dicts of column
values by attribute name (`owner_id`, not `owner`); columns left out get the field's default."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.fields import NOT_PROVIDED

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def cell(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # Most cells need no escape: looking is cheaper than translating.
        return value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # dates and datetimes
        return value.isoformat()
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value)


def defaults(model: type[Model], given: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        if field.default is not NOT_PROVIDED:
            out[field.attname] = field.get_default()
        elif field.null:
            out[field.attname] = None
        else:
            out[field.attname] = field.get_default()
    return out


def insert(model: type[Model], rows: Sequence[dict[str, Any]], *, ids: bool = True) -> list[int]:
    """Insert `rows`; returns their new primary keys (in order) when `ids`."""
    if not rows:
        return []
    given = set().union(*(r.keys() for r in rows))
    every = defaults(model, set())
    missing = {k: v for k, v in every.items() if k not in given}
    if connection.vendor != "postgresql":
        objects = [model(**missing, **row) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return [o.pk for o in objects] if ids else []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    columns = sorted(given) + sorted(missing)
    constant = "\t".join(cell(missing[c]) for c in sorted(missing))
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            new_ids = reserve_ids(model, len(rows))
            columns = [pk.attname, *columns]
        by_attname = {f.attname: str(f.column) for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(by_attname[c]) for c in columns)
        given_sorted = sorted(given)
        lines = []
        for i, row in enumerate(rows):
            cells = [cell(row[c] if c in row else every[c]) for c in given_sorted]
            if ids:
                cells.insert(0, str(new_ids[i]))
            if missing:
                cells.append(constant)
            lines.append("\t".join(cells))
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")
    return new_ids


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL)."""
    sequence = _sequence(model)
    with connection.cursor() as cursor:
        # Usually the values come out consecutive: then three numbers say which they are, instead
        # of a row for each. Another session drawing from the sequence meanwhile leaves gaps; then
        # they are fetched one by one.
        cursor.execute(
            "SELECT min(v), max(v), count(*) FROM "
            "(SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS drawn",
            [sequence, count],
        )
        low, high, drawn = cursor.fetchone()
        if drawn == count and high - low + 1 == count:
            return list(range(low, high + 1))
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [r[0] for r in cursor.fetchall()]


_sequences: dict[str, str] = {}


def _sequence(model: type[Model]) -> str:
    """The name of the sequence behind `model`'s primary key: looked up once, since
    `nextval(pg_get_serial_sequence(...))` would look it up again for every value."""
    table = model._meta.db_table
    if table not in _sequences:
        pk = model._meta.pk
        assert pk is not None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            _sequences[table] = cursor.fetchone()[0]
    return _sequences[table]


def copy_lines(model: type[Model], attnames: Sequence[str], lines: list[str]) -> None:
    """COPY lines already in the text format (cells in the order of `attnames`) into `model`'s
    table (PostgreSQL)."""
    if lines:
        with copy_into(model, attnames) as write:
            write(lines)


@contextmanager
def copy_into(model: type[Model], attnames: Sequence[str]) -> Iterator[Callable[[list[str]], None]]:
    """A COPY into `model`'s table (PostgreSQL) open for lines in the text format, written piece by
    piece: the server works through each piece while the next is built."""
    by_attname = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(by_attname[c]) for c in attnames)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:

        def write(lines: list[str]) -> None:
            if lines:
                copy.write("\n".join(lines) + "\n")

        yield write


@contextmanager
def checked_now() -> Iterator[None]:
    """PostgreSQL: the foreign keys of the rows written inside are checked at the end of each
    statement instead of at the commit. The checks cost the same, but an import then makes them
    while its other processes prepare the next rows, not all at once at the end with the rest of
    the machine idle."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def analyze(models: Sequence[type[Model]]) -> None:
    """Refresh PostgreSQL's statistics of these tables (after a large import, before autovacuum
    gets to them: with the old row counts the planner reads a whole table to match a chunk of
    e-mails, where the index would take a hundredth of the time)."""
    if connection.vendor != "postgresql" or not models:
        return
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")


def many(values: Any) -> Any:
    """The right side of an `__in` filter over thousands of values: on PostgreSQL one array
    parameter (`IN (SELECT unnest(%s))`) rather than thousands of placeholders, which the driver
    is slow to prepare. Texts go as one array literal, built here in one pass: the driver's own
    list adapter takes several times longer per value."""
    items = list(values)
    if connection.vendor != "postgresql" or not items:
        return items
    if isinstance(items[0], int):
        return RawSQL("SELECT unnest(%s::bigint[])", [items])
    texts = '","'.join(map(str, items))
    if '"' in texts or "\\" in texts:  # rare: escape value by value
        texts = '","'.join(_ARRAY_ESCAPE.sub(r"\\\g<0>", str(v)) for v in items)
    return RawSQL("SELECT unnest(%s::text[])", ['{"' + texts + '"}'])


_ARRAY_ESCAPE = re.compile(r'["\\]')
