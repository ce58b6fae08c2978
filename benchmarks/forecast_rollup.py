"""The whole-company forecast roll-up over 1,100,000 opportunities on PostgreSQL.

    psql -h 127.0.0.1 -U postgres -c 'create database h_forecast_bench'
    .venv/bin/python benchmarks/forecast_rollup.py \
        [--database-url postgres://postgres@127.0.0.1:5432/h_forecast_bench] \
        [--open 100000] [--closed 1000000] [--runs 7] [--reload]

`fill()` loads regions → teams → reps and the opportunities with one INSERT … SELECT over
generate_series each (no ORM per row), then ANALYZE; it is meant to be imported by other
benchmarks that need the same data (the pipeline board):

    from benchmarks.forecast_rollup import fill
    summary = fill(open_count=100_000, closed_count=1_000_000)

The timing is `forecast_rollup` for the current quarter as an admin (company level), then a region,
a team and a region manager's view, and the dashboard figures; each the median of `--runs` warm
calls. Goal (issue 5): the whole-company roll-up under 2 seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_SOURCE = "bench-forecast"


@dataclass
class FillSummary:
    regions: list[int] = field(default_factory=list)
    teams: list[int] = field(default_factory=list)
    reps: list[int] = field(default_factory=list)
    open_count: int = 0
    closed_count: int = 0
    seconds: float = 0.0


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _people(regions: int, teams_per_region: int, reps_per_team: int) -> FillSummary:
    """Regions (top-level teams), their teams, a manager per region and the reps of each team."""
    from inyeon.core.models import User
    from inyeon.core.services import team_ensure

    summary = FillSummary()
    existing = {u.username: u for u in User.objects.filter(username__startswith="fb_")}
    new_users: list[User] = []
    for r in range(regions):
        region = team_ensure(name=f"FB Region {r + 1}")
        summary.regions.append(region.pk)
        if f"fb_manager{r + 1}" not in existing:
            new_users.append(User(username=f"fb_manager{r + 1}", role="manager", team=region))
        for t in range(teams_per_region):
            team = team_ensure(name=f"FB Team {r + 1}-{t + 1}", parent=region)
            summary.teams.append(team.pk)
            for p in range(reps_per_team):
                name = f"fb_rep{r + 1}_{t + 1}_{p + 1}"
                if name not in existing:
                    new_users.append(User(username=name, role="sales_rep", team=team))
    for user in new_users:
        user.set_unusable_password()
    User.objects.bulk_create(new_users)
    if "fb_admin" not in existing:
        User.objects.create(username="fb_admin", role="admin", is_superuser=True)
    summary.reps = list(
        User.objects.filter(username__startswith="fb_rep").order_by("pk").values_list("pk", flat=True)
    )
    return summary


def fill(
    *,
    open_count: int = 100_000,
    closed_count: int = 1_000_000,
    regions: int = 4,
    teams_per_region: int = 5,
    reps_per_team: int = 8,
    today: dt.date | None = None,
    seed: float = 0.42,
) -> FillSummary:
    """Replace the benchmark opportunities: `open_count` open ones closing from a month ago to nine
    months ahead, `closed_count` won (40%) or lost over the last three years, spread evenly over
    the reps (each deal in its rep's team). Needs PostgreSQL and a migrated database."""
    from django.db import connection, transaction

    from inyeon.sales.models import StageKind
    from inyeon.sales.selectors import pipeline_default

    started = time.perf_counter()
    summary = _people(regions, teams_per_region, reps_per_team)
    pipeline = pipeline_default()
    stages = list(pipeline.stages.order_by("position"))
    open_stages = [s for s in stages if s.kind == StageKind.OPEN]
    won = next(s for s in stages if s.kind == StageKind.WON)
    lost = next(s for s in stages if s.kind == StageKind.LOST)
    day = today or dt.date.today()
    open_ids = "ARRAY[" + ",".join(str(s.pk) for s in open_stages) + "]::bigint[]"
    open_probs = "ARRAY[" + ",".join(str(s.probability) for s in open_stages) + "]::int[]"
    reps_sql = (
        "SELECT (row_number() OVER (ORDER BY id)) - 1 AS i, id, team_id FROM core_user "
        "WHERE username LIKE 'fb_rep%%'"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            "DELETE FROM sales_opportunitystagechange WHERE opportunity_id IN "
            "(SELECT id FROM sales_opportunity WHERE source = %s)",
            [BENCH_SOURCE],
        )
        cursor.execute("DELETE FROM sales_opportunity WHERE source = %s", [BENCH_SOURCE])
        nreps = len(summary.reps)
        # Open deals: a stage (and its probability) at random, categories 15% commit, 20% best
        # case, 60% pipeline, 5% omitted; 97% in KRW, 3% in USD.
        cursor.execute(
            f"""
            INSERT INTO sales_opportunity (owner_id, team_id, created_at, updated_at, version, name,
                pipeline_id, stage_id, amount, currency, close_date, probability, forecast_category, status,
                closed_at, source, description)
            SELECT r.id, r.team_id, now() - make_interval(days => (random() * 120)::int), now(), 1,
                'Bench deal ' || g, %(pipeline)s, ({open_ids})[s.k], (100000 + random() * 50000000)::bigint,
                CASE WHEN random() < 0.03 THEN 'USD' ELSE 'KRW' END,
                %(today)s::date - 30 + (random() * 300)::int, ({open_probs})[s.k],
                CASE WHEN c.x < 0.15 THEN 'commit' WHEN c.x < 0.35 THEN 'best_case'
                     WHEN c.x < 0.95 THEN 'pipeline' ELSE 'omitted' END,
                'open', NULL, %(source)s, ''
            FROM generate_series(1, %(n)s) AS g
            JOIN ({reps_sql}) AS r ON r.i = g %% %(nreps)s
            CROSS JOIN LATERAL (SELECT 1 + floor(random() * {len(open_stages)} + g * 0)::int AS k) AS s
            CROSS JOIN LATERAL (SELECT random() + g * 0 AS x) AS c
            """,
            {"pipeline": pipeline.pk, "today": day, "source": BENCH_SOURCE, "n": open_count, "nreps": nreps},
        )
        # Closed deals over three years: 40% won; closed_at on the close date, created 5-180 days before.
        cursor.execute(
            f"""
            INSERT INTO sales_opportunity (owner_id, team_id, created_at, updated_at, version, name,
                pipeline_id, stage_id, amount, currency, close_date, probability, forecast_category, status,
                closed_at, source, description)
            SELECT r.id, r.team_id, d.closed - make_interval(days => 5 + (random() * 175)::int), d.closed, 1,
                'Bench closed ' || g, %(pipeline)s, CASE WHEN d.won THEN %(won)s ELSE %(lost)s END,
                (100000 + random() * 50000000)::bigint, CASE WHEN random() < 0.03 THEN 'USD' ELSE 'KRW' END,
                d.closed::date, CASE WHEN d.won THEN 100 ELSE 0 END, 'closed',
                CASE WHEN d.won THEN 'won' ELSE 'lost' END, d.closed, %(source)s, ''
            FROM generate_series(1, %(n)s) AS g
            JOIN ({reps_sql}) AS r ON r.i = g %% %(nreps)s
            CROSS JOIN LATERAL (
                SELECT (%(today)s::date - (random() * 1095)::int + g * 0) + time '12:00' AS closed,
                       random() < 0.4 AS won
            ) AS d
            """,
            {
                "pipeline": pipeline.pk,
                "won": won.pk,
                "lost": lost.pk,
                "today": day,
                "source": BENCH_SOURCE,
                "n": closed_count,
                "nreps": nreps,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sales_opportunity")
    summary.open_count, summary.closed_count = open_count, closed_count
    summary.seconds = time.perf_counter() - started
    return summary


def _median_ms(call: object, runs: int) -> tuple[float, float]:
    assert callable(call)
    call()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_forecast_bench")
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="Refill even when the data is there.")
    args = parser.parse_args()
    _setup(args.database_url)

    from django.db import connection
    from django.utils import timezone

    from inyeon.core.models import User
    from inyeon.forecasts.periods import MONTH, QUARTER, period_containing
    from inyeon.forecasts.selectors import dashboard, forecast_rollup, in_period
    from inyeon.sales.models import Opportunity

    loaded = Opportunity.objects.filter(source=BENCH_SOURCE).count()
    if args.reload or loaded != args.open + args.closed:
        summary = fill(open_count=args.open, closed_count=args.closed)
        print(
            f"filled {summary.open_count:,} open + {summary.closed_count:,} closed opportunities, "
            f"{len(summary.regions)} regions, {len(summary.teams)} teams, {len(summary.reps)} reps "
            f"in {summary.seconds:.1f} s",
            flush=True,
        )
    total = Opportunity.objects.count()
    today = timezone.localdate()
    quarter = period_containing(today, QUARTER)
    in_quarter = in_period(Opportunity.objects.all(), quarter).count()
    print(f"{total:,} opportunities in the table, {in_quarter:,} in {quarter.key}", flush=True)
    admin = User.objects.get(username="fb_admin")
    manager = User.objects.get(username="fb_manager1")
    region = manager.team
    assert region is not None
    team = region.children.order_by("pk").first()
    assert team is not None
    cases = [
        ("company roll-up, admin", lambda: forecast_rollup(user=admin, period=quarter)),
        (
            "region roll-up, admin",
            lambda: forecast_rollup(user=admin, period=quarter, level="region", team_id=region.pk),
        ),
        (
            "team roll-up, admin",
            lambda: forecast_rollup(user=admin, period=quarter, level="team", team_id=team.pk),
        ),
        ("company roll-up, region manager", lambda: forecast_rollup(user=manager, period=quarter)),
        ("dashboard, admin", lambda: dashboard(admin, [period_containing(today, MONTH), quarter])),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0], flush=True)
    for name, call in cases:
        median, worst = _median_ms(call, args.runs)
        print(f"{name:34s} median {median:8.1f} ms   max {worst:8.1f} ms   ({args.runs} runs)", flush=True)
    report = forecast_rollup(user=admin, period=quarter)
    print(
        f"company weighted forecast {report.total.weighted:,} KRW over {len(report.rows)} regions; "
        f"rows add up: {sum(r.figures.weighted for r in report.rows) == report.total.weighted}",
        flush=True,
    )


if __name__ == "__main__":
    main()
