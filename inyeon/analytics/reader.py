"""Reading the purchase history and the contact base into arrays for the scoring engine.

On PostgreSQL the orders arrive through one binary COPY parsed by numpy (10 million orders in a
few seconds, flat Python memory); other databases go through the ORM in batches.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models.functions import TruncDate
from numpy.typing import NDArray

from inyeon.customers.choices import OrderStatus
from inyeon.customers.models import Contact, Order

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
COUNTED_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
BATCH = 20_000


def day_number(day: dt.date) -> int:
    return day.toordinal() - EPOCH_ORDINAL


def read_contacts() -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[Any]]:
    """Every contact id (ascending), its referrer's id (-1 for none) and its lifecycle stage."""
    rows = Contact.objects.order_by("pk").values_list("pk", "referred_by_id", "lifecycle_stage")
    ids: list[int] = []
    refs: list[int] = []
    stages: list[str] = []
    for pk, ref, stage in rows.iterator(chunk_size=BATCH):
        ids.append(pk)
        refs.append(-1 if ref is None else ref)
        stages.append(stage)
    return np.array(ids, dtype=np.int64), np.array(refs, dtype=np.int64), np.array(stages, dtype=object)


def read_orders(as_of: dt.date) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(contact id, local order day, amount) of every counted order in the default currency."""
    if connection.vendor == "postgresql":
        return _read_orders_copy(as_of)
    qs = (
        Order.objects.filter(
            contact__isnull=False,
            status__in=COUNTED_STATUSES,
            currency=settings.INYEON_DEFAULT_CURRENCY,
        )
        .annotate(day=TruncDate("ordered_at"))
        .filter(day__lte=as_of)
        .values_list("contact_id", "day", "total_amount")
    )
    contact: list[int] = []
    day: list[int] = []
    amount: list[int] = []
    for cid, d, amt in qs.iterator(chunk_size=BATCH):
        contact.append(cid)
        day.append(d.toordinal() - EPOCH_ORDINAL)
        amount.append(amt)
    return (
        np.array(contact, dtype=np.int64),
        np.array(day, dtype=np.int64),
        np.array(amount, dtype=np.int64),
    )


# One row of `COPY ... (FORMAT binary)` for (bigint, integer, bigint), none of them null.
_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("len1", ">i4"),
        ("contact", ">i8"),
        ("len2", ">i4"),
        ("day", ">i4"),
        ("len3", ">i4"),
        ("amount", ">i8"),
    ]
)
_HEADER = 19


def _read_orders_copy(as_of: dt.date) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    from psycopg import sql

    statuses = sql.SQL(", ").join(sql.Literal(str(s)) for s in COUNTED_STATUSES)
    query = sql.SQL(
        "COPY (SELECT contact_id, ((ordered_at AT TIME ZONE {tz})::date - DATE '1970-01-01'), total_amount"
        " FROM {table} WHERE contact_id IS NOT NULL AND status IN ({statuses}) AND currency = {currency}"
        " AND (ordered_at AT TIME ZONE {tz})::date <= {as_of}) TO STDOUT (FORMAT binary)"
    ).format(
        tz=sql.Literal(settings.TIME_ZONE),
        table=sql.Identifier(Order._meta.db_table),
        statuses=statuses,
        currency=sql.Literal(settings.INYEON_DEFAULT_CURRENCY),
        as_of=sql.Literal(as_of),
    )
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(query) as copy:
            for chunk in copy:
                buffer.write(chunk)
    data = buffer.getbuffer()
    count = (len(data) - _HEADER - 2) // _ROW.itemsize
    rows = np.frombuffer(data, dtype=_ROW, count=count, offset=_HEADER)
    result = (
        rows["contact"].astype(np.int64),
        rows["day"].astype(np.int64),
        rows["amount"].astype(np.int64),
    )
    del rows, data
    return result
