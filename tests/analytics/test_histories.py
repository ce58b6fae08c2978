"""Distinct histories: the packed-integer path and the general path agree."""

from __future__ import annotations

import numpy as np

from inyeon.analytics.stats.histories import distinct_histories
from inyeon.analytics.stats.value_tiers import customer_equity


def test_whole_number_and_fractional_histories_group_the_same_way() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 5, 2000).astype(float)
    t_x = np.where(x > 0, rng.integers(0, 30, 2000), 0).astype(float)
    T = t_x + rng.integers(0, 10, 2000)
    whole = distinct_histories(x, t_x, T)
    fractional = distinct_histories(x, t_x / 7, T / 7)  # the same histories in weeks
    assert np.array_equal(whole.count, fractional.count)
    assert np.array_equal(whole.index, fractional.index)
    assert np.allclose(whole.T / 7, fractional.T)
    # Every customer points at their own history, and the counts add up.
    assert np.array_equal(whole.x[whole.index], x) and np.array_equal(whole.T[whole.index], T)
    assert whole.count.sum() == 2000


def test_equity_ignores_unknown_referrers() -> None:
    equity = customer_equity([10, 20, 30], [100.0, 50.0, 10.0], [-1, 10, 99], referral_share=0.5)
    assert equity.tolist() == [125.0, 50.0, 10.0]
    assert customer_equity([], [], [], 0.1).size == 0
