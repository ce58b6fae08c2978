"""The duplicate-candidate scan over a PostgreSQL base of 1,000,000 contacts.

    .venv/bin/python benchmarks/duplicate_scan.py [--database-url postgres://postgres@127.0.0.1:5432/inyeon_bench]
        [--plant 1000] [--fill-to 0]

Plants `--plant` near-duplicates of randomly chosen contacts (a second writing of the name: spaced
Hangul, Revised Romanization or the common spelling such as 'Kim', in Latin order or not; a new
e-mail and phone; the same birth date, account or address as the original), then times the scan
(`duplicate_scan_execute`: read every contact, its e-mails, phones and addresses; exact keys;
blocks; rapidfuzz inside blocks; write the candidates), reports the recall on the planted pairs,
and deletes only the contacts it planted.

`--fill-to N` first tops a base up to N contacts with synthetic ones (demo-like Korean and Western
names, birth dates, phones, e-mails, addresses; source 'bench-dup-fill'), for a database of your
own; never use it on a shared demo base.
Goal: under 2 minutes for 1,000,000 contacts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

PLANT_SOURCE = "bench-dup-plant"
FILL_SOURCE = "bench-dup-fill"


def fill(to: int, seed: int = 11) -> None:
    """Top the base up to `to` contacts by COPY (contacts, then their e-mail, phone and address rows)."""
    from django.db import connection
    from django.utils import timezone

    from inyeon.core.models import User
    from inyeon.core.services import team_ensure
    from inyeon.customers.models import Contact
    from inyeon.customers.names import display_name_for, name_keys
    from inyeon.demo import vocab

    have = Contact.objects.count()
    if have >= to:
        fill_channels()
        return
    rng = random.Random(seed)
    team = team_ensure(name="Bench")
    owner, _ = User.objects.get_or_create(username="bench-dup", defaults={"role": "sales_rep", "team": team})
    families = [f for f, _ in vocab.FAMILY_NAMES]
    weights = [w for _, w in vocab.FAMILY_NAMES]
    now = timezone.now()
    columns = (
        "owner_id, team_id, created_at, updated_at, version, family_name, given_name, display_name, "
        "name_order, search_name, search_given, name_initials, job_title, primary_email, primary_phone, "
        "birth_date, preferred_channel, language, source, external_id, lifecycle_stage, notes"
    )
    t = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY customers_contact ({columns}) FROM STDIN") as copy,
    ):
        for n in range(have, to):
            if rng.random() < 0.9:
                family, given, order = (
                    rng.choices(families, weights)[0],
                    rng.choice(vocab.GIVEN_NAMES),
                    "eastern",
                )
                local = f"{vocab.ROMAN_FAMILY.get(family, 'park')}{rng.randint(1, 99999)}"
            else:
                family, given, order = (
                    rng.choice(vocab.WESTERN_FAMILY),
                    rng.choice(vocab.WESTERN_GIVEN),
                    "western",
                )
                local = f"{given.lower()}{n}".encode("ascii", "ignore").decode()
            display = display_name_for(family, given, order)
            search, search_given, initials = name_keys(display, family, given)
            birth = (
                dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.8
                else None
            )
            email = f"{local}@{rng.choice(vocab.EMAIL_DOMAINS)}"
            phone = f"+8210{rng.randint(20000000, 99999999)}"
            copy.write_row(
                (owner.pk, team.pk, now, now, 1, family, given, display, order, search, search_given,
                 initials, "", email, phone, birth, "", "ko", FILL_SOURCE, "", "prospect", "")
            )  # fmt: skip
    fill_channels()
    print(f"filled {to - have:,} contacts in {time.perf_counter() - t:.0f} s", flush=True)


def fill_channels() -> None:
    """The e-mail, phone and (six in ten) address rows of filled contacts that have none yet."""
    from django.db import connection

    missing = (
        "FROM customers_contact c WHERE source = %s "
        "AND NOT EXISTS (SELECT 1 FROM {} x WHERE x.contact_id = c.id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_contactemail (contact_id, email, label, is_primary) "
            "SELECT id, primary_email, '', true " + missing.format("customers_contactemail"),
            [FILL_SOURCE],
        )
        cursor.execute(
            "INSERT INTO customers_contactphone (contact_id, number, label, is_primary) "
            "SELECT id, primary_phone, '', true " + missing.format("customers_contactphone"),
            [FILL_SOURCE],
        )
        cursor.execute(
            "INSERT INTO customers_address "
            "(contact_id, kind, country, postal_code, region, city, line1, line2) "
            "SELECT id, 'home', 'KR', lpad((1000 + (id * 7919) %% 63000)::text, 5, '0'), "
            "'서울특별시', '마포구', '월드컵북로 ' || ((id * 31) %% 400 + 1), "
            "((id * 13) %% 30 + 1) || '층 ' || ((id * 101) %% 2405 + 101) || '호' "
            + missing.format("customers_address")
            + " AND id %% 10 < 6",
            [FILL_SOURCE],
        )
        cursor.execute("ANALYZE")


def variant(rng: random.Random, family: str, given: str, display: str) -> dict[str, str]:
    """Another writing of the same name."""
    from inyeon.core.hangul import FAMILY_NAME_SPELLINGS, has_hangul, romanize

    if not has_hangul(display):
        return {"display_name": display.upper(), "family_name": "", "given_name": ""}
    kind = rng.choice(["spaced", "rr", "common", "common_western"])
    if kind == "spaced":
        return {"display_name": f"{family} {given}", "family_name": "", "given_name": ""}
    rr_family = romanize(family)
    common = next((k for k, v in FAMILY_NAME_SPELLINGS.items() if v == rr_family), rr_family)
    latin_family = (rr_family if kind == "rr" else common).capitalize()
    latin_given = romanize(given).capitalize()
    text = f"{latin_given} {latin_family}" if kind == "common_western" else f"{latin_family} {latin_given}"
    return {"display_name": text, "family_name": "", "given_name": ""}


def plant(n: int, seed: int = 7) -> list[tuple[int, int]]:
    """Insert `n` near-duplicates of random contacts; returns (original id, planted id) pairs."""
    from inyeon.customers.models import Address, Contact, ContactEmail, ContactPhone
    from inyeon.customers.names import name_keys

    rng = random.Random(seed)
    top = Contact.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picks = sorted(rng.sample(range(1, top + 1), min(top, n * 3)))
    originals = list(
        Contact.objects.filter(pk__in=picks).exclude(source=PLANT_SOURCE).select_related("owner")
    )
    rng.shuffle(originals)
    addresses = {a.contact_id: a for a in Address.objects.filter(contact_id__in=[o.pk for o in originals])}
    planted: list[tuple[Contact, Contact]] = []
    for original in originals:
        shared = [
            k
            for k in ("birth_date", "account", "address")
            if (
                original.birth_date
                if k == "birth_date"
                else original.account_id
                if k == "account"
                else addresses.get(original.pk)
            )
        ]
        if not shared:
            continue
        names = variant(rng, original.family_name, original.given_name, original.display_name)
        keep = rng.choice(shared)
        copy = Contact(
            owner=original.owner,
            team_id=original.team_id,
            name_order="western" if not original.family_name else original.name_order,
            primary_email=f"planted{len(planted)}@dup.example",
            primary_phone=f"+82109{rng.randint(1000000, 9999999)}",
            birth_date=original.birth_date if keep == "birth_date" else None,
            account_id=original.account_id if keep == "account" else None,
            source=PLANT_SOURCE,
            **names,
        )
        copy.search_name, copy.search_given, copy.name_initials = name_keys(copy.display_name, "", "")
        planted.append((original, copy))
        if keep == "address":
            copy._address = addresses[original.pk]  # type: ignore[attr-defined]
        if len(planted) == n:
            break
    Contact.objects.bulk_create([c for _, c in planted], batch_size=2000)
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, email=c.primary_email, is_primary=True) for _, c in planted
    )
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=c, number=c.primary_phone, is_primary=True) for _, c in planted
    )
    Address.objects.bulk_create(
        Address(contact=c, postal_code=c._address.postal_code, line1=c._address.line1, line2=c._address.line2)  # type: ignore[attr-defined]
        for _, c in planted
        if hasattr(c, "_address")
    )
    return [(o.pk, c.pk) for o, c in planted]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/inyeon_bench"),
    )
    parser.add_argument("--plant", type=int, default=1000)
    parser.add_argument(
        "--fill-to", type=int, default=0, help="Top up to this many synthetic contacts first."
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import logging

    import django

    django.setup()
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("inyeon.dataio.duplicates.services").setLevel(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from inyeon.customers.models import Contact
    from inyeon.dataio.duplicates.services import duplicate_scan_execute
    from inyeon.dataio.models import CandidateStatus, DuplicateCandidate, DuplicateScan

    if args.fill_to:
        fill(args.fill_to)
    Contact.objects.filter(source=PLANT_SOURCE).delete()  # left over from an interrupted run
    pairs = plant(args.plant) if args.plant else []
    print(f"contacts {Contact.objects.count():,}, planted {len(pairs):,}", flush=True)
    scan = DuplicateScan.objects.create()
    t = time.perf_counter()
    try:
        scan = duplicate_scan_execute(scan)
        seconds = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        found = set(
            DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN).values_list(
                "first_id", "second_id"
            )
        )
        hits = sum((min(a, b), max(a, b)) in found for a, b in pairs)
        exact = DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN, score=100).count()
        print(
            f"scan: {seconds:.1f} s, peak RSS {peak_mb:,.0f} MB; contacts checked {scan.contacts_checked:,}, "
            f"candidates {scan.candidates_found:,} (exact {exact:,}); recall on planted "
            f"{hits}/{len(pairs)} = {hits / max(1, len(pairs)):.1%}",
            flush=True,
        )
    finally:
        removed = Contact.objects.filter(source=PLANT_SOURCE).delete()[0]
        print(f"removed the planted contacts ({removed:,} rows with their related rows)", flush=True)


if __name__ == "__main__":
    main()
