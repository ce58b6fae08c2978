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
    """Merged histories arranged for the likelihood.

    Terms that depend on x only are summed with the weight of each distinct x, terms that depend
    on T only with the weight of each distinct T; only the repeat buyers' mixing term is per row.
    """

    total: float
    x_values: FloatArray
    x_weight: FloatArray
    T_values: FloatArray
    T_weight: FloatArray
    T_weight_x: FloatArray
    tx_values: FloatArray
    rows: _Rows


@dataclass(frozen=True)
class _Rows:
    """Repeat buyers' merged rows (x > 0): weights, x, indexes into the distinct values, and work
    buffers reused by every evaluation (so an evaluation allocates nothing per row)."""

    w: FloatArray
    x: FloatArray
    x_index: NDArray[np.intp]
    tx_index: NDArray[np.intp]
    T_index: NDArray[np.intp]
    work: FloatArray  # 4 x rows


def _prepare(x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> _Prepared:
    x_values, x_index = np.unique(x, return_inverse=True)
    tx_values, tx_index = np.unique(t_x, return_inverse=True)
    T_values, T_index = np.unique(T, return_inverse=True)
    i = np.flatnonzero(x > 0)
    rows = _Rows(
        w=w[i],
        x=x[i],
        x_index=x_index[i],
        tx_index=tx_index[i],
        T_index=T_index[i],
        work=np.empty((4, i.size)),
    )
    return _Prepared(
        total=float(w.sum()),
        x_values=x_values,
        x_weight=np.bincount(x_index, weights=w, minlength=x_values.size).astype(np.float64),
        T_values=T_values,
        T_weight=np.bincount(T_index, weights=w, minlength=T_values.size).astype(np.float64),
        T_weight_x=np.bincount(T_index, weights=w * x, minlength=T_values.size).astype(np.float64),
        tx_values=tx_values,
        rows=rows,
    )


def _repeat_sums(
    rows: _Rows,
    r: float,
    K: FloatArray,
    inv_b: FloatArray,
    log_T: FloatArray,
    log_tx: FloatArray,
    inv_T: FloatArray,
    inv_tx: FloatArray,
) -> tuple[float, float, float, float, float]:
    """Sums over repeat buyers of the mixing term and of what its gradient needs."""
    D, rx, z, tmp = rows.work
    np.take(log_T, rows.T_index, out=D)
    np.take(log_tx, rows.tx_index, out=tmp)
    np.subtract(D, tmp, out=D)  # D = ln(alpha + T) - ln(alpha + t_x)
    np.add(rows.x, r, out=rx)
    np.take(K, rows.x_index, out=z)
    np.multiply(rx, D, out=tmp)
    np.add(z, tmp, out=z)  # z = ln a - ln(b + x - 1) + (r + x) D
    # One exponential serves both softplus(z) = max(z, 0) + ln(1 + e) and the logistic of z,
    # with e = exp(-|z|) so that neither can overflow.
    np.abs(z, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)  # e
    positive = z >= 0
    np.maximum(z, 0.0, out=z)
    np.add(z, np.log1p(tmp), out=z)  # softplus
    softplus = float(np.dot(rows.w, z))
    np.add(tmp, 1.0, out=z)
    np.divide(np.where(positive, 1.0, tmp), z, out=z)  # the logistic of the original z
    np.multiply(z, rows.w, out=z)  # z now holds w * P(the repeat-buyer case)
    w4_D = float(np.dot(z, D))
    w4 = float(z.sum())
    np.take(inv_tx, rows.tx_index, out=tmp)
    np.take(inv_T, rows.T_index, out=D)
    np.subtract(tmp, D, out=tmp)
    np.multiply(tmp, rx, out=tmp)
    w4_alpha = float(np.dot(z, tmp))
    np.take(inv_b, rows.x_index, out=tmp)
    w4_b = float(np.dot(z, tmp))
    return softplus, w4_D, w4_alpha, w4, w4_b


def _negative_log_likelihood_and_gradient(log_params: FloatArray, d: _Prepared) -> tuple[float, FloatArray]:
    """-LL and its gradient in log-parameters.

    With D = ln(alpha + T) - ln(alpha + t_x) and z = ln a - ln(b + x - 1) + (r + x) D, a repeat
    buyer's likelihood mixes its two cases through softplus(z), and the case weights are the
    logistic of z; everything else is a sum over distinct x or distinct T.
    """
    r, alpha, a, b = np.exp(log_params)
    xv, W = d.x_values, d.total
    log_T = np.log(alpha + d.T_values)
    inv_T = 1.0 / (alpha + d.T_values)
    log_tx = np.log(alpha + d.tx_values)
    inv_tx = 1.0 / (alpha + d.tx_values)
    b_x1 = np.where(xv > 0, b + xv - 1, 1.0)
    K = np.log(a) - np.log(b_x1)
    inv_b = 1.0 / b_x1
    softplus, w4_D, w4_alpha, w4, w4_b = _repeat_sums(d.rows, r, K, inv_b, log_T, log_tx, inv_T, inv_tx)
    base = gammaln(r + xv) + gammaln(b + xv) - gammaln(a + b + xv)
    T_log = float(np.dot(d.T_weight, log_T))
    T_log_x = float(np.dot(d.T_weight_x, log_T))
    ll = (
        float(np.dot(d.x_weight, base))
        + W * (-gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b))
        - (r * T_log + T_log_x)
        + softplus
    )
    psi_ab = psi(a + b)
    dr = float(np.dot(d.x_weight, psi(r + xv))) - W * (psi(r) - np.log(alpha)) - T_log + w4_D
    dalpha = (
        W * r / alpha - (r * float(np.dot(d.T_weight, inv_T)) + float(np.dot(d.T_weight_x, inv_T))) - w4_alpha
    )
    da = W * psi_ab - float(np.dot(d.x_weight, psi(a + b + xv))) + w4 / a
    db = float(np.dot(d.x_weight, psi(b + xv) - psi(a + b + xv))) + W * (psi_ab - psi(b)) - w4_b
    grad = np.array([dr * r, dalpha * alpha, da * a, db * b])
    return -float(ll), -grad


def converged(result: OptimizeResult) -> bool:
    """Converged, or stopped by the line search at a point whose gradient is already negligible
    (L-BFGS-B reports ABNORMAL when it cannot improve a likelihood of millions in the last digits)."""
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun) or result.fun >= 1e299:
        return False
    flat = float(np.max(np.abs(result.jac))) <= 1e-6 * max(1.0, abs(float(result.fun)))
    return bool(result.success) or flat


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
        if best is not None and converged(best):
            break
    if best is None or not converged(best):
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
