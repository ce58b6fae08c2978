from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lifetimes import datasets as lifetimes_datasets  # test dependency: ships the CDNOW data


@pytest.fixture
def summary_csv(tmp_path: Path) -> Path:
    data = lifetimes_datasets.load_cdnow_summary_data_with_monetary_value()
    path = tmp_path / "summary.csv"
    data.rename(columns={"customer_id": "customer_id"}).to_csv(path, index_label="customer_id")
    return path


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("bgnbd", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}),
        ("pareto-nbd", {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}),
        ("gamma-gamma", {"p": 6.25, "q": 3.74, "gamma": 15.44}),
    ],
)
def test_fit_clv_prints_the_papers_parameters_as_json(summary_csv: Path, model: str, expected: dict) -> None:
    out = io.StringIO()
    call_command(
        "analytics", "fit-clv", "--summary", str(summary_csv), "--model", model, "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert result["model"] == model
    assert set(result) == {"model", "params", "log_likelihood", "n"}
    for name, value in expected.items():
        assert result["params"][name] == pytest.approx(value, rel=0.01)


def test_a_bad_summary_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("customer_id,frequency,recency,T\n1,2,30.4,38.9\n2,x,1,38.9\n")
    with pytest.raises(CommandError, match="line 3, column frequency"):
        call_command("analytics", "fit-clv", "--summary", str(path), "--model", "bgnbd")


def test_rfm_scores_an_order_file_and_names_a_bad_line(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "customer_id,date,amount\nA,2026-01-05,100\nA,20260301,50\nB,2026-02-01,10\nC,2025-06-01,999\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("analytics", "rfm", "--orders", str(orders), "--as-of", "2026-03-31", stdout=out)
    rows = [line.split(",") for line in out.getvalue().strip().splitlines()]
    assert rows[0] == ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["A"][1:4] == ["30", "2", "150.00"]
    assert by_id["C"][1:4] == ["303", "1", "999.00"]
    assert (by_id["A"][4], by_id["B"][4], by_id["C"][4]) == ("4", "2", "1")  # quintiles of three
    orders.write_text("customer_id,date,amount\nA,2026-01-05,100\nB,yesterday,5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3, column date"):
        call_command("analytics", "rfm", "--orders", str(orders), "--as-of", "2026-03-31")


def test_score_runs_the_job_with_a_progress_bar(base: object) -> None:
    from inyeon.analytics.models import CustomerScore

    out, err = io.StringIO(), io.StringIO()
    call_command("analytics", "score", "--as-of", "2026-06-30", stdout=out, stderr=err)
    assert "65 customers, 62 with purchases" in out.getvalue()
    assert CustomerScore.objects.count() == 65


def test_score_enqueue_queues_a_run(db: None) -> None:
    from inyeon.analytics.models import RunStatus, ScoringRun

    out = io.StringIO()
    call_command("analytics", "score", "--enqueue", stdout=out)
    assert ScoringRun.objects.get().status == RunStatus.QUEUED
    assert "queued" in out.getvalue()
