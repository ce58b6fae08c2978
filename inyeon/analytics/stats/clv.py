"""Customer lifetime value over a horizon from BG/NBD purchases and Gamma-Gamma spend.

CLV = sum over periods i = 1..n of (E[Y(t_i)] - E[Y(t_(i-1))]) x E[M] / (1 + d)^i, with E[Y(t)]
the conditional expected purchases of Fader, Hardie & Lee (2005), E[M] the conditional expected
spend of Fader, Hardie & Lee (2005, "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis") and d the discount rate per period.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import ArrayLike, NDArray

from inyeon.analytics.stats.bgnbd import BGNBDParams, conditional_expected_purchases
from inyeon.analytics.stats.histories import Histories, distinct_histories


def period_discount_rate(annual_rate: float, periods_per_year: int = 12) -> float:
    """The per-period rate equivalent to an annual discount rate."""
    if annual_rate < 0:
        raise ValueError("the discount rate cannot be negative")
    return float((1.0 + annual_rate) ** (1.0 / periods_per_year) - 1.0)


def expected_purchases_by_history(
    params: BGNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> NDArray[np.float64]:
    """E[Y(t)] for every customer, computed once per distinct (x, t_x, T) history."""
    h = _histories(x, t_x, T)
    return conditional_expected_purchases(params, t, h.x, h.t_x, h.T)[h.index]


def clv(
    params: BGNBDParams,
    expected_spend: ArrayLike,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    *,
    horizon: float,
    periods: int = 12,
    annual_discount_rate: float = 0.1,
    histories: Histories | None = None,
) -> NDArray[np.float64]:
    """Discounted value of each customer's expected purchases over `horizon` (time unit of T).

    The horizon is cut into `periods` equal periods, discounted at the per-period equivalent of
    `annual_discount_rate` (the horizon is taken to be a year when periods = 12). The periods are
    evaluated on two threads (the special functions release the GIL).
    """
    if horizon <= 0 or periods < 1:
        raise ValueError("the horizon and the number of periods must be positive")
    spend = np.asarray(expected_spend, dtype=np.float64)
    h = histories or _histories(x, t_x, T)
    rate = period_discount_rate(annual_discount_rate, periods)

    def cumulative(i: int) -> NDArray[np.float64]:
        if i == 0:
            return np.zeros(h.x.size)
        return conditional_expected_purchases(params, horizon * i / periods, h.x, h.t_x, h.T)

    with ThreadPoolExecutor(max_workers=2) as pool:
        expected = list(pool.map(cumulative, range(periods + 1)))
    discounted = np.zeros(h.x.size)
    for i in range(1, periods + 1):
        discounted += (expected[i] - expected[i - 1]) / (1.0 + rate) ** i
    return np.asarray(discounted[h.index] * spend, dtype=np.float64)


def _histories(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> Histories:
    xs, txs, Ts = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    return distinct_histories(xs, txs, Ts)
