"""The pipeline board for one team with 100,000 open and 1,000,000 closed opportunities on PostgreSQL.

    .venv/bin/python benchmarks/pipeline_board.py \
        [--database-url postgres://postgres@127.0.0.1:5432/h_sales_bench] [--reload] [--requests 30]

Loads the database once (migrate, then `INSERT ... SELECT generate_series`: 20 teams of 5 reps in one
region, open deals spread over the open stages and the next six months, closed deals won or lost over
the last three years), then times `GET /pipeline/?team_id=<team>` through Django's test client as
the region's manager (the real view, templates and middleware; no network), and the same for a rep
and for an admin over the whole company. Prints the median and p95 of repeated warm requests.
Goal (issue 5): under 300 ms for one team.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TEAMS = 20
REPS_PER_TEAM = 5
OPEN = 100_000
CLOSED = 1_000_000


def load(connection: object) -> None:
    from inyeon.core.models import User
    from inyeon.core.services import team_ensure
    from inyeon.sales.models import CloseReason, Opportunity
    from inyeon.sales.selectors import pipeline_default

    region = team_ensure(name="bench-region")
    teams = [team_ensure(name=f"bench-team-{t:02d}", parent=region) for t in range(TEAMS)]
    for t, team in enumerate(teams):
        for r in range(REPS_PER_TEAM):
            User.objects.get_or_create(
                username=f"bench-rep-{t:02d}-{r}", defaults={"role": "sales_rep", "team": team}
            )
    User.objects.get_or_create(username="bench-manager", defaults={"role": "manager", "team": region})
    User.objects.get_or_create(username="bench-admin", defaults={"role": "admin"})
    reps = list(
        User.objects.filter(username__startswith="bench-rep-")
        .order_by("username")
        .values_list("pk", "team_id")
    )
    pipeline = pipeline_default()
    stages = list(pipeline.stages.order_by("position"))
    open_ids = [s.pk for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    reason = {k: CloseReason.objects.filter(kind=k).values_list("pk", flat=True)[0] for k in ("won", "lost")}
    Opportunity.objects.all().delete()
    rep_ids = "ARRAY[" + ",".join(str(pk) for pk, _t in reps) + "]"
    team_ids = "ARRAY[" + ",".join(str(t) for _pk, t in reps) + "]"
    stage_ids = "ARRAY[" + ",".join(str(s) for s in open_ids) + "]"
    probabilities = "ARRAY[" + ",".join(str(s.probability) for s in stages if s.kind == "open") + "]"
    n_reps = len(reps)
    with connection.cursor() as cur:  # type: ignore[attr-defined]
        cur.execute(
            f"""
            INSERT INTO sales_opportunity (name, account_id, contact_id, pipeline_id, stage_id, amount,
                currency, close_date, probability, forecast_category, status, close_reason_id, closed_at,
                source, description, owner_id, team_id, created_at, updated_at, version)
            SELECT 'open deal ' || i, NULL, NULL, {pipeline.pk}, ({stage_ids})[1 + i % {len(open_ids)}],
                (1 + i % 97) * 1000000, 'KRW', current_date + (i % 180),
                ({probabilities})[1 + i % {len(open_ids)}], 'pipeline', 'open', NULL, NULL, '', '',
                ({rep_ids})[1 + i % {n_reps}], ({team_ids})[1 + i % {n_reps}],
                now() - (i % 300) * interval '1 day', now(), 1
            FROM generate_series(1, {OPEN}) AS i
            """
        )
        cur.execute(
            f"""
            INSERT INTO sales_opportunity (name, account_id, contact_id, pipeline_id, stage_id, amount,
                currency, close_date, probability, forecast_category, status, close_reason_id, closed_at,
                source, description, owner_id, team_id, created_at, updated_at, version)
            SELECT 'closed deal ' || i, NULL, NULL, {pipeline.pk},
                CASE WHEN i % 3 = 0 THEN {won.pk} ELSE {lost.pk} END, (1 + i % 89) * 1000000, 'KRW',
                current_date - (i % 1095), CASE WHEN i % 3 = 0 THEN 100 ELSE 0 END, 'closed',
                CASE WHEN i % 3 = 0 THEN 'won' ELSE 'lost' END,
                CASE WHEN i % 3 = 0 THEN {reason["won"]} ELSE {reason["lost"]} END,
                (current_date - (i % 1095))::timestamptz, '', '', ({rep_ids})[1 + i % {n_reps}],
                ({team_ids})[1 + i % {n_reps}], now() - (i % 1400) * interval '1 day', now(), 1
            FROM generate_series(1, {CLOSED}) AS i
            """
        )
        cur.execute("ANALYZE sales_opportunity")


def timed(client: object, url: str, n: int) -> tuple[float, float]:
    client.get(url)  # type: ignore[attr-defined]  # warm
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, response.status_code
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_sales_bench")
    parser.add_argument("--reload", action="store_true", help="Delete and load the opportunities again.")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from inyeon.core.models import Team, User
    from inyeon.sales.models import Opportunity

    call_command("migrate", verbosity=0)
    if args.reload or Opportunity.objects.count() < OPEN + CLOSED:
        started = time.perf_counter()
        load(connection)
        print(
            f"loaded {OPEN:,} open + {CLOSED:,} closed opportunities in {time.perf_counter() - started:.0f} s"
        )
    team = Team.objects.get(name="bench-team-03")
    cases = [
        ("manager, one team (team filter)", "bench-manager", f"/pipeline/?team_id={team.pk}"),
        ("rep, own deals", "bench-rep-03-0", "/pipeline/"),
        ("admin, one team (team filter)", "bench-admin", f"/pipeline/?team_id={team.pk}"),
        ("manager, whole region (20 teams)", "bench-manager", "/pipeline/"),
    ]
    for name, username, url in cases:
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, p95 = timed(client, url, args.requests)
        print(
            f"{name:36s} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({args.requests} requests)", flush=True
        )


if __name__ == "__main__":
    main()
