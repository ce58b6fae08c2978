"""The contact export on PostgreSQL: one `COPY (SELECT ...) TO STDOUT` over the visible rows.

An ORM stream of a million contacts takes about 19 s; COPY writes the CSV in the server. The rows
are those of the visible, filtered queryset (its own SQL, so the one visibility layer still
decides), and masking and neutralisation are done in SQL by the same rules as `rows.py`, giving
byte for byte the same CSV body (`tests/dataio/test_export_pg.py` holds the two side by side).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import connections
from django.db.models import QuerySet

from inyeon.core.models import User
from inyeon.core.pii import MASK
from inyeon.customers.models import Account, Contact, ContactEmail, ContactPhone, Tag

# dataio.cells.FORMULA_STARTS as a SQL list: = + - @ tab carriage-return.
_FORMULA_STARTS = "('=', '+', '-', '@', chr(9), chr(13))"


def _neutralised(expr: str) -> str:
    """`neutralise(expr)`, NULL for an empty text (COPY writes NULL as an empty, unquoted cell)."""
    return f"NULLIF(CASE WHEN left({expr}, 1) IN {_FORMULA_STARTS} THEN '''' || {expr} ELSE {expr} END, '')"


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


def _timestamp(expr: str) -> str:
    """UTC to the second with Z, as `rows.UtcSecond`; the ISO text of a timestamp (DateStyle ISO is
    set for the COPY) costs a third of what `to_char` does."""
    return f"replace(date_trunc('second', {expr} AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'"


def contact_copy_sql(qs: QuerySet[Contact], *, masked: bool) -> tuple[str, tuple[object, ...]]:
    """The COPY statement (and its parameters) writing the CSV body of `qs`, in id order."""
    ids_sql, params = qs.order_by().values("pk").query.sql_with_params()
    contact, account, user = Contact._meta.db_table, Account._meta.db_table, User._meta.db_table
    emails, phones = ContactEmail._meta.db_table, ContactPhone._meta.db_table
    tag, contact_tags = Tag._meta.db_table, Contact.tags.through._meta.db_table
    email = _masked_email("e.email") if masked else "e.email"
    phone = _masked_phone("p.number") if masked else "p.number"
    primary_email = _masked_email("c.primary_email") if masked else "c.primary_email"
    primary_phone = _masked_phone("c.primary_phone") if masked else "c.primary_phone"
    birth = (
        "CASE WHEN c.birth_date IS NULL THEN NULL "
        "ELSE extract(year FROM c.birth_date)::int::text || '-**-**' END"
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
        "emails": f"coalesce(em.v, {primary_email})",
        "phones": f"coalesce(ph.v, {primary_phone})",
        "birth_date": birth,
        "preferred_channel": "c.preferred_channel",
        "language": "c.language",
        "tags": "tg.v",
        "source": "c.source",
        "job_title": "c.job_title",
        "account": "a.name",
        "notes": "c.notes",
        "lifecycle_stage": "c.lifecycle_stage",
        "owner": "u.username",
    }
    inner = ", ".join(f"{expr} AS {name}" for name, expr in texts.items())
    outer = [_neutralised(f"r.{name}") for name in texts]
    outer[list(texts).index("birth_date")] = "r.birth_date"  # digits and asterisks only
    outer += ["r.created_at", "r.id"]
    # Channels and tags are aggregated per contact over the visible ids in contact order, so that
    # they meet the contacts in a merge join (a sub-select per row costs 7 s per million). Each
    # list is aggregated from a sub-query sorted as the Python path sorts; an ORDER BY inside
    # string_agg would sort every one-row group on its own (PostgreSQL 15), seconds per million.
    # Only table names (from the models) and fixed expressions are formatted in; values are parameters.
    select = f"""
        SELECT {", ".join(outer)} FROM (
        SELECT {inner}, {_timestamp("c.created_at")} AS created_at, c.id
        FROM {contact} c
        JOIN {user} u ON u.id = c.owner_id
        LEFT JOIN {account} a ON a.id = c.account_id
        LEFT JOIN (
            SELECT s.contact_id, string_agg(s.v, ';') AS v FROM (
                SELECT e.contact_id, {email} AS v FROM {emails} e WHERE e.contact_id IN ({ids_sql})
                ORDER BY e.contact_id, e.is_primary DESC, e.id
            ) s GROUP BY s.contact_id
        ) em ON em.contact_id = c.id
        LEFT JOIN (
            SELECT s.contact_id, string_agg(s.v, ';') AS v FROM (
                SELECT p.contact_id, {phone} AS v FROM {phones} p WHERE p.contact_id IN ({ids_sql})
                ORDER BY p.contact_id, p.is_primary DESC, p.id
            ) s GROUP BY s.contact_id
        ) ph ON ph.contact_id = c.id
        LEFT JOIN (
            SELECT s.contact_id, string_agg(s.v, ';') AS v FROM (
                SELECT ct.contact_id, t.name AS v
                FROM {contact_tags} ct JOIN {tag} t ON t.id = ct.tag_id WHERE ct.contact_id IN ({ids_sql})
                ORDER BY ct.contact_id, t.name
            ) s GROUP BY s.contact_id
        ) tg ON tg.contact_id = c.id
        WHERE c.id IN ({ids_sql})
        ORDER BY c.id OFFSET 0
        ) r ORDER BY r.id
    """  # noqa: S608
    return f"COPY ({select}) TO STDOUT (FORMAT csv)", tuple(params) * 4


def copy_chunks(
    sql: str, params: tuple[object, ...], on_rows: Callable[[int], None] | None = None, using: str = "default"
) -> Iterator[bytes]:
    """The bytes COPY writes, as the server sends them (flat memory).

    `on_rows` hears the row count once the COPY has finished: while it runs the connection can run
    nothing else (a job's progress write would wait for ever), and a million rows take seconds.
    """
    connection = connections[using]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        statement = raw.mogrify(sql, params) if params else sql
        # A parallel plan would have every worker aggregate all channels again (the sub-queries
        # are not split between workers).
        raw.execute("SET max_parallel_workers_per_gather = 0; SET DateStyle = ISO")
        try:
            with raw.copy(statement) as copy:
                for data in copy:
                    yield bytes(data)
            if on_rows is not None:
                on_rows(raw.rowcount)
        finally:
            raw.execute("RESET max_parallel_workers_per_gather; RESET DateStyle")
