"""The Pareto/NBD library reproduces the published CDNOW fit."""

from __future__ import annotations

import pytest
from lifetimes import datasets as lifetimes_datasets  # test dependency: ships the CDNOW data

from inyeon.analytics.stats import pareto_nbd


def test_it_recovers_the_published_cdnow_parameters() -> None:
    data = lifetimes_datasets.load_cdnow_summary()
    params = pareto_nbd.fit(data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy())
    assert params.r == pytest.approx(0.553, abs=0.002)
    assert params.alpha == pytest.approx(10.578, abs=0.05)
    assert params.s == pytest.approx(0.606, abs=0.005)
    assert params.beta == pytest.approx(11.669, abs=0.1)
    assert params.log_likelihood == pytest.approx(-9595.0, abs=0.1)
