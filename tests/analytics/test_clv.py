"""CLV over a horizon with discounting; it agrees with lifetimes' customer_lifetime_value."""

from __future__ import annotations

import numpy as np
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes import datasets as lifetimes_datasets

from inyeon.analytics.stats import bgnbd, clv


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    data = lifetimes_datasets.load_cdnow_summary_data_with_monetary_value()
    return {c: data[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value")}


def test_monthly_discounting_matches_lifetimes(cdnow: dict[str, np.ndarray]) -> None:
    # lifetimes' time unit here is weeks, its CLV steps 4.345 weeks per month at 1% a month.
    f, r, T, m = cdnow["frequency"], cdnow["recency"], cdnow["T"], cdnow["monetary_value"]
    bg = BetaGeoFitter().fit(f, r, T)
    p = bg.params_
    params = bgnbd.BGNBDParams(r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"], log_likelihood=0.0, n=f.size)
    ggf = GammaGammaFitter().fit(f[f > 0], m[f > 0])
    spend = np.asarray(ggf.conditional_expected_average_profit(f, m))
    data = lifetimes_datasets.load_cdnow_summary_data_with_monetary_value()
    theirs = np.asarray(
        ggf.customer_lifetime_value(
            bg,
            data["frequency"],
            data["recency"],
            data["T"],
            data["monetary_value"],
            time=12,
            discount_rate=0.01,
            freq="W",
        )
    )
    ours = clv.clv(params, spend, f, r, T, horizon=12 * 4.345, periods=12, annual_discount_rate=1.01**12 - 1)
    assert ours == pytest.approx(theirs, rel=1e-6)


def test_expected_purchases_by_history_equals_the_row_by_row_formula(cdnow: dict[str, np.ndarray]) -> None:
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    params = bgnbd.fit(f, r, T)
    merged = clv.expected_purchases_by_history(params, 13.0, f, r, T)
    direct = bgnbd.conditional_expected_purchases(params, 13.0, f, r, T)
    assert merged == pytest.approx(direct, rel=1e-12)


def test_a_higher_discount_rate_lowers_the_value_and_bad_arguments_are_refused() -> None:
    params = bgnbd.BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n=0)
    low = clv.clv(params, [100.0], [3], [30.0], [38.0], horizon=52, annual_discount_rate=0.0)
    high = clv.clv(params, [100.0], [3], [30.0], [38.0], horizon=52, annual_discount_rate=0.5)
    assert 0 < high[0] < low[0]
    with pytest.raises(ValueError):
        clv.clv(params, [1.0], [1], [1.0], [2.0], horizon=0)
    with pytest.raises(ValueError):
        clv.period_discount_rate(-0.1)
