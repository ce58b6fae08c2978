"""The lead list and the duplicate check on capture at a million leads (PostgreSQL).

    .venv/bin/python benchmarks/lead_list.py \
        [--database-url postgres://postgres@127.0.0.1:5432/inyeon_bench_leads] [--leads 1000000]

Tops the database up to `--leads` synthetic leads (50 reps in 10 teams under one region, six
sources, five statuses, half a year of creation times; users and teams named `B...`/`brep...`), then
times `lead_list` through the visibility selector (50 rows, best of five warm calls, and the next
page by cursor) and `lead_create` with its duplicate check (rolled back). Use a database of your
own: it adds a million rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path


def fill(to: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from inyeon.core.hangul import chosung, search_key
    from inyeon.core.models import User
    from inyeon.core.services import team_ensure
    from inyeon.leads.models import Lead

    region = team_ensure(name="B Seoul")
    teams = [team_ensure(name=f"B Team {i}", parent=region) for i in range(10)]
    reps = [
        User.objects.get_or_create(
            username=f"brep{i}", defaults={"role": "sales_rep", "team": teams[i % 10]}
        )[0]
        for i in range(50)
    ]
    User.objects.get_or_create(username="bmgr", defaults={"role": "manager", "team": region})
    User.objects.get_or_create(username="badmin", defaults={"role": "admin", "is_superuser": True})
    have = Lead.objects.count()
    rng = random.Random(1)
    now = timezone.now()
    started = time.perf_counter()
    batch: list[Lead] = []
    for i in range(have, to):
        rep = rng.choice(reps)
        name = f"김민{i}"
        at = now - dt.timedelta(minutes=rng.randint(0, 500_000))
        batch.append(
            Lead(
                display_name=name,
                family_name="김",
                given_name=f"민{i}",
                search_name=search_key(name),
                name_initials=chosung(name),
                email=f"b{i}@example.kr",
                phone=f"+82102{i:07d}",
                company=f"회사{i % 5000}",
                company_key=f"회사{i % 5000}",
                source=rng.choice(["web_form", "api", "import", "manual", "referral", "event"]),
                status=rng.choice(["new", "working", "qualified", "unqualified", "converted"]),
                score=rng.randint(-20, 80),
                owner=rep,
                team=rep.team,
                created_at=at,
                updated_at=at,
            )
        )
        if len(batch) == 5000:
            Lead.objects.bulk_create(batch)
            batch = []
    Lead.objects.bulk_create(batch)
    if to > have:
        print(f"added {to - have:,} leads in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE leads_lead")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/inyeon_bench_leads")
    parser.add_argument("--leads", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from inyeon.core.models import User
    from inyeon.leads.models import Lead
    from inyeon.leads.selectors import LeadFilters, lead_list
    from inyeon.leads.services import lead_create

    call_command("migrate", verbosity=0)
    fill(args.leads)
    admin = User.objects.get(username="badmin")
    manager = User.objects.get(username="bmgr")
    rep = User.objects.get(username="brep0")
    print(f"{Lead.objects.count():,} leads")

    def bench(label: str, user: User, filters: LeadFilters | None = None, sort: str = "-created_at") -> None:
        chosen = filters or LeadFilters()
        best = float("inf")
        for _run in range(5):
            t = time.perf_counter()
            page = lead_list(user=user, filters=chosen, sort=sort, limit=50)
            best = min(best, time.perf_counter() - t)
        t = time.perf_counter()
        lead_list(user=user, filters=chosen, sort=sort, cursor=page.next_cursor, limit=50)
        following = time.perf_counter() - t
        print(f"| {label} | {best * 1000:.1f} ms | {following * 1000:.1f} ms |")

    print("| who, filter, sort | first page | next page |\n|---|---|---|")
    bench("admin, all, newest first", admin)
    bench("admin, all, highest score first", admin, sort="-score")
    bench("admin, source referral", admin, LeadFilters(source="referral"))
    bench("admin, status new", admin, LeadFilters(status="new"))
    bench("admin, name prefix 김민12", admin, LeadFilters(q="김민12"))
    bench("admin, e-mail prefix", admin, LeadFilters(q="b1234@"))
    bench("manager of 10 teams, newest first", manager)
    bench("rep, own, newest first", rep)
    bench("rep, own, status new", rep, LeadFilters(status="new"))

    times = []
    for _run in range(10):
        t = time.perf_counter()
        with transaction.atomic():
            lead_create(
                data={
                    "display_name": "김민12",
                    "company": "회사12",
                    "email": "b12@example.kr",
                    "phone": "+821020000012",
                },
                actor=admin,
            )
            transaction.set_rollback(True)
        times.append(time.perf_counter() - t)
    print(f"lead_create with the duplicate check: median {sorted(times)[5] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
