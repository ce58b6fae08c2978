"""Score filters and sorts in the contact list, and the analytics figures, at a million contacts.

    .venv/bin/python benchmarks/score_lists.py \
        [--database-url postgres://postgres@127.0.0.1:5432/inyeon_bench_scoring]

Runs on the database that `benchmarks/scoring_job.py` loaded and scored (users bench0..bench7 own
125,000 contacts each). Prints the mean of three warm calls per case.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/inyeon_bench_scoring")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.cache import cache

    from inyeon.analytics import selectors
    from inyeon.core.models import User
    from inyeon.customers.selectors import ContactFilters, contact_list

    rep = User.objects.get(username="bench0")
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"role": "admin"})
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": "manager", "team_id": rep.team_id}
    )
    cases = [
        ("admin, all, -score.clv_12m", admin, ContactFilters(), "-score.clv_12m"),
        ("rep, own, -score.clv_12m", rep, ContactFilters(), "-score.clv_12m"),
        ("rep, own, score.p_alive", rep, ContactFilters(), "score.p_alive"),
        ("admin, at_risk, -created_at", admin, ContactFilters(segment="at_risk"), "-created_at"),
        ("admin, R5 F5, -score.monetary", admin, ContactFilters(r_score=5, f_score=5), "-score.monetary"),
        ("rep, tier A, -created_at", rep, ContactFilters(value_tier="A"), "-created_at"),
        ("rep, at_risk, -score.clv_12m", rep, ContactFilters(segment="at_risk"), "-score.clv_12m"),
    ]
    for name, user, filters, sort in cases:
        contact_list(user=user, filters=filters, sort=sort, limit=50)
        started = time.perf_counter()
        for _ in range(3):
            contact_list(user=user, filters=filters, sort=sort, limit=50)
        print(f"{name:34s} {1000 * (time.perf_counter() - started) / 3:8.1f} ms", flush=True)
    for user in (admin, rep, manager):
        cache.clear()
        started = time.perf_counter()
        selectors.base_figures(user)
        print(f"analytics figures, {user.role:10s} {time.perf_counter() - started:6.2f} s (cold)", flush=True)


if __name__ == "__main__":
    main()
