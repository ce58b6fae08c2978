"""The BG/NBD model of repeat purchasing.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

Each customer is summarised by x (repeat purchases), t_x (time of the last purchase) and T (age),
all in one time unit. While active a customer buys with a Poisson rate drawn from
Gamma(r, alpha); after each purchase they drop out with a probability drawn from Beta(a, b).
"""

from __future__ import annotations

import math
from collections.abc import Callable
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


# Time units whose values are whole numbers at a finer resolution: days (1), weeks at day
# resolution (7), days at hour resolution (24), years at month / week / day resolution.
_SCALES = (1.0, 7.0, 24.0, 12.0, 52.0, 365.0)
_BITS = 21  # packed key: x, t_x and T each below 2^21 once scaled to whole numbers


def _whole_numbers(v: FloatArray, scale: float) -> NDArray[np.int64] | None:
    """v * scale as non-negative whole numbers below 2^21, or None if it is not that."""
    scaled = v * scale
    codes = np.rint(scaled)
    np.subtract(scaled, codes, out=scaled)
    np.abs(scaled, out=scaled)
    if codes.size and (float(scaled.max()) > 1e-6 or codes.min() < 0 or codes.max() >= 1 << _BITS):
        return None
    return codes.astype(np.int64)


def _grid(*arrays: FloatArray) -> tuple[float, list[NDArray[np.int64]]] | None:
    """The first resolution at which every value is a whole number, with the values there.

    Resolutions are tried on the first few thousand values and only then on all of them.
    """
    sample = np.concatenate([v[:4096] for v in arrays])
    for scale in _SCALES:
        if _whole_numbers(sample, scale) is None:
            continue
        codes = [_whole_numbers(v, scale) for v in arrays]
        if all(c is not None for c in codes):
            return scale, [c for c in codes if c is not None]
    return None


def merge_identical(x: FloatArray, t_x: FloatArray, T: FloatArray) -> tuple[FloatArray, ...]:
    """Distinct (x, t_x, T) rows sorted by (x, t_x, T), and how many customers share each.

    Whole repeat counts with t_x and T whole numbers at a common resolution (days; weeks at day
    resolution) are packed into one int64 key, sorted once without an argsort; anything else goes
    through `distinct_histories`.
    """
    whole_x = _whole_numbers(x, 1.0)
    if whole_x is not None and not np.array_equal(whole_x, x):
        whole_x = None  # repeat counts are merged only when exactly whole
    grid = _grid(t_x, T) if whole_x is not None else None
    if whole_x is None or grid is None:
        h = distinct_histories(x, t_x, T)
        return h.x, h.t_x, h.T, h.count
    scale, (tx_codes, T_codes) = grid
    key = np.left_shift(whole_x, 2 * _BITS)
    np.left_shift(tx_codes, _BITS, out=tx_codes)
    np.bitwise_or(key, tx_codes, out=key)
    np.bitwise_or(key, T_codes, out=key)
    unique, counts = np.unique(key, return_counts=True)
    mask = (1 << _BITS) - 1
    return (
        (unique >> (2 * _BITS)).astype(np.float64),
        ((unique >> _BITS) & mask).astype(np.float64) / scale,
        (unique & mask).astype(np.float64) / scale,
        counts.astype(np.float64),
    )


def _distinct(v: FloatArray, scale: float | None) -> tuple[FloatArray, NDArray[np.intp]]:
    """Sorted distinct values and each element's position among them; a lookup table instead of
    a sort when the values are whole numbers at `scale`."""
    codes = _whole_numbers(v, scale) if scale is not None else None
    if scale is None or codes is None or codes.size == 0:
        values, index = np.unique(v, return_inverse=True)
        return values, index.astype(np.intp)
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    position = np.cumsum(present, dtype=np.intp) - 1
    return np.flatnonzero(present).astype(np.float64) / scale, position[codes]


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
    """Repeat buyers' merged rows (x > 0), sorted by x: weights, x, indexes into the distinct
    values, where each run of equal x starts, and work buffers reused by every evaluation (so an
    evaluation allocates nothing per row)."""

    w: FloatArray
    x: FloatArray
    x_index: NDArray[np.intp]
    tx_index: NDArray[np.intp]
    T_index: NDArray[np.intp]
    x_starts: NDArray[np.intp]  # first row of each distinct repeat count
    x_runs: FloatArray  # the repeat count of each run
    x_runs_index: NDArray[np.intp]  # ... and its position among the distinct x
    work: FloatArray  # 4 x rows


