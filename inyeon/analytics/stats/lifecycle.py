"""Lifecycle stages from purchase history and scores (seed 001: 잠재 -> 신규 -> 기존 -> 핵심 -> 이탈).

prospect = no purchase; new = first purchase within `new_within_days`; churned = P(alive) below
`churn_p_alive_below` or no purchase for more than `churn_after_days`; core = a value tier in
`core_tiers` and a frequency score of at least `core_min_frequency_score`; existing = the rest.
The rules are tried in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class LifecycleRules:
    new_within_days: int = 90
    churn_p_alive_below: float = 0.2
    churn_after_days: int = 365
    core_tiers: tuple[str, ...] = ("A",)
    core_min_frequency_score: int = 4

    def __post_init__(self) -> None:
        if self.new_within_days < 0 or self.churn_after_days < 0:
            raise ValueError("day thresholds cannot be negative")
        if not 0 <= self.churn_p_alive_below <= 1:
            raise ValueError("the P(alive) threshold must be between 0 and 1")
        if not 1 <= self.core_min_frequency_score <= 5:
            raise ValueError("the frequency score threshold must be between 1 and 5")


def lifecycle_stages(
    *,
    purchased: ArrayLike,
    days_since_first: ArrayLike,
    days_since_last: ArrayLike,
    p_alive: ArrayLike,
    tier: ArrayLike,
    f_score: ArrayLike,
    rules: LifecycleRules | None = None,
) -> NDArray[np.str_]:
    """The stage of each customer (the stage names of `inyeon.customers`: prospect, new, ...)."""
    rules = rules or LifecycleRules()
    bought = np.asarray(purchased, dtype=bool)
    first = np.asarray(days_since_first)
    last = np.asarray(days_since_last)
    alive = np.asarray(p_alive, dtype=np.float64)
    tiers = np.asarray(tier)
    freq = np.asarray(f_score)
    return np.select(
        [
            ~bought,
            first <= rules.new_within_days,
            (alive < rules.churn_p_alive_below) | (last > rules.churn_after_days),
            np.isin(tiers, rules.core_tiers) & (freq >= rules.core_min_frequency_score),
        ],
        ["prospect", "new", "churned", "core"],
        default="existing",
    )
