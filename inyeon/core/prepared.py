"""ORM reads compiled once per process and run again with a new value.

Building and compiling the queryset of the API's hottest read, one contact by id (the visibility
filter, two joins, some sixty columns), costs several times more Python than running it. A
`PreparedRead` keeps, per process, the SQL that the ORM compiled for a queryset built with a
marker in place of the value, and later runs that SQL with the value swapped in, turning the rows
into model instances as the ORM does (rows joined by `select_related` included), only without
running `Model.__init__` for each (see `instance`).

The key of an entry must name everything the queryset was built from besides the value (for a
visibility-scoped read: the user and what `core.visibility` reads of them). An entry lives as long
as a remembered API token (`INYEON_API_TOKEN_CACHE_SECONDS`), so that what it embedded (a
manager's sub-teams) is never older than that, and every entry is forgotten at once when a user,
token or team changes in this process (`CoreConfig.ready`).

A read that shows personal data is given the `core.audit.Access` it owes; on PostgreSQL its
access-log row is written by the read's own statement (`_Compiled.logged_sql`), elsewhere right
after it. A read whose plan fits every value (`server_plan`) is also planned only once per
connection on PostgreSQL (`_Compiled._cursor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

from inyeon.core.audit import Access, access_columns, access_table, log_read
from inyeon.core.memory import ExpiringMemory
from inyeon.core.models import AccessLog

M = TypeVar("M", bound=models.Model)

_BASE = -7_340_033  # markers are ids no table hands out (ids are positive) and texts no one types


def marker(index: int, value: object) -> object:
    """A stand-in of the same type as `value` that no real query value equals; None if the type
    has none (the read is then never compiled ahead)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _BASE - index
    if isinstance(value, float):
        return float(_BASE - index) - 0.5
    if isinstance(value, str):
        return f"\ue000{index}\ue001"
    if isinstance(value, dt.datetime):
        return dt.datetime(1901, 1, 1, 0, 0, index, tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.date(1901, 1, 1 + index)
    return None


def _plain(model: type[models.Model]) -> bool:
    """Whether instances of `model` may be built without `__init__` (see `builder`)."""
    return (
        model.__init__ is models.Model.__init__
        and model.from_db.__func__ is models.Model.from_db.__func__  # type: ignore[attr-defined]
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


def _build(model: type[M], db: str, names: Sequence[str], values: Sequence[object]) -> M:
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = ModelState()
    state.adding = False
    state.db = db
    obj._state = state
    return obj


def _from_db(model: type[M], db: str, names: Sequence[str], values: Sequence[object]) -> M:
    return model.from_db(db, list(names), list(values))


Builder = Callable[[type[M], str, Sequence[str], Sequence[object]], M]


def builder(model: type[models.Model]) -> Builder[Any]:
    """How to turn a row of `model` into an instance: `model.from_db(db, names, values)` without
    `__init__`. The loaded fields are set, the others are left out, so reading one loads it on
    demand exactly as for a deferred field. Models with `__init__`/`from_db` of their own or init
    signal receivers go through `from_db`. Decided once per read, not per row."""
    return _build if _plain(model) else _from_db


class _Populator:
    """Django's `RelatedPopulator` (the rows joined by `select_related`), building as `builder` decides."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.children = [_Populator(p) for p in original.related_populators]
        self.make: Builder[Any] = _from_db

    def prepare(self) -> None:
        """Decide, once per read, how this populator's instances are built."""
        self.make = builder(self.original.model_cls)
        for child in self.children:
            child.prepare()

    def populate(self, row: Sequence[object], from_obj: models.Model) -> None:
        o = self.original
        data = o.reorder_for_init(row) if o.reorder_for_init else row[o.cols_start : o.cols_end]
        obj = None if data[o.pk_idx] is None else self.make(o.model_cls, o.db, o.init_list, data)
        if obj is not None:
            for child in self.children:
                child.populate(row, obj)
        o.local_setter(from_obj, obj)
        if obj is not None:
            o.remote_setter(obj, from_obj)


class Unpreparable(Exception):
    """The compiled query does not hold each marker exactly once as a value of its own."""


class _Compiled:
    def __init__(
        self, queryset: models.QuerySet[Any], markers: Sequence[object], *, server_plan: bool = False
    ) -> None:
        self.db = queryset.db
        self.server_plan = server_plan
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots = []
        for stand_in in markers:
            found = [i for i, p in enumerate(self.params) if type(p) is type(stand_in) and p == stand_in]
            if len(found) != 1:
                raise Unpreparable
            self.slots.append(found[0])
        self.compiler = compiler
        self._logged: dict[tuple[tuple[str, ...], int | None], str] = {}
        self.converters = compiler.get_converters([column[0] for column in compiler.select])
        self.names: list[str] | None = None
        if queryset._iterable_class is ValuesIterable:
            # A `values()` queryset: each row becomes a dict, named as Django's ValuesIterable does.
            query = queryset.query
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
            return
        if queryset._iterable_class is not ModelIterable:
            raise Unpreparable
        klass_info = compiler.klass_info
        assert klass_info is not None
        self.model: type[models.Model] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in compiler.select[self.start : self.end]]
        self.populators = [
            _Populator(p)
            for p in get_related_populators(klass_info, compiler.select, self.db)  # type: ignore[call-arg]
        ]
        self.annotations = list(compiler.annotation_col_map.items())

    def position(self, name: str) -> int:
        """Where the field `name` (for a model read: a field of its model) is in each row."""
        if self.names is not None:
            return self.names.index(name)
        field = self.model._meta.get_field(name) if name != "pk" else self.model._meta.pk
        return self.start + self.init_list.index(field.attname)  # type: ignore[union-attr]

    def logged_sql(self, shown_when: tuple[str, ...], first: int | None) -> str:
        """PostgreSQL: this read and its access-log row in one statement. The read's rows come out
        unchanged; a data-modifying WITH inserts one row naming those of them (of the `first`
        ones, a CTE being read in the order it was written) that hold a value in any `shown_when`
        field (see `Access`), or none if there are none. One round trip and one commit instead
        of two, with the row written exactly when the read is (or not at all)."""
        known = self._logged.get((shown_when, first))
        if known is not None:
            return known
        db = connections[self.db]
        width = len(self.compiler.select)
        pk = self.position("id" if self.names is not None else "pk")
        held = " OR ".join(f"coalesce(r.c{self.position(n)}::text, '') <> ''" for n in shown_when)
        select = ", ".join(_hole(name, field, pk, db) for name, field in self._access_fields())
        table, columns = access_table(self.db)
        shown = "r" if first is None else f"(SELECT * FROM r LIMIT {int(first)}) r"  # noqa: S608
        sql = (
            f"WITH r({', '.join(f'c{i}' for i in range(width))}) AS ({self.sql}), "  # noqa: S608
            f"logged AS (INSERT INTO {table} ({columns}) SELECT {select} FROM {shown}"
            f"{f' WHERE {held}' if held else ''} HAVING count(*) > 0) SELECT * FROM r"
        )
        self._logged[(shown_when, first)] = sql
        return sql

    def _access_fields(self) -> list[tuple[str, Any]]:
        return [(name, AccessLog._meta.get_field(name)) for name, _f in access_columns(self.db)]

    def _cursor(self) -> Any:
        """Django's cursor; for a read compiled with `server_plan` on PostgreSQL, one that binds the
        values on the server, so that psycopg prepares the statement once it has run a few times
        on the connection (`prepare_threshold`, settings) and PostgreSQL plans it once, not per
        request. Django's own cursors bind on the client, where every statement is planned anew."""
        db = connections[self.db]
        if not self.server_plan or db.vendor != "postgresql":
            return db.cursor()
        db.close_if_health_check_failed()
        db.ensure_connection()
        db.validate_thread_sharing()
        with db.wrap_database_errors:
            bound = psycopg.Cursor(db.connection)
        # (django-stubs type the argument as Django's wrapper; it is the driver's cursor.)
        return db.make_debug_cursor(bound) if db.queries_logged else db.make_cursor(bound)  # type: ignore[arg-type]

    def run(self, values: Sequence[object], access: Access | None = None) -> list[Any]:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        sql = self.sql
        in_sql = access is not None and connections[self.db].vendor == "postgresql"
        if access is not None and in_sql:
            sql = self.logged_sql(access.shown_when, access.first)
            params += access.params(self.db)
        with self._cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out = self._objects(rows)
        if access is not None and not in_sql:
            log_read(access, out)
        return out

    def _objects(self, rows: list[Any]) -> list[Any]:
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if self.names is not None:
            names = self.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        make = builder(self.model)
        for populator in self.populators:
            populator.prepare()
        out = []
        for row in rows:
            obj = make(self.model, self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            out.append(obj)
        return out


_UNPREPARABLE = "unpreparable"  # built and run by the ORM every time
_entries: ExpiringMemory[_Compiled | str] = ExpiringMemory(max_entries=5_000)


class _Prepared:
    def __init__(self, name: str, *, server_plan: bool = False) -> None:
        """`server_plan`: on PostgreSQL, let the server keep one plan for all values (see
        `_Compiled._cursor`). Only for reads whose best plan does not depend on the values, such
        as a row by its id: a search by prefix, say, needs a plan for each value."""
        self.name = name
        self.server_plan = server_plan

    def _fetch(
        self,
        key: Hashable,
        build: Callable[[Sequence[Any]], models.QuerySet[Any, Any]],
        values: Sequence[object],
        access: Access | None,
    ) -> list[Any]:
        compiled: _Compiled | str | None = _UNPREPARABLE
        if _entries.ttl() > 0:
            full_key = (self.name, key)
            compiled = _entries.get(full_key)
            if compiled is None:
                compiled = self._compile(build, values, self.server_plan)
                _entries.put(full_key, compiled)
        if isinstance(compiled, _Compiled):
            return compiled.run(values, access)
        rows = list(build(values))
        if access is not None:
            log_read(access, rows)
        return rows

    @staticmethod
    def _compile(
        build: Callable[[Sequence[Any]], models.QuerySet[Any, Any]],
        values: Sequence[object],
        server_plan: bool,
    ) -> _Compiled | str:
        markers = [marker(i, value) for i, value in enumerate(values)]
        if any(m is None for m in markers):
            return _UNPREPARABLE
        try:
            return _Compiled(build(markers), markers, server_plan=server_plan)
        except (EmptyResultSet, Unpreparable):
            # EmptyResultSet: the user may see nothing, or a stand-in is out of a field's range
            # (Django answers such lookups without SQL); either way the ORM decides each time.
            return _UNPREPARABLE


class PreparedRead(_Prepared, Generic[M]):
    """`build(values)` returns the queryset for these values; it is called once per key with
    stand-ins (see `marker`), and the SQL it compiles to is then run with each call's values.

    The key must name everything `build` reads besides `values`, including which of the
    optional values are present (their presence may change the SQL, their content may not)."""

    def fetch(
        self,
        key: Hashable,
        build: Callable[[Sequence[Any]], models.QuerySet[M]],
        values: Sequence[object],
        *,
        access: Access | None = None,
    ) -> list[M]:
        """The rows; with `access`, its access-log row is written for them too (on PostgreSQL
        in the same statement, see `_Compiled.logged_sql`)."""
        return self._fetch(key, build, values, access)


class PreparedRows(_Prepared):
    """As `PreparedRead`, for a `values()` queryset: the rows as dicts, no model instances."""

    def fetch(
        self,
        key: Hashable,
        build: Callable[[Sequence[Any]], models.QuerySet[Any, dict[str, Any]]],
        values: Sequence[object],
        *,
        access: Access | None = None,
    ) -> list[dict[str, Any]]:
        return self._fetch(key, build, values, access)


def _hole(name: str, field: Any, pk: int, db: Any) -> str:
    """An access-log column's value in the logged read's INSERT ... SELECT. A bound value there is
    an untyped literal, read as text: typed columns need a cast, while texts are left to the
    column, which refuses one that is too long (an explicit cast to varchar(n) would cut it)."""
    if name == "subject_ids":
        return f"jsonb_agg(r.c{pk})"
    if isinstance(field, models.CharField):
        return "%s"
    return f"CAST(%s AS {field.db_type(db)})"


def forget_all(**kwargs: Any) -> None:
    """Signal receiver: a user, token or team changed."""
    _entries.clear()
