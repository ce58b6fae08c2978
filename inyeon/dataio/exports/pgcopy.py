"""The contact export on PostgreSQL: `COPY (SELECT ...) TO STDOUT` over the visible rows (for a
large table two of them side by side, each over half of the id range, in one snapshot).

An ORM stream of a million contacts takes about 19 s; COPY writes the CSV in the server. The rows
are those of the visible, filtered queryset (its own SQL, so the one visibility layer still
decides), and masking and neutralisation are done in SQL by the same rules as `rows.py`, giving
byte for byte the same CSV body (`tests/dataio/test_export_pg.py` holds the two side by side).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from inyeon.core.models import User
from inyeon.core.pii import MASK
from inyeon.customers.models import Account, Contact
from inyeon.dataio.cells import FORMULA_STARTS
from inyeon.dataio.exports.rows import UNNEUTRALISED

# dataio.cells.FORMULA_STARTS as code points (= + - @ tab carriage-return): comparing the integer
# `ascii()` of the first character costs half of what comparing `left(…, 1)` with texts does.
_FORMULA_CODES = "(61, 43, 45, 64, 9, 13)"
assert {chr(int(c)) for c in _FORMULA_CODES.strip("()").split(", ")} == set(FORMULA_STARTS)


def _neutralised(expr: str) -> str:
    """`neutralise(expr)`, NULL for an empty text (COPY writes NULL as an empty, unquoted cell)."""
    return (
        f"CASE WHEN {expr} = '' THEN NULL WHEN ascii({expr}) IN {_FORMULA_CODES} "
        f"THEN '''' || {expr} ELSE {expr} END"
    )


def _masked_email(expr: str) -> str:
    """`core.pii.mask_email`: first letter, the mask, then the domain (no domain: the mask alone)."""
    at = f"strpos({expr}, '@')"
    return (
        f"CASE WHEN {expr} = '' THEN '' WHEN {at} = 0 OR {at} = length({expr}) THEN '{MASK}' "
        f"ELSE left({expr}, least(1, {at} - 1)) || '{MASK}@' || substr({expr}, {at} + 1) END"
    )


def _masked_phone(expr: str) -> str:
    """`core.pii.mask_phone`: the first three and last two characters around the mask."""
    return (
        f"CASE WHEN {expr} = '' THEN '' WHEN length({expr}) > 6 "
        f"THEN left({expr}, 3) || '{MASK}' || right({expr}, 2) ELSE '{MASK}' END"
    )


def _masked_list(column: str, primary: str, mask: Callable[[str], str]) -> str:
    """`mask` of each ";"-separated value of `column`, or of `primary` when it is empty (as
    `rows._masked_list`): most contacts have one value, masked as it is; a list is split, masked
    value by value and joined again in its order."""
    each = f"string_agg({mask('v.x')}, ';' ORDER BY v.n)"
    split = f"unnest(string_to_array({column}, ';')) WITH ORDINALITY AS v(x, n)"
    listed = f"(SELECT {each} FROM {split})"  # noqa: S608 - fixed expressions only
    single = f"WHEN strpos({column}, ';') = 0 THEN {mask(column)}"
    return f"CASE WHEN {column} = '' THEN {mask(primary)} {single} ELSE {listed} END"


def _timestamp(expr: str) -> str:
    """UTC to the second with Z, as `rows.UtcSecond`; the ISO text of a timestamp (DateStyle ISO is
    set for the COPY) costs a third of what `to_char` does."""
    return f"replace(date_trunc('second', {expr} AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'"


def contact_copy_sql(
    qs: QuerySet[Contact], *, masked: bool, below: int | None = None, from_id: int | None = None
) -> tuple[str, tuple[object, ...]]:
    """The COPY statement (and its parameters) writing the CSV body of `qs`, in id order; only the
    contacts with an id below `below` and from `from_id` on, when given."""
    contact, account, user = Contact._meta.db_table, Account._meta.db_table, User._meta.db_table
    # The e-mails, phones and tags come ready-joined from the contact row (`customers.channels`);
    # a contact whose channel rows are missing (written outside the services) has its primary ones.
    emails = "coalesce(nullif(c.emails_text, ''), c.primary_email)"
    phones = "coalesce(nullif(c.phones_text, ''), c.primary_phone)"
    birth = (
        "CASE WHEN c.birth_date IS NULL THEN NULL "
        "ELSE date_part('year', c.birth_date)::int::text || '-**-**' END"
        if masked
        else "to_char(c.birth_date, 'YYYY-MM-DD')"
    )
    # The inner query gives each cell's text once; the outer one neutralises it. OFFSET 0 keeps
    # the planner from pulling the inner expressions up into every reference to them.
    texts = {
        "external_id": "c.external_id",
        "family_name": "c.family_name",
        "given_name": "c.given_name",
        "display_name": "c.display_name",
        "name_order": "c.name_order",
        "emails": _masked_list("c.emails_text", "c.primary_email", _masked_email) if masked else emails,
        "phones": _masked_list("c.phones_text", "c.primary_phone", _masked_phone) if masked else phones,
        "birth_date": birth,
        "preferred_channel": "c.preferred_channel",
        "language": "c.language",
        "tags": "c.tags_text",
        "source": "c.source",
        "job_title": "c.job_title",
        "account": "a.name",
        "notes": "c.notes",
        "lifecycle_stage": "c.lifecycle_stage",
        "owner": "u.username",
    }
    inner = ", ".join(f"{expr} AS {name}" for name, expr in texts.items())
    outer = [
        f"NULLIF(r.{name}, '')" if name in UNNEUTRALISED else _neutralised(f"r.{name}") for name in texts
    ]
    outer += ["r.created_at", "r.id"]
    where: list[str] = []
    params: tuple[object, ...] = ()
    if qs.query.where:
        # The visible, filtered rows as the list's own SQL decides them. Every contact (scope
        # "all", no filter) needs no such semi-join.
        ids_sql, ids_params = qs.order_by().values("pk").query.sql_with_params()
        where.append(f"c.id IN ({ids_sql})")
        params += tuple(ids_params)
    if below is not None:
        where.append("c.id < %s")
        params += (below,)
    if from_id is not None:
        where.append("c.id >= %s")
        params += (from_id,)
    # Only table names (from the models) and fixed expressions are formatted in; values are parameters.
    select = f"""
        SELECT {", ".join(outer)} FROM (
        SELECT {inner}, {_timestamp("c.created_at")} AS created_at, c.id
        FROM {contact} c
        JOIN {user} u ON u.id = c.owner_id
        LEFT JOIN {account} a ON a.id = c.account_id
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY c.id OFFSET 0
        ) r ORDER BY r.id
    """  # noqa: S608
    return f"COPY ({select}) TO STDOUT (FORMAT csv)", params


# COPY runs in one backend, on one core. A table of at least this many contacts (the planner's
# estimate) is exported by two connections, each writing half of the id range, both reading
# the same snapshot.
PARALLEL_MIN_ROWS = 200_000
_SETTINGS = (
    # A parallel plan gains nothing here (the two halves already run side by side) and JIT
    # compiling the expressions costs more than it saves on this query; DateStyle ISO gives the
    # timestamp text `_timestamp` formats.
    "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL DateStyle = ISO"
)


def contact_copy_chunks(
    qs: QuerySet[Contact],
    *,
    masked: bool,
    on_rows: Callable[[int], None] | None = None,
    using: str = "default",
) -> Iterator[bytes]:
    """The CSV body of `qs` (no header) as COPY writes it, in id order (flat memory).

    A large table is split at the middle of its id range: this connection streams the lower half
    while a second connection writes the upper half to a temporary file, which follows. Both read
    the snapshot this connection exports, so the file is what one COPY would have written. Inside
    a transaction (whose own writes a second connection could not see) there is one COPY.

    `on_rows` hears the row count once the COPY has finished: while it runs the connection can run
    nothing else (a job's progress write would wait for ever), and a million rows take seconds.
    """
    connection = connections[using]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        outer = connection.in_atomic_block or not connection.get_autocommit()
        raw.execute("SAVEPOINT contact_copy" if outer else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            raw.execute(_SETTINGS)
            middle = None if outer else _middle_id(raw)
            if middle is None:
                sql, params = contact_copy_sql(qs, masked=masked)
                rows = yield from _copy(raw, raw.mogrify(sql, params) if params else sql)
            else:
                rows = yield from _two_halves(connection, raw, qs, masked=masked, middle=middle)
        finally:
            # Only reads were done: the savepoint (and the settings made in it) or the
            # transaction is rolled back.
            raw.execute(
                "ROLLBACK TO SAVEPOINT contact_copy; RELEASE SAVEPOINT contact_copy" if outer else "ROLLBACK"
            )
        if on_rows is not None:
            on_rows(rows)


def _copy(raw: Any, statement: str) -> Generator[bytes, None, int]:
    with raw.copy(statement) as copy:
        for data in copy:
            yield bytes(data)
    return int(raw.rowcount)


def _middle_id(raw: Any) -> int | None:
    """The id that halves the contact table, or None when the table is too small to split."""
    table = Contact._meta.db_table
    raw.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
    found = raw.fetchone()
    if found is None or found[0] < PARALLEL_MIN_ROWS:
        return None
    raw.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608 - the model's table name
    low, high = raw.fetchone()
    return None if low is None or low == high else (low + high) // 2 + 1


def _two_halves(
    connection: Any, raw: Any, qs: QuerySet[Contact], *, masked: bool, middle: int
) -> Generator[bytes, None, int]:
    raw.execute("SELECT pg_export_snapshot()")
    snapshot = raw.fetchone()[0]
    lower_sql, lower_params = contact_copy_sql(qs, masked=masked, below=middle)
    upper_sql, upper_params = contact_copy_sql(qs, masked=masked, from_id=middle)
    upper = _UpperHalf(connection, snapshot, raw.mogrify(upper_sql, upper_params))
    upper.start()
    try:
        rows = yield from _copy(raw, raw.mogrify(lower_sql, lower_params))
        upper.join()
        if upper.error is not None:
            raise upper.error
        upper.spool.seek(0)
        while data := upper.spool.read(1 << 20):
            yield data
        return rows + upper.rows
    finally:
        upper.stop()


class _UpperHalf(threading.Thread):
    """A second connection writing the upper half's COPY into a temporary file."""

    def __init__(self, connection: Any, snapshot: str, statement: str) -> None:
        super().__init__(name="export-upper-half", daemon=True)
        self.params = connection.get_connection_params()
        self.database = connection.Database
        self.snapshot, self.statement = snapshot, statement
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.rows = 0
        self.error: BaseException | None = None
        self.conn: Any = None

    def run(self) -> None:
        try:
            with self.database.connect(**self.params, autocommit=True) as conn:
                self.conn = conn
                with conn.cursor() as cur:
                    cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cur.execute(f"SET TRANSACTION SNAPSHOT '{self.snapshot}'")  # the server's own id
                    cur.execute(_SETTINGS)
                    with cur.copy(self.statement) as copy:
                        for data in copy:
                            self.spool.write(data)
                    self.rows = int(cur.rowcount)
                    cur.execute("ROLLBACK")
        except BaseException as exc:  # handed to the streaming thread, which raises it
            self.error = exc

    def stop(self) -> None:
        """Cancel the COPY if the stream was left early, wait for the thread, drop the file."""
        if self.is_alive() and self.conn is not None:
            self.conn.cancel()
        self.join()
        self.spool.close()
