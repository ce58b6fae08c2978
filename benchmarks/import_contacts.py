"""Import of N contacts from CSV into PostgreSQL, end to end (goal at 1,000,000: 20,000 rows/s).

.venv/bin/python benchmarks/import_contacts.py [--rows 1000000] [--db inyeon_bench_import]

Writes a CSV like a Korean shop's member export (성, 이름, 이메일, 휴대폰, 생년월일, 태그, 메모;
UTF-8 with BOM), drops and re-creates the database, then runs `inyeon import contacts` as a user
would (normalisation, validation, exact dedup by e-mail, one transaction) and reports rows per
second and the peak memory of the command and its worker processes. A second run of the same file
measures the idempotent re-import (nothing changes).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민수",
    "서연",
    "지훈",
    "하은",
    "도윤",
    "수빈",
    "예준",
    "지민",
    "현우",
    "유진",
    "승현",
    "다은",
    "준서",
    "채원",
    "시우",
    "소율",
]
TAGS = ["vip", "서울", "부산", "온라인", "매장", "뉴스레터", ""]
ROOT = Path(__file__).resolve().parents[1]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["성", "이름", "이메일", "휴대폰", "생년월일", "태그", "메모"])
        for i in range(rows):
            out.writerow(
                [
                    FAMILY[rng.randrange(len(FAMILY))],
                    GIVEN[rng.randrange(len(GIVEN))],
                    f"member{i}@example.kr" if rng.random() < 0.97 else f" Member{i}@Example.KR ",
                    f"010-{rng.randrange(2000, 5900)}-{i % 10000:04d}",
                    f"{rng.randrange(1950, 2005)}.{rng.randrange(1, 13):02d}.{rng.randrange(1, 29):02d}",
                    TAGS[rng.randrange(len(TAGS))],
                    "" if rng.random() < 0.8 else "매장 방문 고객",
                ]
            )


def sh(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, check=True, text=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default="inyeon_bench_import")
    parser.add_argument("--csv", type=Path, default=Path("/tmp/inyeon_import_contacts.csv"))
    args = parser.parse_args()
    if not args.csv.exists() or sum(1 for _ in args.csv.open("rb")) != args.rows + 1:
        write_csv(args.csv, args.rows)
    url = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    env = {**os.environ, "DATABASE_URL": url}
    sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {args.db}"], env)
    sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {args.db}"], env)
    inyeon = str(ROOT / ".venv" / "bin" / "inyeon")
    sh([inyeon, "migrate", "-v0"], env)
    password = Path("/tmp/inyeon_bench_pw")
    password.write_text("benchmark password 42\n")
    sh(
        [
            inyeon,
            "user",
            "create",
            "--username",
            "bench",
            "--password-file",
            str(password),
            "--role",
            "admin",
        ],
        env,
    )
    for label in ("first import", "same file again"):
        started = time.perf_counter()
        done = sh([inyeon, "import", "contacts", str(args.csv), "--user", "bench", "--lenient"], env)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rate = args.rows / elapsed
        print(f"{label}: {args.rows:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s; peak RSS {peak:,.0f} MB")
        print("   ", done.stdout.strip().splitlines()[-1])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
