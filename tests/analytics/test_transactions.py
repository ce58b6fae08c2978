"""Per-customer summaries from a transaction log agree with the CDNOW conventions (lifetimes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifetimes import datasets as lifetimes_datasets
from lifetimes.utils import summary_data_from_transaction_data

from inyeon.analytics.stats.transactions import customer_summary


def test_a_customer_with_two_orders_on_one_day_has_one_purchase_occasion() -> None:
    s = customer_summary([7, 7, 7, 9], [10, 10, 20, 15], [100, 50, 30, 10], as_of_day=30)
    assert s.customer_id.tolist() == [7, 9]
    assert s.orders.tolist() == [3, 1]
    assert s.total.tolist() == [180, 10]
    assert s.x.tolist() == [1, 0]
    assert s.t_x.tolist() == [10, 0]
    assert s.T.tolist() == [20, 15]
    assert s.repeat_mean.tolist() == [30, 0]  # the first day's 150 is not a repeat purchase
    assert s.recency_days.tolist() == [10, 15]


def test_orders_after_the_as_of_day_are_ignored() -> None:
    s = customer_summary([1, 1, 2], [5, 50, 60], [1, 2, 3], as_of_day=40)
    assert s.customer_id.tolist() == [1]
    assert s.total.tolist() == [1]


def test_it_matches_lifetimes_on_the_cdnow_transaction_log() -> None:
    raw = lifetimes_datasets.load_dataset("CDNOW_master.txt", header=None, sep=r"\s+", skiprows=1)
    raw.columns = ["customer_id", "date", "cds", "amount"]
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    as_of = pd.Timestamp("1997-09-30")
    theirs = summary_data_from_transaction_data(
        raw, "customer_id", "date", monetary_value_col="amount", observation_period_end=as_of, freq="D"
    )
    day = (raw["date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    ours = customer_summary(
        raw["customer_id"].astype(int).to_numpy(),
        day,
        raw["amount"].to_numpy(),
        int((as_of - pd.Timestamp("1970-01-01")).days),
    )
    theirs = theirs.loc[ours.customer_id]
    assert np.array_equal(ours.x, theirs["frequency"].to_numpy())
    assert np.array_equal(ours.t_x, theirs["recency"].to_numpy())
    assert np.array_equal(ours.T, theirs["T"].to_numpy())
    assert ours.repeat_mean == pytest.approx(theirs["monetary_value"].to_numpy(), rel=1e-9)
