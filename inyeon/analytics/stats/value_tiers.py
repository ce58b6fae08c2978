"""Value tiers (Pareto / ABC analysis) and customer equity.

Tiers rank customers by value and cut the ranking at cumulative shares of customers (default:
A = the top 20%, B = the next 30%, C = the rest). Customer equity is CLV plus referral value, the
CLV of the customers someone referred times a share (Kumar, Petersen & Leone 2007, "How Valuable
Is Word of Mouth?", Harvard Business Review; the seeds' 고객자산가치 = CLV + 추천 가치).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

DEFAULT_TIERS: tuple[tuple[str, float], ...] = (("A", 0.2), ("B", 0.5), ("C", 1.0))


@dataclass(frozen=True)
class ParetoSummary:
    top_share_of_customers: float
    top_share_of_value: float
    curve_customers: NDArray[np.float64]
    curve_value: NDArray[np.float64]


def value_tiers(values: ArrayLike, tiers: tuple[tuple[str, float], ...] = DEFAULT_TIERS) -> NDArray[np.str_]:
    """The tier of each customer; `tiers` are (name, cumulative share of customers), ascending to 1.

    Ties in value are broken by position (the earlier row ranks higher) so the result is stable.
    """
    cuts = [share for _, share in tiers]
    if not cuts or cuts[-1] != 1.0 or any(b <= a for a, b in itertools.pairwise(cuts)):
        raise ValueError("tier shares must rise strictly and end at 1.0")
    v = np.asarray(values, dtype=np.float64)
    order = np.argsort(-v, kind="stable")
    position = np.empty(v.size, dtype=np.float64)
    position[order] = (np.arange(v.size) + 1) / max(v.size, 1)
    index = np.searchsorted(np.asarray(cuts), position - 1e-12, side="left")
    names = np.array([name for name, _ in tiers])
    return names[index]


def pareto_summary(values: ArrayLike, top_share: float = 0.2, points: int = 101) -> ParetoSummary:
    """Share of total value held by the top `top_share` of customers, and the Lorenz-style curve."""
    v = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = float(v.sum())
    if v.size == 0 or total <= 0:
        raise ValueError("the Pareto summary needs customers with positive total value")
    cumulative = np.concatenate(([0.0], np.cumsum(v) / total))
    xs = np.linspace(0, 1, points)
    ys = np.interp(xs * v.size, np.arange(v.size + 1), cumulative)
    top = float(np.interp(top_share * v.size, np.arange(v.size + 1), cumulative))
    return ParetoSummary(
        top_share_of_customers=top_share, top_share_of_value=top, curve_customers=xs, curve_value=ys
    )


def customer_equity(
    customer_id: ArrayLike, clv: ArrayLike, referred_by: ArrayLike, referral_share: float = 0.1
) -> NDArray[np.float64]:
    """CLV + referral_share x (sum of the CLV of the customers each one referred).

    `referred_by` holds the referrer's customer id, or -1 for none.
    """
    ids = np.asarray(customer_id, dtype=np.int64)
    value = np.asarray(clv, dtype=np.float64)
    referrer = np.asarray(referred_by, dtype=np.int64)
    if not (ids.shape == value.shape == referrer.shape):
        raise ValueError("customer_id, clv and referred_by must have the same length")
    if not 0 <= referral_share <= 1:
        raise ValueError("referral_share must be between 0 and 1")
    if ids.size == 0:
        return value.copy()
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    slot = np.searchsorted(sorted_ids, referrer)
    found = (slot < ids.size) & (sorted_ids[np.minimum(slot, max(ids.size - 1, 0))] == referrer)
    referral = np.zeros_like(value)
    np.add.at(referral, order[slot[found]], value[found])
    return value + referral_share * referral
