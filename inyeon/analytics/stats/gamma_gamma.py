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
from scipy.special import gammaln, psi

from inyeon.analytics.stats.bgnbd import FitError, converged

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


@dataclass(frozen=True)
class _Prepared:
    """Spends with their constant terms, and index arrays into the distinct repeat counts."""

    x: FloatArray
    log_m: FloatArray
    mx: FloatArray
    constant: float
    x_values: FloatArray
    x_index: NDArray[np.intp]
    x_log_mx: FloatArray


def _prepare(x: FloatArray, m: FloatArray) -> _Prepared:
    x_values, x_index = np.unique(x, return_inverse=True)
    log_m = np.log(m)
    log_x = np.log(x)
    return _Prepared(
        x=x,
        log_m=log_m,
        mx=m * x,
        constant=-float(np.sum(log_m)),
        x_values=x_values,
        x_index=x_index,
        x_log_mx=x * (log_m + log_x),
    )


def _negative_log_likelihood_and_gradient(log_params: FloatArray, d: _Prepared) -> tuple[float, FloatArray]:
    """-LL and its gradient in log-parameters; lnΓ and ψ only on the distinct repeat counts."""
    p, q, gamma = np.exp(log_params)
    xv, xi = d.x_values, d.x_index
    pxv = p * xv
    log_gamma_mx = np.log(gamma + d.mx)
    pxq = (pxv + q)[xi]
    n = d.x.size
    ll = (
        float(np.sum((gammaln(pxv + q) - gammaln(pxv))[xi]))
        - n * float(gammaln(q))
        + n * q * float(np.log(gamma))
        + p * float(np.sum(d.x_log_mx))
        + d.constant
        - float(np.dot(pxq, log_gamma_mx))
    )
    psi_pxq = psi(pxv + q)
    dp = (
        float(np.sum((xv * (psi_pxq - psi(pxv)))[xi]))
        + float(np.sum(d.x_log_mx))
        - float(np.dot(d.x, log_gamma_mx))
    )
    dq = (
        float(np.sum(psi_pxq[xi]))
        - n * float(psi(q))
        + n * float(np.log(gamma))
        - float(np.sum(log_gamma_mx))
    )
    dgamma = n * q / gamma - float(np.sum(pxq / (gamma + d.mx)))
    grad = np.array([dp * p, dq * q, dgamma * gamma])
    if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
        return 1e300, np.zeros(3)
    return -ll, -grad


def fit(x: ArrayLike, m: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood (p, q, gamma) from repeat-transaction counts and mean spends.

    L-BFGS-B on log-parameters with the analytic gradient; Nelder-Mead first only when that fails.
    """
    xs, ms = _inputs(x, m)
    if xs.size < 2:
        raise FitError("the spend model needs at least two customers with repeat transactions")
    prepared = _prepare(xs, ms)
    start = np.log(np.array([1.0, 2.0, float(np.mean(ms))]))
    options = {"maxiter": 5000, "gtol": 1e-9, "ftol": 1e-15}
    result = minimize(
        _negative_log_likelihood_and_gradient,
        start,
        args=(prepared,),
        jac=True,
        method="L-BFGS-B",
        options=options,
    )
    if not converged(result):

        def value(log_params: FloatArray) -> float:
            return _negative_log_likelihood_and_gradient(log_params, prepared)[0]

        rough = minimize(value, start, method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-8})
        result = minimize(
            _negative_log_likelihood_and_gradient,
            rough.x,
            args=(prepared,),
            jac=True,
            method="L-BFGS-B",
            options=options,
        )
    if not converged(result):
        raise FitError(f"the Gamma-Gamma fit did not converge: {result.message}")
    p, q, gamma = (float(v) for v in np.exp(result.x))
    return GammaGammaParams(p=p, q=q, gamma=gamma, log_likelihood=-float(result.fun), n=int(xs.size))


def conditional_expected_spend(params: GammaGammaParams, x: ArrayLike, m: ArrayLike) -> FloatArray:
    """E[M | x, m]: a customer's expected spend per transaction; the population mean when x = 0."""
    xs, ms = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    p, q, gamma = params.p, params.q, params.gamma
    population = p * gamma / (q - 1)
    return np.where(xs > 0, p * (gamma + xs * ms) / (p * xs + q - 1), population)
