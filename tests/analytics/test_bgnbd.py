"""The BG/NBD library reproduces the published CDNOW results (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

import numpy as np
import pytest
from lifetimes import datasets as lifetimes_datasets  # test dependency: ships the CDNOW data

from inyeon.analytics.stats import bgnbd


@pytest.fixture(scope="module")
def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = lifetimes_datasets.load_cdnow_summary()
    return data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()


def test_it_recovers_the_published_cdnow_parameters(cdnow: tuple) -> None:
    params = bgnbd.fit(*cdnow)
    assert params.n == 2357
    assert params.r == pytest.approx(0.243, abs=0.001)
    assert params.alpha == pytest.approx(4.414, abs=0.01)
    assert params.a == pytest.approx(0.793, abs=0.002)
    assert params.b == pytest.approx(2.426, abs=0.01)
    assert params.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_the_papers_example_customer_expects_1_226_purchases_in_39_weeks(cdnow: tuple) -> None:
    params = bgnbd.fit(*cdnow)
    expected = bgnbd.conditional_expected_purchases(params, 39, [2], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=0.001)


def test_probability_alive_is_one_without_repeat_purchases_and_falls_with_silence() -> None:
    params = bgnbd.BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n=0)
    p = bgnbd.probability_alive(params, [0, 3, 3], [0, 30.0, 5.0], [38.86, 38.86, 38.86])
    assert p[0] == 1.0
    assert 0 < p[2] < p[1] < 1


def test_degenerate_input_gets_a_clear_error() -> None:
    with pytest.raises(bgnbd.FitError, match="repeat purchase"):
        bgnbd.fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(bgnbd.FitError, match="two customers"):
        bgnbd.fit([1], [2.0], [10.0])
    with pytest.raises(bgnbd.FitError, match="t_x"):
        bgnbd.fit([1, 2], [12.0, 1.0], [10.0, 10.0])


def test_the_analytic_gradient_matches_finite_differences(cdnow: tuple) -> None:
    from scipy.optimize import check_grad

    x, t_x, T = (np.asarray(v, dtype=float) for v in cdnow)
    prepared = bgnbd._prepare(*bgnbd.merge_identical(x, t_x, T))
    point = np.log([0.3, 5.0, 0.7, 2.0])
    error = check_grad(
        lambda p: bgnbd._negative_log_likelihood_and_gradient(p, prepared)[0],
        lambda p: bgnbd._negative_log_likelihood_and_gradient(p, prepared)[1],
        point,
    )
    assert error < 1e-3


def test_merging_identical_histories_keeps_the_likelihood(cdnow: tuple) -> None:
    x, t_x, T = (np.asarray(v, dtype=float) for v in cdnow)
    doubled = bgnbd.fit(np.tile(x, 2), np.tile(t_x, 2), np.tile(T, 2))
    single = bgnbd.fit(x, t_x, T)
    assert doubled.log_likelihood == pytest.approx(2 * single.log_likelihood, rel=1e-6)
    assert doubled.r == pytest.approx(single.r, rel=1e-4)


def test_a_line_search_stop_counts_as_converged_only_where_the_gradient_is_flat() -> None:
    from scipy.optimize import OptimizeResult

    def stopped(jac: list[float]) -> OptimizeResult:
        return OptimizeResult(x=np.zeros(4), fun=3.4e7, jac=np.array(jac), success=False, message="ABNORMAL")

    assert bgnbd.converged(stopped([0.004, -0.006, 0.0001, 0.0008]))
    assert not bgnbd.converged(stopped([50.0, 0.0, 0.0, 0.0]))
    assert not bgnbd.converged(
        OptimizeResult(x=np.array([np.nan] * 4), fun=1.0, jac=np.zeros(4), success=True)
    )


def _simulate(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers from the BG/NBD story with the CDNOW parameters, in weeks at day resolution."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.243, 1 / 4.414, size=n)
    p = rng.beta(0.793, 2.426, size=n)
    T = rng.integers(26 * 7, 78 * 7 + 1, size=n) / 7.0
    x, t_x, clock = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= T[idx]
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = np.floor(clock[buyers] * 7) / 7.0
        alive[idx[~bought]] = False
        alive[buyers[rng.random(buyers.size) < p[buyers]]] = False
    return x, np.minimum(t_x, T), T


def test_the_packed_merge_matches_the_general_one() -> None:
    from inyeon.analytics.stats.histories import distinct_histories

    x, t_x, T = _simulate(20_000)
    packed = bgnbd.merge_identical(x, t_x, T)
    general = distinct_histories(x, t_x, T)
    for ours, theirs in zip(packed, (general.x, general.t_x, general.T, general.count), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    # Times that are whole numbers at no resolution take the general path.
    odd = t_x * np.sqrt(2) / 2
    merged = bgnbd.merge_identical(x, odd, T)
    assert merged[3].sum() == x.size
    assert merged[0].size == distinct_histories(x, odd, T).x.size


def test_the_merged_likelihood_is_the_sum_of_the_customers_terms_even_beyond_exps_range() -> None:
    x = np.array([0.0, 0.0, 1.0, 3.0, 3.0, 2000.0])
    t_x = np.array([0.0, 0.0, 2.0, 30.0, 30.0, 0.5])
    T = np.array([10.0, 40.0, 40.0, 40.0, 40.0, 5000.0])
    prepared = bgnbd._prepare(*bgnbd.merge_identical(x, t_x, T))
    for r, alpha, a, b in ((0.243, 4.414, 0.793, 2.426), (2.0, 0.01, 3.0, 0.5)):
        value, grad = bgnbd._negative_log_likelihood_and_gradient(np.log([r, alpha, a, b]), prepared)
        terms = bgnbd.log_likelihood_terms(r, alpha, a, b, x, t_x, T)
        assert -value == pytest.approx(float(terms.sum()), rel=1e-12)
        assert np.all(np.isfinite(grad))


def test_the_warm_start_from_a_sample_reaches_the_same_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    x, t_x, T = _simulate(60_000)
    monkeypatch.setattr(bgnbd, "_SAMPLE", 5_000)
    monkeypatch.setattr(bgnbd, "_WARM_START_ROWS", 1_000)
    used = []
    preconditioned = bgnbd.minimize_preconditioned

    def spy(*args: object) -> object:
        result = preconditioned(*args)  # type: ignore[arg-type]
        used.append(result)
        return result

    monkeypatch.setattr(bgnbd, "minimize_preconditioned", spy)
    warm = bgnbd.fit(x, t_x, T)
    assert len(used) == 1 and bgnbd.converged(used[0])
    prepared = bgnbd._prepare(*bgnbd.merge_identical(x, t_x, T))
    cold = bgnbd._cold_fit(prepared, float(np.mean(T)))
    assert cold is not None and bgnbd.converged(cold)
    assert [warm.r, warm.alpha, warm.a, warm.b] == pytest.approx(list(np.exp(cold.x)), rel=1e-5)
    assert warm.log_likelihood == pytest.approx(-cold.fun, abs=1e-6)


def test_a_fit_that_does_not_converge_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy.optimize import OptimizeResult

    def stuck(prepared: object, start: np.ndarray, **_: object) -> OptimizeResult:
        return OptimizeResult(x=start, fun=1e6, jac=np.full(4, 1e6), success=False, message="ABNORMAL")

    monkeypatch.setattr(bgnbd, "_optimise", stuck)
    with pytest.raises(bgnbd.FitError, match="did not converge"):
        bgnbd.fit(*_simulate(2_000))
