"""Every score of every customer from one transaction log: the engine behind the scoring job.

Arrays in, arrays out. Customers without a purchase get the prospect stage and zero scores; when
the data cannot identify BG/NBD (too few customers, no repeat purchase) or Gamma-Gamma, the
scores that need the model are left at zero and `notes` says why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from inyeon.analytics.stats import bgnbd, gamma_gamma, rfm, value_tiers
from inyeon.analytics.stats.bgnbd import FitError
from inyeon.analytics.stats.clv import clv
from inyeon.analytics.stats.histories import distinct_histories
from inyeon.analytics.stats.lifecycle import LifecycleRules, lifecycle_stages
from inyeon.analytics.stats.transactions import customer_summary

ENGINE_VERSION = "1"


@dataclass(frozen=True)
class ScoringConfig:
    rules: LifecycleRules = field(default_factory=LifecycleRules)
    tiers: tuple[tuple[str, float], ...] = value_tiers.DEFAULT_TIERS
    referral_share: float = 0.1
    annual_discount_rate: float = 0.1
    segment_map: dict[str, dict[str, Any]] | None = None
    clv_horizon_days: float = 365.0
    expected_days: float = 90.0


@dataclass
class Scores:
    """One entry per contact, in the order of the `contact_id` given to `score_customers`."""

    contact_id: NDArray[np.int64]
    recency_days: NDArray[np.int64]
    frequency: NDArray[np.int64]
    monetary: NDArray[np.int64]
    r_score: NDArray[np.int64]
    f_score: NDArray[np.int64]
    m_score: NDArray[np.int64]
    segment: NDArray[Any]
    value_tier: NDArray[Any]
    lifecycle_stage: NDArray[Any]
    p_alive: NDArray[np.float64]
    expected_purchases: NDArray[np.float64]
    clv: NDArray[np.int64]
    equity: NDArray[np.int64]
    buyers: int
    params: dict[str, dict[str, float]]
    notes: list[str]
    model_version: str


def score_customers(
    *,
    contact_id: NDArray[np.int64],
    referred_by: NDArray[np.int64],
    order_contact: NDArray[np.int64],
    order_day: NDArray[np.int64],
    order_amount: NDArray[np.int64],
    as_of_day: int,
    config: ScoringConfig | None = None,
) -> Scores:
    """Scores as of `as_of_day` (days since 1970-01-01); amounts in minor units; -1 = no referrer."""
    config = config or ScoringConfig()
    ids = np.asarray(contact_id, dtype=np.int64)
    n = ids.size
    summary = customer_summary(order_contact, order_day, order_amount, as_of_day)
    # Position of each buyer among the contacts (orders of unknown contacts are dropped).
    pos = np.searchsorted(ids, summary.customer_id)
    known = (pos < n) & (ids[np.minimum(pos, max(n - 1, 0))] == summary.customer_id) if n else pos < 0
    pos = pos[known]
    s = {name: getattr(summary, name)[known] for name in summary.__dataclass_fields__}
    bought = np.zeros(n, dtype=bool)
    bought[pos] = True
    notes: list[str] = []
    params: dict[str, dict[str, float]] = {}

    def spread(values: NDArray[Any], fill: Any, dtype: Any) -> NDArray[Any]:
        out = np.full(n, fill, dtype=dtype)
        out[pos] = values
        return out

    r, f, m = rfm.rfm_scores(rfm.RFMTable(s["customer_id"], s["recency_days"], s["orders"], s["total"]))
    segments = rfm.segments_for(r, f, config.segment_map) if pos.size else np.array([], dtype=object)
    tiers = value_tiers.value_tiers(s["total"], config.tiers) if pos.size else np.array([], dtype=object)

    x, t_x, T = s["x"], s["t_x"], s["T"]
    p_alive = np.zeros(pos.size)
    expected = np.zeros(pos.size)
    value = np.zeros(pos.size)
    try:
        bg = bgnbd.fit(x, t_x, T)
        params["bgnbd"] = {
            "r": bg.r,
            "alpha": bg.alpha,
            "a": bg.a,
            "b": bg.b,
            "log_likelihood": bg.log_likelihood,
        }
        h = distinct_histories(x, t_x, T)
        p_alive = bgnbd.probability_alive(bg, h.x, h.t_x, h.T)[h.index]
        expected = bgnbd.conditional_expected_purchases(bg, config.expected_days, h.x, h.t_x, h.T)[h.index]
        spend = _expected_spend(s, params, notes)
        value = clv(
            bg,
            spend,
            x,
            t_x,
            T,
            horizon=config.clv_horizon_days,
            periods=12,
            annual_discount_rate=config.annual_discount_rate,
            histories=h,
        )
    except FitError as exc:
        notes.append(f"bgnbd: {exc}")
    p_alive = np.round(p_alive, 6)
    expected = np.round(expected, 6)

    clv_all = spread(np.rint(value), 0, np.int64)
    equity = np.rint(
        value_tiers.customer_equity(ids, clv_all.astype(np.float64), referred_by, config.referral_share)
    ).astype(np.int64)
    p_alive_all = spread(p_alive, 0.0, np.float64)
    first_all = spread(as_of_day - s["first_day"], 0, np.int64)
    recency_all = spread(s["recency_days"], 0, np.int64)
    tier_all = spread(tiers, "", object)
    f_all = spread(f, 0, np.int64)
    stages = lifecycle_stages(
        purchased=bought,
        days_since_first=first_all,
        days_since_last=recency_all,
        # Without a fitted model P(alive) cannot mark anyone as churned; the silence rule still can.
        p_alive=p_alive_all if "bgnbd" in params else np.ones(n),
        tier=tier_all,
        f_score=f_all,
        rules=config.rules,
    ).astype(object)
    return Scores(
        contact_id=ids,
        recency_days=recency_all,
        frequency=spread(s["orders"], 0, np.int64),
        monetary=spread(np.rint(s["total"]), 0, np.int64),
        r_score=spread(r, 0, np.int64),
        f_score=f_all,
        m_score=spread(m, 0, np.int64),
        segment=spread(segments, "", object),
        value_tier=tier_all,
        lifecycle_stage=stages,
        p_alive=p_alive_all,
        expected_purchases=spread(expected, 0.0, np.float64),
        clv=clv_all,
        equity=equity,
        buyers=int(pos.size),
        params=params,
        notes=notes,
        model_version=_version(params, config),
    )


def _expected_spend(s: dict[str, Any], params: dict[str, dict[str, float]], notes: list[str]) -> NDArray[Any]:
    x, mean = s["x"], s["repeat_mean"]
    repeat = (x > 0) & (mean > 0)
    try:
        gg = gamma_gamma.fit(x[repeat], mean[repeat])
        params["gamma_gamma"] = {"p": gg.p, "q": gg.q, "gamma": gg.gamma, "log_likelihood": gg.log_likelihood}
        return gamma_gamma.conditional_expected_spend(gg, x, mean)
    except FitError as exc:
        notes.append(f"gamma_gamma: {exc}; the customer's own mean order value is used")
        return np.asarray(s["total"] / np.maximum(s["orders"], 1), dtype=np.float64)


def _version(params: dict[str, dict[str, float]], config: ScoringConfig) -> str:
    plain = {
        "params": {k: {p: float(f"{v:.6g}") for p, v in d.items()} for k, d in sorted(params.items())},
        "config": repr(config),
    }
    digest = hashlib.sha1(json.dumps(plain, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
    return f"v{ENGINE_VERSION}-{digest[:10]}"
