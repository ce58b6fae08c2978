"""The BG/NBD model of repeat purchasing.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

Each customer is summarised by x (repeat purchases), t_x (time of the last purchase) and T (age),
all in one time unit. While active a customer buys with a Poisson rate drawn from
Gamma(r, alpha); after each purchase they drop out with a probability drawn from Beta(a, b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

FloatArray = NDArray[np.float64]


class FitError(ValueError):
    """The data cannot identify the model, or the optimiser did not converge."""


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int


def _summary(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    xs, txs, Ts = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    if not (xs.shape == txs.shape == Ts.shape) or xs.ndim != 1:
        raise FitError("x, t_x and T must be one-dimensional arrays of the same length")
    if xs.size == 0:
        raise FitError("no customers")
    if np.any(xs < 0) or np.any(txs < 0) or np.any(txs > Ts) or np.any((xs == 0) & (txs != 0)):
        raise FitError("need x >= 0, 0 <= t_x <= T, and t_x = 0 when x = 0")
    return xs, txs, Ts


def log_likelihood_terms(
    r: float, alpha: float, a: float, b: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    """Log-likelihood of each customer (equation 6 of the paper)."""
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return base + np.logaddexp(a3, a4)


def fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BGNBDParams:
    """Maximum-likelihood estimates of (r, alpha, a, b).

    Identical (x, t_x, T) rows are merged and weighted before fitting, which makes a fit over a
    million customers cost about as much as one over their distinct histories.
    """
    xs, txs, Ts = _summary(x, t_x, T)
    if xs.size < 2:
        raise FitError("a fit needs at least two customers")
    if not np.any(xs > 0):
        raise FitError("no customer made a repeat purchase; the dropout process cannot be estimated")
    rows = np.stack([xs, txs, Ts], axis=1)
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    ux, utx, uT = unique[:, 0], unique[:, 1], unique[:, 2]
    weights = counts.astype(np.float64)

    def negative(log_params: FloatArray) -> float:
        r, alpha, a, b = np.exp(log_params)
        value = -float(np.sum(weights * log_likelihood_terms(r, alpha, a, b, ux, utx, uT)))
        return value if np.isfinite(value) else 1e300

    scale = float(np.mean(Ts)) or 1.0
    start = np.log(np.array([1.0, scale, 1.0, 1.0]))
    result = minimize(
        negative, start, method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-10}
    )
    result = minimize(negative, result.x, method="BFGS", options={"gtol": 1e-8})
    if not np.all(np.isfinite(result.x)) or result.fun >= 1e299:
        raise FitError(f"the BG/NBD fit did not converge: {result.message}")
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return BGNBDParams(r=r, alpha=alpha, a=a, b=b, log_likelihood=-float(result.fun), n=int(xs.size))


def conditional_expected_purchases(
    params: BGNBDParams, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> FloatArray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next `t` (equation 10 of the paper)."""
    xs, txs, Ts = _summary(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + Ts + t)
    head = (a + b + xs - 1) / (a - 1)
    body = 1 - ((alpha + Ts) / (alpha + Ts + t)) ** (r + xs) * hyp2f1(r + xs, b + xs, a + b + xs - 1, z)
    return np.asarray(head * body * probability_alive(params, xs, txs, Ts), dtype=np.float64)


def probability_alive(params: BGNBDParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
    """P(alive | x, t_x, T) (equation 12 of the paper); 1 for customers with no repeat purchase."""
    xs, txs, Ts = _summary(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where(xs > 0, a / (b + xs - 1) * ((alpha + Ts) / (alpha + txs)) ** (r + xs), 0.0)
    return np.asarray(1.0 / (1.0 + odds), dtype=np.float64)
