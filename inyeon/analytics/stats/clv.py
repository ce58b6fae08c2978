"""Customer lifetime value over a horizon from BG/NBD purchases and Gamma-Gamma spend.

CLV = sum over periods i = 1..n of (E[Y(t_i)] - E[Y(t_(i-1))]) x E[M] / (1 + d)^i, with E[Y(t)]
the conditional expected purchases of Fader, Hardie & Lee (2005), E[M] the conditional expected
spend of Fader, Hardie & Lee (2005, "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis") and d the discount rate per period.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from inyeon.analytics.stats.bgnbd import BGNBDParams, conditional_expected_purchases


def period_discount_rate(annual_rate: float, periods_per_year: int = 12) -> float:
    """The per-period rate equivalent to an annual discount rate."""
    if annual_rate < 0:
        raise ValueError("the discount rate cannot be negative")
    return float((1.0 + annual_rate) ** (1.0 / periods_per_year) - 1.0)


def expected_purchases_by_history(
    params: BGNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> NDArray[np.float64]:
    """E[Y(t)] for every customer, computed once per distinct (x, t_x, T) history."""
    xs, txs, Ts = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    ux, utx, uT, index = _distinct(xs, txs, Ts)
    return conditional_expected_purchases(params, t, ux, utx, uT)[index]


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
) -> NDArray[np.float64]:
    """Discounted value of each customer's expected purchases over `horizon` (time unit of T).

    The horizon is cut into `periods` equal periods, discounted at the per-period equivalent of
    `annual_discount_rate` (the horizon is taken to be a year when periods = 12).
    """
    if horizon <= 0 or periods < 1:
        raise ValueError("the horizon and the number of periods must be positive")
    spend = np.asarray(expected_spend, dtype=np.float64)
    xs, txs, Ts = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    ux, utx, uT, index = _distinct(xs, txs, Ts)
    rate = period_discount_rate(annual_discount_rate, periods)
    previous = np.zeros(ux.size)
    discounted = np.zeros(ux.size)
    for i in range(1, periods + 1):
        current = conditional_expected_purchases(params, horizon * i / periods, ux, utx, uT)
        discounted += (current - previous) / (1.0 + rate) ** i
        previous = current
    return np.asarray(discounted[index] * spend, dtype=np.float64)


def _distinct(
    x: NDArray[np.float64], t_x: NDArray[np.float64], T: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """The distinct (x, t_x, T) histories and, for each customer, the index of theirs."""
    if x.size == 0:
        return x, t_x, T, np.array([], dtype=np.intp)
    order = np.lexsort((T, t_x, x))
    xs, txs, Ts = x[order], t_x[order], T[order]
    new = np.ones(x.size, dtype=bool)
    new[1:] = (np.diff(xs) != 0) | (np.diff(txs) != 0) | (np.diff(Ts) != 0)
    index = np.empty(x.size, dtype=np.intp)
    index[order] = np.cumsum(new) - 1
    return xs[new], txs[new], Ts[new], index
