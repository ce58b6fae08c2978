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
from scipy.optimize import OptimizeResult, minimize
from scipy.special import betaln, gammaln, hyp2f1, psi

from inyeon.analytics.stats.histories import distinct_histories

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


def merge_identical(x: FloatArray, t_x: FloatArray, T: FloatArray) -> tuple[FloatArray, ...]:
    """Distinct (x, t_x, T) rows and how many customers share each."""
    h = distinct_histories(x, t_x, T)
    return h.x, h.t_x, h.T, h.count


@dataclass(frozen=True)
class _Prepared:
    """Merged histories with index arrays into their distinct x, t_x and T values."""

    x: FloatArray
    w: FloatArray
    repeat: NDArray[np.bool_]
    x_values: FloatArray
    x_index: NDArray[np.intp]
    tx_values: FloatArray
    tx_index: NDArray[np.intp]
    T_values: FloatArray
    T_index: NDArray[np.intp]


def _prepare(x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> _Prepared:
    x_values, x_index = np.unique(x, return_inverse=True)
    tx_values, tx_index = np.unique(t_x, return_inverse=True)
    T_values, T_index = np.unique(T, return_inverse=True)
    return _Prepared(x, w, x > 0, x_values, x_index, tx_values, tx_index, T_values, T_index)


def _negative_log_likelihood_and_gradient(log_params: FloatArray, d: _Prepared) -> tuple[float, FloatArray]:
    """-LL and its gradient in log-parameters.

    Every logarithm and special function is evaluated on the distinct values of x, t_x and T and
    gathered by index, so the per-row work is a handful of multiplications and one exp/log pair.
    """
    r, alpha, a, b = np.exp(log_params)
    xv, xi = d.x_values, d.x_index
    rx = r + d.x
    log_alpha_T = np.log(alpha + d.T_values)[d.T_index]
    log_alpha_tx = np.log(alpha + d.tx_values)[d.tx_index]
    log_b_x1 = np.log(np.where(xv > 0, b + xv - 1, 1.0))[xi]
    base = (
        (gammaln(r + xv) + gammaln(b + xv) - gammaln(a + b + xv))[xi]
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        - gammaln(b)
    )
    c3 = -rx * log_alpha_T
    c4 = np.where(d.repeat, np.log(a) - log_b_x1 - rx * log_alpha_tx, -np.inf)
    mix = np.logaddexp(c3, c4)
    ll = float(np.dot(d.w, base + mix))
    w3 = np.exp(c3 - mix)
    w4 = np.where(d.repeat, 1.0 - w3, 0.0)
    inv_alpha_T = (1.0 / (alpha + d.T_values))[d.T_index]
    inv_alpha_tx = (1.0 / (alpha + d.tx_values))[d.tx_index]
    psi_ab = psi(a + b)
    per_x_r = (psi(r + xv) - psi(r) + np.log(alpha))[xi]
    per_x_a = (psi_ab - psi(a + b + xv))[xi]
    per_x_b = (psi(b + xv) - psi(b) + psi_ab - psi(a + b + xv))[xi]
    inv_b_x1 = np.exp(-log_b_x1)
    dr = per_x_r - w3 * log_alpha_T - w4 * log_alpha_tx
    dalpha = r / alpha - rx * (w3 * inv_alpha_T + w4 * inv_alpha_tx)
    da = per_x_a + w4 / a
    db = per_x_b - w4 * inv_b_x1
    w = d.w
    grad = np.array([np.dot(w, dr) * r, np.dot(w, dalpha) * alpha, np.dot(w, da) * a, np.dot(w, db) * b])
    return -ll, -grad


def _optimise(prepared: _Prepared, start: FloatArray, *, gtol: float) -> OptimizeResult:
    return minimize(
        _negative_log_likelihood_and_gradient,
        start,
        args=(prepared,),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "gtol": gtol, "ftol": 1e-15},
    )


def fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BGNBDParams:
    """Maximum-likelihood estimates of (r, alpha, a, b) with the analytic gradient.

    Identical (x, t_x, T) rows are merged and weighted first, and lnΓ/ψ are evaluated only on the
    distinct values of x, so a fit over a million customers costs little more than one over their
    distinct histories.
    """
    xs, txs, Ts = _summary(x, t_x, T)
    if xs.size < 2:
        raise FitError("a fit needs at least two customers")
    if not np.any(xs > 0):
        raise FitError("no customer made a repeat purchase; the dropout process cannot be estimated")
    prepared = _prepare(*merge_identical(xs, txs, Ts))
    scale = float(np.mean(Ts)) or 1.0
    starts = [np.log([1.0, scale, 1.0, 1.0]), np.log([0.5, scale / 4, 0.8, 2.5])]
    best = None
    # A further start only when the previous one does not converge.
    for start in starts:
        result = _optimise(prepared, start, gtol=1e-9)
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
        if best is not None and best.success:
            break
    if best is None or not best.success:
        message = best.message if best is not None else "no finite likelihood"
        raise FitError(f"the BG/NBD fit did not converge: {message}")
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BGNBDParams(r=r, alpha=alpha, a=a, b=b, log_likelihood=-float(best.fun), n=int(xs.size))


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
