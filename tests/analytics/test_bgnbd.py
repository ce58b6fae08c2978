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
