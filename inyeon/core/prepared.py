"""ORM reads compiled once per process and run again with a new value.

Building and compiling the queryset of the API's hottest read, one contact by id (the visibility
filter, two joins, some sixty columns), costs several times more Python than running it. A
`PreparedRead` keeps, per process, the SQL that the ORM compiled for a queryset built with a
marker in place of the value, and later runs that SQL with the value swapped in, turning the rows
into model instances exactly as the ORM does (rows joined by `select_related` included).

The key of an entry must name everything the queryset was built from besides the value (for a
visibility-scoped read: the user and what `core.visibility` reads of them). An entry lives as long
as a remembered API token (`INYEON_API_TOKEN_CACHE_SECONDS`), so that what it embedded (a
manager's sub-teams) is never older than that, and every entry is forgotten at once when a user,
token or team changes in this process (`CoreConfig.ready`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=models.Model)

MARKER = -7_340_033  # an id no table hands out (ids are positive)
MAX_ENTRIES = 5_000


class _Compiled:
    def __init__(self, queryset: models.QuerySet[Any]) -> None:
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        if self.params.count(MARKER) != 1:
            raise ValueError("the marker must appear exactly once among the query's values")
        self.slot = self.params.index(MARKER)
        self.compiler = compiler
        klass_info = compiler.klass_info
        assert klass_info is not None
        self.model: type[models.Model] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in compiler.select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, compiler.select, self.db)  # type: ignore[call-arg]
        self.converters = compiler.get_converters([column[0] for column in compiler.select])

    def run(self, value: object) -> list[Any]:
        params = list(self.params)
        params[self.slot] = value
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        out = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            out.append(obj)
        return out


_entries: dict[Hashable, tuple[float, _Compiled | None]] = {}


class PreparedRead(Generic[M]):
    """`build(marker)` returns the queryset with `marker` where the value goes (once)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fetch(self, key: Hashable, build: Callable[[int], models.QuerySet[M]], value: int) -> list[M]:
        ttl = float(getattr(settings, "INYEON_API_TOKEN_CACHE_SECONDS", 0))
        if ttl <= 0:
            return list(build(value))
        full_key = (self.name, key)
        now = time.monotonic()
        entry = _entries.get(full_key)
        if entry is None or entry[0] <= now:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            try:
                compiled = _Compiled(build(MARKER))
            except EmptyResultSet:  # the user may see nothing at all
                compiled = None
            entry = (now + ttl, compiled)
            _entries[full_key] = entry
        return [] if entry[1] is None else entry[1].run(value)


def forget_all(**kwargs: Any) -> None:
    """Signal receiver: a user, token or team changed."""
    _entries.clear()
