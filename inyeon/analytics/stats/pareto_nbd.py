"""The Pareto/NBD model of repeat purchasing.

Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987), "Counting Your Customers: Who Are They
and What Will They Do Next?", Management Science 33(1), 1-24; the likelihood in the form of
Fader, P. S. and Hardie, B. G. S. (2005), "A Note on Deriving the Pareto/NBD Model and Related
Expressions".

Purchases while alive are Poisson with a rate from Gamma(r, alpha); lifetimes are exponential
with a rate from Gamma(s, beta).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

from inyeon.analytics.stats.bgnbd import FitError, _summary

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ParetoNBDParams:
    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    n: int


def log_likelihood_terms(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    rsx = r + s + x
    big, shift = (alpha, alpha - beta) if alpha >= beta else (beta, beta - alpha)
    second: FloatArray | float = s + 1 if alpha >= beta else r + x
    a0 = (
        hyp2f1(rsx, second, rsx + 1, shift / (big + t_x)) / (big + t_x) ** rsx
        - hyp2f1(rsx, second, rsx + 1, shift / (big + T)) / (big + T) ** rsx
    )
    alive_all_along = (alpha + T) ** -(r + x) * (beta + T) ** -s
    inner = alive_all_along + s / rsx * a0
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.log(inner)


def fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> ParetoNBDParams:
    """Maximum-likelihood estimates of (r, alpha, s, beta); identical rows are merged first."""
    xs, txs, Ts = _summary(x, t_x, T)
    if xs.size < 2:
        raise FitError("a fit needs at least two customers")
    if not np.any(xs > 0):
        raise FitError("no customer made a repeat purchase; the dropout process cannot be estimated")
    unique, counts = np.unique(np.stack([xs, txs, Ts], axis=1), axis=0, return_counts=True)
    ux, utx, uT = unique[:, 0], unique[:, 1], unique[:, 2]
    weights = counts.astype(np.float64)

    def negative(log_params: FloatArray) -> float:
        r, alpha, s, beta = np.exp(log_params)
        with np.errstate(all="ignore"):
            value = -float(np.sum(weights * log_likelihood_terms(r, alpha, s, beta, ux, utx, uT)))
        return value if np.isfinite(value) else 1e300

    scale = float(np.mean(Ts)) or 1.0
    start = np.log(np.array([1.0, scale, 1.0, scale]))
    result = minimize(
        negative, start, method="Nelder-Mead", options={"maxiter": 40000, "xatol": 1e-10, "fatol": 1e-10}
    )
    result = minimize(negative, result.x, method="BFGS", options={"gtol": 1e-8})
    if not np.all(np.isfinite(result.x)) or result.fun >= 1e299:
        raise FitError(f"the Pareto/NBD fit did not converge: {result.message}")
    r, alpha, s, beta = (float(v) for v in np.exp(result.x))
    return ParetoNBDParams(
        r=r, alpha=alpha, s=s, beta=beta, log_likelihood=-float(result.fun), n=int(xs.size)
    )
