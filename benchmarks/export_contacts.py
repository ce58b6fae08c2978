"""Export of every contact as one user sees them: visibility, masking and neutralisation applied.

Goal: 1,000,000 contacts in under 5 s on PostgreSQL (one COPY), under 20 s on SQLite (the
Python path), peak memory under 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inyeon_bench \\
        .venv/bin/python benchmarks/export_contacts.py --user marketer [--format csv|xlsx]

`--fill N` first writes N synthetic contacts (each with an e-mail and a phone row, some with an
account and tags) into an EMPTY database of your own, e.g. a SQLite file under /tmp after
`inyeon migrate`; it refuses a database that already holds contacts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from inyeon.core.models import User  # noqa: E402
from inyeon.core.visibility import can_see_pii, scope_of  # noqa: E402
from inyeon.customers.models import Account, Contact, ContactEmail, ContactPhone, Tag  # noqa: E402
from inyeon.dataio.exports.services import export_write  # noqa: E402

FAMILY = "김이박최정강조윤장임"
GIVEN = ["민수", "서연", "지훈", "하은", "도윤", "=수식", "+홍보", "-빼기", "@멘션", "지우"]


def fill(n: int) -> None:
    """N synthetic contacts owned by eight reps (and a marketer to export them), in batches."""
    if Contact.objects.exists():
        sys.exit("--fill: this database already holds contacts; fill only an empty database of your own")
    reps = [User.objects.create(username=f"rep{i}", role="sales_rep") for i in range(8)]
    User.objects.create(username="marketer", role="marketer")
    accounts = Account.objects.bulk_create(
        Account(name=f"(주)인연상사 {i}", search_name=f"인연상사 {i}", owner=reps[i % 8]) for i in range(3000)
    )
    tags = [Tag.objects.create(name=name) for name in ("VIP", "골프", "뉴스레터", "=위험")]
    start = timezone.now() - dt.timedelta(days=365)
    if connection.vendor == "postgresql":
        fill_sql(n, [u.pk for u in reps], accounts[0].pk, tags[0].pk, start)
        return
    batch = 20_000
    for first in range(0, n, batch):
        with transaction.atomic():
            contacts = Contact.objects.bulk_create(
                Contact(
                    family_name=FAMILY[i % 10],
                    given_name=GIVEN[i % 10],
                    display_name=f"{FAMILY[i % 10]}{GIVEN[i % 10]}",
                    primary_email=f"person{i}@example.kr",
                    primary_phone=f"+8210{i:08d}",
                    emails_text=f"person{i}@example.kr",
                    phones_text=f"+8210{i:08d}",
                    birth_date=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28) if i % 3 else None,
                    account=accounts[i % 3000] if i % 3 == 0 else None,
                    notes='메모, "따옴표"' if i % 10 == 0 else "",
                    owner=reps[i % 8],
                    created_at=start + dt.timedelta(seconds=i * 30),
                )
                for i in range(first, min(n, first + batch))
            )
            ContactEmail.objects.bulk_create(
                ContactEmail(contact=c, email=c.primary_email, is_primary=True) for c in contacts
            )
            ContactPhone.objects.bulk_create(
                ContactPhone(contact=c, number=c.primary_phone, is_primary=True) for c in contacts
            )
            Contact.tags.through.objects.bulk_create(
                Contact.tags.through(contact_id=c.pk, tag_id=tags[c.pk % 4].pk)
                for c in contacts
                if c.pk % 5 == 0
            )
        print(f"\r  filled {min(n, first + batch):,}/{n:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    fill_tags_text()


def fill_tags_text() -> None:
    """`Contact.tags_text` of the filled contacts (one tag each), as `customers.channels` keeps it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_contact SET tags_text = (SELECT t.name FROM customers_contact_tags ct "
            "JOIN customers_tag t ON t.id = ct.tag_id WHERE ct.contact_id = customers_contact.id) "
            "WHERE id IN (SELECT contact_id FROM customers_contact_tags)"
        )


