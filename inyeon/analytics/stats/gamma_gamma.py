"""The Gamma-Gamma model of spend per transaction.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", Journal of Marketing Research 42(4), 415-430; the spend sub-model as in
Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value".

A customer's transaction values are Gamma(p, nu); nu varies across customers as Gamma(q, gamma).
Only customers with at least one repeat transaction (x > 0) enter the fit, with their mean spend m.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import OptimizeResult, minimize
from scipy.special import gammaln, psi

from inyeon.analytics.stats.bgnbd import FitError, _dot, converged, minimize_preconditioned, sample_hessian

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
    """Spends with their constant terms, and the distinct repeat counts with how many share each.

    With u = gamma / (m x), a customer's log-likelihood is lnΓ(px + q) - lnΓ(px) - lnΓ(q)
    - q ln(m x / gamma) - ln m - (px + q) ln(1 + u): per evaluation the customers enter only
    through sum ln(1 + u), sum x ln(1 + u), sum 1/(gamma + m x) and sum x/(gamma + m x); the rest
    is per distinct x or constant. Written this way no two large sums nearly cancel, so the
    likelihood of 600,000 customers is accurate to a few units in its last place.
    """

    n: int
    inv_m: FloatArray  # 1 / m
    inv_mx: FloatArray  # 1 / (m x)
    x: FloatArray
    sum_log_m: float
    sum_log_mx: float
    x_values: FloatArray
    x_count: FloatArray
    work: FloatArray  # 2 x customers, reused by every evaluation


def _distinct_counts(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Distinct repeat counts and how many customers have each (a bincount for whole numbers)."""
    whole = x.astype(np.int64)
    if x.size and np.array_equal(whole, x) and int(whole.max()) <= 1 << 24:
        counts = np.bincount(whole)
        values = np.flatnonzero(counts)
        return values.astype(np.float64), counts[values].astype(np.float64)
    values, counts = np.unique(x, return_counts=True)
    return np.asarray(values, dtype=np.float64), counts.astype(np.float64)


def _prepare(x: FloatArray, m: FloatArray) -> _Prepared:
    x_values, x_count = _distinct_counts(x)
    mx = m * x
    return _Prepared(
        n=int(x.size),
        inv_m=1.0 / m,
        inv_mx=1.0 / mx,
        x=x,
        sum_log_m=float(np.sum(np.log(m))),
        sum_log_mx=float(np.sum(np.log(mx))),
        x_values=x_values,
        x_count=x_count,
        work=np.empty((2, x.size)),
    )


def _negative_log_likelihood_and_gradient(log_params: FloatArray, d: _Prepared) -> tuple[float, FloatArray]:
    """-LL and its gradient in log-parameters; lnΓ and ψ only on the distinct repeat counts."""
    p, q, gamma = np.exp(log_params)
    n = float(d.n)
    one_u, tmp = d.work
    np.multiply(d.inv_mx, gamma, out=one_u)
    np.add(one_u, 1.0, out=one_u)  # 1 + u = (gamma + m x) / (m x)
    np.log(one_u, out=tmp)
    # Pairwise sums (np.sum): the likelihood must be accurate to a few units in its last place for
    # the optimiser's stopping rule to work, and np.dot would go to multithreaded BLAS (see _dot).
    sum_log = float(np.sum(tmp))
    np.multiply(tmp, d.x, out=tmp)
    sum_x_log = float(np.sum(tmp))
    np.divide(d.inv_mx, one_u, out=tmp)  # 1 / (gamma + m x)
    sum_inv = float(np.sum(tmp))
    np.divide(d.inv_m, one_u, out=tmp)  # x / (gamma + m x)
    sum_x_inv = float(np.sum(tmp))
    pxv = p * d.x_values
    log_gamma = float(np.log(gamma))
    ll = math.fsum(
        (
            _dot(d.x_count, gammaln(pxv + q) - gammaln(pxv)),
            -n * float(gammaln(q)),
            q * (n * log_gamma - d.sum_log_mx),
            -d.sum_log_m,
            -p * sum_x_log,
            -q * sum_log,
        )
    )
    psi_pxq = psi(pxv + q)
    dp = _dot(d.x_count, d.x_values * (psi_pxq - psi(pxv))) - sum_x_log
    dq = _dot(d.x_count, psi_pxq) - n * float(psi(q)) + (n * log_gamma - d.sum_log_mx) - sum_log
    dgamma = n * q / gamma - (p * sum_x_inv + q * sum_inv)
    grad = np.array([dp * p, dq * q, dgamma * gamma])
    if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
        return 1e300, np.zeros(3)
    return -ll, -grad


_OPTIONS = {"maxiter": 5000, "gtol": 1e-9, "ftol": 1e-15}
_SAMPLE = 20_000  # customers in the sample fit that warm-starts a large fit


def _lbfgsb(prepared: _Prepared, start: FloatArray) -> OptimizeResult:
    return minimize(
        _negative_log_likelihood_and_gradient,
        start,
        args=(prepared,),
        jac=True,
        method="L-BFGS-B",
        options=_OPTIONS,
    )


def _warm_fit(
    xs: FloatArray, ms: FloatArray, prepared: _Prepared, start: FloatArray
) -> OptimizeResult | None:
    """L-BFGS-B on all customers from the optimum for a fixed-seed sample, in coordinates taken
    from the sample's Hessian; None when the sample does not give a usable start."""
    pick = np.random.default_rng(1999).integers(0, xs.size, _SAMPLE)
    sample = _prepare(xs[pick], ms[pick])
    rough = _lbfgsb(sample, start)
    if not converged(rough):
        return None
    at = np.asarray(rough.x, dtype=np.float64)
    hessian = sample_hessian(
        lambda v: _negative_log_likelihood_and_gradient(v, sample), at, xs.size / _SAMPLE
    )
    if hessian is None:
        return None
    return minimize_preconditioned(
        lambda v: _negative_log_likelihood_and_gradient(v, prepared), at, hessian, _OPTIONS
    )


def fit(x: ArrayLike, m: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood (p, q, gamma) from repeat-transaction counts and mean spends.

    L-BFGS-B on log-parameters with the analytic gradient; with many customers it starts from the
    optimum for a random sample of 20,000 and runs to convergence on all of them with the same
    tolerances. Nelder-Mead first only when L-BFGS-B fails.
    """
    xs, ms = _inputs(x, m)
    if xs.size < 2:
        raise FitError("the spend model needs at least two customers with repeat transactions")
    prepared = _prepare(xs, ms)
    start = np.log(np.array([1.0, 2.0, float(np.mean(ms))]))
    result = _warm_fit(xs, ms, prepared, start) if xs.size >= 5 * _SAMPLE else None
    if result is None or not converged(result):
        result = _lbfgsb(prepared, start)
    if not converged(result):

        def value(log_params: FloatArray) -> float:
            return _negative_log_likelihood_and_gradient(log_params, prepared)[0]

        rough = minimize(value, start, method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-8})
        result = _lbfgsb(prepared, rough.x)
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
