"""Lifecycle stage rules (seed 001)."""

from __future__ import annotations

import pytest

from inyeon.analytics.stats.lifecycle import LifecycleRules, lifecycle_stages


def test_each_rule_in_order() -> None:
    stages = lifecycle_stages(
        purchased=[False, True, True, True, True, True],
        days_since_first=[0, 10, 400, 400, 400, 400],
        days_since_last=[0, 10, 500, 20, 20, 20],
        p_alive=[0.0, 1.0, 0.9, 0.1, 0.9, 0.9],
        tier=["C", "A", "A", "A", "A", "B"],
        f_score=[1, 5, 5, 5, 5, 5],
    )
    assert stages.tolist() == ["prospect", "new", "churned", "churned", "core", "existing"]


def test_rules_are_configurable_and_checked() -> None:
    rules = LifecycleRules(new_within_days=5, core_tiers=("A", "B"), core_min_frequency_score=3)
    stages = lifecycle_stages(
        purchased=[True, True],
        days_since_first=[10, 10],
        days_since_last=[1, 1],
        p_alive=[0.9, 0.9],
        tier=["B", "B"],
        f_score=[3, 2],
        rules=rules,
    )
    assert stages.tolist() == ["core", "existing"]
    with pytest.raises(ValueError):
        LifecycleRules(churn_p_alive_below=2)
