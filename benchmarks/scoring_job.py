"""The full scoring job on 1,000,000 customers and 10,000,000 orders in PostgreSQL.

    .venv/bin/python benchmarks/scoring_job.py [--customers 1000000] [--orders-per-customer 10]
        [--database-url postgres://postgres@127.0.0.1:5432/inyeon_bench_scoring] [--reload]

Loads the data once (binary COPY built by numpy: contacts, then orders drawn from a buy-till-you-die
story: a purchase rate per customer, a lifetime after the first purchase, two years of history),
then times `scoring_execute` end to end (read orders, fit BG/NBD and Gamma-Gamma, score, write
every score row and the stage changes) twice: the first run writes every row, the second finds
nothing changed. Peak memory is the process's maximum resident set size.
Goal: under 60 seconds and under 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

PG_EPOCH = dt.date(2000, 1, 1)
AS_OF = dt.date(2026, 6, 30)


def binary_copy(columns: list[tuple[str, str, object]], n: int) -> tuple[np.ndarray, bytes, bytes]:
    """A structured array for `n` rows of COPY binary; ("name", "i8"|"i4"|"ts"|"text", const or None)."""
    fields: list[tuple[str, str]] = [("nfields", ">i2")]
    consts: dict[str, object] = {"nfields": len(columns)}
    for name, kind, const in columns:
        if kind == "text":
            raw = str(const).encode()
            fields += [(f"{name}_len", ">i4"), (name, f"S{len(raw)}" if raw else "V0")]
            consts[f"{name}_len"] = len(raw)
            if raw:
                consts[name] = raw
            continue
        size = {"i8": 8, "i4": 4, "ts": 8}[kind]
        fields += [(f"{name}_len", ">i4"), (name, ">i8" if size == 8 else ">i4")]
        consts[f"{name}_len"] = size
        if const is not None:
            consts[name] = const
    rows = np.zeros(n, dtype=np.dtype(fields))
    for key, value in consts.items():
        rows[key] = value
    return rows, b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8, b"\xff\xff"


def load(customers: int, per_customer: float, seed: int = 3) -> None:
    from django.db import connection

    from inyeon.core.models import User
    from inyeon.core.services import team_ensure

    team = team_ensure(name="Bench")
    owners = []
    for i in range(8):
        user, _ = User.objects.get_or_create(
            username=f"bench{i}", defaults={"role": "sales_rep", "team": team}
        )
        owners.append(user.pk)
    owners_arr = np.array(owners, dtype=np.int64)
    now_us = int((dt.datetime(2026, 6, 30) - dt.datetime(2000, 1, 1)).total_seconds() * 1e6)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE analytics_customerscore, customers_stagechange, customers_order, customers_contact "
            "RESTART IDENTITY CASCADE"
        )
        cursor.execute("TRUNCATE analytics_scoringrun")
    t = time.perf_counter()
    rows, head, tail = binary_copy(
        [
            ("created_at", "ts", now_us),
            ("updated_at", "ts", now_us),
            ("version", "i4", 1),
            ("family_name", "text", "김"),
            ("given_name", "text", "민수"),
            ("display_name", "text", "김민수"),
            ("name_order", "text", "eastern"),
            ("search_name", "text", "김민수"),
            ("search_given", "text", "민수"),
            ("name_initials", "text", "ㄱㅁㅅ"),
            ("job_title", "text", ""),
            ("primary_email", "text", ""),
            ("primary_phone", "text", ""),
            ("preferred_channel", "text", "email"),
            ("language", "text", "ko"),
            ("source", "text", "bench"),
            ("external_id", "text", ""),
            ("lifecycle_stage", "text", "prospect"),
            ("notes", "text", ""),
            ("owner_id", "i8", None),
            ("team_id", "i8", team.pk),
        ],
        customers,
    )
    rows["owner_id"] = owners_arr[np.arange(customers) % 8]
    names = ", ".join(n for n in rows.dtype.names if n != "nfields" and not n.endswith("_len"))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY customers_contact ({names}) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.write(head + rows.tobytes() + tail)
    print(f"contacts loaded: {customers:,} in {time.perf_counter() - t:.1f} s", flush=True)

    rng = np.random.default_rng(seed)
    as_of_day = (AS_OF - PG_EPOCH).days
    first = as_of_day - rng.integers(1, 730, size=customers)
    rate = rng.gamma(0.9, per_customer / 0.9 / 365, size=customers)  # purchases per day while active
    lifetime = rng.exponential(500, size=customers)
    end = np.minimum(first + lifetime, as_of_day)
    extra = rng.poisson(rate * (end - first))
    buyers = rng.random(customers) < 0.9  # 10% never bought: prospects
    counts = np.where(buyers, 1 + extra, 0)
    contact = np.repeat(np.arange(1, customers + 1), counts)
    start = np.repeat(first, counts)
    span = np.repeat(end - first, counts)
    offset = np.where(
        np.concatenate([[True], contact[1:] != contact[:-1]]), 0, rng.random(contact.size) * span
    )
    day = (start + offset).astype(np.int64)
    n = contact.size
    t = time.perf_counter()
    rows, head, tail = binary_copy(
        [
            ("created_at", "ts", now_us),
            ("updated_at", "ts", now_us),
            ("version", "i4", 1),
            ("number", "text", ""),
            ("ordered_at", "ts", None),
            ("currency", "text", "KRW"),
            ("total_amount", "i8", None),
            ("quantity", "i4", 1),
            ("channel", "text", "online"),
            ("status", "text", "completed"),
            ("external_id", "text", ""),
            ("owner_id", "i8", None),
            ("contact_id", "i8", None),
            ("team_id", "i8", team.pk),
        ],
        n,
    )
    rows["ordered_at"] = day * 86_400_000_000 + 3 * 3_600_000_000  # noon in Seoul
    rows["total_amount"] = (np.exp(rng.normal(10.6, 0.6, size=n)) // 100 * 100).astype(np.int64)
    rows["owner_id"] = owners_arr[(contact - 1) % 8]
    rows["contact_id"] = contact
    names = ", ".join(n_ for n_ in rows.dtype.names if n_ != "nfields" and not n_.endswith("_len"))
    step = 1_000_000
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY customers_order ({names}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(head)
            for i in range(0, n, step):
                copy.write(rows[i : i + step].tobytes())
            copy.write(tail)
        cursor.execute("ANALYZE customers_order")
        cursor.execute("ANALYZE customers_contact")
    print(f"orders loaded: {n:,} in {time.perf_counter() - t:.1f} s", flush=True)


def top_up(orders: int, seed: int = 4) -> None:
    """Append `orders` more orders (random customers, the last year) to reach a round total."""
    from django.db import connection

    from inyeon.core.models import User

    owners = np.array(
        list(
            User.objects.filter(username__startswith="bench")
            .order_by("username")
            .values_list("pk", flat=True)
        ),
        dtype=np.int64,
    )
    team_id = User.objects.get(username="bench0").team_id
    rng = np.random.default_rng(seed)
    as_of_day = (AS_OF - PG_EPOCH).days
    contact = rng.integers(1, 1_000_001, size=orders)
    day = as_of_day - rng.integers(0, 365, size=orders)
    now_us = int((dt.datetime(2026, 6, 30) - dt.datetime(2000, 1, 1)).total_seconds() * 1e6)
    rows, head, tail = binary_copy(
        [
            ("created_at", "ts", now_us),
            ("updated_at", "ts", now_us),
            ("version", "i4", 1),
            ("number", "text", ""),
            ("ordered_at", "ts", None),
            ("currency", "text", "KRW"),
            ("total_amount", "i8", None),
            ("quantity", "i4", 1),
            ("channel", "text", "online"),
            ("status", "text", "completed"),
            ("external_id", "text", ""),
            ("owner_id", "i8", None),
            ("contact_id", "i8", None),
            ("team_id", "i8", team_id),
        ],
        orders,
    )
    rows["ordered_at"] = day * 86_400_000_000 + 3 * 3_600_000_000
    rows["total_amount"] = (np.exp(rng.normal(10.6, 0.6, size=orders)) // 100 * 100).astype(np.int64)
    rows["owner_id"] = owners[(contact - 1) % len(owners)]
    rows["contact_id"] = contact
    names = ", ".join(n_ for n_ in rows.dtype.names if n_ != "nfields" and not n_.endswith("_len"))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY customers_order ({names}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(head + rows.tobytes() + tail)
        cursor.execute("ANALYZE customers_order")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders-per-customer", type=float, default=11.0)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/inyeon_bench_scoring")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--top-up-orders", type=int, default=0, help="Append this many orders first.")
    parser.add_argument(
        "--runs",
        default="first,same,next-day",
        help="Comma-separated: first (clear scores, then score), same (same day again), next-day.",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from inyeon.analytics.models import ScoringRun
    from inyeon.analytics.services import scoring_execute
    from inyeon.customers.models import Contact, Order

    if args.reload or Contact.objects.count() != args.customers:
        load(args.customers, args.orders_per_customer)
    if args.top_up_orders:
        top_up(args.top_up_orders)
    print(f"customers {Contact.objects.count():,}, orders {Order.objects.count():,}", flush=True)
    from inyeon.analytics.models import CustomerScore

    for kind in args.runs.split(","):
        as_of = AS_OF + dt.timedelta(days=1 if kind == "next-day" else 0)
        if kind == "first":
            CustomerScore.objects.all().delete()
            Contact.objects.update(lifecycle_stage="prospect")
        run = ScoringRun.objects.create(as_of=as_of)
        t = time.perf_counter()
        run = scoring_execute(run)
        seconds = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{kind}: {seconds:.1f} s, peak RSS {peak_mb:,.0f} MB; buyers {run.buyers:,}, rows changed "
            f"{run.rows_changed:,}, stage changes {run.stage_changes:,}",
            flush=True,
        )
        print(f"  steps (s): {run.summary['timings']}", flush=True)
        print(f"  params: {run.summary['params']}", flush=True)


if __name__ == "__main__":
    main()