def fill_sql(n: int, reps: list[int], first_account: int, first_tag: int, start: dt.datetime) -> None:
    """The same rows as `fill` written by the server (a few seconds instead of many minutes)."""
    family = ",".join(f"'{c}'" for c in FAMILY)
    given = ",".join(f"'{g}'" for g in GIVEN)
    owners = ",".join(str(pk) for pk in reps)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO customers_contact (created_at, updated_at, version, family_name, given_name,
                display_name, name_order, search_name, search_given, name_initials, job_title,
                primary_email, primary_phone, emails_text, phones_text, birth_date, preferred_channel,
                language, source, external_id, lifecycle_stage, notes, account_id, owner_id)
            SELECT %s::timestamptz + i * interval '30 seconds', now(), 1,
                (ARRAY[{family}])[i %% 10 + 1], (ARRAY[{given}])[i %% 10 + 1],
                (ARRAY[{family}])[i %% 10 + 1] || (ARRAY[{given}])[i %% 10 + 1], 'eastern', '', '', '', '',
                'person' || i || '@example.kr', '+8210' || lpad(i::text, 8, '0'),
                'person' || i || '@example.kr', '+8210' || lpad(i::text, 8, '0'),
                CASE WHEN i %% 3 = 0 THEN NULL
                     ELSE make_date(1950 + i %% 50, 1 + i %% 12, 1 + i %% 28) END,
                '', 'ko', '', '', 'prospect',
                CASE WHEN i %% 10 = 0 THEN '메모, "따옴표"' ELSE '' END,
                CASE WHEN i %% 3 = 0 THEN %s + i %% 3000 END,
                (ARRAY[{owners}])[i %% 8 + 1]
            FROM generate_series(0, %s - 1) AS i
            """,
            [start, first_account, n],
        )
        cursor.execute(
            "INSERT INTO customers_contactemail (contact_id, email, label, is_primary) "
            "SELECT id, primary_email, '', true FROM customers_contact"
        )
        cursor.execute(
            "INSERT INTO customers_contactphone (contact_id, number, label, is_primary) "
            "SELECT id, primary_phone, '', true FROM customers_contact"
        )
        cursor.execute(
            "INSERT INTO customers_contact_tags (contact_id, tag_id) "
            "SELECT id, %s + id %% 4 FROM customers_contact WHERE id %% 5 = 0",
            [first_tag],
        )
    fill_tags_text()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="marketer", help="Export as this user (default: marketer).")
    parser.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--output", default="/tmp/inyeon-export-bench")
    parser.add_argument("--fill", type=int, default=0, help="First fill an EMPTY database with N contacts.")
    args = parser.parse_args()
    if args.fill:
        fill(args.fill)
    user = User.objects.get(username=args.user)
    output = Path(f"{args.output}.{args.file_format}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    file_format = args.file_format
    started, cpu_started = time.perf_counter(), time.process_time()
    export_write(output, user=user, kind="contacts", file_format=file_format, filters={}, how="benchmark")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = Contact.objects.count()
    load = "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    if connection.vendor == "postgresql":
        load = f"bare COPY of the contact table right after: {bare_copy():.2f} s; {load}"
    print(
        f"{connection.vendor}: {rows:,} contacts in the base; {args.user} (scope {scope_of(user)}, "
        f"{'plain' if can_see_pii(user) else 'masked'}) exported {output.stat().st_size / 1e6:,.0f} MB "
        f"of {file_format.upper()} in {elapsed:.2f} s (this process's CPU {cpu:.2f} s); "
        f"peak RSS {peak:.0f} MB (before the export {rss_before:.0f} MB); {load}"
    )


def bare_copy() -> float:
    """Seconds for `COPY customers_contact TO STDOUT` read and dropped by the client (what
    `psql -c "\\copy customers_contact TO /dev/null"` does): the ceiling beside each run."""
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy("COPY customers_contact TO STDOUT") as copy:
        for _data in copy:
            pass
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
