"""`inyeon analytics score|rfm|fit-clv`: customer-value analytics from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inyeon.analytics.stats import bgnbd, gamma_gamma, pareto_nbd, rfm

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


def _parse_date(text: str, where: str) -> dt.date:
    cleaned = text.strip().replace(".", "-").replace("/", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{where}: {text!r} is not a date (use YYYY-MM-DD or YYYYMMDD)")


def read_orders(path: Path) -> tuple[list[str], list[dt.date], list[float]]:
    """customer_id,date,amount rows; the line number of a bad row is named."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("customer_id", "date", "amount") if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"--orders: {path} lacks the column(s) {', '.join(missing)}")
            ids, days, amounts = [], [], []
            for line, row in enumerate(reader, start=2):
                ids.append(row["customer_id"].strip())
                days.append(_parse_date(row["date"] or "", f"--orders: line {line}, column date"))
                try:
                    amounts.append(float(row["amount"]))
                except (TypeError, ValueError):
                    raise CommandError(f"--orders: line {line}, column amount: not a number") from None
    except OSError as exc:
        raise CommandError(f"--orders: cannot read {path}: {exc.strerror}") from None
    return ids, days, amounts


class Command(BaseCommand):
    help = "Customer-value analytics from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser(
            "score", help="Score the whole customer base now (or queue it for the worker)."
        )
        score.add_argument("--as-of", help="Score as of this date (YYYY-MM-DD); default today.")
        score.add_argument("--enqueue", action="store_true", help="Queue the run for the task worker.")
        rfm_cmd = sub.add_parser("rfm", help="RFM scores and segments of an order file.")
        rfm_cmd.add_argument("--orders", required=True, type=Path, help="CSV with customer_id,date,amount.")
        rfm_cmd.add_argument("--as-of", required=True, help="Date the recency is counted to (YYYY-MM-DD).")
        rfm_cmd.add_argument("--output", type=Path, help="Write the table here instead of standard output.")
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
        action = options["action"]
        if action == "score":
            self.score(options)
        elif action == "rfm":
            self.rfm(options)
        else:
            self.fit_clv(options)

    def score(self, options: dict[str, Any]) -> None:
        from inyeon.analytics.models import RunStatus, ScoringRun
        from inyeon.analytics.services import scoring_execute, scoring_request

        as_of = _parse_date(options["as_of"], "--as-of") if options["as_of"] else None
        if options["enqueue"]:
            run = scoring_request(actor=None, trigger="cli", as_of=as_of)
            self.stdout.write(f"Scoring run #{run.pk} queued; the task worker will run it.")
            return
        from django.utils import timezone

        run = ScoringRun.objects.create(as_of=as_of or timezone.localdate(), trigger="cli")

        def bar(progress: int, step: str) -> None:
            filled = progress * 30 // 100
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {progress:3d}% {step:<10}")
            sys.stderr.flush()

        try:
            run = scoring_execute(run, on_progress=bar)
        except Exception as exc:
            sys.stderr.write("\n")
            raise CommandError(f"scoring run #{run.pk} failed: {exc}") from None
        sys.stderr.write("\n")
        assert run.status == RunStatus.DONE
        seconds = (
            (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else 0
        )
        self.stdout.write(
            f"Scoring run #{run.pk} as of {run.as_of}: {run.customers} customers, "
            f"{run.buyers} with purchases; "
            f"{run.rows_changed} score rows changed, {run.stage_changes} stage changes; {seconds:.1f} s."
        )
        for note in run.summary.get("notes", []):
            self.stdout.write(f"Note: {note}")

    def rfm(self, options: dict[str, Any]) -> None:
        ids, days, amounts = read_orders(options["orders"])
        as_of = _parse_date(options["as_of"], "--as-of")
        names, index = np.unique(np.array(ids, dtype=object).astype(str), return_inverse=True)
        table = rfm.rfm_table(index, np.array(days, dtype="datetime64[D]"), amounts, as_of)
        r, f, m = rfm.rfm_scores(table)
        segments: list[str] = rfm.segments_for(r, f).tolist() if table.customer_id.size else []
        out = options["output"].open("w", newline="", encoding="utf-8") if options["output"] else self.stdout
        writer = csv.writer(out)
        writer.writerow(["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"])
        for i, cid in enumerate(table.customer_id.tolist()):
            writer.writerow(
                [
                    names[cid],
                    int(table.recency_days[i]),
                    int(table.frequency[i]),
                    f"{table.monetary[i]:.2f}",
                    int(r[i]),
                    int(f[i]),
                    int(m[i]),
                    segments[i],
                ]
            )
        if options["output"]:
            out.close()
            self.stderr.write(f"{table.customer_id.size} customers written to {options['output']}")

    def fit_clv(self, options: dict[str, Any]) -> None:
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
