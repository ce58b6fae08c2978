"""A probe, not the import: how cheap is cleaning whole columns instead of one row at a time?

    .venv/bin/pip install polars      # not a dependency of Inyeon (yet)
    .venv/bin/python benchmarks/import_contacts.py --rows 1000000   # writes the CSV below once
    POLARS_MAX_THREADS=1 .venv/bin/python benchmarks/probe_column_cleaning.py [--csv FILE]

Reads the import benchmark's member export and does, per column, the common-shape part of what
`dataio.imports.clean` does per row: e-mails trimmed, lowercased and checked against the same
plain-address pattern; Korean mobile numbers to E.164 (and their 7-digit prefixes, which the
per-row path checks once each with `phonenumbers`); dates in the dotted form; names trimmed and
joined; then a tab-separated line per row, like the COPY text. What it leaves out (search keys of
the names, the fallback to the per-row cleaner for other shapes, the error report) is what a real
column-wise cleaner would add. Prints microseconds per row for each step.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

PLAIN_EMAIL = r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
KOREAN_MOBILE = r"^(01[016789])[-. ]?(\d{3,4})[-. ]?(\d{4})$"
DOTTED_DATE = r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, default=Path("/tmp/inyeon_import_contacts.csv"))
    args = parser.parse_args()

    started = time.perf_counter()
    frame = pl.read_csv(args.csv, infer_schema=False)
    frame.columns = ["family", "given", "email", "phone", "birth", "tags", "notes"]
    read = time.perf_counter()

    email = pl.col("email").str.strip_chars().str.to_lowercase()
    mobile = pl.col("phone").str.strip_chars().str.extract_groups(KOREAN_MOBILE)
    birth = pl.col("birth").str.strip_chars().str.extract_groups(DOTTED_DATE)
    part = pl.col("mobile").struct.field
    day = pl.col("birth").struct.field
    cleaned = frame.with_columns(
        email=email,
        email_plain=email.str.contains(PLAIN_EMAIL) & (email.str.len_chars() <= 254),
        mobile=mobile,
        birth=birth,
        family=pl.col("family").str.strip_chars(),
        given=pl.col("given").str.strip_chars(),
        notes=pl.col("notes").str.strip_chars(),
        tags=pl.col("tags").str.strip_chars(),
    ).with_columns(
        phone=pl.concat_str([pl.lit("+82"), part("1").str.slice(1), part("2"), part("3")]),
        prefix=pl.concat_str([part("1"), part("2")]),
        birth_date=pl.date(
            day("1").cast(pl.Int32, strict=False),
            day("2").cast(pl.Int8, strict=False),
            day("3").cast(pl.Int8, strict=False),
        ),
        display=pl.concat_str([pl.col("family"), pl.col("given")]),
    )
    clean = time.perf_counter()

    columns = ["family", "given", "display", "email", "phone", "birth_date", "tags", "notes"]
    lines = cleaned.select(
        pl.concat_str([pl.col(c).cast(pl.Utf8) for c in columns], separator="\t", ignore_nulls=True)
    )
    text = time.perf_counter()

    rows = len(frame)
    per_row = {"read": read - started, "clean": clean - read, "COPY text": text - clean}
    print(f"{rows:,} rows; " + ", ".join(f"{k} {v / rows * 1e6:.2f} µs" for k, v in per_row.items()))
    print(
        f"not a plain e-mail: {rows - int(cleaned['email_plain'].sum()):,}; "
        f"not a common mobile number: {cleaned['phone'].null_count():,}; "
        f"distinct mobile prefixes to check: {cleaned['prefix'].n_unique():,}; "
        f"{len(lines):,} lines"
    )


if __name__ == "__main__":
    main()
