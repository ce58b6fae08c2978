from __future__ import annotations

import numpy as np
import pytest

from inyeon.analytics.stats import value_tiers


def test_tiers_cut_the_ranking_at_the_configured_shares() -> None:
    values = np.arange(10, 0, -1)  # 10 customers, already best first
    assert value_tiers.value_tiers(values).tolist() == ["A", "A", "B", "B", "B", "C", "C", "C", "C", "C"]
    custom = value_tiers.value_tiers(values, tiers=(("top", 0.1), ("rest", 1.0)))
    assert custom.tolist().count("top") == 1


def test_bad_tier_shares_are_refused() -> None:
    with pytest.raises(ValueError, match=r"end at 1\.0"):
        value_tiers.value_tiers([1, 2], tiers=(("A", 0.5), ("B", 0.9)))


def test_the_pareto_summary_reports_the_top_fifths_share() -> None:
    values = [80, 5, 5, 5, 5]  # the top 20% (one customer) holds 80%
    summary = value_tiers.pareto_summary(values)
    assert summary.top_share_of_value == pytest.approx(0.8)
    assert summary.curve_value[0] == 0.0
    assert summary.curve_value[-1] == pytest.approx(1.0)


def test_customer_equity_adds_a_share_of_the_referred_customers_clv() -> None:
    equity = value_tiers.customer_equity(
        customer_id=[1, 2, 3, 4], clv=[100.0, 50.0, 30.0, 10.0], referred_by=[-1, 1, 1, 2], referral_share=0.1
    )
    assert equity.tolist() == pytest.approx([108.0, 51.0, 30.0, 10.0])
