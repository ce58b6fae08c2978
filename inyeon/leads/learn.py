"""A logistic regression over lead features, fitted by Newton's method (IRLS) with a small L2
penalty. Pure numpy: arrays in, arrays out; the Django side builds the features and stores the fit."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def sigmoid(z: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float64)


def fit_logistic(x: Array, y: Array, *, l2: float = 1.0, iterations: int = 50) -> tuple[Array, float]:
    """(coefficients, intercept) maximising the penalised likelihood of `y` (0/1) given `x`."""
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    beta = np.zeros(k + 1)
    penalty = np.eye(k + 1) * l2
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _step in range(iterations):
        p = sigmoid(design @ beta)
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty
        delta = np.linalg.solve(hessian, gradient)
        beta = beta + delta
        if float(np.max(np.abs(delta))) < 1e-8:
            break
    return beta[1:], float(beta[0])


def predict(x: Array, coefficients: Array, intercept: float) -> Array:
    return sigmoid(x @ coefficients + intercept)
