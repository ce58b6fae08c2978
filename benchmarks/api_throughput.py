"""HTTP benchmark: the API's contact list, detail and search next to bare-SQL endpoints.

Usage (PostgreSQL with demo data of 1,000,000 contacts, see docs/benchmarks.md; `--rounds 5` repeats
each case and reports the median round):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inyeon_demo_bench \
        .venv/bin/python benchmarks/api_throughput.py --duration 15 --connections 8

Starts gunicorn (2 sync workers) on 127.0.0.1:8765 with benchmarks.bench_settings, drives each
endpoint with wrk for the given time, and prints requests per second and p50/p99 latency as a
Markdown table (also written to benchmarks/results/api_throughput.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = 8765


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
    import django

    django.setup()


def lua_paths(paths: list[str], headers: dict[str, str]) -> str:
    items = ",".join(json.dumps(p) for p in paths)
    header_lines = "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    return (
        f"local paths = {{{items}}}\n{header_lines}"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(#paths)])\n"
        "end\n"
    )


def parse_latency(text: str, label: str) -> float:
    match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(paths: list[str], headers: dict[str, str], duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_paths(paths, headers))
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{PORT}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": parse_latency(out, "50"),
        "p99_ms": parse_latency(out, "99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def commit_latency_ms(samples: int = 300) -> float:
    """The median time of one durable one-row commit on this database, in ms: mostly the WAL
    flush, which every API read of personal data waits for (its access-log row) and the raw-SQL
    ceiling does not. It differs a lot between machines (0.05 to 0.5 ms has been seen), and with
    it the API / raw ratio, so every result names it."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (x integer)")
        try:
            for i in range(samples):
                start = time.perf_counter()
                cursor.execute("INSERT INTO bench_commit_probe VALUES (%s)", [i])  # autocommit
                timings.append(time.perf_counter() - start)
        finally:
            cursor.execute("DROP TABLE bench_commit_probe")
    timings.sort()
    return timings[len(timings) // 2] * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--user", default="rep1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat API, same read and six columns this many times, one after the other; the "
        "table shows the round with the median API / same-read ratio and every round's ratio",
    )
    args = parser.parse_args()

    django_setup()
    from django.db import connection

    from inyeon.core.models import User
    from inyeon.core.services import token_create
    from inyeon.customers.models import Contact

    user = User.objects.get(username=args.user)
    _, token = token_create(user=user, name="benchmark")
    stage = "existing"
    rng = random.Random(7)
    own_ids = list(Contact.objects.filter(owner=user).values_list("id", flat=True)[:20000])
    detail_ids = rng.sample(own_ids, min(500, len(own_ids)))
    prefixes = ["김민", "이서", "박지", "최현", "정수", "강민", "ㄱㅁ", "조은"]
    bare_prefixes = [p for p in prefixes if not p.startswith("ㄱ")]
    total = Contact.objects.count()
    vendor = connection.vendor
    commit_ms = commit_latency_ms() if vendor == "postgresql" else float("nan")
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "benchmarks.bench_urls_wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        auth = {"Authorization": f"Bearer {token}"}
        q = urllib.parse.quote
        list_query = f"owner_id={user.pk}&lifecycle_stage={stage}"
        cases = {
            "list (owner + stage, 50 rows)": (
                [f"/api/v1/contacts?lifecycle_stage={stage}&limit=50"],
                auth,
                [f"/bench/full/contacts?{list_query}"],
                [f"/bench/bare/contacts?{list_query}"],
            ),
            "detail by id": (
                [f"/api/v1/contacts/{i}" for i in detail_ids],
                auth,
                [f"/bench/full/contacts/{i}" for i in detail_ids],
                [f"/bench/bare/contacts/{i}" for i in detail_ids],
            ),
            "search by name prefix": (
                [f"/api/v1/contacts?q={q(p)}&limit=50" for p in prefixes],
                auth,
                [f"/bench/full/search?q={q(p)}" for p in bare_prefixes],
                [f"/bench/bare/search?q={q(p)}" for p in bare_prefixes],
            ),
        }
        results = {}
        for name, (api_paths, headers, full_paths, bare_paths) in cases.items():
            if args.only and args.only not in name:
                continue
            run_wrk(api_paths, headers, 3, args.connections)  # warm-up
            rounds = []
            for _ in range(args.rounds):
                api = run_wrk(api_paths, headers, args.duration, args.connections)
                full = run_wrk(full_paths, {}, args.duration, args.connections)
                bare = run_wrk(bare_paths, {}, args.duration, args.connections)
                rounds.append(
                    {
                        "api": api,
                        "full_sql": full,
                        "bare_sql": bare,
                        "ratio": api["rps"] / full["rps"],
                        "ratio_bare": api["rps"] / bare["rps"],
                    }
                )
            by_ratio = sorted(rounds, key=lambda r: r["ratio"])
            results[name] = {**by_ratio[(len(by_ratio) - 1) // 2], "rounds": rounds}
    finally:
        server.terminate()
        server.wait(timeout=10)

    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    meta = {
        "database": vendor,
        "contacts": total,
        "user": args.user,
        "connections": args.connections,
        "duration_s": args.duration,
        "workers": args.workers,
        "rounds": args.rounds,
        "commit_ms": commit_ms,
    }
    (out_dir / "api_throughput.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(
        f"{vendor}, {total:,} contacts, user {args.user}, {args.connections} connections, "
        f"{args.workers} gunicorn sync workers, {args.duration} s per run, {args.rounds} round(s); "
        f"one durable commit (median) {commit_ms:.3f} ms"
    )
    print(
        "| endpoint | API req/s | API p50 ms | API p99 ms | same read, raw SQL req/s | API / raw | "
        "six columns, raw SQL req/s | API / six columns | API / same read, every round |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        a, f, b = r["api"], r["full_sql"], r["bare_sql"]
        every = " / ".join(f"{x['ratio']:.0%}" for x in r["rounds"])
        worst_p99 = max(x["api"]["p99_ms"] for x in r["rounds"])
        print(
            f"| {name} | {a['rps']:.0f} | {a['p50_ms']:.1f} | {a['p99_ms']:.1f} | {f['rps']:.0f} | "
            f"{r['ratio']:.0%} | {b['rps']:.0f} | {r['ratio_bare']:.0%} | "
            f"{every} (API p99 at most {worst_p99:.1f} ms) |"
        )
        bad = {
            k: sum(x[k]["non_2xx"] for x in r["rounds"])
            for k in ("api", "full_sql", "bare_sql")
            if any(x[k]["non_2xx"] for x in r["rounds"])
        }
        if bad:
            print(f"  warning: non-2xx responses {bad}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