def _prepare(x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> _Prepared:
    grid = _grid(t_x, T)
    scale = grid[0] if grid is not None else None
    x_values, x_index = _distinct(x, 1.0)
    tx_values, tx_index = _distinct(t_x, scale)
    T_values, T_index = _distinct(T, scale)
    i = np.flatnonzero(x > 0)
    i = i[np.argsort(x[i], kind="stable")]  # already in order when the rows come from the merge
    xr = x[i]
    x_starts = np.flatnonzero(np.diff(xr, prepend=-1.0)).astype(np.intp)
    rows = _Rows(
        w=w[i],
        x=xr,
        x_index=x_index[i],
        tx_index=tx_index[i],
        T_index=T_index[i],
        x_starts=x_starts,
        x_runs=xr[x_starts],
        x_runs_index=x_index[i][x_starts],
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


def _dot(u: FloatArray, v: FloatArray) -> float:
    """Sum of products without BLAS: OpenBLAS runs long dot products on several threads whose
    busy-waiting slows everything else on a small machine (3x for these fits on two cores); the
    per-row sums use the work buffers and np.sum for the same reason."""
    return float(np.sum(u * v))


_EXP_CAP = 700.0  # exp() of anything larger would overflow; softplus(z) = z there anyway


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
    if rows.w.size == 0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    D, z, e, tmp = rows.work
    np.take(log_T, rows.T_index, out=D)
    np.take(log_tx, rows.tx_index, out=tmp)
    np.subtract(D, tmp, out=D)  # D = ln(alpha + T) - ln(alpha + t_x)
    np.add(rows.x, r, out=z)
    np.multiply(z, D, out=z)
    np.take(K, rows.x_index, out=tmp)
    np.add(z, tmp, out=z)  # z = ln a - ln(b + x - 1) + (r + x) D
    # One exponential serves both softplus(z) = ln(1 + e^z) and the logistic e^z / (1 + e^z); ln of
    # 1 + e rather than log1p, which is several times slower (the absolute error is below 1e-16).
    capped = float(z.max()) > _EXP_CAP
    if capped:
        np.minimum(z, _EXP_CAP, out=e)
        np.exp(e, out=e)
    else:
        np.exp(z, out=e)
    one_e = tmp
    np.add(e, 1.0, out=one_e)
    np.divide(e, one_e, out=e)
    np.multiply(e, rows.w, out=e)  # e now holds w * P(the repeat-buyer case)
    np.log(one_e, out=one_e)
    np.multiply(one_e, rows.w, out=one_e)
    # Pairwise summation (np.sum), not a dot product: the likelihood of a million customers must
    # be accurate to a few units in its last place for the optimiser's stopping rule to work.
    softplus = float(np.sum(one_e))
    if capped:
        softplus += float(np.sum(rows.w * np.maximum(z - _EXP_CAP, 0.0)))
    np.multiply(e, D, out=z)
    w4_D = float(np.sum(z))
    per_x = np.add.reduceat(e, rows.x_starts)
    np.take(inv_tx, rows.tx_index, out=D)
    np.take(inv_T, rows.T_index, out=tmp)
    np.subtract(D, tmp, out=D)
    np.multiply(D, e, out=D)
    per_x_alpha = np.add.reduceat(D, rows.x_starts)
    w4 = float(per_x.sum())
    w4_b = _dot(per_x, inv_b[rows.x_runs_index])
    w4_alpha = _dot(per_x_alpha, rows.x_runs + r)
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
    T_log = _dot(d.T_weight, log_T)
    T_log_x = _dot(d.T_weight_x, log_T)
    # fsum: the large partial sums nearly cancel, so add them without further rounding.
    ll = math.fsum(
        (
            _dot(d.x_weight, base),
            W * float(-gammaln(r)),
            W * float(r * np.log(alpha)),
            W * float(gammaln(a + b) - gammaln(b)),
            -r * T_log,
            -T_log_x,
            softplus,
        )
    )
    psi_ab = psi(a + b)
    dr = _dot(d.x_weight, psi(r + xv)) - W * (psi(r) - np.log(alpha)) - T_log + w4_D
    dalpha = W * r / alpha - (r * _dot(d.T_weight, inv_T) + _dot(d.T_weight_x, inv_T)) - w4_alpha
    da = W * psi_ab - _dot(d.x_weight, psi(a + b + xv)) + w4 / a
    db = _dot(d.x_weight, psi(b + xv) - psi(a + b + xv)) + W * (psi_ab - psi(b)) - w4_b
    grad = np.array([dr * r, dalpha * alpha, da * a, db * b])
    if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
        return 1e300, np.zeros(4)
    return -ll, -grad


def converged(result: OptimizeResult) -> bool:
    """Converged, or stopped by the line search at a point whose gradient is already negligible
    (L-BFGS-B reports ABNORMAL when it cannot improve a likelihood of millions in the last digits)."""
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun) or result.fun >= 1e299:
        return False
    flat = float(np.max(np.abs(result.jac))) <= 1e-6 * max(1.0, abs(float(result.fun)))
    return bool(result.success) or flat


_OPTIONS = {"maxiter": 2000, "gtol": 1e-9, "ftol": 1e-15}


def _optimise(prepared: _Prepared, start: FloatArray, *, gtol: float = 1e-9) -> OptimizeResult:
    return minimize(
        _negative_log_likelihood_and_gradient,
        start,
        args=(prepared,),
        jac=True,
        method="L-BFGS-B",
        options={**_OPTIONS, "gtol": gtol},
    )


Objective = Callable[[FloatArray], tuple[float, FloatArray]]


def sample_hessian(objective: Objective, at: FloatArray, scale: float) -> FloatArray | None:
    """The Hessian of a sample's -LL at its optimum `at` (finite differences of the analytic
    gradient), times `scale` (customers / sample size); None unless positive definite."""
    h = 1e-5
    grad0 = objective(at)[1]
    eye = np.eye(at.size)
    hessian = np.array([(objective(at + h * eye[k])[1] - grad0) / h for k in range(at.size)])
    hessian = (hessian + hessian.T) / 2 * scale
    if not np.all(np.isfinite(hessian)) or np.any(np.linalg.eigvalsh(hessian) <= 0):
        return None
    return hessian


class _Certified(Exception):
    """Raised from inside L-BFGS-B once an evaluated point is certified optimal."""

    def __init__(self, u: FloatArray, value: float, grad: FloatArray) -> None:
        super().__init__()
        self.u, self.value, self.grad = u, value, grad


def minimize_preconditioned(
    objective: Objective, start: FloatArray, hessian: FloatArray, options: dict[str, float]
) -> OptimizeResult | None:
    """L-BFGS-B from `start` in coordinates where `hessian` (an estimate of the Hessian of the
    objective, e.g. from a sample) is a multiple of the identity, scaled so that L-BFGS-B's first
    step, which has length one, is the Newton step. None if `start` is unusable; otherwise the
    result (x, fun, jac) in the original coordinates.

    A warm start alone barely helps L-BFGS-B on a likelihood of millions: it still has to learn
    the curvature, which takes as many evaluations as the descent from a cold start. With the
    curvature known it reaches the optimum in three or four evaluations.

    Stopping: L-BFGS-B's own rules with the tolerances in `options`, and one more. L-BFGS-B stops
    on ftol when a step has gained less than ftol * |f|, but a likelihood of millions is exact
    only to a few units in its last place, about that much, so at the optimum its line search can
    spend 10 to 30 evaluations on rounding noise. Here a point also ends the search when the
    remaining gain the Hessian predicts there (half the squared Newton decrement) is below a tenth
    of ftol * |f|: the same tolerance, read from the gradient instead of from the next step.
    """
    value0, grad0 = objective(start)
    C = np.linalg.cholesky(hessian)  # hessian = C C^T
    C_inv = np.linalg.inv(C)
    step = float(np.linalg.norm(C_inv @ grad0))
    if not np.isfinite(value0) or value0 >= 1e299 or not np.isfinite(step) or step == 0.0:
        return None
    M = C_inv.T * step  # parameters = start + M u; the Hessian in u is about step^2 I
    ftol = float(options["ftol"])

    def in_u(u: FloatArray) -> tuple[float, FloatArray]:
        if u.any():
            value, grad = objective(start + M @ u)
            grad_u = M.T @ grad
        else:
            value, grad_u = value0, M.T @ grad0
        remaining = 0.5 * float(grad_u @ grad_u) / step**2
        if value <= value0 and remaining <= 0.1 * ftol * max(1.0, abs(value)):
            raise _Certified(u.copy(), value, grad_u)
        return value, grad_u

    try:
        result = minimize(in_u, np.zeros(start.size), jac=True, method="L-BFGS-B", options=options)
        u, value, grad_u = result.x, result.fun, result.jac
        success, message = bool(result.success), str(result.message)
    except _Certified as done:
        u, value, grad_u = done.u, done.value, done.grad
        success, message = True, "CONVERGENCE: PREDICTED REDUCTION <= FTOL*|F|/10"
    return OptimizeResult(x=start + M @ u, fun=value, jac=C @ grad_u / step, success=success, message=message)


def _cold_fit(prepared: _Prepared, scale: float) -> OptimizeResult | None:
    """The best of the fixed starts; a further start only when the previous one does not converge."""
    starts = [np.log([1.0, scale, 1.0, 1.0]), np.log([0.5, scale / 4, 0.8, 2.5])]
    best = None
    for start in starts:
        result = _optimise(prepared, start)
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
        if best is not None and converged(best):
            break
    return best


# A warm start pays once the repeat buyers have this many distinct histories.
_WARM_START_ROWS = 50_000
_SAMPLE = 20_000


def _warm_start(
    xs: FloatArray, txs: FloatArray, Ts: FloatArray, scale: float
) -> tuple[FloatArray, FloatArray] | None:
    """The optimum for a fixed-seed random sample of customers and the Hessian there, scaled up
    to the full number of customers."""
    pick = np.random.default_rng(2005).integers(0, xs.size, _SAMPLE)
    if not np.any(xs[pick] > 0):
        return None
    sample = _prepare(*merge_identical(xs[pick], txs[pick], Ts[pick]))
    result = _cold_fit(sample, scale)
    if result is None or not converged(result):
        return None
    at = np.asarray(result.x, dtype=np.float64)
    hessian = sample_hessian(
        lambda v: _negative_log_likelihood_and_gradient(v, sample), at, xs.size / _SAMPLE
    )
    return None if hessian is None else (at, hessian)


def fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BGNBDParams:
    """Maximum-likelihood estimates of (r, alpha, a, b) with the analytic gradient.

    Identical (x, t_x, T) rows are merged and weighted first, and lnΓ/ψ are evaluated only on the
    distinct values of x, so a fit over a million customers costs little more than one over their
    distinct histories. With many distinct histories the fit starts from the optimum for a random
    sample of 20,000 customers, in coordinates taken from the sample's Hessian, and then runs to
    convergence on all the data with the same tolerances; without a usable sample fit, or if that
    does not converge, it falls back to fixed starts.
    """
    xs, txs, Ts = _summary(x, t_x, T)
    if xs.size < 2:
        raise FitError("a fit needs at least two customers")
    if not np.any(xs > 0):
        raise FitError("no customer made a repeat purchase; the dropout process cannot be estimated")
    prepared = _prepare(*merge_identical(xs, txs, Ts))
    scale = float(np.mean(Ts)) or 1.0
    best = None
    if prepared.rows.w.size >= _WARM_START_ROWS and xs.size >= 4 * _SAMPLE:
        warm = _warm_start(xs, txs, Ts, scale)
        if warm is not None:
            best = minimize_preconditioned(
                lambda v: _negative_log_likelihood_and_gradient(v, prepared), *warm, _OPTIONS
            )
    if best is None or not converged(best):
        best = _cold_fit(prepared, scale)
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
