"""The Gamma-Gamma model of spend per transaction.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", Journal of Marketing Research 42(4), 415-430; the spend sub-model as in
Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value".

A customer's transaction values are Gamma(p, nu); nu varies across customers as Gamma(q, gamma).
Only customers with at least one repeat transaction (x > 0) enter the fit, with their mean spend m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln

from inyeon.analytics.stats.bgnbd import FitError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    n: int


def _inputs(x: ArrayLike, m: ArrayLike) -> tuple[FloatArray, FloatArray]:
    xs, ms = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    if xs.shape != ms.shape or xs.ndim != 1:
        raise FitError("x and the mean spend must be one-dimensional arrays of the same length")
    keep = xs > 0
    if np.any(ms[keep] <= 0):
        raise FitError("mean spend must be positive for customers with repeat transactions")
    return xs[keep], ms[keep]


def log_likelihood_terms(p: float, q: float, gamma: float, x: FloatArray, m: FloatArray) -> FloatArray:
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + gamma)
    )


def fit(x: ArrayLike, m: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood (p, q, gamma) from repeat-transaction counts and mean spends."""
    xs, ms = _inputs(x, m)
    if xs.size < 2:
        raise FitError("the spend model needs at least two customers with repeat transactions")
    pairs, counts = np.unique(np.stack([xs, ms], axis=1), axis=0, return_counts=True)
    ux, um, weights = pairs[:, 0], pairs[:, 1], counts.astype(np.float64)

    def negative(log_params: FloatArray) -> float:
        p, q, gamma = np.exp(log_params)
        value = -float(np.sum(weights * log_likelihood_terms(p, q, gamma, ux, um)))
        return value if np.isfinite(value) else 1e300

    start = np.log(np.array([1.0, 1.0, float(np.mean(ms))]))
    result = minimize(
        negative, start, method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-10}
    )
    result = minimize(negative, result.x, method="BFGS", options={"gtol": 1e-8})
    if not np.all(np.isfinite(result.x)) or result.fun >= 1e299:
        raise FitError(f"the Gamma-Gamma fit did not converge: {result.message}")
    p, q, gamma = (float(v) for v in np.exp(result.x))
    return GammaGammaParams(p=p, q=q, gamma=gamma, log_likelihood=-float(result.fun), n=int(xs.size))


def conditional_expected_spend(params: GammaGammaParams, x: ArrayLike, m: ArrayLike) -> FloatArray:
    """E[M | x, m]: a customer's expected spend per transaction; the population mean when x = 0."""
    xs, ms = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    p, q, gamma = params.p, params.q, params.gamma
    population = p * gamma / (q - 1)
    return np.where(xs > 0, p * (gamma + xs * ms) / (p * xs + q - 1), population)
