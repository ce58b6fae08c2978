from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inyeon.analytics.stats import rfm


def test_the_table_counts_recency_frequency_and_money_as_of_a_date() -> None:
    table = rfm.rfm_table(
        customer_id=[7, 7, 3, 7, 3, 9],
        order_date=["2026-01-01", "2026-03-01", "2026-02-10", "2026-12-31", "2026-02-20", "2025-12-31"],
        amount=[100, 50, 30, 999, 20, 10],
        as_of="2026-03-31",
    )
    assert table.customer_id.tolist() == [3, 7, 9]
    assert table.recency_days.tolist() == [39, 30, 90]
    assert table.frequency.tolist() == [2, 2, 1]
    assert table.monetary.tolist() == [50.0, 150.0, 10.0]


def test_scores_are_quintiles_and_ties_share_the_lowest_score() -> None:
    assert rfm.quintile_scores(np.arange(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert rfm.quintile_scores([1, 1, 1, 1, 2]).tolist() == [1, 1, 1, 1, 5]
    assert rfm.quintile_scores([5, 1, 3], higher_is_better=False).tolist() == [1, 4, 2]


def test_scores_do_not_depend_on_row_order() -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 6, size=200)
    perm = rng.permutation(200)
    assert (rfm.quintile_scores(values)[perm] == rfm.quintile_scores(values[perm])).all()


def test_the_default_map_names_every_cell_with_korean_and_english_labels() -> None:
    segments = rfm.load_segment_map()
    assert segments["champions"]["ko"] == "최우수 고객"
    assert rfm.segments_for([5, 1, 5], [5, 1, 1]).tolist() == ["champions", "lost", "new"]


def test_a_map_that_leaves_a_cell_out_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"segments": {"all": {"en": "All", "ko": "전체", "cells": ["11"]}}}))
    with pytest.raises(ValueError, match="25"):
        rfm.load_segment_map(path)


def test_sparse_and_dense_customer_ids_give_the_same_table() -> None:
    rng = np.random.default_rng(3)
    dense = rng.integers(0, 50, size=500)
    sparse = dense * 10**12  # far apart: takes the sorting path
    dates = np.datetime64("2026-01-01") + rng.integers(0, 300, size=500).astype("timedelta64[D]")
    money = rng.gamma(2.0, 100.0, size=500)
    a = rfm.rfm_table(dense, dates, money, as_of="2026-12-31")
    b = rfm.rfm_table(sparse, dates, money, as_of="2026-12-31")
    assert (a.customer_id * 10**12 == b.customer_id).all()
    assert (a.recency_days == b.recency_days).all()
    assert (a.frequency == b.frequency).all()
    assert np.allclose(a.monetary, b.monetary)
