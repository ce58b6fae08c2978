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
