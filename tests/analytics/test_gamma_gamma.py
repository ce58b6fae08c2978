"""The Gamma-Gamma library reproduces the published CDNOW spend parameters."""

from __future__ import annotations

import pytest
from lifetimes import datasets as lifetimes_datasets  # test dependency: ships the CDNOW data

from inyeon.analytics.stats import gamma_gamma
from inyeon.analytics.stats.bgnbd import FitError


def test_it_recovers_the_published_cdnow_spend_parameters() -> None:
    data = lifetimes_datasets.load_cdnow_summary_data_with_monetary_value()
    params = gamma_gamma.fit(data["frequency"].to_numpy(), data["monetary_value"].to_numpy())
    assert params.n == 946
    assert params.p == pytest.approx(6.25, abs=0.01)
    assert params.q == pytest.approx(3.74, abs=0.01)
    assert params.gamma == pytest.approx(15.44, abs=0.05)


def test_expected_spend_shrinks_a_customers_mean_towards_the_population() -> None:
    params = gamma_gamma.GammaGammaParams(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n=0)
    population = 6.25 * 15.44 / 2.74
    one, many = gamma_gamma.conditional_expected_spend(params, [1, 20], [100.0, 100.0])
    assert population < one < many < 100.0
    assert gamma_gamma.conditional_expected_spend(params, [0], [0.0])[0] == pytest.approx(population)


def test_too_few_repeat_customers_is_a_clear_error() -> None:
    with pytest.raises(FitError, match="at least two"):
        gamma_gamma.fit([0, 1, 0], [0.0, 10.0, 0.0])


def test_the_analytic_gradient_matches_finite_differences() -> None:
    import numpy as np
    from scipy.optimize import approx_fprime

    data = lifetimes_datasets.load_cdnow_summary_data_with_monetary_value()
    x, m = data["frequency"].to_numpy(float), data["monetary_value"].to_numpy(float)
    prepared = gamma_gamma._prepare(x[x > 0], m[x > 0])
    point = np.log([3.0, 2.5, 20.0])
    value, grad = gamma_gamma._negative_log_likelihood_and_gradient(point, prepared)
    numeric = approx_fprime(
        point, lambda v: gamma_gamma._negative_log_likelihood_and_gradient(v, prepared)[0]
    )
    assert grad == pytest.approx(numeric, rel=1e-4)
    # The merged likelihood equals the sum of the per-customer terms.
    p, q, g = np.exp(point)
    terms = gamma_gamma.log_likelihood_terms(p, q, g, x[x > 0], m[x > 0])
    assert -value == pytest.approx(float(terms.sum()), rel=1e-10)


def _simulate(n: int, seed: int = 5) -> tuple:
    """Repeat customers from the Gamma-Gamma story with the CDNOW parameters: continuous spends."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = 1 + rng.negative_binomial(0.8, 0.25, size=n).astype(float)
    nu = rng.gamma(3.74, 1 / 15.44, size=n)
    return x, rng.gamma(6.25 * x, 1 / (nu * x))  # the mean of x Gamma(6.25, nu) spends


def test_the_analytic_gradient_matches_finite_differences_on_continuous_spends() -> None:
    import numpy as np
    from scipy.optimize import check_grad

    x, m = _simulate(5_000)
    prepared = gamma_gamma._prepare(x, m)
    for point in (np.log([6.25, 3.74, 15.44]), np.log([1.0, 2.0, 40.0]), np.log([20.0, 9.0, 3.0])):
        value, grad = gamma_gamma._negative_log_likelihood_and_gradient(point, prepared)
        error = check_grad(
            lambda v: gamma_gamma._negative_log_likelihood_and_gradient(v, prepared)[0],
            lambda v: gamma_gamma._negative_log_likelihood_and_gradient(v, prepared)[1],
            point,
        )
        assert error < 1e-4 * max(1.0, float(np.max(np.abs(grad))))
        p, q, g = np.exp(point)
        assert -value == pytest.approx(
            float(gamma_gamma.log_likelihood_terms(p, q, g, x, m).sum()), rel=1e-10
        )


def test_a_large_fit_converges_with_l_bfgs_b_alone_and_recovers_the_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scipy import optimize

    methods = []
    minimize = optimize.minimize

    def spy(*args: object, **kwargs: object) -> object:
        methods.append(kwargs.get("method"))
        return minimize(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gamma_gamma, "minimize", spy)
    params = gamma_gamma.fit(*_simulate(100_000))
    assert methods == ["L-BFGS-B"]
    assert params.n == 100_000
    assert params.p == pytest.approx(6.25, rel=0.05)
    assert params.q == pytest.approx(3.74, rel=0.05)
    assert params.gamma == pytest.approx(15.44, rel=0.05)
