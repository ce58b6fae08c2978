"""`inyeon analytics fit-clv --summary FILE.csv --model bgnbd|pareto-nbd|gamma-gamma [--json]`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inyeon.analytics.stats import bgnbd, gamma_gamma, pareto_nbd

COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")


def read_summary(path: Path) -> dict[str, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS[1:4] if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"--summary: {path} lacks the column(s) {', '.join(missing)}")
            rows = list(reader)
    except OSError as exc:
        raise CommandError(f"--summary: cannot read {path}: {exc.strerror}") from None
    out: dict[str, np.ndarray] = {}
    for column in COLUMNS[1:]:
        if column == "monetary_value" and rows and column not in rows[0]:
            continue
        try:
            out[column] = np.array([float(row[column]) for row in rows], dtype=np.float64)
        except (TypeError, ValueError):
            line = next(i for i, row in enumerate(rows, start=2) if not _is_number(row.get(column)))
            raise CommandError(f"--summary: line {line}, column {column}: not a number") from None
    return out


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


class Command(BaseCommand):
    help = "Customer-value analytics from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit-clv", help="Fit a CLV model to a customer summary CSV.")
        fit.add_argument(
            "--summary",
            required=True,
            type=Path,
            help="CSV with customer_id,frequency,recency,T,monetary_value (one time unit).",
        )
        fit.add_argument("--model", required=True, choices=["bgnbd", "pareto-nbd", "gamma-gamma"])
        fit.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        data = read_summary(options["summary"])
        model = options["model"]
        try:
            if model == "bgnbd":
                b = bgnbd.fit(data["frequency"], data["recency"], data["T"])
                params = {"r": b.r, "alpha": b.alpha, "a": b.a, "b": b.b}
                ll, n = b.log_likelihood, b.n
            elif model == "pareto-nbd":
                p = pareto_nbd.fit(data["frequency"], data["recency"], data["T"])
                params = {"r": p.r, "alpha": p.alpha, "s": p.s, "beta": p.beta}
                ll, n = p.log_likelihood, p.n
            else:
                if "monetary_value" not in data:
                    raise CommandError("--summary: gamma-gamma needs the monetary_value column")
                g = gamma_gamma.fit(data["frequency"], data["monetary_value"])
                params = {"p": g.p, "q": g.q, "gamma": g.gamma}
                ll, n = g.log_likelihood, g.n
        except bgnbd.FitError as exc:
            raise CommandError(f"--model {model}: {exc}") from None
        result = {"model": model, "params": params, "log_likelihood": ll, "n": n}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"{model}: "
                + ", ".join(f"{k}={v:.4f}" for k, v in params.items())
                + f"; log-likelihood {ll:.1f}; n={n}"
            )
